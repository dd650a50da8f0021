import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { deferred, installBridge } from '../../../test/fake-bridge.js';
import MessageText from './MessageText.svelte';

const link = 'ozekichat://open?account=alice%40demo.ozeki.chat&conversation=0123456789abcdef0123456789abcdef';

describe('MessageText', () => {
  it('shows an app link as a link that asks the app to open it, exactly as written, never as an address for the page', async () => {
    const bridge = installBridge({ 'links:open': () => ({ ok: true, value: undefined }) });
    const { container } = render(MessageText, { text: `join: ${link}. Thanks` });
    expect(container).toHaveTextContent(`join: ${link}. Thanks`);
    expect(container.querySelector('a')).toBeNull();
    expect(container.querySelector('[href^="ozekichat"]')).toBeNull();
    await userEvent.setup().click(screen.getByRole('link', { name: link }));
    expect(bridge.calls).toEqual([{ channel: 'links:open', args: [link] }]);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('opens an app link with Enter, as a link opens', async () => {
    const bridge = installBridge({ 'links:open': () => ({ ok: true, value: undefined }) });
    render(MessageText, { text: link });
    const user = userEvent.setup();
    await user.tab();
    expect(screen.getByRole('link', { name: link })).toHaveFocus();
    await user.keyboard('{Enter}');
    expect(bridge.calls).toEqual([{ channel: 'links:open', args: [link] }]);
  });

  it('says why the app refused a link, and clears it when the link is tried again', async () => {
    const answer = deferred<{ ok: true; value: undefined }>();
    const bridge = installBridge({
      'links:open': () => ({ ok: false, error: { code: 'not-found', message: 'That link is for bob@x, which is not signed in here.' } }),
    });
    render(MessageText, { text: link });
    const user = userEvent.setup();
    await user.click(screen.getByRole('link', { name: link }));
    expect(await screen.findByRole('alert')).toHaveTextContent('That link is for bob@x, which is not signed in here.');
    // Under the text, which reads on as written.
    expect(screen.getByRole('alert').previousElementSibling).toBe(screen.getByRole('link', { name: link }));

    bridge.handlers['links:open'] = () => answer.promise;
    await user.click(screen.getByRole('link', { name: link }));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    answer.resolve({ ok: true, value: undefined });
  });

  it('keeps web links as anchors that open outside the page', () => {
    installBridge();
    render(MessageText, { text: 'see https://ozeki.chat' });
    expect(screen.getByRole('link', { name: 'https://ozeki.chat' })).toHaveAttribute('target', '_blank');
  });
});
