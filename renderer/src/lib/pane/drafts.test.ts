import { afterEach, describe, expect, it } from 'vitest';
import { installBridge } from '../../../test/fake-bridge.js';
import { draftsAccount, forgetDrafts, keepDraft, saveDraftsNow } from './drafts.js';

const CONV = 'c'.repeat(32);
const ALICE = '0123456789abcdef';
const BOB = 'fedcba9876543210';

afterEach(() => {
  forgetDrafts();
  draftsAccount(null);
});

describe('drafts', () => {
  it('saves what is still waiting to the account it was typed in, even once another is on screen', async () => {
    const bridge = installBridge({ 'drafts:set': () => ({ ok: true, value: undefined }) });
    draftsAccount(ALICE);
    keepDraft(CONV, 'half a thought');
    saveDraftsNow();
    draftsAccount(BOB);
    keepDraft(CONV, 'in the other account');
    saveDraftsNow();
    expect(bridge.calls.map((c) => c.args)).toEqual([
      [CONV, 'half a thought', ALICE],
      [CONV, 'in the other account', BOB],
    ]);
  });

  it('names no account before the window knows which it shows', () => {
    const bridge = installBridge({ 'drafts:set': () => ({ ok: true, value: undefined }) });
    keepDraft(CONV, 'early');
    saveDraftsNow();
    expect(bridge.calls.map((c) => c.args)).toEqual([[CONV, 'early']]);
  });
});
