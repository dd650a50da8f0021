import { describe, expect, it } from 'vitest';
import { CoreError } from '../shared/errors.js';
import { CHANNELS, type Channel } from './contract.js';
import { createDispatcher, type Handlers } from './dispatcher.js';

const CHANNEL_NAMES = Object.keys(CHANNELS) as Channel[];

/** Handlers that record what reached them. */
function recordingHandlers(): { handlers: Handlers; calls: [Channel, unknown[]][] } {
  const calls: [Channel, unknown[]][] = [];
  const handlers = Object.fromEntries(
    CHANNEL_NAMES.map((c) => [
      c,
      async (...args: unknown[]) => {
        calls.push([c, args]);
        return undefined;
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

// A small seeded generator, so a failure can be replayed.
function rng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

function hostileValue(rand: () => number, depth = 0): unknown {
  const pick = Math.floor(rand() * 16);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return Math.floor(rand() * 2 ** 53) * (rand() < 0.5 ? -1 : 1);
    case 3:
      return [NaN, Infinity, -0, 1e308][Math.floor(rand() * 4)];
    case 4:
      return 'x'.repeat(Math.floor(rand() * 100_000));
    case 5:
      return '\u0000\ud800<script>alert(1)</script>../../etc/passwd';
    case 6:
      return rand() < 0.5;
    case 7:
      return depth > 3 ? {} : { __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } };
    case 8:
      return depth > 3 ? [] : Array.from({ length: Math.floor(rand() * 5) }, () => hostileValue(rand, depth + 1));
    case 9:
      return JSON.parse('{"__proto__": {"polluted": true}}');
    case 10:
      return 'f'.repeat(32); // looks like an id
    case 11:
      return 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF';
    case 12:
      return '#12345g';
    case 13:
      return { serverUrl: 'javascript:alert(1)', email: 'a@b', apiKey: 'k', password: 'p' };
    case 14:
      return BigInt(7);
    default:
      return Symbol('s');
  }
}

describe('the IPC dispatcher', () => {
  it('refuses a channel that is not on the allow-list, including inherited names', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatcher(handlers);
    for (const name of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 42, null, { channel: 'x' }]) {
      const reply = await dispatch(name, []);
      expect(reply).toEqual({ ok: false, error: { code: 'invalid-argument', message: expect.any(String) } });
    }
    expect(calls).toEqual([]);
  });

  it('refuses 5,000 random and hostile argument lists with a clear error and never lets one through', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatcher(handlers);
    const rand = rng(20261121);
    let refused = 0;
    for (let i = 0; i < 5000; i++) {
      const channel = CHANNEL_NAMES[Math.floor(rand() * CHANNEL_NAMES.length)]!;
      const args = rand() < 0.2 ? hostileValue(rand) : Array.from({ length: Math.floor(rand() * 4) }, () => hostileValue(rand));
      const reply = await dispatch(channel, args);
      const valid = CHANNELS[channel].safeParse(args).success;
      if (!valid) {
        expect(reply.ok).toBe(false);
        if (!reply.ok) {
          expect(reply.error.code).toBe('invalid-argument');
          expect(reply.error.message).toMatch(/^Invalid request: /);
          expect(reply.error.message.length).toBeLessThan(300);
        }
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(4500);
    // Whatever reached a handler passed its schema.
    for (const [channel, args] of calls) expect(CHANNELS[channel].safeParse(args).success).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('passes valid arguments through, parsed (e.g. a trimmed e-mail)', async () => {
    const { handlers, calls } = recordingHandlers();
    const dispatch = createDispatcher(handlers);
    const reply = await dispatch('session:sign-in', [
      { serverUrl: 'http://127.0.0.1:9080/ozeki/index.php', email: ' a@b.c ', apiKey: 'k', password: 'p', extra: 'dropped' },
    ]);
    expect(reply).toEqual({ ok: true, value: undefined });
    expect(calls).toEqual([['session:sign-in', [{ serverUrl: 'http://127.0.0.1:9080/ozeki/index.php', email: 'a@b.c', apiKey: 'k', password: 'p' }]]]);
  });

  it('turns a handler failure into { code, message }: the CoreError as is, anything else as a generic internal error', async () => {
    const { handlers } = recordingHandlers();
    const logged: string[] = [];
    const dispatch = createDispatcher(
      {
        ...handlers,
        'state:snapshot': async () => {
          throw new CoreError('network', 'The server at 127.0.0.1 cannot be reached.', { transient: true });
        },
        'session:sign-out': async () => {
          throw new TypeError('secret internals: apikey=abc');
        },
      },
      (line) => logged.push(line),
    );
    expect(await dispatch('state:snapshot', [])).toEqual({ ok: false, error: { code: 'network', message: 'The server at 127.0.0.1 cannot be reached.' } });
    const internal = await dispatch('session:sign-out', []);
    expect(internal).toEqual({ ok: false, error: { code: 'internal', message: expect.not.stringContaining('apikey') } });
    expect(logged.some((l) => l.includes('secret internals'))).toBe(true);
  });
});
