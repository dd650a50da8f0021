/**
 * Makes the notification sounds (renderer/public/sounds/*.wav) from nothing but arithmetic, so they
 * are ours, carry no one else's licence, and come out the same on every run:
 *
 *     npx tsx scripts/make-sounds.ts
 *
 * Each is a few sine partials (or, for the knock, seeded noise) under smooth envelopes: a raised-
 * cosine attack and a fade to silence at the end, so nothing clicks; then the whole is scaled to a
 * peak of PEAK_DBFS. Mono 16-bit PCM at 22.05 kHz: a notification needs nothing above 11 kHz, and
 * each file stays under 30 kB.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOTIFICATION_SOUNDS, type NotificationSound } from '../app/shared/preferences-rules.js';

export const SAMPLE_RATE = 22_050;
export const PEAK_DBFS = -3;
export const SOUNDS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'renderer', 'public', 'sounds');

const TAU = 2 * Math.PI;
/** Every sound starts this gently and ends with this long a fade, in seconds. */
const ATTACK_S = 0.004;
const FADE_S = 0.04;

type Voice = (t: number) => number;

/** A voice sampled over `seconds`. */
const sample = (seconds: number, voice: Voice): Float64Array =>
  Float64Array.from({ length: Math.round(seconds * SAMPLE_RATE) }, (_, i) => voice(i / SAMPLE_RATE));

/** 0 before `start`, then a raised-cosine rise over `attack` seconds and an exponential decay with time constant `decay`. */
function strike(start: number, attack: number, decay: number): Voice {
  return (t) => {
    const u = t - start;
    if (u < 0) return 0;
    const rise = u < attack ? 0.5 - 0.5 * Math.cos((Math.PI * u) / attack) : 1;
    return rise * Math.exp(-u / decay);
  };
}

/** A sine partial at `freq` times `ratio`, under `env`. */
const partial = (freq: number, ratio: number, amp: number, env: Voice, start = 0): Voice => {
  return (t) => amp * env(t) * Math.sin(TAU * freq * ratio * (t - start));
};

const mix =
  (...voices: Voice[]): Voice =>
  (t) =>
    voices.reduce((sum, v) => sum + v(t), 0);

/** Two notes a fourth apart (G5 then C6), each a fundamental with a soft octave and twelfth: a doorbell-like chime. */
function chime(): Float64Array {
  const note = (freq: number, start: number) => {
    const env = strike(start, ATTACK_S, 0.16);
    return mix(
      partial(freq, 1, 1, env, start),
      partial(freq, 2, 0.28, strike(start, ATTACK_S, 0.08), start),
      partial(freq, 3, 0.08, strike(start, ATTACK_S, 0.05), start),
    );
  };
  return sample(0.5, mix(note(783.99, 0), note(1046.5, 0.11)));
}

/** A short blip whose pitch drops from 900 to 260 Hz: a bubble popping. */
function pop(): Float64Array {
  const [from, to, sweep] = [900, 260, 0.045];
  const k = Math.log(to / from) / sweep;
  // The phase is the integral of the exponentially falling frequency, so the sweep is smooth.
  const phase = (t: number) => (t < sweep ? (TAU * from * (Math.exp(k * t) - 1)) / k : (TAU * from * (to / from - 1)) / k + TAU * to * (t - sweep));
  const env = strike(0, 0.003, 0.035);
  return sample(0.2, (t) => env(t) * (Math.sin(phase(t)) + 0.15 * Math.sin(2 * phase(t))));
}

/** A small bell: inharmonic partials (the ratios of a struck bar), the higher ones dying sooner. */
function bell(): Float64Array {
  const f = 1318.5; // E6
  const partials: [ratio: number, amp: number, decay: number][] = [
    [1, 1, 0.24],
    [2.756, 0.45, 0.14],
    [5.404, 0.22, 0.07],
    [8.933, 0.1, 0.035],
  ];
  // A slightly detuned twin of the fundamental beats slowly, as a real bell's does.
  const voices = partials.map(([ratio, amp, decay]) => partial(f, ratio, amp, strike(0, 0.002, decay)));
  return sample(0.6, mix(...voices, partial(f, 1.004, 0.2, strike(0, 0.002, 0.24))));
}

/** Marsaglia's 32-bit xorshift, seeded: the same "random" noise, from -0.5 to 0.5, on every run. */
function noise(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000 - 0.5;
  };
}

/** Two knocks on a wooden door: low-passed noise bursts, each over a thump that falls from 180 to 110 Hz. */
function knock(): Float64Array {
  const out = new Float64Array(Math.round(0.36 * SAMPLE_RATE));
  const random = noise(0x5eed);
  // A two-pole low-pass (two one-poles in a row) at about 700 Hz takes the hiss out of the noise.
  const a = Math.exp((-TAU * 700) / SAMPLE_RATE);
  for (const start of [0, 0.15]) {
    const crack = strike(start, 0.002, 0.018);
    const body = strike(start, 0.002, 0.03);
    let [y1, y2] = [0, 0];
    for (let i = 0; i < out.length; i++) {
      const t = i / SAMPLE_RATE;
      const u = t - start;
      y1 = (1 - a) * random() + a * y1;
      y2 = (1 - a) * y1 + a * y2;
      if (u < 0) continue;
      // The phase of a frequency 110 + 70·e^(-u/0.02) Hz: its integral.
      const thump = Math.sin(TAU * (110 * u + 70 * 0.02 * (1 - Math.exp(-u / 0.02))));
      out[i]! += 6 * crack(t) * y2 + 0.6 * body(t) * thump;
    }
  }
  return out;
}

const MAKERS: Record<NotificationSound, () => Float64Array> = { chime, pop, bell, knock };

/** The sound as 16-bit samples: faded in and out, its peak at PEAK_DBFS. */
export function render(name: NotificationSound): Int16Array {
  const raw = MAKERS[name]();
  const n = raw.length;
  const fade = Math.round(FADE_S * SAMPLE_RATE);
  for (let i = 0; i < n; i++) {
    const toEnd = n - 1 - i;
    if (toEnd < fade) raw[i]! *= 0.5 - 0.5 * Math.cos((Math.PI * toEnd) / fade);
  }
  raw[0] = 0;
  let peak = 0;
  for (const v of raw) peak = Math.max(peak, Math.abs(v));
  const scale = (10 ** (PEAK_DBFS / 20) * 32767) / peak;
  return Int16Array.from(raw, (v) => Math.round(v * scale));
}

/** A canonical 44-byte-header WAV file: PCM, mono, 16-bit. */
export function wav(samples: Int16Array, sampleRate = SAMPLE_RATE): Buffer {
  const data = samples.length * 2;
  const out = Buffer.alloc(44 + data);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + data, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16); // the fmt chunk's size
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28); // bytes per second
  out.writeUInt16LE(2, 32); // bytes per frame
  out.writeUInt16LE(16, 34); // bits per sample
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(data, 40);
  for (let i = 0; i < samples.length; i++) out.writeInt16LE(samples[i]!, 44 + 2 * i);
  return out;
}

/** Writes every sound into `dir`; returns the files written. */
export function writeSounds(dir = SOUNDS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return NOTIFICATION_SOUNDS.map((name) => {
    const file = join(dir, `${name}.wav`);
    writeFileSync(file, wav(render(name)));
    return file;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const file of writeSounds()) console.log(`wrote ${file}`);
}
