import { describe, expect, it } from 'vitest';
import { isLoopbackHost, loginAddresses, loginAddressProblem, pushListener, needsInsecureConsent, refusedLoginAddress } from '../profile/login-addresses.js';
import { OZEKI_RESPONSE_EXAMPLES } from './fixtures/ozeki-examples.js';

const HTTP = 'http://127.0.0.1:9184/ozeki/index.php';
const HTTPS = 'https://chat.example.com/ozeki/index.php';

describe('loginAddressProblem (the profile rule for login addresses)', () => {
  it('accepts the sign-in host on the same or another port', () => {
    expect(loginAddressProblem(HTTP, 'http://127.0.0.1:9184/ozeki/index.php?srv=chatserver&api=chatconversation')).toBeNull();
    expect(loginAddressProblem(HTTP, 'http://127.0.0.1:9999/ozeki/index.php')).toBeNull();
    expect(loginAddressProblem(HTTP, 'ws://127.0.0.1:9185/ozeki/ws')).toBeNull();
    expect(loginAddressProblem(HTTP, 'udp://127.0.0.1:9010')).toBeNull();
    expect(loginAddressProblem(HTTPS, 'https://chat.example.com:8443/ozeki/index.php')).toBeNull();
  });

  it('refuses another host, including another loopback address and a look-alike name', () => {
    expect(loginAddressProblem(HTTP, 'http://127.0.0.2:9184/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem(HTTP, 'http://localhost:9184/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem(HTTP, 'ws://evil.example:9184/ozeki/ws')).toBe('other-host');
    expect(loginAddressProblem(HTTPS, 'https://chat.example.com.evil.example/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem(HTTPS, 'https://example.com/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem(HTTPS, 'wss://evil.example/ozeki/ws')).toBe('other-host');
  });

  it('after an https sign-in, refuses http and ws (and udp) on the same host', () => {
    expect(loginAddressProblem(HTTPS, 'http://chat.example.com/ozeki/index.php')).toBe('not-encrypted');
    expect(loginAddressProblem(HTTPS, 'ws://chat.example.com/ozeki/ws')).toBe('not-encrypted');
    expect(loginAddressProblem(HTTPS, 'udp://chat.example.com:9010')).toBe('not-encrypted');
  });

  it('after an https sign-in, accepts https and wss on the same host', () => {
    expect(loginAddressProblem(HTTPS, 'https://chat.example.com/ozeki/index.php?srv=chatserver&api=chatfriends')).toBeNull();
    expect(loginAddressProblem(HTTPS, 'wss://chat.example.com/ozeki/ws')).toBeNull();
    expect(loginAddressProblem(HTTPS, 'wss://chat.example.com:9012')).toBeNull();
  });

  it('after an http sign-in, accepts https and wss on the same host too (an upgrade)', () => {
    expect(loginAddressProblem('http://chat.example.com/ozeki/index.php', 'https://chat.example.com/ozeki/index.php')).toBeNull();
    expect(loginAddressProblem('http://chat.example.com/ozeki/index.php', 'wss://chat.example.com/ozeki/ws')).toBeNull();
  });

  it('compares IPv6 literals by their value', () => {
    const v6 = 'http://[::1]:9184/ozeki/index.php';
    expect(loginAddressProblem(v6, 'http://[::1]:9185/ozeki/index.php')).toBeNull();
    expect(loginAddressProblem(v6, 'ws://[0:0:0:0:0:0:0:1]:9185/ozeki/ws')).toBeNull();
    expect(loginAddressProblem(v6, 'http://[::2]:9184/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem(v6, 'http://127.0.0.1:9184/ozeki/index.php')).toBe('other-host');
    expect(loginAddressProblem('https://[2001:db8::1]/ozeki/index.php', 'wss://[2001:DB8:0::1]:444/ozeki/ws')).toBeNull();
    expect(loginAddressProblem('https://[2001:db8::1]/ozeki/index.php', 'ws://[2001:db8::1]/ozeki/ws')).toBe('not-encrypted');
  });

  it('ignores the case of host names (and a trailing dot), in every scheme', () => {
    expect(loginAddressProblem('https://Chat.Example.COM/ozeki/index.php', 'https://chat.example.com/x')).toBeNull();
    expect(loginAddressProblem(HTTPS, 'WSS://CHAT.EXAMPLE.COM/ozeki/ws')).toBeNull();
    expect(loginAddressProblem(HTTPS, 'https://chat.example.com./x')).toBeNull();
    expect(loginAddressProblem('http://Chat.Example.com/', 'udp://CHAT.example.COM:9010')).toBeNull();
  });

  it('refuses what is not an absolute address with a host, or carries credentials', () => {
    for (const bad of [
      '/ozeki/index.php?srv=chatserver',
      'not a url',
      'javascript:alert(1)',
      'file:///etc/passwd',
      ' http://127.0.0.1:9184/ ',
      'http://user:pw@127.0.0.1:9184/',
    ]) {
      expect(loginAddressProblem(HTTP, bad), bad).not.toBeNull();
    }
    expect(loginAddressProblem(HTTP, 'file://127.0.0.1/etc/passwd')).toBe('not-an-address');
  });
});

describe('refusedLoginAddress over a whole login response', () => {
  const urls = (base: string) => ({
    login: `${base}?srv=chatserver&api=chatlogin`,
    conversation: `${base}?srv=chatserver&api=chatconversation`,
    fileserver: `${base}?srv=chatserver&api=chatfileserver`,
  });

  it('accepts the reference server\'s answer: its own host, ws on the same port, "" for what is not offered', () => {
    expect(refusedLoginAddress(HTTP, { urls: urls(HTTP), listeners: { udp: '', ws: 'ws://127.0.0.1:9184/ozeki/ws', wss: '' } })).toBeNull();
  });

  it('names the first refused entry and where it is: urls, listeners, fileserver', () => {
    const evil = 'http://127.0.0.2:9184/ozeki/index.php';
    expect(refusedLoginAddress(HTTP, { urls: { ...urls(HTTP), friends: evil }, listeners: { udp: '', ws: '', wss: '' } })).toEqual({
      where: 'urls.friends',
      address: evil,
      problem: 'other-host',
    });
    expect(refusedLoginAddress(HTTP, { urls: urls(HTTP), listeners: { udp: '', ws: 'ws://127.0.0.2:9185/ozeki/ws', wss: '' } })).toMatchObject({
      where: 'listeners.ws',
      problem: 'other-host',
    });
    expect(refusedLoginAddress(HTTP, { urls: urls(HTTP), listeners: {}, fileserver: 'http://files.example/' })).toMatchObject({
      where: 'fileserver',
      problem: 'other-host',
    });
    expect(refusedLoginAddress(HTTPS, { urls: urls(HTTPS), listeners: { udp: '', ws: '', wss: 'wss://evil.example/ozeki/ws' } })).toEqual({
      where: 'listeners.wss',
      address: 'wss://evil.example/ozeki/ws',
      problem: 'other-host',
    });
  });

  it('after an https sign-in picks wss and never contacts a plain ws or udp listener, so they refuse nothing', () => {
    const listeners = { udp: 'udp://chat.example.com:9010', ws: 'ws://chat.example.com:9011', wss: 'wss://chat.example.com:9012' };
    expect(pushListener(HTTPS, listeners)).toEqual({ where: 'listeners.wss', address: 'wss://chat.example.com:9012' });
    expect(refusedLoginAddress(HTTPS, { urls: urls(HTTPS), listeners })).toBeNull();
    // Only plain ws on offer: no push socket at all (the client polls), rather than an unencrypted one.
    expect(pushListener(HTTPS, { udp: '', ws: 'ws://chat.example.com/ozeki/ws', wss: '' })).toBeNull();
    expect(pushListener(HTTP, listeners)).toEqual({ where: 'listeners.ws', address: 'ws://chat.example.com:9011' });
    expect(pushListener(HTTP, { ws: '', wss: 'wss://127.0.0.1:9012' })).toEqual({ where: 'listeners.wss', address: 'wss://127.0.0.1:9012' });
    // Behind a TLS proxy the reference server names its wss:// socket under `ws`.
    expect(pushListener(HTTPS, { udp: '', ws: 'wss://chat.example.com/ozeki/ws', wss: '' })).toEqual({
      where: 'listeners.ws',
      address: 'wss://chat.example.com/ozeki/ws',
    });
    expect(refusedLoginAddress(HTTPS, { urls: urls(HTTPS), listeners: { udp: '', ws: 'wss://evil.example/ozeki/ws', wss: '' } })).toMatchObject({
      where: 'listeners.ws',
      problem: 'other-host',
    });
  });

  it('lists every address it will contact, leaving out "" and what is not a string', () => {
    expect(
      loginAddresses('http://h/', { urls: { a: 'http://h/', b: '' }, listeners: { udp: 'udp://h:1', ws: 'ws://h/', extra: 5 }, fileserver: 'http://h/f' }),
    ).toEqual([
      { where: 'urls.a', address: 'http://h/' },
      { where: 'listeners.ws', address: 'ws://h/' },
      { where: 'fileserver', address: 'http://h/f' },
    ]);
  });

  it("applies to Ozeki's documented example: fine on its host over http, refused over https or from another host", () => {
    const example = OZEKI_RESPONSE_EXAMPLES.find((e) => e.call === 'login')!.json as { urls: Record<string, string>; listeners: Record<string, string> };
    const sane = { ...example, urls: Object.fromEntries(Object.entries(example.urls).filter(([k]) => k !== 'notification')) };
    expect(refusedLoginAddress('http://localhost/ozeki/index.php', sane)).toBeNull();
    expect(refusedLoginAddress('https://localhost/ozeki/index.php', sane)?.problem).toBe('not-encrypted');
    expect(refusedLoginAddress('http://127.0.0.1/ozeki/index.php', sane)?.problem).toBe('other-host');
  });
});

describe('needsInsecureConsent and isLoopbackHost', () => {
  it('asks before plain http to a host that is not loopback', () => {
    expect(needsInsecureConsent('http://chat.example.com/ozeki/index.php')).toBe(true);
    expect(needsInsecureConsent('http://192.168.1.10:9080/ozeki/index.php')).toBe(true);
    expect(needsInsecureConsent('http://[2001:db8::1]/')).toBe(true);
    expect(needsInsecureConsent('HTTP://Chat.Example.com/')).toBe(true);
  });

  it('does not ask for https or for loopback http', () => {
    expect(needsInsecureConsent('https://chat.example.com/ozeki/index.php')).toBe(false);
    for (const url of [
      'http://127.0.0.1:9080/ozeki/index.php',
      'http://127.8.9.10/',
      'http://localhost:9080/',
      'http://LOCALHOST/',
      'http://[::1]:9080/',
      'http://2130706433/',
    ]) {
      expect(needsInsecureConsent(url), url).toBe(false);
    }
  });

  it('knows loopback host names as URL.hostname gives them', () => {
    for (const host of ['localhost', '127.0.0.1', '127.255.0.3', '[::1]', '[::ffff:7f00:1]']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['128.0.0.1', '10.0.0.1', 'localhost.example.com', '[::2]', 'example.com', '127.example.com'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
