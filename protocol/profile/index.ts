/**
 * PROFILE: every choice this project makes where the Ozeki documentation is silent lives under
 * this folder, so it can be swapped when a real Ozeki server behaves differently.
 * See docs/protocol.md.
 */
export * from './identity.js';
export * from './signing.js';
export * from './errors.js';
export * from './limits.js';
export * from './crypto.js';
export * from './extensions.js';
export * from './login-addresses.js';
export * from './rich-messages.js';
export * from './files.js';
