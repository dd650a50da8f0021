/**
 * Files (profile) end to end on a real server: Alice attaches through the contract as the window
 * does (pieces), the outbox uploads and sends, Bob downloads, checks and reads the same bytes.
 * Faults come from a scriptable proxy in front of the server, and restarts from reopening the
 * service on the same data folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cipherSize, FILE_CHUNK_BYTES, openMessage, type MessagePlaintext } from '../../../protocol/index.js';
import { startTestServer, TestClient, type TestServer } from '../../../server/test/harness.js';
import type { MessageView } from '../../ipc/views.js';
import { FILE_PIECE_BYTES } from '../../shared/rules.js';
import { call, startHostileProxy, type HostileProxy } from '../../../test/support/core/hostile-proxy.js';
import { png } from '../../../test/support/core/png.js';
import { eventually, openService, signIn, type ServiceUnderTest } from '../../../test/support/core/service-harness.js';

let t: TestServer;
let proxy: HostileProxy;
let alice: ServiceUnderTest;
let bob: ServiceUnderTest;
let conversationId: string;
const opened: ServiceUnderTest[] = [];
// Bob's app runs where "Save" has a Downloads folder and a file manager (as in Electron).
const downloads = mkdtempSync(join(tmpdir(), 'ozeki-downloads-'));
const shown: string[] = [];
let picked: string[] = [];

const h = (s: ServiceUnderTest) => s.service.handlers();
const withName = (s: ServiceUnderTest, name: string) => s.service.snapshot().conversations.find((c) => c.name === name);

async function settled(s: ServiceUnderTest): Promise<void> {
  await eventually(async () => (await s.service.settle(), s.service.snapshot().pendingCount === 0), 20_000, 'the outbox to drain');
}

async function seen(s: ServiceUnderTest, id: string): Promise<MessageView | undefined> {
  return (await h(s)['messages:latest'](conversationId)).messages.find((m) => m.id === id);
}

/** Attaches `bytes` as the window does: begin, pieces in order, end. */
async function attach(s: ServiceUnderTest, name: string, type: string, bytes: Buffer, extra: Record<string, unknown> = {}): Promise<MessageView> {
  const { stagingId } = await h(s)['files:attach-begin'](conversationId, { name, type, size: bytes.byteLength, ...extra });
  for (let i = 0, at = 0; at < bytes.byteLength || i === 0; i++, at += FILE_PIECE_BYTES) {
    await h(s)['files:attach-piece'](stagingId, i, bytes.subarray(at, at + FILE_PIECE_BYTES).toString('base64'));
    if (bytes.byteLength === 0) break;
  }
  return h(s)['files:attach-end'](stagingId);
}

/** The whole file as `s` reads it, piece by piece. */
async function readAll(s: ServiceUnderTest, id: string): Promise<Buffer> {
  const first = await h(s)['files:read'](conversationId, id, 0);
  const parts = [Buffer.from(first.data, 'base64')];
  for (let i = 1; i < first.pieces; i++) parts.push(Buffer.from((await h(s)['files:read'](conversationId, id, i)).data, 'base64'));
  return Buffer.concat(parts);
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every file under a folder. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

beforeAll(async () => {
  t = await startTestServer();
  proxy = await startHostileProxy(t.server.url);
  alice = await openService();
  bob = await openService({
    options: { files: { downloadsDir: () => downloads, showInFolder: (path) => shown.push(path), pickFiles: async () => picked } },
  });
  opened.push(alice, bob);
  await signIn(alice, proxy.url, t.accounts[0]!);
  await signIn(bob, t.server.url, t.accounts[1]!);
  await eventually(() => withName(alice, 'Alice and Bob') && withName(bob, 'Alice and Bob'), 10_000, 'the first sync');
  conversationId = withName(alice, 'Alice and Bob')!.id;
});

afterAll(async () => {
  for (const s of opened) await s.close().catch(() => {});
  await proxy.close();
  await t.stop({ remove: true });
  rmSync(downloads, { recursive: true, force: true });
});

describe('files between two people', () => {
  // Three chunks, the last one short: chunk borders and piece borders do not line up.
  const report = Buffer.concat([Buffer.from('%PDF-1.7 Ozeki marker 7f3a\n'), randomBytes(2 * FILE_CHUNK_BYTES + 12_345)]);
  let sent: MessageView;

  it('sends a file of several chunks; Bob reads back the same bytes, and sees its name, size and type', async () => {
    sent = await attach(alice, 'Quarterly report.pdf', 'application/pdf', report);
    expect(sent.file).toMatchObject({
      name: 'Quarterly report.pdf',
      size: report.byteLength,
      type: 'application/pdf',
      image: null,
      state: 'uploading',
      local: true,
    });
    expect(sent.text).toBe('');
    await settled(alice);
    expect((await seen(alice, sent.id))!.file).toMatchObject({ state: 'ready', local: true });
    const onBob = await eventually(() => seen(bob, sent.id), 10_000, 'Bob to have the file message');
    expect(onBob.file).toMatchObject({ name: 'Quarterly report.pdf', size: report.byteLength, state: 'ready', local: false });
    const back = await readAll(bob, sent.id);
    expect(sha(back)).toBe(sha(report));
    expect((await seen(bob, sent.id))!.file!.local).toBe(true);
    // Progress went out while it downloaded, ending at the whole ciphertext.
    const progress = bob.events.filter((e) => e.event === 'files:progress').map((e) => e.payload as { done: number; total: number; direction: string });
    expect(progress.at(-1)).toEqual(
      expect.objectContaining({ direction: 'download', done: cipherSize(report.byteLength), total: cipherSize(report.byteLength) }),
    );
  });

  it('keeps only ciphertext on the server and on both devices', () => {
    const marker = Buffer.from('Ozeki marker 7f3a');
    for (const dir of [t.dataDir, alice.dataDir, bob.dataDir]) {
      for (const file of filesUnder(dir)) expect(readFileSync(file).includes(marker), file).toBe(false);
    }
  });

  it('is found by its name in search', async () => {
    await eventually(async () => (await h(bob)['search:messages']({ text: 'quarterly' })).groups.length > 0 || undefined, 10_000, 'the index');
    const hits = (await h(bob)['search:messages']({ text: 'quarterly' })).groups.flatMap((g) => g.hits);
    expect(hits.map((hit) => hit.messageId)).toContain(sent.id);
  });

  it('shows a picture inline with its preview, and never trusts a preview whose bytes say otherwise', async () => {
    const picture = png(64, 48);
    const thumbnail = { type: 'image/png' as const, width: 32, height: 24, data: png(32, 24).toString('base64') };
    const view = await attach(alice, 'holiday.png', 'image/png', picture, { thumbnail });
    expect(view.file!.image).toEqual({ width: 64, height: 48, thumbnail: `data:image/png;base64,${thumbnail.data}` });
    // A preview whose header claims 100000 × 100000 is not a preview.
    const bomb = { type: 'image/png' as const, width: 32, height: 24, data: png(32, 24, { claim: { width: 100_000, height: 100_000 } }).toString('base64') };
    const bombed = await attach(alice, 'bomb.png', 'image/png', picture, { thumbnail: bomb });
    expect(bombed.file!.image).toEqual({ width: 64, height: 48, thumbnail: null });
    // Said to be a picture, but it is not one: a card.
    const fake = await attach(alice, 'fake.png', 'image/png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    expect(fake.file!.image).toBeNull();
    await settled(alice);
    const onBob = await eventually(() => seen(bob, view.id), 10_000, 'Bob to have the picture');
    expect(onBob.file!.image!.thumbnail).toMatch(/^data:image\/png;base64,/);
    expect(sha(await readAll(bob, view.id))).toBe(sha(picture));
  });

  it('survives a connection cut in the middle of an upload and a restart: the upload resumes where it stopped', async () => {
    const big = randomBytes(3 * FILE_CHUNK_BYTES);
    // Two chunks travel at once: one is cut, the other reaches the server. The app then quits
    // while the upload waits to try again, and starts again.
    proxy.fail(call('fileChunk'), { kind: 'drop' }, { times: 1 });
    const first = proxy.seen.length;
    const view = await attach(alice, 'big.bin', 'application/octet-stream', big);
    await eventually(() => proxy.seen.slice(first).filter((s) => s.action === 'chunk').length >= 2, 10_000, 'an upload attempt');
    alice = await alice.reopen();
    opened.push(alice);
    await settled(alice);
    const chunks = proxy.seen.slice(first).filter((s) => s.action === 'chunk');
    // Three chunks stored, each sent once: the chunk that got through was not sent again.
    expect(chunks.filter((s) => s.status === 200)).toHaveLength(3);
    expect(chunks.filter((s) => s.status === 'cut')).toHaveLength(1);
    const onBob = await eventually(() => seen(bob, view.id), 10_000, 'Bob to have the big file');
    expect(onBob.file!.state).toBe('ready');
    expect(sha(await readAll(bob, view.id))).toBe(sha(big));
  });

  it('cancels an upload that has not gone: the message goes and nothing is sent', async () => {
    const stall = proxy.fail(call('fileBegin'), { kind: 'drop' }, { times: 1000 });
    const view = await attach(alice, 'never.txt', 'text/plain', Buffer.from('not to be sent'));
    await h(alice)['files:cancel'](conversationId, view.id);
    stall.stop();
    await settled(alice);
    expect(await seen(alice, view.id)).toBeUndefined();
    expect(alice.events.some((e) => e.event === 'messages:changed' && (e.payload as { removed: string[] }).removed.includes(view.id))).toBe(true);
    expect(filesUnder(alice.dataDir).some((f) => f.includes('files') && readFileSync(f).byteLength === cipherSize(14))).toBe(false);
  });

  it('refuses a file whose bytes do not match the hash its message carries, and says so', async () => {
    const honest = await attach(alice, 'honest.txt', 'text/plain', Buffer.from('the real contents'));
    await settled(alice);
    await eventually(() => seen(bob, honest.id), 10_000, 'the honest file');
    // A hostile sender (another station of Alice's): the same upload, but a message claiming another SHA-256.
    const mallory = await new TestClient(t.server.url, t.accounts[0]!).signIn();
    const conversation = (await mallory.conversations()).find((c) => c.id === conversationId);
    const stored = (await mallory.newestPage(conversation)).messages.find((m) => m.ID === honest.id)!;
    const original = openMessage(mallory.conversationKey(conversation), stored.Data);
    const forged: MessagePlaintext = { ...original, file: { ...(original.file as object), sha256: 'f'.repeat(64) } };
    const forgedId = (await mallory.send(conversation, forged)).id;
    await eventually(() => seen(bob, forgedId), 10_000, 'the forged message');
    await expect(h(bob)['files:read'](conversationId, forgedId, 0)).rejects.toMatchObject({ message: expect.stringMatching(/does not match/) });
    expect((await seen(bob, forgedId))!.file).toMatchObject({ state: 'failed', local: false });
    // The honest one is untouched.
    expect((await readAll(bob, honest.id)).toString()).toBe('the real contents');
  });

  it('saves into Downloads under a free name, never opening it, and shows it in its folder', async () => {
    const first = await h(bob)['files:save'](conversationId, sent.id);
    expect(first).toEqual({ saved: 'downloads', name: 'Quarterly report.pdf' });
    const again = await h(bob)['files:save'](conversationId, sent.id);
    expect(again).toEqual({ saved: 'downloads', name: 'Quarterly report (2).pdf' });
    expect(sha(readFileSync(join(downloads, 'Quarterly report (2).pdf')))).toBe(sha(report));
    await h(bob)['files:show-in-folder'](conversationId, sent.id);
    expect(shown).toEqual([join(downloads, 'Quarterly report (2).pdf')]);
    // Alice's app has no Downloads of its own (the browser host): the window downloads it.
    expect(await h(alice)['files:save'](conversationId, sent.id)).toEqual({ saved: 'browser' });
  });

  it('sends what the host’s own dialog picks, answering the message being replied to; a cancelled dialog sends nothing', async () => {
    const path = join(downloads, 'picked notes.txt');
    writeFileSync(path, 'picked in the dialog');
    picked = [path];
    const { dialog, sent: views } = (await h(bob)['files:pick'](conversationId, { replyTo: sent.id })) as { dialog: true; sent: MessageView[] };
    expect(dialog).toBe(true);
    expect(views).toHaveLength(1);
    expect(views[0]!.file).toMatchObject({ name: 'picked notes.txt', type: 'text/plain', size: 20 });
    expect(views[0]!.replyTo).toMatchObject({ id: sent.id, excerpt: '📎 Quarterly report.pdf (2.1 MB)' });
    await settled(bob);
    await eventually(() => seen(alice, views[0]!.id), 10_000, 'Alice to have the picked file');
    expect((await readAll(alice, views[0]!.id)).toString()).toBe('picked in the dialog');
    picked = [];
    expect(await h(bob)['files:pick'](conversationId)).toEqual({ dialog: true, sent: [] });
  });

  it('refuses a file over the quota with the server’s reason, and drops its message', async () => {
    const quota = proxy.fail(
      call('fileBegin'),
      { kind: 'refuse', status: 507, message: 'You have used your 1 GB of file space; 0 bytes are left.' },
      { times: 1 },
    );
    const view = await attach(alice, 'too much.bin', 'application/octet-stream', randomBytes(1000));
    await settled(alice);
    expect(quota.hits).toBe(1);
    expect(await seen(alice, view.id)).toBeUndefined();
    const failed = alice.events.find((e) => e.event === 'action:failed');
    expect(failed?.payload).toMatchObject({ error: { message: expect.stringMatching(/file space/) } });
  });

  it('forgets the copies of files whose messages were cleared, at the next start', async () => {
    const received = () => filesUnder(bob.dataDir).filter((f) => f.includes(`${join('files', 'in')}`));
    expect(received().length).toBeGreaterThan(0);
    await h(bob)['conversation:clear'](conversationId);
    await settled(bob);
    bob = await bob.reopen();
    opened.push(bob);
    await eventually(() => received().length === 0 || undefined, 10_000, 'the copies to go');
  });
});
