/** How a friend's availability is shown. The wire value is a free string; unknown ones read as offline. */
import type { Availability } from '../../../../app/ipc/views.js';

export const PRESENCE_LABELS: Record<Availability, string> = {
  available: 'Available',
  away: 'Away',
  busy: 'Busy',
  offline: 'Offline',
};

export function presenceOf(availability: string): Availability {
  const key = availability.trim().toLowerCase();
  return key in PRESENCE_LABELS ? (key as Availability) : 'offline';
}

export function presenceLabel(availability: string): string {
  return PRESENCE_LABELS[presenceOf(availability)];
}
