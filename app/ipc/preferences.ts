/**
 * The user's preferences: what the Settings screen shows and changes. One zod schema says what every
 * value may be and what it is by default; `sanitizePreferences` (the settings file) and
 * `applyPreferencesPatch` (the window's changes) both read it, so no value is decided twice.
 *
 * A value read from disk that fails its schema is reset to its default on its own (the rest is
 * kept) and named, so the user can be told which ones were lost.
 *
 * In app/ipc beside the contract, which validates `settings:set` with the patch schema; the core's
 * settings store (app/core/settings/) reads the same schema for the file.
 */
import { z } from 'zod';
import { NOTIFICATION_SOUNDS, QUIET_DAYS, ZOOM_RANGE, type NotificationSound } from '../shared/preferences-rules.js';

export { NOTIFICATION_SOUNDS, ZOOM_RANGE, ZOOM_STEPS, nextZoom, type NotificationSound } from '../shared/preferences-rules.js';

/** Minutes after local midnight: 0 (00:00) to 1439 (23:59). */
const minuteOfDay = z.number().int().min(0).max(1439);
/** A BCP 47 language tag as spell checkers name them ("en-US", "de", "pt-BR"). */
const languageTag = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,2}$/, 'a language is a tag such as en-US');

const quietHoursSchema = z
  .object({
    enabled: z.boolean().default(false),
    /** The days a quiet period starts on, 0 (Sunday) to 6; one that starts at 22:00 runs into the next day. */
    days: z
      .array(z.number().int().min(0).max(6))
      .max(7)
      .refine((d) => new Set(d).size === d.length, 'each day once')
      .default([...QUIET_DAYS]),
    start: minuteOfDay.default(22 * 60),
    end: minuteOfDay.default(7 * 60),
  })
  .strict();

const notificationsSchema = z
  .object({
    enabled: z.boolean().default(true),
    sound: z.boolean().default(true),
    soundName: z.enum(NOTIFICATION_SOUNDS as unknown as [NotificationSound, ...NotificationSound[]]).default('chime'),
    /** Show the message's text, or only who it is from. */
    content: z.enum(['text', 'sender']).default('text'),
    quietHours: quietHoursSchema.default(() => quietHoursSchema.parse({})),
    /** During quiet hours a favourite still notifies (Do not disturb silences everything). */
    favouritesBreakThrough: z.boolean().default(false),
    /** Stay quiet while the system's own Do not disturb or Focus is on, where it can be read. */
    followSystemDnd: z.boolean().default(true),
  })
  .strict();

const appearanceSchema = z
  .object({
    theme: z.enum(['system', 'light', 'dark']).default('system'),
    /** Percent. */
    zoom: z.number().int().min(ZOOM_RANGE.min).max(ZOOM_RANGE.max).default(100),
    compact: z.boolean().default(false),
  })
  .strict();

const startupSchema = z
  .object({
    atLogin: z.boolean().default(false),
    /** Launched (at login or by hand) with the window hidden in the tray. */
    inTray: z.boolean().default(false),
    /** What closing the window does. */
    onClose: z.enum(['tray', 'quit']).default('tray'),
  })
  .strict();

const spellingSchema = z
  .object({
    enabled: z.boolean().default(true),
    /** Empty: the system's language. */
    languages: z
      .array(languageTag)
      .max(5)
      .refine((l) => new Set(l).size === l.length, 'each language once')
      .default([]),
  })
  .strict();

export const preferencesSchema = z
  .object({
    notifications: notificationsSchema.default(() => notificationsSchema.parse({})),
    appearance: appearanceSchema.default(() => appearanceSchema.parse({})),
    startup: startupSchema.default(() => startupSchema.parse({})),
    spelling: spellingSchema.default(() => spellingSchema.parse({})),
  })
  .strict();

export type Preferences = z.infer<typeof preferencesSchema>;
export type QuietHours = Preferences['notifications']['quietHours'];
export type Theme = Preferences['appearance']['theme'];

/** Every field of an object schema optional and without its default (a default would overwrite what is there). */
function patchOf<S extends z.ZodRawShape>(schema: z.ZodObject<S>): z.ZodObject<{ [K in keyof S]: z.ZodOptional<z.ZodType<z.output<S[K]>>> }> {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => {
      const bare = field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType);
      return [key, bare.optional()];
    }),
  );
  return z.object(shape).strict() as never;
}

/** What the window may change in one go: any part, any depth; what it leaves out stays as it is. */
export const preferencesPatchSchema = z
  .object({
    notifications: patchOf(notificationsSchema.omit({ quietHours: true }))
      .extend({ quietHours: patchOf(quietHoursSchema).optional() })
      .strict()
      .optional(),
    appearance: patchOf(appearanceSchema).optional(),
    startup: patchOf(startupSchema).optional(),
    spelling: patchOf(spellingSchema).optional(),
  })
  .strict();
export type PreferencesPatch = z.infer<typeof preferencesPatchSchema>;

export function defaultPreferences(): Preferences {
  return preferencesSchema.parse({});
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Walks `schema` beside `raw`: an object is walked key by key, anything else is a leaf kept when it
 * passes and reset to its default (and named in `reset`) when it does not. Unknown keys are dropped.
 */
function sanitizeNode(schema: z.ZodType, raw: unknown, path: string, reset: string[]): unknown {
  const inner = schema instanceof z.ZodDefault ? (schema.unwrap() as z.ZodType) : schema;
  if (inner instanceof z.ZodObject) {
    // Missing or not an object: every field of it takes its default (only the latter is named).
    if (raw !== undefined && !isRecord(raw)) reset.push(path);
    const fields = isRecord(raw) ? raw : {};
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(inner.shape as Record<string, z.ZodType>)) {
      out[key] = sanitizeNode(child, Object.hasOwn(fields, key) ? fields[key] : undefined, `${path}.${key}`, isRecord(raw) || raw === undefined ? reset : []);
    }
    return out;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  reset.push(path);
  return schema.parse(undefined);
}

/**
 * Preferences from untrusted JSON. `legacyUi` is the `ui` object versions before the Settings
 * screen kept the theme and compact list in: it fills what `raw` does not say.
 */
export function sanitizePreferences(raw: unknown, legacyUi?: unknown): { preferences: Preferences; reset: string[] } {
  const reset: string[] = [];
  let input = raw;
  if (raw === undefined && isRecord(legacyUi)) {
    const appearance: Record<string, unknown> = {};
    if (appearanceSchema.shape.theme.safeParse(legacyUi.theme).success) appearance.theme = legacyUi.theme;
    if (typeof legacyUi.compactList === 'boolean') appearance.compact = legacyUi.compactList;
    input = { appearance };
  }
  const preferences = sanitizeNode(preferencesSchema, input, 'preferences', reset) as Preferences;
  return { preferences, reset };
}

/**
 * `current` with the window's change applied. Throws `PreferencesPatchError` naming what is wrong
 * (the core turns it into an invalid-argument error).
 */
export function applyPreferencesPatch(current: Preferences, patch: unknown): Preferences {
  const parsed = preferencesPatchSchema.safeParse(patch);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'settings';
    throw new PreferencesPatchError(`The setting ${where} is not valid: ${issue?.message ?? 'unknown value'}.`);
  }
  const p = parsed.data;
  const next: Preferences = {
    notifications: {
      ...current.notifications,
      ...dropUndefined(p.notifications ?? {}),
      quietHours: { ...current.notifications.quietHours, ...dropUndefined(p.notifications?.quietHours ?? {}) },
    },
    appearance: { ...current.appearance, ...dropUndefined(p.appearance ?? {}) },
    startup: { ...current.startup, ...dropUndefined(p.startup ?? {}) },
    spelling: { ...current.spelling, ...dropUndefined(p.spelling ?? {}) },
  };
  // Days in week order, whatever order they were ticked in.
  next.notifications.quietHours.days = [...next.notifications.quietHours.days].sort((a, b) => a - b);
  return preferencesSchema.parse(next);
}

export class PreferencesPatchError extends Error {}

function dropUndefined<T extends Record<string, unknown>>(obj: T): Partial<T> {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as Partial<T>;
}
