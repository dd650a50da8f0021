/** What the command line asks of this launch (also the second launch's argv, forwarded). */

export type LaunchOptions = {
  /** `--hidden`: start in the tray only, as at login, without showing the window. */
  hidden: boolean;
};

export function parseLaunchOptions(argv: readonly string[]): LaunchOptions {
  return { hidden: argv.includes('--hidden') };
}
