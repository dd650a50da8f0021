/**
 * What holds notifications back, as the controller applies it (quiet hours, notifications off, the
 * system's Do not disturb beside the tray's), and the one sound per batch, on a stand-in service
 * with a clock and timers the test moves by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  ACCOUNT,
  cid,
  conversation,
  item,
  ManualTime,
  message,
  setNotifications,
  setup,
  START,
  zone,
  type FakeService,
} from '../../../test/support/core/desktop-harness.js';
import { ARRIVAL_QUIET_MS, RENDER_DELAY_MS } from './desktop-controller.js';
import { DND_HOUR_MS } from './dnd.js';
import { fromWall } from './local-time.js';

/** A local time on the test's day (2025-06-10, a Tuesday) or a later one. */
const local = (hour: number, minute = 0, day = 10) => fromWall(Date.UTC(2025, 5, day, hour, minute), zone);
const QUIET = { quietHours: { enabled: true, start: 22 * 60, end: 7 * 60 } };
const NIGHT = local(23);

describe('quiet hours and the other silences in the controller', () => {
  const arrive = (service: FakeService, time: ManualTime, ...ns: number[]) => {
    for (const n of ns) service.signal({ type: 'messages-arrived', conversationId: cid(n), messages: [message(n, time.now, { text: `to ${n}` })] });
    time.advance(ARRIVAL_QUIET_MS);
  };
  const favouriteAndNot = () => [conversation(1, { favorite: true }), conversation(2)];

  it('let only favourites through at night when they may break through, with the chosen sound', () => {
    const { time, service, host } = setup({
      at: NIGHT,
      conversations: favouriteAndNot(),
      notifications: { ...QUIET, favouritesBreakThrough: true, soundName: 'bell' },
    });
    arrive(service, time, 1, 2);
    expect(host.notifications.map((n) => n.conversationId)).toEqual([cid(1)]);
    expect(host.sounds).toEqual(['bell']);
  });

  it('hold everything back, favourites too, when favourites may not break through: nothing shows or sounds', () => {
    const { time, service, host } = setup({ at: NIGHT, conversations: favouriteAndNot(), notifications: QUIET });
    arrive(service, time, 1, 2);
    expect([host.notifications, host.sounds]).toEqual([[], []]);
  });

  it('show in the tray until the period ends, the label losing "tomorrow" at midnight, and notify again after it', () => {
    const { time, service, host } = setup({ at: NIGHT, notifications: QUIET });
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: 'Quiet hours until tomorrow 7:00', enabled: false });
    time.advance(local(0, 0, 11) - time.now);
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: 'Quiet hours until 7:00' });
    arrive(service, time, 2);
    expect(host.notifications).toEqual([]);
    time.advance(local(7, 0, 11) - time.now);
    expect(item(host.views.at(-1), 'silence')).toBeUndefined();
    arrive(service, time, 2);
    expect(host.notifications.map((n) => n.body)).toEqual(['to 2']);
  });

  it('stay on when Do not disturb is turned off during them', () => {
    const { time, service, host, controller } = setup({ at: NIGHT, notifications: QUIET });
    controller.setDnd('hour');
    expect(item(host.views.at(-1), 'silence')).toBeUndefined();
    expect(item(host.views.at(-1), 'dnd')).toMatchObject({ label: 'Do not disturb: on until tomorrow 0:00' });
    controller.setDnd('off');
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: 'Quiet hours until tomorrow 7:00' });
    arrive(service, time, 2);
    expect(host.notifications).toEqual([]);
  });

  it('need one timer between them: Do not disturb ends as quiet hours begin, and the tray says so then', () => {
    const { time, settings, host, controller } = setup({ at: local(21), notifications: QUIET });
    controller.setDnd('hour');
    // The settings it wrote ask for a redraw too (which finds nothing new); after it, one timer is left.
    time.advance(RENDER_DELAY_MS);
    expect(time.count).toBe(1);
    time.advance(DND_HOUR_MS - RENDER_DELAY_MS);
    expect(settings.get().desktop.dndUntil).toBeNull();
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: 'Quiet hours until tomorrow 7:00' });
    time.advance(RENDER_DELAY_MS);
    expect(time.count).toBe(1);
  });

  it("follow the system's Do not disturb when asked to, and redraw when it changes", () => {
    const { time, service, settings, systemDnd, host } = setup();
    systemDnd.set(true);
    time.advance(RENDER_DELAY_MS);
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: "The system's Do not disturb is on" });
    arrive(service, time, 1);
    expect(host.notifications).toEqual([]);

    setNotifications(settings, { followSystemDnd: false });
    time.advance(RENDER_DELAY_MS);
    expect(item(host.views.at(-1), 'silence')).toBeUndefined();
    arrive(service, time, 1);
    expect(host.notifications).toHaveLength(1);
  });

  it('turning notifications off shows in the tray and holds back everything', () => {
    const { time, service, settings, host } = setup({ conversations: favouriteAndNot() });
    setNotifications(settings, { enabled: false });
    time.advance(RENDER_DELAY_MS);
    expect(item(host.views.at(-1), 'silence')).toMatchObject({ label: 'Notifications are off' });
    arrive(service, time, 1, 2);
    expect([host.notifications, host.sounds]).toEqual([[], []]);
  });
});

describe('the notification sound', () => {
  it('plays once for a batch, however many notifications it made', () => {
    const { time, service, host } = setup({ conversations: [1, 2, 3].map((n) => conversation(n)) });
    for (const n of [1, 2, 3]) service.signal({ type: 'messages-arrived', conversationId: cid(n), messages: [message(n, START)] });
    time.advance(ARRIVAL_QUIET_MS);
    expect([host.notifications.length, host.sounds]).toEqual([3, ['chime']]);
  });

  it('does not play when nothing showed, nor when the sound is off', () => {
    const { time, service, settings, host } = setup({ conversations: [conversation(1, { muted: true }), conversation(2)] });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START)] });
    time.advance(ARRIVAL_QUIET_MS);
    setNotifications(settings, { sound: false });
    service.signal({ type: 'messages-arrived', conversationId: cid(2), messages: [message(2, START)] });
    time.advance(ARRIVAL_QUIET_MS);
    expect([host.notifications.map((n) => n.conversationId), host.sounds]).toEqual([[cid(2)], []]);
  });

  it('a notification that shows only the sender never carries the text', () => {
    const { time, service, settings, host } = setup();
    setNotifications(settings, { content: 'sender' });
    service.signal({ type: 'messages-arrived', conversationId: cid(1), messages: [message(1, START, { text: 'the door code is 4711' })] });
    time.advance(ARRIVAL_QUIET_MS);
    expect(host.notifications).toEqual([{ key: `conversation:${cid(1)}`, title: 'Bob', body: 'New message', conversationId: cid(1), accountId: ACCOUNT }]);
  });
});
