/**
 * The controller's own behaviour (redraw bursts, the Do not disturb timer, gathering arrivals, tray
 * actions) on a stand-in service, with a clock and timers the test moves by hand. Quiet hours, the
 * other silences and the sound are in desktop-silence.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ACCOUNT, cid, conversation, item, message, setNotifications, setup, START } from '../../../test/support/core/desktop-harness.js';
import { ARRIVAL_MAX_WAIT_MS, ARRIVAL_QUIET_MS, INITIAL_LOAD_DELAY_MS, RENDER_DELAY_MS } from './desktop-controller.js';
import { DND_HOUR_MS } from './dnd.js';

describe('the tray drawing', () => {
  it('is drawn at once on start without the conversation list, which it reads a moment later, so the window paints first', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { favorite: true, unread: 2 })], load: false });
    expect(service.snapshots).toBe(0);
    expect(host.views).toHaveLength(1);
    expect(host.views[0]).toMatchObject({ unread: 0, tooltip: 'Ozeki Chat · no unread messages' });
    time.advance(INITIAL_LOAD_DELAY_MS);
    expect(service.snapshots).toBe(1);
    expect(host.views.at(-1)).toMatchObject({ unread: 2, tooltip: 'Ozeki Chat · 2 unread messages' });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeDefined();
  });

  it('reads the list at once when messages arrive before it did, to know which are muted', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { muted: true })], load: false });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_QUIET_MS);
    expect(service.snapshots).toBe(1);
    expect(host.notifications).toEqual([]);
  });

  it('is drawn at once on start, then once per burst of changes, and not again when nothing shows differently', () => {
    const { time, service, host } = setup();
    expect(host.views).toHaveLength(1);
    expect(host.views[0]!.tooltip).toBe('Ozeki Chat · no unread messages');

    service.emit('conversations:changed', { upserted: [conversation(1, { unread: 2 })], removed: [] });
    service.emit('conversations:changed', { upserted: [conversation(2, { unread: 1 })], removed: [] });
    service.emit('connection:changed', { state: 'online', pendingCount: 0 });
    expect(host.views).toHaveLength(1);
    time.advance(RENDER_DELAY_MS);
    expect(host.views).toHaveLength(2);
    expect(host.views[1]).toMatchObject({ tooltip: 'Ozeki Chat · 3 unread messages', unread: 3, icon: { file: 'tray-unread.png' } });

    service.emit('friends:changed', { friends: [] });
    service.emit('connection:changed', { state: 'online', pendingCount: 0 });
    time.advance(RENDER_DELAY_MS);
    expect(host.views).toHaveLength(2);
  });

  it('follows sign-out: no favorites or counts, and the notifications shown are taken back', () => {
    const { time, service, host } = setup({ conversations: [conversation(1, { favorite: true, unread: 5 })] });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeDefined();
    service.emit('session:changed', { profile: null, keychain: { persistent: true, reason: null } });
    service.emit('connection:changed', { state: 'signed-out', pendingCount: 0 });
    time.advance(RENDER_DELAY_MS);
    expect(host.cleared).toBe(1);
    expect(host.views.at(-1)).toMatchObject({ tooltip: 'Ozeki Chat · signed out', unread: 0 });
    expect(item(host.views.at(-1), `favorite:${cid(1)}`)).toBeUndefined();
  });

  it('redraws when the availability changes, and logs (does not throw) when the server cannot take it', async () => {
    const { service, host, controller } = setup();
    await controller.perform({ kind: 'set-availability', availability: 'away' });
    expect(item(host.views.at(-1), 'availability')).toMatchObject({ label: 'Availability: Away' });
    service.failSetAvailability = true;
    await controller.perform({ kind: 'set-availability', availability: 'busy' });
    expect(item(host.views.at(-1), 'availability')).toMatchObject({ label: 'Availability: Away' });
    expect(host.logged).toEqual(['availability not changed: The server cannot be reached.']);
  });
});

describe('Do not disturb in the controller', () => {
  it('is saved in the settings and shown at once, and turns itself off when the hour is over', () => {
    const { time, settings, host, controller } = setup();
    controller.setDnd('hour');
    expect(settings.get().desktop.dndUntil).toBe(time.now + DND_HOUR_MS);
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 15:00' });

    time.advance(DND_HOUR_MS - 1);
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 15:00' });
    time.advance(1);
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb' });
    expect(item(host.views.at(-1), 'dnd:off')).toMatchObject({ checked: true });
    time.advance(RENDER_DELAY_MS);
    expect(time.count).toBe(0);
  });

  it('"until tomorrow" reads "tomorrow" until midnight and the plain time after it, then ends at 08:00', () => {
    const { time, settings, host, controller } = setup();
    controller.setDnd('tomorrow');
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until tomorrow 8:00' });
    time.advance(10 * DND_HOUR_MS); // 00:00
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until 8:00' });
    time.advance(8 * DND_HOUR_MS); // 08:00
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views.at(-1), 'dnd:off')).toMatchObject({ checked: true });
  });

  it('that ended while the app was closed is cleared on start', () => {
    const { settings, host } = setup({ dndUntil: START - 1 });
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views[0], 'dnd')).toMatchObject({ label: 'Do not disturb' });
  });

  it('that is still on after a restart goes on, and keeps notifications away', () => {
    const { time, service, host } = setup({ dndUntil: START + DND_HOUR_MS });
    expect(item(host.views[0], 'dnd:hour')).toMatchObject({ checked: true });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });
});

describe('arrivals in the controller', () => {
  it('are gathered while they keep coming, then make one decision', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_QUIET_MS - 1);
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START + 1, { text: 'second' })] });
    time.advance(ARRIVAL_QUIET_MS - 1);
    expect(host.notifications).toEqual([]);
    time.advance(1);
    expect(host.notifications).toEqual([
      { key: `conversation:${cid(1)}`, title: 'Conversation 1', body: '2 new messages\nBob: second', conversationId: cid(1), accountId: ACCOUNT },
    ]);
  });

  it('still show during a steady trickle, at most a couple of seconds after the first', () => {
    const { time, service, host } = setup();
    for (let i = 0; i * (ARRIVAL_QUIET_MS - 100) < ARRIVAL_MAX_WAIT_MS; i++) {
      service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
      time.advance(ARRIVAL_QUIET_MS - 100);
    }
    expect(host.notifications).toHaveLength(1);
  });

  it('from before the session began are history and make nothing', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START - 3_600_000)] });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });

  it('are dropped when the user signs out before they show', () => {
    const { time, service, host } = setup();
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    service.emit('session:changed', { profile: null, keychain: { persistent: true, reason: null } });
    time.advance(ARRIVAL_MAX_WAIT_MS);
    expect(host.notifications).toEqual([]);
  });
});

describe('tray actions', () => {
  it('open the window, a favorite conversation, and quit', async () => {
    const { service, host, controller } = setup();
    await controller.perform({ kind: 'show-window' });
    await controller.perform({ kind: 'open-conversation', conversationId: cid(2) });
    await controller.perform({ kind: 'quit' });
    expect({ shown: host.shown, quits: host.quits, opened: service.opened }).toEqual({ shown: 2, quits: 1, opened: [cid(2)] });
  });

  it('a click on the summary notification shows the window without choosing a conversation', () => {
    const { service, host, controller } = setup();
    controller.notificationClicked({ key: 'summary', title: 'Ozeki Chat', body: '9 new messages in 4 conversations', conversationId: null });
    expect({ shown: host.shown, opened: service.opened }).toEqual({ shown: 1, opened: [] });
  });

  it('log a sync that fails instead of throwing out of the menu', async () => {
    const { host, controller } = setup();
    await controller.perform({ kind: 'sync-now' });
    expect(host.logged).toEqual(['sync now failed: The server cannot be reached.']);
  });

  it('stop with dispose: no listener, timer or drawing is left behind', () => {
    const { time, service, settings, systemDnd, host, controller } = setup();
    controller.setDnd('hour');
    service.emit('conversations:changed', { upserted: [conversation(3)], removed: [] });
    const drawn = host.views.length;
    controller.dispose();
    expect(service.subscribers).toBe(0);
    expect(systemDnd.listening).toBe(0);
    expect(time.count).toBe(0);
    setNotifications(settings, { enabled: false });
    time.advance(DND_HOUR_MS);
    expect(host.views).toHaveLength(drawn);
  });
});
