/**
 * `ozekichat://` links into the app: registered as the scheme's handler, received from macOS
 * (`open-url`, which can come before the app is ready) and from the command line of the launch or
 * of a second launch (Windows and Linux), and handed to the core once it is open, which parses and
 * routes them (service.openLink; the parsing is app/core/desktop/deep-link.ts). A link that cannot
 * be opened is logged and said in the window; the window is shown either way, since the user just
 * asked for it.
 */
import { resolve } from 'node:path';
import { app } from 'electron';
import type { AccountsService } from '../core/accounts/accounts-service.js';
import { DEEP_LINK_SCHEME, deepLinkFromArgv } from '../core/desktop/deep-link.js';

type LinkService = Pick<AccountsService, 'openLink' | 'notifyWindow'>;

export type DeepLinks = {
  /** A launch's or a second launch's command line. */
  fromArgv(argv: readonly string[]): void;
  /** The core is open: links from now on (and those that waited) are opened. */
  attach(service: LinkService): void;
};

/** Call at the top of main, before `ready`: macOS hands over the link that launched the app early. */
export function startDeepLinks(opts: { showWindow(): void; log(line: string): void }): DeepLinks {
  const waiting: string[] = [];
  let service: LinkService | null = null;

  const open = (url: string) => {
    opts.showWindow();
    if (!service) {
      // Only a few: a flood of links before the core opens is not worth keeping.
      if (waiting.length < 5) waiting.push(url);
      return;
    }
    try {
      service.openLink(url);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      opts.log(`did not open the link ${JSON.stringify(url.slice(0, 200))}: ${message}`);
      service.notifyWindow('notice', { id: 'deep-link', level: 'warning', message, retryable: false });
    }
  };

  app.on('open-url', (event, url) => {
    event.preventDefault();
    open(url);
  });
  register(opts.log);

  return {
    fromArgv(argv) {
      const url = deepLinkFromArgv(argv);
      if (url !== null) open(url);
    },
    attach(next) {
      service = next;
      for (const url of waiting.splice(0)) open(url);
    },
  };
}

/**
 * Makes this app the scheme's handler. Packaged, the installers declare it too (electron-builder's
 * `protocols`: the macOS bundle, the Linux desktop entry); Windows has only this. A checkout on
 * Windows registers electron with the app's folder as its argument, or the link would start bare
 * electron; on macOS and Linux a checkout cannot be registered that way and is left out.
 */
function register(log: (line: string) => void): void {
  // What comes in through the scheme is only ever a string handed to parseDeepLink (strict, see
  // deep-link.ts) and then to the core's routing; it never opens a page, a file or a program.
  let ok = true;
  if (app.isPackaged) {
    ok = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME); // eng-disable PROTOCOL_HANDLER_JS_CHECK
  } else if (process.platform === 'win32' && process.argv[1]) {
    ok = app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(process.argv[1])]); // eng-disable PROTOCOL_HANDLER_JS_CHECK
  }
  if (!ok) log(`could not register as the handler of ${DEEP_LINK_SCHEME}:// links`);
}
