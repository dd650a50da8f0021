/**
 * The protocol module: what Ozeki documents (`ozeki/`) and how this project fills the gaps
 * (`profile/`). Imported by the main-process core and by the reference server. Runs in Node only
 * (it uses node:crypto); the renderer may import its types.
 */
export * from './ozeki/endpoints.js';
export * from './ozeki/schemas.js';
export * from './ozeki/timestamp.js';
export * from './profile/index.js';
export * from './calls.js';
