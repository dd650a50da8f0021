/** The main process's client of the Ozeki Chat HTTP API. */
export {
  ApiClient,
  DEFAULT_CALL_RETRIES,
  DEFAULT_LOGIN_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type ApiClientOptions,
  type CallOptions,
  type LoginOptions,
  type RetrySettings,
  type Session,
  type SessionInfo,
} from './client.js';
export {
  DEFAULT_BACKOFF,
  backoffCeiling,
  backoffDelay,
  isTransient,
  sleep,
  withRetry,
  type BackoffPolicy,
  type RandomSource,
  type RetryOptions,
  type Sleep,
} from './retry.js';
export {
  CancelledError,
  DEFAULT_MAX_RESPONSE_BYTES,
  hostOf,
  isCancelled,
  post,
  type FetchLike,
  type PostRequest,
  type TransportResponse,
} from './transport.js';
