import { describe, expect, it } from 'vitest';
import { START_URL } from './app-scheme.js';
import { externalLinkTarget, isPermissionAllowed, isTrustedSender, type SenderInfo } from './policies.js';

describe('links opened in the browser', () => {
  it('are http and https links, normalised', () => {
    expect(externalLinkTarget('https://ozeki.chat')).toBe('https://ozeki.chat/');
    expect(externalLinkTarget('http://example.com/a?b=c#d')).toBe('http://example.com/a?b=c#d');
    expect(externalLinkTarget('HTTPS://Example.COM/x')).toBe('https://example.com/x');
  });

  it('are never other schemes, which could run programs or leak credentials', () => {
    for (const url of [
      'file:///etc/passwd',
      'smb://server/share',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'app://chat/index.html',
      'ms-msdt:/id PCWDiagnostic',
      'vbscript:x',
      'mailto:a@b.c',
      'ftp://example.com',
      '//example.com',
      '/relative',
      'not a url',
      '',
    ]) {
      expect(externalLinkTarget(url), url).toBeNull();
    }
  });

  it('carry no user name or password', () => {
    expect(externalLinkTarget('https://user:pass@example.com')).toBeNull();
    expect(externalLinkTarget('https://user@example.com')).toBeNull();
  });

  it('are strings of a sane length', () => {
    expect(externalLinkTarget(undefined)).toBeNull();
    expect(externalLinkTarget({ toString: () => 'https://example.com' })).toBeNull();
    expect(externalLinkTarget(`https://example.com/${'a'.repeat(9000)}`)).toBeNull();
  });
});

describe('permissions', () => {
  it('allow notifications for our own page', () => {
    expect(isPermissionAllowed('notifications', START_URL)).toBe(true);
  });

  it('deny notifications to any other origin', () => {
    expect(isPermissionAllowed('notifications', 'https://example.com/')).toBe(false);
    expect(isPermissionAllowed('notifications', undefined)).toBe(false);
  });

  it('deny everything else, even to our own page', () => {
    for (const permission of [
      'media',
      'geolocation',
      'clipboard-read',
      'openExternal',
      'fullscreen',
      'hid',
      'serial',
      'usb',
      'midiSysex',
      'display-capture',
      'unknown',
    ]) {
      expect(isPermissionAllowed(permission, START_URL), permission).toBe(false);
    }
  });
});

describe('IPC senders', () => {
  const ours: SenderInfo = { frameUrl: START_URL, isMainFrame: true, webContentsId: 7 };

  it('are answered when they are the top frame of our window on app://chat', () => {
    expect(isTrustedSender(ours, 7)).toBe(true);
    expect(isTrustedSender({ ...ours, frameUrl: 'app://chat/#/conversation/1' }, 7)).toBe(true);
  });

  it('are refused from a subframe, even on our origin', () => {
    expect(isTrustedSender({ ...ours, isMainFrame: false }, 7)).toBe(false);
  });

  it('are refused from another webContents', () => {
    expect(isTrustedSender({ ...ours, webContentsId: 8 }, 7)).toBe(false);
  });

  it('are refused from any page that is not ours', () => {
    for (const frameUrl of ['https://evil.example/', 'file:///tmp/x.html', 'app://other/index.html', 'about:blank', 'devtools://devtools/', undefined]) {
      expect(isTrustedSender({ ...ours, frameUrl }, 7), String(frameUrl)).toBe(false);
    }
  });

  it('are refused when the frame is gone or there is no window', () => {
    expect(isTrustedSender(null, 7)).toBe(false);
    expect(isTrustedSender(ours, null)).toBe(false);
  });
});
