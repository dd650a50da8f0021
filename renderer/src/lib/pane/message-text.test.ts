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
