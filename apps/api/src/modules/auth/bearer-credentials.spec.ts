import { parseBearerToken } from './bearer-credentials.js';

describe('parseBearerToken', () => {
  it('reads the token in any casing of the scheme', () => {
    expect(parseBearerToken('Bearer a.b.c')).toBe('a.b.c');
    expect(parseBearerToken('bEaReR lkt_abc')).toBe('lkt_abc');
  });

  it.each([
    ['no header', undefined],
    ['another scheme', 'Basic YTpi'],
    ['an empty token', 'Bearer '],
    ['two tokens', 'Bearer a b'],
    ['characters outside b64token', 'Bearer a$b'],
  ])('finds nothing in %s', (_, header) => {
    expect(parseBearerToken(header)).toBeNull();
  });
});
