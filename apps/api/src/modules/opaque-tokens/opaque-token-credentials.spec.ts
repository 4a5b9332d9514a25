import { authTokenOfUri, pickOpaqueToken } from './opaque-token-credentials.js';

const none = { query: undefined, xAuthToken: undefined, authorization: undefined };

describe('pickOpaqueToken', () => {
  it('prefers the query parameter over the header, and the header over Bearer', () => {
    const all = { query: 'lkt_q', xAuthToken: 'lkt_h', authorization: 'Bearer lkt_b' };
    expect(pickOpaqueToken(all, true)).toBe('lkt_q');
    expect(pickOpaqueToken({ ...all, query: undefined }, true)).toBe('lkt_h');
    expect(pickOpaqueToken({ ...none, authorization: 'Bearer lkt_b' }, true)).toBe('lkt_b');
  });

  it('ignores the query parameter while it is switched off', () => {
    expect(pickOpaqueToken({ ...none, query: 'lkt_q' }, false)).toBeNull();
    expect(pickOpaqueToken({ ...none, query: 'lkt_q', xAuthToken: 'lkt_h' }, false)).toBe('lkt_h');
  });

  it('leaves JWT bearer tokens and repeated parameters alone', () => {
    expect(pickOpaqueToken({ ...none, authorization: 'Bearer eyJ.a.b' }, true)).toBeNull();
    expect(pickOpaqueToken({ ...none, query: ['lkt_a', 'lkt_b'] }, true)).toBeNull();
  });
});

describe('authTokenOfUri', () => {
  it('reads auth_token from a forwarded URI', () => {
    expect(authTokenOfUri('/app/page?x=1&auth_token=lkt_abc')).toBe('lkt_abc');
    expect(authTokenOfUri('/app/page')).toBeUndefined();
    expect(authTokenOfUri(undefined)).toBeUndefined();
  });
});
