/**
 * Ozeki (documented): how calls are addressed. Every call is `POST <base>?srv=<service>&api=<api>`
 * with a JSON body whose `action` picks the operation. After login, clients use the absolute URLs
 * the server returned in `urls`.
 */

export const CLIENT_VERSION_CODE = 3;

export const SERVICE = {
  chat: 'chatserver',
  owner: 'chatowner',
} as const;

/** `api` query values, keyed by the name the login response uses in `urls`. */
export const API = {
  login: 'chatlogin',
  availability: 'chatavailability',
  conversation: 'chatconversation',
  conversationgroup: 'chatconversationgroup',
  blocklist: 'chatblocklist',
  fileserver: 'chatfileserver',
  friends: 'chatfriends',
  notification: 'chatnotification',
  reports: 'chatreports',
  workspace: 'workspace',
} as const;

export type UrlKey = keyof typeof API;
export type ApiName = (typeof API)[UrlKey];

export const HEADER = {
  contentType: 'Content-Type',
  station: 'Ozeki-Station',
  user: 'Ozeki-User',
  signature: 'Ozeki-Signature',
} as const;

/** Builds `<base>?srv=..&api=..`, keeping any query the base already has. */
export function endpointUrl(base: string, service: string, api: string): string {
  const url = new URL(base);
  url.searchParams.set('srv', service);
  url.searchParams.set('api', api);
  return url.toString();
}
