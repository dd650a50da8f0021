/**
 * The sentence that tells the user their local cache was set aside and rebuilt, and what became of
 * the changes they had not sent yet. It is stored with the rebuilt database and handed out on the
 * next open, so it reaches the user even if the repairing run dies.
 */
import type { Damage } from './open-sqlite.js';
import type { Recovery } from './recovery.js';

const changes = (n: number): string => `${n} unsent ${n === 1 ? 'change' : 'changes'}`;

export function noticeFor(damage: Damage, r: Recovery, asideName: string): string {
  const lead =
    damage.kind === 'newer'
      ? 'The local cache was written by a newer version of Ozeki Chat Desktop, so it has been set aside and rebuilt from the server'
      : damage.kind === 'no-key'
        ? 'The local cache could not be opened, because the keychain no longer holds its key, and has been rebuilt from the server'
        : damage.kind === 'unopenable'
          ? 'The local cache could not be opened and has been rebuilt from the server'
          : 'The local cache was damaged and has been rebuilt from the server';
  let outcome: string;
  if (r.complete) {
    if (r.kept === 0 && r.lost === 0) outcome = '';
    else if (r.lost === 0) outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept`;
    else if (r.kept === 0) outcome = `; ${changes(r.lost)} could not be recovered`;
    else outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept, but ${r.lost} could not be recovered`;
  } else if (r.kept === 0 && r.lost === 0) {
    outcome = '; its unsent changes could not be read, so changes you made while offline may have been lost';
  } else if (r.kept === 0) {
    outcome = `; at least ${changes(r.lost)} could not be recovered, and others may have been lost`;
  } else {
    outcome = `; your ${changes(r.kept)} ${r.kept === 1 ? 'was' : 'were'} kept, but ${r.lost > 0 ? `at least ${r.lost} could not be recovered and ` : ''}others may have been lost`;
  }
  return `${lead}${outcome}. The old file was kept as ${asideName}.`;
}
