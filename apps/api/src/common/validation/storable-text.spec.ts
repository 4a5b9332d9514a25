import { findUnstorable, isStorableText } from './storable-text.js';

describe('storable text', () => {
  it('accepts any valid Unicode, astral characters included', () => {
    expect(isStorableText('zoë 日本 😀 \u{10FFFF}')).toBe(true);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\uD800b'],
    ['a lone low surrogate', '\uDC00'],
    ['surrogates in the wrong order', '\uDE00\uD83D'],
  ])('refuses %s', (_, value) => {
    expect(isStorableText(value)).toBe(false);
  });

  it('names the first field holding one, however deep, keys included', () => {
    expect(findUnstorable({ a: 'ok', b: [1, { c: 'x\u0000' }] }, 'body')).toBe('body.b.1.c');
    expect(findUnstorable({ ['k\uD800']: 1 }, 'body')).toBe('body');
    expect(findUnstorable({ a: ['fine', 2, null, true] }, 'body')).toBeUndefined();
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let nested: unknown = 'x\u0000';
    for (let depth = 0; depth < 200_000; depth++) nested = [nested];
    expect(findUnstorable(nested, 'body')).toMatch(/^body(\.0)+$/);
  });
});
