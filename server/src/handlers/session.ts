/** Login, availability and workspace registration. */
import { API, REGISTRATION_VALUE, SERVICE, endpointUrl, type UrlKey } from '../../../protocol/index.js';
import { conflict, badRequest } from '../api-error.js';
import { OK, type Handler, type HandlerContext } from './context.js';

export const login: Handler<'login'> = (ctx) => {
  const { user } = ctx.caller;
  const endpoints = ctx.endpoints();
  const urls = {} as Record<UrlKey, string>;
  for (const key of Object.keys(API) as UrlKey[]) {
    urls[key] = endpointUrl(endpoints.api, key === 'workspace' ? SERVICE.owner : SERVICE.chat, API[key]);
  }
  return {
    ...OK,
    server: ctx.serverVersion,
    // PROFILE: only the WebSocket listener is served; the others are "" rather than made up.
    listeners: { udp: '', ws: endpoints.push, wss: '' },
    registration: REGISTRATION_VALUE,
    rsakey: user.rsakey,
    userid: user.id,
    fullname: user.fullname,
    nick: user.nick,
    urls,
  };
};

function setAvailability(ctx: HandlerContext, availability: string): object {
  // Clients repeat useravailable (at start, after a reconnect); only a real change wakes the friends.
  if (ctx.caller.user.availability === availability) return { ...OK };
  ctx.store.users.setAvailability(ctx.caller.user.id, availability);
  ctx.changes.availabilityOf(ctx.caller.user.id);
  return { ...OK };
}

export const availability: Handler<'availability'> = (ctx) => setAvailability(ctx, 'available');
export const setAvailabilityState: Handler<'setAvailability'> = (ctx, req) => setAvailability(ctx, req.availability);

const WORKSPACE_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export const workspaceRegister: Handler<'workspaceRegister'> = (ctx, req) => {
  const name = req.workspacename.toLowerCase();
  if (!WORKSPACE_NAME.test(name)) {
    throw badRequest('The workspace name must be a host name such as alice.ozeki.chat: letters, digits, hyphens and dots.');
  }
  const holder = ctx.store.users.workspaceHolder(name);
  if (holder && holder !== ctx.caller.user.id) throw conflict(`The workspace name "${name}" is already registered by someone else.`);
  ctx.store.users.setWorkspace(ctx.caller.user.id, name);
  return { ...OK };
};
