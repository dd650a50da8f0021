/** PROFILE (ours, not Ozeki's): sizes and bounds the reference server enforces and clients respect. */

/** Request bodies over this are refused with 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** downloadpartial `limit`: default and ceiling. */
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 200;

/** Download (forward sync) returns at most this many messages and reports each per call; call again from the last one. */
export const MAX_DOWNLOAD_ITEMS = 500;

/** `listitembackgroundcolor` must be `#rrggbb`; this is the default. */
export const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
export const DEFAULT_LIST_COLOR = '#ffffff';

/** A message may live at most this long (`ValidUntil - Created`). */
export const MAX_MESSAGE_LIFETIME_DAYS = 366;

/** Participants in one conversation. */
export const MAX_PARTICIPANTS = 256;

/** A push socket that has not authenticated by then is closed. */
export const PUSH_AUTH_TIMEOUT_MS = 5000;

/** Without a request or an open push socket for this long, a user counts as offline. */
export const PRESENCE_TIMEOUT_SECONDS = 10 * 60;

/** The largest file (plaintext) a user may send (profile/files.ts). */
export const MAX_FILE_BYTES = 100 * 1024 * 1024;
/** What one user may keep stored on the reference server (ciphertext, finished and unfinished uploads). */
export const DEFAULT_FILE_QUOTA_BYTES = 1024 * 1024 * 1024;
