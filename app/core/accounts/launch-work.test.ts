import { describe, expect, it } from 'vitest';
import { everySettled, StartOnce } from './launch-work.js';

describe('StartOnce', () => {
  it('runs nothing until asked, then its work once however often it is asked', async () => {
    let runs = 0;
    const once = new StartOnce(async () => {
      runs++;
    });
    await Promise.resolve();
    expect(runs).toBe(0);
    await Promise.all([once.now(), once.now()]);
    await once.now();
    expect(runs).toBe(1);
  });

  it('settles done for those waiting on it, even when the work fails', async () => {
    const once = new StartOnce(async () => {
      throw new Error('disk gone');
    });
    let settled = false;
    void once.done.then(() => (settled = true));
    await once.now();
    expect(settled).toBe(true);
  });
});

describe('everySettled', () => {
  it('lets every item finish before it rejects with the first failure', async () => {
    const finished: number[] = [];
    const run = everySettled([1, 2, 3], async (n) => {
      await new Promise((r) => setImmediate(r));
      finished.push(n);
      if (n === 2) throw new Error(`item ${n} failed`);
    });
    await expect(run).rejects.toThrow('item 2 failed');
    expect(finished.sort()).toEqual([1, 2, 3]);
  });
});
