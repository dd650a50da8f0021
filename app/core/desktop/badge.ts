/**
 * The unread badge on the app's icon: a count on the macOS dock and on Linux launchers that show
 * one (Unity's launcher API: GNOME's dash-to-dock, KDE's task manager), `app.setBadgeCount`; on
 * Windows, which has no count, an overlay image on the taskbar button with a description for
 * screen readers, `win.setOverlayIcon`. The number is the tray's (unreadTotal in tray-menu.ts):
 * muted and hidden conversations do not count.
 */

/** 1 to 9, then "9+": a 16-pixel overlay has room for two characters at most. */
export const MAX_BADGE_DIGIT = 9;

export type OverlayBadge = {
  /** A file in resources/badge/; nativeImage picks up its @2x sibling. */
  file: string;
  description: string;
};

export type Badge = { kind: 'count'; count: number } | { kind: 'overlay'; overlay: OverlayBadge | null };

/** Every overlay file badgeFor() may name (scripts/make-badges.ts draws them). */
export const BADGE_FILES: readonly string[] = [...Array.from({ length: MAX_BADGE_DIGIT }, (_, i) => `badge-${i + 1}.png`), `badge-${MAX_BADGE_DIGIT}plus.png`];

export function badgeFor(input: { unread: number; platform: string }): Badge {
  const unread = Number.isFinite(input.unread) ? Math.max(0, Math.floor(input.unread)) : 0;
  if (input.platform !== 'win32') return { kind: 'count', count: unread };
  if (unread === 0) return { kind: 'overlay', overlay: null };
  return {
    kind: 'overlay',
    overlay: {
      file: unread > MAX_BADGE_DIGIT ? `badge-${MAX_BADGE_DIGIT}plus.png` : `badge-${unread}.png`,
      description: `${unread} unread ${unread === 1 ? 'message' : 'messages'}`,
    },
  };
}
