/**
 * Notification sounds: the main process decides when one plays (quiet hours, Do not disturb, the
 * setting) and sends `desktop:sound`; the window plays it, in the desktop app and a browser alike.
 * One audio element per sound, made on first use and kept: a burst of messages restarts the sound
 * rather than stacking copies of it.
 */
import { NOTIFICATION_SOUNDS, type NotificationSound } from '../../../../app/shared/preferences-rules.js';

const players = new Map<NotificationSound, HTMLAudioElement>();

/** Plays a bundled sound (`sounds/<name>.wav` beside the page); any other name is ignored. */
export function playSound(sound: NotificationSound): void {
  if (!(NOTIFICATION_SOUNDS as readonly string[]).includes(sound)) return;
  for (const [name, other] of players) if (name !== sound && !other.paused) other.pause();
  let audio = players.get(sound);
  if (!audio) {
    audio = new Audio(`sounds/${sound}.wav`);
    audio.preload = 'auto';
    players.set(sound, audio);
  }
  audio.currentTime = 0;
  // A browser that has not seen the user interact with the page yet refuses to play (autoplay
  // rules): the notification itself still shows, and there is nothing to tell the user.
  Promise.resolve(audio.play()).catch(() => {});
}

/** Plays every `desktop:sound`; returns the unsubscribe. */
export function followSounds(): () => void {
  return window.ozeki.on('desktop:sound', ({ sound }) => playSound(sound));
}

/** For tests: forgets the audio elements made so far. */
export function forgetSounds(): void {
  players.clear();
}
