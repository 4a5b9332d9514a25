import { loggedPath } from './request-log.js';

describe('loggedPath', () => {
  it('keeps a path without a query as it is', () => {
    expect(loggedPath('/api/v1/users/me')).toBe('/api/v1/users/me');
  });

  it('replaces every query value, and names only the API’s own parameters', () => {
    expect(loggedPath('/api/v1/users?q=alice&page=2')).toBe(
      '/api/v1/users?q=[redacted]&page=[redacted]',
    );
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
