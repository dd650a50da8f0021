/**
 * The core's errors: CoreError and the ErrorCode / ErrorInfo it crosses the IPC boundary as. They live
 * in app/shared/errors.ts (the contract and the renderer need the codes too, and app/ipc never imports
 * the core); the core's modules import them from here.
 */
export { CoreError, isCoreError, toErrorInfo, type ErrorCode, type ErrorInfo } from '../shared/errors.js';
