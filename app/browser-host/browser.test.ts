/**
 * End to end in a real browser: Debian's Chromium opens the host's URL, the bridge connects, and
 * the page talks to the real core signed in to the reference server.
 *
 * Two drivers: a few DevTools Protocol calls over `ws` (needs nothing but Chromium), and
 * playwright-core, which is not a dependency yet (its test is skipped until it is).
 */
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../test/support/core/service-harness.js';
import { launchChromium } from '../../test/support/browser-host/cdp.js';
import { startHostFixture, type HostFixture } from '../../test/support/browser-host/fixture.js';
import { CHROMIUM, CHROMIUM_ARGS, haveChromium } from '../../test/support/chromium.js';

const hasChromium = haveChromium;
const hasPlaywright = (() => {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
    return true;
  } catch {
    return false;
  }
})();

// What page.evaluate's functions see: they run in the page, not here.
declare const window: { ozeki: any };
declare const location: { search: string };

let f: HostFixture;
beforeAll(async () => {
  if (hasChromium) f = await startHostFixture();
});
afterAll(async () => {
  await f?.close();
});

describe.skipIf(!hasChromium)('in Chromium', () => {
  it('runs the page against the real core: signed in, token gone, bridge unchangeable, events, reload', async () => {
    const page = await launchChromium(CHROMIUM, CHROMIUM_ARGS);
    try {
      const status = () => page.evaluate(`document.getElementById('status')?.textContent`).then((t) => JSON.parse(String(t)));
      await page.navigate(f.host.url);
      // What the page's own script saw (written by APP_JS in the fixture).
      expect(await eventually(status, 20_000, 'the test page')).toEqual({ email: 'alice@demo.ozeki.chat', search: '', refused: 3, intact: true });

      expect(await page.evaluate(`window.ozeki.invoke('state:snapshot')`)).toMatchObject({ ok: true, value: { profile: { nick: 'Alice' } } });
      // Sloppy-mode script this time: the attempts fail silently, and change nothing.
      const tampering = await page.evaluate(`(() => {
        const original = window.ozeki;
        window.ozeki = { invoke: () => 'forged' };
        delete window.ozeki;
        window.ozeki.invoke = null;
        return window.ozeki === original && Object.isFrozen(original) && typeof original.invoke === 'function';
      })()`);
      expect(tampering).toBe(true);

      const conversation = f.alice.service.snapshot().conversations[0]!;
      const changed = page.evaluate(
        `new Promise((resolve) => window.ozeki.on('conversations:changed', (p) => p.upserted.some((c) => c.id === '${conversation.id}' && c.color === '#abcdef') && resolve(true)))`,
      );
      expect(await page.evaluate(`window.ozeki.invoke('conversation:set-color', '${conversation.id}', '#abcdef')`)).toEqual({ ok: true });
      expect(await changed).toBe(true);

      // The address bar lost the token, yet reloading the page still connects (kept per tab).
      await page.navigate(`${f.origin}/`);
      expect(await eventually(status, 20_000, 'the reloaded page')).toMatchObject({ email: 'alice@demo.ozeki.chat', intact: true });
      await f.alice.service.settle();
    } finally {
      await page.close();
    }
  });

  it('says how to get a working address on a page opened without its token, and shows the icon', async () => {
    const page = await launchChromium(CHROMIUM, CHROMIUM_ARGS); // a new profile: no token kept anywhere
    try {
      await page.navigate(`${f.origin}/`);
      const reply = (await eventually(() => page.evaluate(`window.ozeki?.invoke('state:snapshot')`), 20_000, 'the page')) as any;
      expect(reply).toMatchObject({ ok: false, error: { code: 'network' } });
      expect(reply.error.message).toContain('Start the app again, or use the address it printed.');
      // The icon the page links, as the browser fetches it (same origin, no token).
      const icon = await page.evaluate(`fetch(document.querySelector('link[rel=icon]').href).then((r) => r.status + ' ' + r.headers.get('content-type'))`);
      expect(icon).toBe('200 image/png');
    } finally {
      await page.close();
    }
  });

  // The reason for the skip: playwright-core is not installed (add it as a devDependency, 1.65.1).
  it.skipIf(!hasPlaywright)('drives the page with playwright-core: invoke, events, no overwrite, reload', async () => {
    // A computed specifier so the typecheck does not need the package before it is installed.
    const name = 'playwright-core';
    const { chromium } = (await import(name)) as { chromium: any };
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m: any) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e: Error) => problems.push(e.message));
      await page.goto(f.host.url);

      const reply = await page.evaluate(() => window.ozeki.invoke('state:snapshot'));
      expect(reply).toMatchObject({ ok: true, value: { profile: { email: 'alice@demo.ozeki.chat', nick: 'Alice' } } });
      expect(await page.evaluate(() => location.search)).toBe('');

      // Inline try/catch, no helper functions: the function is sent to the page as source text.
      const tampering = await page.evaluate(() => {
        const original = window.ozeki;
        try {
          window.ozeki = { invoke: () => 'forged' };
        } catch {
          // A frozen property throws here: that is the point.
        }
        try {
          delete window.ozeki;
        } catch {
          // Likewise for a property that cannot be deleted.
        }
        let redefine = 'allowed';
        try {
          Object.defineProperty(original, 'invoke', { value: null });
        } catch {
          redefine = 'threw';
        }
        return { same: window.ozeki === original, frozen: Object.isFrozen(window.ozeki), redefine };
      });
      expect(tampering).toEqual({ same: true, frozen: true, redefine: 'threw' });

      // An event reaches the page.
      const conversation = f.alice.service.snapshot().conversations[0]!;
      const changed = page.evaluate(
        (id: string) =>
          new Promise((resolve) => window.ozeki.on('conversations:changed', (p: any) => p.upserted.some((c: any) => c.id === id) && resolve(true))),
        conversation.id,
      );
      expect(await page.evaluate((id: string) => window.ozeki.invoke('conversation:set-color', id, '#123456'), conversation.id)).toEqual({ ok: true });
      expect(await changed).toBe(true);

      // The token left the URL but a reload still connects (it is kept per tab).
      await page.reload();
      expect(await page.evaluate(() => window.ozeki.invoke('state:snapshot').then((r: any) => r.ok))).toBe(true);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
      await f.alice.service.settle();
    }
  });
});
