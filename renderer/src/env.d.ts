import type { OzekiBridge } from '../../app/ipc/contract.js';

declare global {
  interface Window {
    /** The only way to the main process: the preload's (or the browser host's) bridge. */
    ozeki: OzekiBridge;
  }
}

export {};
