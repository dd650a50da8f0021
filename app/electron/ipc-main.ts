/**
 * The contract over Electron IPC: one `ipcMain.handle` per channel of the allow-list, each answering
 * only our own window's top frame on app://chat, through the same dispatcher as the browser host
 * (which checks the arguments against the contract's schemas). Events go to the window on one
 * channel as `(name, payload)`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import type { ChatService } from '../core/chat-service.js';
import type { Channel, Reply } from '../ipc/contract.js';
import { createDispatcher } from '../ipc/dispatcher.js';
import { CHANNEL_NAMES, EVENT_CHANNEL, isEventName } from '../ipc/electron-channels.js';
import { isAppUrl } from './app-scheme.js';
import { isTrustedSender, type SenderInfo } from './policies.js';

function senderOf(event: IpcMainInvokeEvent): SenderInfo | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { frameUrl: frame.url, isMainFrame: frame.parent === null, webContentsId: event.sender.id };
}

type Service = Pick<ChatService, 'handlers' | 'on'>;

/** What every request gets when the core could not be opened (main also shows why and exits). */
const CORE_UNAVAILABLE: Reply<Channel> = { ok: false, error: { code: 'internal', message: 'The app could not open its data.' } };

/**
 * `service` may still be opening: the window loads meanwhile and its first requests wait for it,
 * so neither waits for the other.
 */
export function connectIpc(opts: {
  service: Service | Promise<Service>;
  getWindow: () => BrowserWindow | null;
  log: (line: string) => void;
}): { dispose(): void } {
  const { getWindow, log } = opts;
  let disposed = false;
  let unsubscribe = () => {};
  const dispatching = Promise.resolve(opts.service).then(
    (service) => {
      if (disposed) return null;
      unsubscribe = service.on((name, payload) => {
        if (!isEventName(name)) return;
        const win = getWindow();
        if (!win || win.isDestroyed()) return;
        const contents = win.webContents;
        // Only to our own page: never to whatever else a broken navigation might have loaded.
        if (!isAppUrl(contents.getURL())) return;
        contents.send(EVENT_CHANNEL, name, payload);
      });
      return createDispatcher(service.handlers(), log);
    },
    () => null,
  );

  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      const win = getWindow();
      const windowId = win && !win.isDestroyed() ? win.webContents.id : null;
      if (!isTrustedSender(senderOf(event), windowId)) {
        log(`refused ${channel} from ${event.senderFrame?.url ?? 'a closed frame'} (not the chat window's page)`);
        throw new Error('Refused.');
      }
      return dispatching.then((dispatch) => (dispatch ? dispatch(channel, args) : CORE_UNAVAILABLE));
    });
  }

  return {
    dispose() {
      disposed = true;
      unsubscribe();
      for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
    },
  };
}
