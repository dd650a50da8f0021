import { describe, expect, it } from 'vitest';
import { zoomKey, type KeyInput } from './zoom-keys.js';

const key = (over: Partial<KeyInput>): KeyInput => ({ type: 'keyDown', key: '', code: '', control: false, meta: false, alt: false, ...over });

describe('the zoom keys', () => {
  it.each<[Partial<KeyInput>, string | null]>([
    [{ key: '=', code: 'Equal', control: true }, 'in'],
    [{ key: '+', code: 'Equal', control: true }, 'in'],
    [{ key: '+', code: 'NumpadAdd', control: true }, 'in'],
    [{ key: '-', code: 'Minus', control: true }, 'out'],
    [{ key: '-', code: 'NumpadSubtract', control: true }, 'out'],
    [{ key: '0', code: 'Digit0', control: true }, 'reset'],
    [{ key: 'Insert', code: 'Numpad0', control: true }, 'reset'],
    [{ key: '=', code: 'Equal' }, null],
    [{ key: '=', code: 'Equal', control: true, alt: true }, null],
    [{ key: '=', code: 'Equal', meta: true }, null],
    [{ key: 'a', code: 'KeyA', control: true }, null],
    [{ key: '=', code: 'Equal', control: true, type: 'keyUp' }, null],
  ])('on Windows and Linux, %j zooms %s', (input, direction) => {
    expect(zoomKey(key(input), 'win32')).toBe(direction);
    expect(zoomKey(key(input), 'linux')).toBe(direction);
  });

  it('take ⌘ on macOS, not Ctrl', () => {
    expect(zoomKey(key({ key: '=', meta: true }), 'darwin')).toBe('in');
    expect(zoomKey(key({ key: '=', control: true }), 'darwin')).toBeNull();
    expect(zoomKey(key({ key: '=', control: true, meta: true }), 'darwin')).toBeNull();
  });
});
