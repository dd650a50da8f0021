/**
 * The preload: runs sandboxed before the page and exposes `window.ozeki` through contextBridge.
 * Bundled as CommonJS on its own (a sandboxed preload cannot load ES modules or most of Node);
 * it pulls in nothing but electron and the zod-free channel lists.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createBridge } from './preload-bridge.js';

contextBridge.exposeInMainWorld('ozeki', createBridge(ipcRenderer));
