/**
 * The contract over Electron IPC: one `ipcMain.handle` per channel of the allow-list, each answering
 * only our own window's top frame on app://chat, through the same dispatcher as the browser host
 * (which checks the arguments against the contract's schemas). Events go to the window on one
 * channel as `(name, payload)`.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { serveContract, type ContractService } from '../ipc/dispatcher.js';
import { CHANNEL_NAMES, EVENT_CHANNEL, isEventName } from '../ipc/electron-channels.js';
import { isAppUrl } from './app-scheme.js';
import { isTrustedSender, type SenderInfo } from './policies.js';

function senderOf(event: IpcMainInvokeEvent): SenderInfo | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { frameUrl: frame.url, isMainFrame: frame.parent === null, webContentsId: event.sender.id };
}

/** `service` may still be opening: see serveContract. */
export function connectIpc(opts: { service: ContractService | Promise<ContractService>; getWindow: () => BrowserWindow | null; log: (line: string) => void }): {
  dispose(): void;
} {
  const { getWindow, log } = opts;
  const contract = serveContract(opts.service, {
    log,
    onEvent: (name, payload) => {
      if (!isEventName(name)) return;
      const win = getWindow();
      if (!win || win.isDestroyed()) return;
      const contents = win.webContents;
      // Only to our own page: never to whatever else a broken navigation might have loaded.
      if (!isAppUrl(contents.getURL())) return;
      contents.send(EVENT_CHANNEL, name, payload);
    },
  });

  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, (event, ...args: unknown[]) => {
      const win = getWindow();
      const windowId = win && !win.isDestroyed() ? win.webContents.id : null;
      if (!isTrustedSender(senderOf(event), windowId)) {
        log(`refused ${channel} from ${event.senderFrame?.url ?? 'a closed frame'} (not the chat window's page)`);
        throw new Error('Refused.');
      }
      return contract.dispatch(channel, args);
    });
  }

  return {
    dispose() {
      contract.dispose();
      for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
    },
  };
}
