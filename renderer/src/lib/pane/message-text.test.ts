import { describe, expect, it } from 'vitest';
import { linkPieces } from './message-text.js';

const links = (text: string) => linkPieces(text).filter((p) => p.kind === 'link');

describe('linkPieces', () => {
  it('keeps text without addresses as one plain run, empty text included', () => {
    expect(linkPieces('just words')).toEqual([{ kind: 'text', text: 'just words' }]);
    expect(linkPieces('')).toEqual([{ kind: 'text', text: '' }]);
  });

  it('links web addresses and keeps the text around them, in order', () => {
    expect(linkPieces('see https://example.com/a?b=1 and http://x.org too')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org' },
      { kind: 'text', text: ' too' },
    ]);
  });

  it('leaves trailing punctuation out of the address', () => {
    expect(linkPieces('go to https://example.com/page.')).toEqual([
      { kind: 'text', text: 'go to ' },
      { kind: 'link', text: 'https://example.com/page', href: 'https://example.com/page' },
      { kind: 'text', text: '.' },
    ]);
    expect(links('really? https://example.com!')[0]).toMatchObject({ href: 'https://example.com' });
  });

  it('keeps balanced parentheses in the address and the enclosing ones out', () => {
    expect(linkPieces('(https://en.wikipedia.org/wiki/Foo_(bar))')).toEqual([
      { kind: 'text', text: '(' },
      { kind: 'link', text: 'https://en.wikipedia.org/wiki/Foo_(bar)', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' },
      { kind: 'text', text: ')' },
    ]);
  });

  it('opens an address without a scheme over https, showing it as written', () => {
    expect(links('at www.example.com, later')).toEqual([{ kind: 'link', text: 'www.example.com', href: 'https://www.example.com' }]);
  });

  it('never links javascript:, file:, ftp: or data: addresses, nor e-mail addresses', () => {
    for (const text of ['javascript:alert(1)', 'file:///etc/passwd', 'ftp://example.com/x', 'data:text/html,<b>x</b>', 'write to a@example.com']) {
      expect(links(text), text).toEqual([]);
      expect(
        linkPieces(text)
          .map((p) => p.text)
          .join(''),
      ).toBe(text);
    }
  });

  it('links only the web part of a javascript: address that contains one', () => {
    expect(links('javascript:alert(1)//www.evil.com')).toEqual([{ kind: 'link', text: 'www.evil.com', href: 'https://www.evil.com' }]);
  });

  it('keeps markup as text', () => {
    expect(linkPieces('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)>' }]);
  });

  it('counts positions in the text as written, emoji and all', () => {
    expect(linkPieces('😀 https://example.com 😀').map((p) => p.text)).toEqual(['😀 ', 'https://example.com', ' 😀']);
  });
});

describe('linkPieces with app links', () => {
  const appLinks = (text: string) => linkPieces(text).filter((p) => p.kind === 'app-link');
  const link = 'ozekichat://open?account=alice%40demo.ozeki.chat&conversation=0123456789abcdef0123456789abcdef';

  it('makes an ozekichat://open link an app link, exactly as written, with the text around it', () => {
    expect(linkPieces(`join us: ${link} see you`)).toEqual([
      { kind: 'text', text: 'join us: ' },
      { kind: 'app-link', text: link },
      { kind: 'text', text: ' see you' },
    ]);
    expect(appLinks('ozekichat://open?account=bob@example.com')).toEqual([{ kind: 'app-link', text: 'ozekichat://open?account=bob@example.com' }]);
  });

  it('keeps web links beside app links, and never links the e-mail or host inside an app link', () => {
    expect(linkPieces(`${link} or https://ozeki.chat/help`).map((p) => p.kind)).toEqual(['app-link', 'text', 'link']);
    expect(links('ozekichat://open?account=bob@demo.ozeki.chat')).toEqual([]);
  });

  it('leaves trailing punctuation and brackets out of an app link', () => {
    for (const [text, expected] of [
      [`${link}.`, link],
      [`(${link})`, link],
      [`"${link}",`, link],
      [`${link}!?`, link],
      [`${link}...`, link],
      [`<${link}>`, link],
    ]) {
      expect(appLinks(text!), text).toEqual([{ kind: 'app-link', text: expected }]);
      expect(
        linkPieces(text!)
          .map((p) => p.text)
          .join(''),
      ).toBe(text);
    }
  });

  it('stops an app link at markup or quotes, which stay text', () => {
    expect(linkPieces('ozekichat://open?a=1"><script>alert(1)</script>')).toEqual([
      { kind: 'app-link', text: 'ozekichat://open?a=1' },
      { kind: 'text', text: '"><script>alert(1)</script>' },
    ]);
  });

  it('never makes lookalikes, other schemes or other paths app links', () => {
    for (const text of [
      'javascript:alert(1)',
      'javascript://open?%0aalert(1)',
      'ozekichat:open?a=1',
      'ozekichat:/open?a=1',
      'ozekichat//open?a=1',
      'ozekichat://open.evil.com?a=1',
      'ozekichat://opener?a=1',
      'ozekichat://open/?a=1',
      'ozekichat://evil.com/open?a=1',
      'ozekichat://open@evil.com?a=1',
      'ozekichat://open?',
      'ozekichat://open?.',
      'OZEKICHAT://OPEN?a=1',
      'xozekichat://open?a=1',
      'my-ozekichat://open?a=1',
      'javascript:ozekichat://open?a=1',
      'ozek1chat://open?a=1',
      'ozekіchat://open?a=1', // a Cyrillic і
      'ｏzekichat://open?a=1',
    ]) {
      expect(appLinks(text), text).toEqual([]);
      expect(
        linkPieces(text)
          .map((p) => p.text)
          .join(''),
        text,
      ).toBe(text);
    }
  });

  it('leaves an app link inside a web address to the web address', () => {
    expect(linkPieces('https://example.com/?next=ozekichat://open?a=1').map((p) => p.kind)).not.toContain('app-link');
  });

  it('stops at the first character outside the query alphabet, so a javascript: tail is never part of it', () => {
    expect(appLinks('ozekichat://open?a=1;javascript:alert(1)')).toEqual([{ kind: 'app-link', text: 'ozekichat://open?a=1' }]);
  });
});
