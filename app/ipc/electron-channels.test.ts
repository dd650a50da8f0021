import { describe, expect, it } from 'vitest';
import { CHANNELS, EVENT_NAMES as CONTRACT_EVENT_NAMES } from './contract.js';
import { CHANNEL_NAMES, EVENT_CHANNEL, EVENT_NAMES, isChannelName, isEventName } from './electron-channels.js';

describe('the zod-free channel lists the Electron shell uses', () => {
  it('name exactly the contract channels', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual(Object.keys(CHANNELS).sort());
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
  });

  it('name exactly the contract events', () => {
    expect([...EVENT_NAMES].sort()).toEqual([...CONTRACT_EVENT_NAMES].sort());
  });

  it('keep the event channel apart from every invoke channel', () => {
    expect(isChannelName(EVENT_CHANNEL)).toBe(false);
    expect(isEventName(EVENT_CHANNEL)).toBe(false);
  });

  it('do not mistake inherited property names for channels or events', () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(isChannelName(name), name).toBe(false);
      expect(isEventName(name), name).toBe(false);
    }
  });
});
