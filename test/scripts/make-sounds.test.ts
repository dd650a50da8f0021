/**
 * The notification sounds in renderer/public/sounds/: real WAV files of the stated format (read by a
 * parser of the test's own that walks the chunks, not by the script's writer), short, at the stated
 * peak, silent at both ends, and exactly what scripts/make-sounds.ts makes.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_SOUNDS } from '../../app/shared/preferences-rules.js';
import { render, SOUNDS_DIR, wav, writeSounds } from '../../scripts/make-sounds.js';

type Parsed = { format: number; channels: number; rate: number; byteRate: number; blockAlign: number; bits: number; samples: Int16Array };

/** Reads a RIFF/WAVE file chunk by chunk (any order, odd sizes padded), as a player would. */
function parseWav(bytes: Buffer): Parsed {
  expect(bytes.toString('ascii', 0, 4)).toBe('RIFF');
  expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  expect(bytes.toString('ascii', 8, 12)).toBe('WAVE');
  let fmt: Omit<Parsed, 'samples'> | null = null;
  let samples: Int16Array | null = null;
  for (let at = 12; at + 8 <= bytes.length;) {
    const id = bytes.toString('ascii', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = bytes.subarray(at + 8, at + 8 + size);
    expect(body.length, `chunk ${id} fits in the file`).toBe(size);
    if (id === 'fmt ') {
      fmt = {
        format: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        rate: body.readUInt32LE(4),
        byteRate: body.readUInt32LE(8),
        blockAlign: body.readUInt16LE(12),
        bits: body.readUInt16LE(14),
      };
    } else if (id === 'data') {
      samples = new Int16Array(size / 2);
      for (let i = 0; i < samples.length; i++) samples[i] = body.readInt16LE(2 * i);
    }
    at += 8 + size + (size % 2);
  }
  expect(fmt && samples, 'a fmt and a data chunk').toBeTruthy();
  return { ...fmt!, samples: samples! };
}

describe.each(NOTIFICATION_SOUNDS)('the %s sound', (name) => {
  const bytes = readFileSync(join(SOUNDS_DIR, `${name}.wav`));
  const sound = parseWav(bytes);

  it('is mono 16-bit PCM at 22.05 kHz, with the header fields that follow from that', () => {
    expect(sound).toMatchObject({ format: 1, channels: 1, rate: 22_050, bits: 16, blockAlign: 2, byteRate: 44_100 });
  });

  it('lasts 0.2 to 0.6 seconds and is under 40 kB', () => {
    const seconds = sound.samples.length / sound.rate;
    expect(seconds).toBeGreaterThanOrEqual(0.2);
    expect(seconds).toBeLessThanOrEqual(0.6);
    expect(bytes.length).toBeLessThan(40_000);
  });

  it('peaks at about -3 dBFS, and starts and ends in silence (no click)', () => {
    const peak = sound.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(20 * Math.log10(peak / 32_768)).toBeCloseTo(-3, 1);
    const edge = Math.round(sound.rate * 0.00025);
    const loudest = (part: Int16Array) => part.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect([sound.samples[0], sound.samples.at(-1)]).toEqual([0, 0]);
    expect(loudest(sound.samples.subarray(0, edge))).toBeLessThan(0.05 * 32_768);
    expect(loudest(sound.samples.subarray(-edge))).toBeLessThan(0.05 * 32_768);
  });

  it('is exactly what the script makes (the script is the source; the file is never edited by hand)', () => {
    expect(wav(render(name)).equals(bytes)).toBe(true);
  });
});

describe('the script', () => {
  it('writes the four sounds, each different, into the folder it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ozeki-sounds-'));
    try {
      const files = writeSounds(dir);
      expect(files.map((f) => f.slice(dir.length + 1))).toEqual(['chime.wav', 'pop.wav', 'bell.wav', 'knock.wav']);
      const contents = new Set(files.map((f) => readFileSync(f).toString('base64')));
      expect(contents.size).toBe(4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
