import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Reply, SignInRequest } from '../../../app/ipc/contract.js';
import { deferred, installBridge, PROFILE, type FakeBridge } from '../../test/fake-bridge.js';
import SignIn from './SignIn.svelte';

const TYPED: SignInRequest = {
  serverUrl: 'https://chat.example.com',
  email: 'alice@example.com',
  apiKey: 'key-123',
  password: 'correct horse',
};

const OK: Reply<'session:sign-in'> = { ok: true, value: { profile: PROFILE, keychain: { persistent: true, reason: null } } };

async function fillIn(user: ReturnType<typeof userEvent.setup>, values: SignInRequest = TYPED): Promise<void> {
  await user.type(screen.getByLabelText('Server URL'), values.serverUrl);
  await user.type(screen.getByLabelText('Email'), values.email);
  await user.type(screen.getByLabelText('API key'), values.apiKey);
  await user.type(screen.getByLabelText('Encryption password'), values.password);
}

/** The calls that try to sign in (the screen also asks once whether a demo is offered). */
const signInCalls = (bridge: FakeBridge) => bridge.calls.filter((c) => c.channel !== 'session:demo');

describe('SignIn', () => {
  it('shows the four labelled fields and the Sign in button, secrets as password inputs', () => {
    installBridge();
    render(SignIn, { onsignedin: vi.fn() });
    expect(screen.getByLabelText('Server URL')).toBeInTheDocument();
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    expect(screen.getByLabelText('API key')).toHaveAttribute('type', 'password');
    expect(screen.getByLabelText('Encryption password')).toHaveAttribute('type', 'password');
    expect(screen.getByRole('button', { name: 'Sign in' })).toBeEnabled();
    expect(screen.queryByRole('button', { name: 'Try the demo' })).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('sends the typed values to session:sign-in and hands the result to onsignedin', async () => {
    const bridge = installBridge({ 'session:sign-in': () => OK });
    const onsignedin = vi.fn();
    const user = userEvent.setup();
    render(SignIn, { onsignedin });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(signInCalls(bridge)).toEqual([{ channel: 'session:sign-in', args: [TYPED] }]);
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(OK.ok ? OK.value : null));
  });

  it('submits with Enter from a field', async () => {
    const bridge = installBridge({ 'session:sign-in': () => OK });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await fillIn(user);
    await user.type(screen.getByLabelText('Encryption password'), '{Enter}');
    expect(signInCalls(bridge).map((c) => c.channel)).toEqual(['session:sign-in']);
  });

  it('shows a wrong-password reply under the password field and announces it', async () => {
    const message = 'The encryption password is wrong: it does not unlock your private key.';
    installBridge({ 'session:sign-in': () => ({ ok: false, error: { code: 'wrong-password', message } }) });
    const user = userEvent.setup();
    const onsignedin = vi.fn();
    render(SignIn, { onsignedin });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(message);
    const password = screen.getByLabelText('Encryption password');
    expect(password).toHaveAccessibleDescription(message);
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('API key')).not.toHaveAttribute('aria-invalid');
    expect(onsignedin).not.toHaveBeenCalled();
  });

  it('shows an unauthorized reply under the API key field', async () => {
    installBridge({ 'session:sign-in': () => ({ ok: false, error: { code: 'unauthorized', message: 'HTTP 401' } }) });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The server did not accept this API key.');
    expect(screen.getByLabelText('API key')).toHaveAccessibleDescription('The server did not accept this API key.');
  });

  it.each(['network', 'timeout'] as const)('says the server cannot be reached on a %s reply', async (code) => {
    installBridge({ 'session:sign-in': () => ({ ok: false, error: { code, message: 'ECONNREFUSED 127.0.0.1:1' } }) });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The server cannot be reached. Check the address and your connection.');
    expect(alert).not.toHaveTextContent('ECONNREFUSED');
  });

  it('shows the message of an invalid-argument reply', async () => {
    const message = 'Invalid request: the server URL must start with http:// or https://.';
    installBridge({ 'session:sign-in': () => ({ ok: false, error: { code: 'invalid-argument', message } }) });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
  });

  it('"Try the demo" shows where and who, and signs in with the demo account kept in the main process', async () => {
    const bridge = installBridge({
      'session:demo': () => ({ ok: true, value: { serverUrl: 'http://127.0.0.1:9080/ozeki/index.php', email: 'alice@demo.ozeki.chat' } }),
      'session:sign-in-demo': () => OK,
    });
    const onsignedin = vi.fn();
    const user = userEvent.setup();
    render(SignIn, { onsignedin });
    await user.click(await screen.findByRole('button', { name: 'Try the demo' }));
    expect(screen.getByLabelText('Server URL')).toHaveValue('http://127.0.0.1:9080/ozeki/index.php');
    expect(screen.getByLabelText('Email')).toHaveValue('alice@demo.ozeki.chat');
    // The secrets are never in the page.
    expect(screen.getByLabelText('API key')).toHaveValue('');
    expect(screen.getByLabelText('Encryption password')).toHaveValue('');
    await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(OK.ok ? OK.value : undefined));
    expect(bridge.calls.map((c) => c.channel)).toEqual(['session:demo', 'session:sign-in-demo']);
  });

  it('offers no demo when the main process has none', async () => {
    const bridge = installBridge({ 'session:demo': () => ({ ok: true, value: null }) });
    render(SignIn, { onsignedin: vi.fn() });
    await waitFor(() => expect(bridge.calls.map((c) => c.channel)).toEqual(['session:demo']));
    expect(screen.queryByRole('button', { name: 'Try the demo' })).not.toBeInTheDocument();
  });

  describe('plain http to a server that is not loopback', () => {
    const REMOTE: SignInRequest = { ...TYPED, serverUrl: 'http://chat.example.com/ozeki/index.php' };
    const WARNING =
      'The server address http://chat.example.com/ozeki/index.php starts with http://, so your API key would travel unencrypted to chat.example.com.';
    /** What the core answers: refused until the request says the user accepted. */
    const core = (req: SignInRequest): Reply<'session:sign-in'> =>
      req.allowInsecure === true ? OK : { ok: false, error: { code: 'insecure-connection', message: WARNING } };

    it('warns that the API key would travel unencrypted and offers "Sign in anyway", which signs in with the acceptance', async () => {
      const bridge = installBridge({ 'session:sign-in': core });
      const onsignedin = vi.fn();
      const user = userEvent.setup();
      render(SignIn, { onsignedin });
      await fillIn(user, REMOTE);
      await user.click(screen.getByRole('button', { name: 'Sign in' }));

      const anyway = await screen.findByRole('button', { name: 'Sign in anyway' });
      expect(screen.getByRole('alert')).toHaveTextContent(/unencrypted/);
      expect(anyway).toHaveAccessibleDescription(WARNING);
      expect(onsignedin).not.toHaveBeenCalled();
      // The first request did not accept anything.
      expect(signInCalls(bridge)).toEqual([{ channel: 'session:sign-in', args: [REMOTE] }]);

      await user.click(anyway);
      await waitFor(() => expect(onsignedin).toHaveBeenCalledWith(OK.ok ? OK.value : null));
      expect(signInCalls(bridge)).toEqual([
        { channel: 'session:sign-in', args: [REMOTE] },
        { channel: 'session:sign-in', args: [{ ...REMOTE, allowInsecure: true }] },
      ]);
    });

    it('takes the warning back when the server address is edited', async () => {
      installBridge({ 'session:sign-in': core });
      const user = userEvent.setup();
      render(SignIn, { onsignedin: vi.fn() });
      await fillIn(user, REMOTE);
      await user.click(screen.getByRole('button', { name: 'Sign in' }));
      await screen.findByRole('button', { name: 'Sign in anyway' });
      await user.type(screen.getByLabelText('Server URL'), 'x');
      expect(screen.queryByRole('button', { name: 'Sign in anyway' })).not.toBeInTheDocument();
    });

    it('signs in to loopback http directly, with no warning', async () => {
      const LOCAL: SignInRequest = { ...TYPED, serverUrl: 'http://127.0.0.1:9080/ozeki/index.php' };
      const bridge = installBridge({ 'session:sign-in': (req) => (req.serverUrl === LOCAL.serverUrl && req.allowInsecure === undefined ? OK : core(req)) });
      const onsignedin = vi.fn();
      const user = userEvent.setup();
      render(SignIn, { onsignedin });
      await fillIn(user, LOCAL);
      await user.click(screen.getByRole('button', { name: 'Sign in' }));
      await waitFor(() => expect(onsignedin).toHaveBeenCalledOnce());
      expect(signInCalls(bridge)).toEqual([{ channel: 'session:sign-in', args: [LOCAL] }]);
      expect(screen.queryByRole('button', { name: 'Sign in anyway' })).not.toBeInTheDocument();
    });
  });

  it('shows a refused login address (naming both addresses) in the form', async () => {
    const message =
      'Not signed in: the server at http://127.0.0.1:9184/ozeki/index.php told the app to send later requests to http://127.0.0.2:9185/ozeki/index.php (urls.conversation), which is not on 127.0.0.1, the host you signed in to.';
    installBridge({ 'session:sign-in': () => ({ ok: false, error: { code: 'invalid-response', message } }) });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await fillIn(user, { ...TYPED, serverUrl: 'http://127.0.0.1:9184/ozeki/index.php' });
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(message);
    expect(screen.queryByRole('button', { name: 'Sign in anyway' })).not.toBeInTheDocument();
  });

  it('disables the button and says "Signing in…" while the request is in flight', async () => {
    const reply = deferred<Reply<'session:sign-in'>>();
    const bridge = installBridge({ 'session:sign-in': () => reply.promise });
    const user = userEvent.setup();
    render(SignIn, { onsignedin: vi.fn() });
    await fillIn(user);
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    const button = await screen.findByRole('button', { name: 'Signing in…' });
    expect(button).toBeDisabled();
    // A second Enter while in flight sends nothing more.
    await user.type(screen.getByLabelText('Email'), '{Enter}');
    expect(signInCalls(bridge)).toHaveLength(1);
    reply.resolve({ ok: false, error: { code: 'network', message: 'x' } });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeEnabled();
  });
});
