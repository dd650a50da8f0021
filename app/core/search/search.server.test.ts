/**
 * Message search end to end: two real ChatServices (real encrypted SQLite files) signed in to the
 * real reference server on loopback, one sending, the other searching through the IPC handlers,
 * online, offline (the server stopped) and across a clear the server does not have yet.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../../server/src/server.js';
import { startTestServer, type TestServer } from '../../../server/test/harness.js';
import type { ConversationView, MessageView, SearchResults } from '../../ipc/views.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';
import { hitIds } from '../../../test/support/core/search-fixtures.js';

let t: TestServer;
/** Alice and Bob's server: same data as the test server, on a port of its own, so it can be stopped. */
let server: RunningServer;
let port: number;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
/** "Alice and Bob", as Bob lists it. */
let shared: ConversationView;
let cafe: MessageView;
let link: MessageView;

const h = (s: ServiceUnderTest) => s.service.handlers();
const views = (s: ServiceUnderTest) => s.service.snapshot().conversations;
const searchAs = (s: ServiceUnderTest, text: string): Promise<SearchResults> => h(s)['search:messages']({ text, limit: 200 });
/** "Sync now", whether or not the server answers (it may be down on purpose). */
const syncNow = async (s: ServiceUnderTest): Promise<void> => {
  const sync = h(s)['sync:now'];
  await sync().catch(() => {});
};
/** Waits for the clock's next second: Ozeki times are in seconds, and the messages sent after it sort after. */
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1005 - (Date.now() % 1000)));

beforeAll(async () => {
  t = await startTestServer();
  server = await startServer({ dataDir: t.dataDir, port: 0, log: () => {} });
  port = server.port;
  alice = await openService();
  bob = await openService();
  await signIn(alice, server.url, t.accounts[0]!);
  await signIn(bob, server.url, t.accounts[1]!);
  await eventually(() => views(alice).length === 2 && views(bob).length === 2, 10_000, 'the first sync');
  shared = views(bob).find((c) => c.name === 'Alice and Bob')!;
  expect(shared).toBeDefined();
  // Bob opens both conversations once: their seeded messages are on his device from then on.
  for (const c of views(bob)) await h(bob)['messages:latest'](c.id);
});

afterAll(async () => {
  for (const s of [alice, bob]) await s?.close().catch(() => {});
  await server?.close().catch(() => {});
  await t.stop({ remove: true });
});

describe('message search against the reference server', () => {
  it("finds what Alice sent in Bob's copy: by a word without its accent and inside a link, under the conversation's name, the match marked", async () => {
    cafe = await h(alice)['messages:send'](shared.id, 'Un café ?');
    await nextSecond();
    link = await h(alice)['messages:send'](shared.id, 'https://www.example.com/docs');
    await alice.service.settle();

    const found = await eventually(
      async () => {
        await bob.service.settle();
        const r = await searchAs(bob, 'cafe');
        return hitIds(r).includes(cafe.id) ? r : undefined;
      },
      15_000,
      'Bob to find the message',
    );
    expect(found).toEqual({
      text: 'cafe',
      groups: [
        {
          conversationId: shared.id,
          conversationName: 'Alice and Bob',
          hits: [
            {
              conversationId: shared.id,
              messageId: cafe.id,
              from: t.accounts[0]!.userid,
              fromName: 'Alice',
              mine: false,
              created: Math.floor(cafe.created / 1000) * 1000,
              segments: [
                { text: 'Un ', match: false },
                { text: 'café', match: true },
                { text: ' ?', match: false },
              ],
            },
          ],
        },
      ],
      more: false,
      waiting: 0,
    });

    const example = await eventually(
      async () => {
        const r = await searchAs(bob, 'example');
        return hitIds(r).includes(link.id) ? r : undefined;
      },
      10_000,
      'Bob to find the link',
    );
    expect(example.groups.map((g) => [g.conversationName, g.hits.map((x) => x.messageId)])).toEqual([['Alice and Bob', [link.id]]]);
    expect(example.groups[0]!.hits[0]!.segments).toEqual([
      { text: 'https://www.', match: false },
      { text: 'example', match: true },
      { text: '.com/docs', match: false },
    ]);
    expect(hitIds(await searchAs(bob, 'CAFÉ'))).toEqual([cafe.id]);
    expect(hitIds(await searchAs(bob, 'docs'))).toEqual([link.id]);

    // Alice's own copy finds them too, as hers.
    const own = await searchAs(alice, 'cafe');
    expect(own.groups[0]!.hits.map((x) => [x.messageId, x.fromName, x.mine])).toEqual([[cafe.id, 'You', true]]);
  });

  it('opens a hit with the messages around it, and pages on from there to the newest', async () => {
    const around = await h(bob)['messages:around'](shared.id, cafe.id);
    expect(around.anchorId).toBe(cafe.id);
    const texts = around.messages.map((m) => m.text);
    const at = around.messages.findIndex((m) => m.id === cafe.id);
    expect(around.messages[at]).toMatchObject({ id: cafe.id, text: 'Un café ?', fromName: 'Alice', mine: false });
    // The seeded conversation before it, the link after it, and nothing further.
    expect(texts.slice(0, at)).toContain('Hi! Have you tried the new desktop client yet?');
    expect(texts.slice(at + 1)).toEqual(['https://www.example.com/docs']);
    expect(around.hasOlder).toBe(false);
    expect(around.hasNewer).toBe(false);
    expect(await h(bob)['messages:newer'](shared.id, link.id)).toEqual({ conversationId: shared.id, messages: [], hasNewer: false });

    // Thirty more: the first 25 after the hit come with it, the rest a page further.
    await nextSecond();
    for (let i = 1; i <= 30; i++) await h(alice)['messages:send'](shared.id, `more ${i}`);
    await alice.service.settle();
    const latest = await eventually(
      async () => {
        const page = await h(bob)['messages:latest'](shared.id);
        return page.messages.filter((m) => m.text?.startsWith('more ')).length === 30 ? page : undefined;
      },
      15_000,
      'Bob to receive the thirty',
    );
    const after = latest.messages.slice(latest.messages.findIndex((m) => m.id === cafe.id) + 1).map((m) => m.id);
    expect(after).toHaveLength(31);
    const opened = await h(bob)['messages:around'](shared.id, cafe.id);
    const shown = opened.messages.slice(opened.messages.findIndex((m) => m.id === cafe.id) + 1).map((m) => m.id);
    expect(shown).toEqual(after.slice(0, 25));
    expect(opened.hasNewer).toBe(true);
    // Exactly 25 after: all of them shown, and nothing newer.
    const edge = await h(bob)['messages:around'](shared.id, latest.messages.at(-26)!.id);
    expect(edge.messages.slice(edge.messages.findIndex((m) => m.id === edge.anchorId) + 1).map((m) => m.id)).toEqual(
      latest.messages.slice(-25).map((m) => m.id),
    );
    expect(edge.hasNewer).toBe(false);
    const next = await h(bob)['messages:newer'](shared.id, shown.at(-1)!);
    expect(next.messages.map((m) => m.id)).toEqual(after.slice(25));
    expect(next.hasNewer).toBe(false);
    expect(next.messages.map((m) => m.text).sort()).toEqual(
      latest.messages
        .filter((m) => after.slice(25).includes(m.id))
        .map((m) => m.text)
        .sort(),
    );
  });

  it('still finds them, and opens them, with the server stopped', async () => {
    await server.close();
    await syncNow(bob);
    await eventually(() => bob.service.connection === 'offline', 10_000, 'Bob to be offline');

    expect(hitIds(await searchAs(bob, 'cafe'))).toEqual([cafe.id]);
    expect(hitIds(await searchAs(bob, 'example'))).toEqual([link.id]);
    expect((await searchAs(bob, 'more')).groups[0]!.hits).toHaveLength(30);
    expect((await h(bob)['messages:around'](shared.id, link.id)).anchorId).toBe(link.id);
  });

  it('finds nothing in a conversation Bob clears, at once, though the server does not have the clear yet', async () => {
    const elsewhere = (await searchAs(bob, 'desktop')).groups.filter((g) => g.conversationId !== shared.id);
    expect(elsewhere.length).toBeGreaterThan(0);
    expect(bob.service.connection).toBe('offline');

    await h(bob)['conversation:clear'](shared.id);
    expect(bob.service.snapshot().pendingCount).toBeGreaterThan(0);
    for (const text of ['cafe', 'example', 'more']) expect(await searchAs(bob, text), text).toMatchObject({ groups: [], waiting: 0 });
    // Only that conversation: the others are found as before.
    const desktop = await searchAs(bob, 'desktop');
    expect(desktop.groups.map((g) => g.conversationId)).not.toContain(shared.id);
    expect(desktop.groups).toEqual(elsewhere);
    // A hit kept from before cannot be opened any more.
    await expect(h(bob)['messages:around'](shared.id, cafe.id)).rejects.toMatchObject({ code: 'not-found' });
    await expect(h(bob)['messages:newer'](shared.id, cafe.id)).rejects.toMatchObject({ code: 'not-found' });

    // The server is back and takes the clear; what Alice writes next is found, nothing from before.
    server = await startServer({ dataDir: t.dataDir, port, log: () => {} });
    await eventually(
      async () => {
        await syncNow(bob);
        await bob.service.settle();
        return bob.service.snapshot().pendingCount === 0;
      },
      20_000,
      'the clear to reach the server',
    );
    await syncNow(alice);
    const after = await h(alice)['messages:send'](shared.id, 'Un autre café, après le ménage');
    await alice.service.settle();
    const found = await eventually(
      async () => {
        await bob.service.settle();
        const r = await searchAs(bob, 'cafe');
        return hitIds(r).includes(after.id) ? r : undefined;
      },
      20_000,
      'Bob to find the message sent after the clear',
    );
    expect(hitIds(found)).toEqual([after.id]);
    expect((await searchAs(bob, 'example')).groups).toEqual([]);
  });
});
