import { parseApiKeyCredentials, splitKeyAndSecret } from './api-key-credentials.js';

const basic = (value: string) => `Basic ${Buffer.from(value, 'utf8').toString('base64')}`;

describe('parseApiKeyCredentials', () => {
  it('reads Frappe’s token scheme in any casing', () => {
    expect(parseApiKeyCredentials('token lk_abc:lks_def')).toEqual({
      key: 'lk_abc',
      secret: 'lks_def',
    });
    expect(parseApiKeyCredentials('Token lk_abc:lks_def')).toEqual({
      key: 'lk_abc',
      secret: 'lks_def',
    });
  });

  it('reads Basic whose user-id is an API key', () => {
    expect(parseApiKeyCredentials(basic('lk_abc:lks_def'))).toEqual({
      key: 'lk_abc',
      secret: 'lks_def',
    });
  });

  it.each([
    ['no header', undefined],
    ['Basic login:password', basic('alice:secret')],
    ['a token without a secret', 'token lk_abc'],
    ['a token with an empty secret', 'token lk_abc:'],
    ['Bearer', 'Bearer lk_abc:lks_def'],
  ])('finds nothing in %s', (_, header) => {
    expect(parseApiKeyCredentials(header)).toBeNull();
  });
});

describe('splitKeyAndSecret', () => {
  it('splits at the first colon', () => {
    expect(splitKeyAndSecret('lk_a:lks_b')).toEqual({ key: 'lk_a', secret: 'lks_b' });
    expect(splitKeyAndSecret('lkt_abc')).toBeNull();
    expect(splitKeyAndSecret('eyJ.a.b')).toBeNull();
  });
});
