/**
 * The window's limits, wired into Electron. Every webContents the app ever creates gets them (not
 * just the main window), so nothing can slip past by opening a new one. The decisions themselves
 * are in policies.ts.
 */
import { app, session, shell, type WebContents } from 'electron';
import { externalLinkTarget, isPermissionAllowed } from './policies.js';

function openExternally(url: string, log: (line: string) => void): void {
  const target = externalLinkTarget(url);
  if (target === null) {
    log(`refused to open ${JSON.stringify(url.slice(0, 200))}: only http and https links open in the browser`);
    return;
  }
  // Only what externalLinkTarget() let through: an http(s) URL without credentials.
  shell.openExternal(target).catch((err: unknown) => log(`could not open a link: ${String(err)}`)); // eng-disable OPEN_EXTERNAL_JS_CHECK
}

function limitWebContents(contents: WebContents, log: (line: string) => void): void {
  // The page never leaves app://chat; a clicked web link goes to the user's browser instead.
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openExternally(event.url, log);
  });
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url, log);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

/** Call before the first window is created. */
export function installSecurityHandlers(log: (line: string) => void): void {
  app.on('web-contents-created', (_event, contents) => limitWebContents(contents, log));

  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details.requestingUrl));
  });
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) => isPermissionAllowed(permission, details.requestingUrl));
  // No Chrome extensions, no remote devices, no downloads: the chat window needs none of them.
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (event) => event.preventDefault());
}
