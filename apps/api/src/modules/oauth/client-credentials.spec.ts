import { clientAuthenticationOf } from './client-credentials.js';

const basic = (value: string) => `Basic ${Buffer.from(value, 'utf8').toString('base64')}`;

describe('clientAuthenticationOf', () => {
  it('reads Basic client_id:client_secret, form-decoded', () => {
    expect(clientAuthenticationOf(basic('lk_a:lks_%2Bb'), {})).toEqual({
      credentials: { clientId: 'lk_a', clientSecret: 'lks_+b' },
    });
  });

  it('reads the token scheme and the body fields', () => {
    expect(clientAuthenticationOf('token lk_a:lks_b', {})).toEqual({
      credentials: { clientId: 'lk_a', clientSecret: 'lks_b' },
    });
    expect(
      clientAuthenticationOf(undefined, { client_id: 'lk_a', client_secret: 'lks_b' }),
    ).toEqual({ credentials: { clientId: 'lk_a', clientSecret: 'lks_b' } });
  });

  it('refuses two ways at once, and finds nothing in half a pair', () => {
    expect(clientAuthenticationOf(basic('lk_a:lks_b'), { client_id: 'lk_a' })).toEqual({
      error: 'ambiguous',
    });
    expect(clientAuthenticationOf(undefined, { client_id: 'lk_a' })).toEqual({ error: 'none' });
    expect(clientAuthenticationOf('Bearer abc', {})).toEqual({ error: 'none' });
  });
});
