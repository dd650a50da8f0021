import type { ErrorInfo } from '../../../app/shared/errors.js';

/** Where a sign-in error is shown: under one field, or above the button for the whole form. */
export type SignInErrorField = 'apiKey' | 'password' | 'form';
export type SignInError = { field: SignInErrorField; text: string };

export const UNREACHABLE = 'The server cannot be reached. Check the address and your connection.';
export const KEY_REJECTED = 'The server did not accept this API key.';

/** Turns the `{ code, message }` a sign-in reply failed with into words and a place to show them. */
export function signInError(error: ErrorInfo): SignInError {
  switch (error.code) {
    case 'unauthorized':
      return { field: 'apiKey', text: KEY_REJECTED };
    case 'wrong-password':
      return { field: 'password', text: error.message };
    case 'network':
    case 'timeout':
      return { field: 'form', text: UNREACHABLE };
    default:
      return { field: 'form', text: error.message };
  }
}
