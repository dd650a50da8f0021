/**
 * One way for every server test to say "this was refused": the HTTP status, the profile's error
 * body (exactly `status: "ERROR"` and a sentence a person can act on), nothing internal leaked,
 * and, when asked, what the sentence mentions.
 */
import { expect } from 'vitest';

/** What a refusal is judged on; `contentType` is checked when the caller captured it. */
export type RefusedAnswer = { http: number; json: unknown; text: string; contentType?: string };

/** No stack frames, no file paths, no Node internals in anything the server says. */
export function expectNoInternals(text: string): void {
  expect(text, 'no stack frames').not.toMatch(/\bat\s+(?:async\s+)?[\w$.<>[\]]+\s+\(|\n\s+at\s|\bat\s+\S+:\d+:\d+/);
  expect(text, 'no file paths').not.toMatch(/(?:file:\/\/|\/(?:work|home|tmp|usr|var|root|opt|srv|app)\/|[A-Za-z]:\\|node_modules|node:internal)/);
  expect(text, 'no source locations').not.toMatch(/\.[cm]?[jt]s:\d+/);
  expect(text, 'no error class names').not.toMatch(/\b(?:TypeError|RangeError|SyntaxError|ReferenceError|SqliteError|ZodError)\b/);
}

/** The profile's error body: exactly status "ERROR" and a sentence a person can act on. */
export function expectErrorBody(text: string, json: unknown, where = 'refusal'): void {
  expect(typeof json === 'object' && json !== null && !Array.isArray(json), `${where}: JSON object body, got ${text.slice(0, 200)}`).toBe(true);
  const body = json as Record<string, unknown>;
  expect(Object.keys(body).sort(), `${where}: keys`).toEqual(['errormessage', 'status']);
  expect(body.status, where).toBe('ERROR');
  expect(typeof body.errormessage, where).toBe('string');
  const message = body.errormessage as string;
  expect(message.trim().length, `${where}: non-empty errormessage`).toBeGreaterThan(10);
  expect(message, `${where}: errormessage is a sentence`).toMatch(/^[A-Z][\s\S]*[.!?]$/);
  expectNoInternals(text);
}

/**
 * Refused with `httpStatus` and the profile's error body; its sentence matches `mentions` if given.
 * `what` names the case in a failure message, for tests that try many.
 */
export function expectRefused(answer: RefusedAnswer, httpStatus: number, mentions?: RegExp, what = `HTTP ${httpStatus}`): void {
  expect(answer.http, `${what}: ${answer.text.slice(0, 300)}`).toBe(httpStatus);
  if (answer.contentType !== undefined) expect(answer.contentType, what).toMatch(/^application\/json/);
  expectErrorBody(answer.text, answer.json, what);
  if (mentions) expect((answer.json as { errormessage: string }).errormessage, what).toMatch(mentions);
}
