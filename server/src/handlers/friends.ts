/** Friends/List and Notification: what the caller's contacts and queues hold. */
import { OK, type Handler } from './context.js';

export const friendsList: Handler<'friendsList'> = (ctx) => {
  const friends: Record<string, string> = {};
  const availabilities = ctx.store.users.friends(ctx.caller.user.id).map((f) => {
    friends[f.id] = f.nick;
    return {
      friendid: f.id,
      friendname: f.nick,
      publickey: f.publickey,
      availability: ctx.presence.availabilityOf(f.id, f.availability, ctx.nowMs),
    };
  });
  return { ...OK, friends, availabilities };
};

export const notification: Handler<'notification'> = (ctx) => ({
  ...OK,
  ...ctx.store.notifications.drain(ctx.caller.stationId!),
});
