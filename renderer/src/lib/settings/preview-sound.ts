/**
 * "Play" beside the sound choice. Through the same player as the notifications themselves
 * (desktop/sounds.ts), so that the preview is exactly what a message will sound like and a second
 * press restarts it rather than playing over it. A module of its own so tests can listen in.
 */
import type { NotificationSound } from '../../../../app/shared/preferences-rules.js';
import { playSound } from '../desktop/sounds.js';

export function previewSound(sound: NotificationSound): void {
  playSound(sound);
}
