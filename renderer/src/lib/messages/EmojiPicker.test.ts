import '@testing-library/jest-dom/vitest';
import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { REACTION_CHOICES } from './emoji.js';
import EmojiPicker from './EmojiPicker.svelte';

function setup(given: string[] = []) {
  const onpick = vi.fn();
  const onclose = vi.fn();
  render(EmojiPicker, { label: 'React to the message from Bob', x: 0, y: 0, given, onpick, onclose });
  return { onpick, onclose, user: userEvent.setup() };
}

const focusedName = (): string | null => document.activeElement?.getAttribute('aria-label') ?? null;

describe('EmojiPicker', () => {
  it('names every reaction and starts on the first, the only one in the tab order', () => {
    setup();
    const buttons = screen.getAllByRole('button');
    expect(buttons.map((b) => b.getAttribute('aria-label'))).toEqual(REACTION_CHOICES.map((c) => c.name));
    expect(buttons[0]).toHaveFocus();
    expect(buttons.filter((b) => b.tabIndex === 0)).toHaveLength(1);
  });

  it('moves by cell with Left/Right, by row with Up/Down, and to the row’s ends with Home/End', async () => {
    const { user } = setup();
    await user.keyboard('{ArrowDown}');
    expect(focusedName()).toBe(REACTION_CHOICES[8]?.name);
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(focusedName()).toBe(REACTION_CHOICES[10]?.name);
    await user.keyboard('{End}');
    expect(focusedName()).toBe(REACTION_CHOICES[15]?.name);
    await user.keyboard('{Home}{ArrowUp}{ArrowUp}{ArrowLeft}');
    expect(focusedName()).toBe(REACTION_CHOICES[0]?.name);
  });

  it('picks with Space, giving the reaction, and takes back one already given', async () => {
    const { onpick, onclose, user } = setup(['❤️']);
    await user.keyboard(' ');
    expect(onpick).toHaveBeenLastCalledWith('👍', true);
    expect(onclose).toHaveBeenCalledWith(true);
    expect(screen.getByRole('button', { name: 'red heart' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: 'red heart' }));
    expect(onpick).toHaveBeenLastCalledWith('❤️', false);
  });

  it('closes with Escape, asking for focus back, and without picking', async () => {
    const { onpick, onclose, user } = setup();
    await user.keyboard('{Escape}');
    expect(onclose).toHaveBeenCalledWith(true);
    expect(onpick).not.toHaveBeenCalled();
  });
});
