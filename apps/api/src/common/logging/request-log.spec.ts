import { loggedPath } from './request-log.js';

describe('loggedPath', () => {
  it('keeps a path without a query as it is', () => {
    expect(loggedPath('/api/v1/users/me')).toBe('/api/v1/users/me');
  });

  it('replaces every query value but harmless ones, and names only the API’s own parameters', () => {
    expect(loggedPath('/api/v1/users?q=alice&page=2')).toBe('/api/v1/users?q=[redacted]&page=2');
    expect(loggedPath('/a?auth_token=lkt_x&client_secret=s3cret&password=hunter2')).toBe(
      '/a?auth_token=[redacted]&[redacted]&[redacted]',
    );
  });

  it('reads parameter names with the decoder that reads auth_token', () => {
    expect(loggedPath('/a?auth%5Ftoken=lkt_x&auth%5ftoken=lkt_y')).toBe(
      '/a?auth_token=[redacted]&auth_token=[redacted]',
    );
  });

  it('writes neither a token sent as a name nor a name it cannot decode', () => {
    expect(loggedPath('/a?lkt_secret&%E0%A4%A=1&x')).toBe('/a?[redacted]&[redacted]&[redacted]');
  });
});

describe('loggedPath shows the values of harmless parameters', () => {
  it.each([
    ['a page and its size', '/api/v1/users?page=2&pageSize=50', '/api/v1/users?page=2&pageSize=50'],
    ['a limit and a type', '/a?limit=20&type=login.failed', '/a?limit=20&type=login.failed'],
    ['a state and a sort', '/a?state=inactive&sort=created', '/a?state=inactive&sort=created'],
    [
      'a usage range',
      '/a?bucket=hour&from=2026-12-01T00:00:00.000Z&to=2026-12-02T00:00:00Z',
      '/a?bucket=hour&from=2026-12-01T00:00:00.000Z&to=2026-12-02T00:00:00Z',
    ],
    ['an export format', '/a?format=ndjson', '/a?format=ndjson'],
  ])('shows %s', (_case, url, logged) => {
    expect(loggedPath(url)).toBe(logged);
  });

  it.each([
    ['a token as a page', '/a?page=lkt_AbC123', '/a?page=[redacted]'],
    ['a token as a type', '/a?type=lkt_abcdefghijklmnop', '/a?type=[redacted]'],
    ['a JWT as a state', '/a?state=eyJhbGciOiJFZERTQSJ9', '/a?state=[redacted]'],
    ['a token as a from', '/a?from=lkr_2026-12-01', '/a?from=[redacted]'],
    ['an encoded value', '/a?type=login%2Efailed', '/a?type=[redacted]'],
    ['auth_token, always', '/a?auth_token=abc', '/a?auth_token=[redacted]'],
    ['a search, always', '/a?q=alice', '/a?q=[redacted]'],
  ])('still redacts %s', (_case, url, logged) => {
    expect(loggedPath(url)).toBe(logged);
  });
});
