import {
  createUserSchema,
  emailSchema,
  listUsersQuerySchema,
  loginSchema,
  normaliseLogin,
  passwordSchema,
} from './users.js';

describe('user contracts', () => {
  it('refuses logins that look like API keys, in any casing', () => {
    expect(loginSchema.safeParse('lk_abc').success).toBe(false);
    expect(loginSchema.safeParse('LK_abc').success).toBe(false);
    expect(loginSchema.safeParse('alice').success).toBe(true);
  });

  it('bounds passwords to the configured minimum and 256 characters', () => {
    expect(passwordSchema(12).safeParse('a'.repeat(11)).success).toBe(false);
    expect(passwordSchema(12).safeParse('a'.repeat(12)).success).toBe(true);
    expect(passwordSchema(12).safeParse('a'.repeat(257)).success).toBe(false);
  });

  it('gives new users the user role unless told otherwise', () => {
    const parsed = createUserSchema.parse({
      login: 'bob',
      email: 'bob@example.com',
      password: 'x',
    });
    expect(parsed.roles).toEqual(['user']);
  });

  it('coerces pagination from the query string and caps the page size', () => {
    expect(listUsersQuerySchema.parse({ page: '2', pageSize: '5' })).toEqual({
      kind: 'user',
      page: 2,
      pageSize: 5,
      sort: 'login',
    });
    expect(listUsersQuerySchema.safeParse({ pageSize: '1000' }).success).toBe(false);
  });

  it('treats an empty or blank name as absent', () => {
    const base = { login: 'bob', email: 'bob@example.com', password: 'x' };
    expect(createUserSchema.parse({ ...base, displayName: '' }).displayName).toBeUndefined();
    expect(createUserSchema.parse({ ...base, displayName: '  ' }).displayName).toBeUndefined();
    expect(createUserSchema.parse({ ...base, displayName: ' Bob ' }).displayName).toBe('Bob');
  });

  it('says an empty email is required and a malformed one is not an address', () => {
    expect(emailSchema.safeParse('').error?.issues[0]?.message).toBe('Email is required');
    expect(emailSchema.safeParse('bob@').error?.issues[0]?.message).toBe(
      'Email is not a valid address',
    );
    expect(emailSchema.parse(' bob@example.com ')).toBe('bob@example.com');
  });

  it('reads the user filters from the query string', () => {
    expect(
      listUsersQuerySchema.parse({ role: 'admin', disabled: 'false', sort: '-lastLoginAt' }),
    ).toMatchObject({ role: 'admin', disabled: false, sort: '-lastLoginAt' });
    expect(listUsersQuerySchema.safeParse({ disabled: 'yes' }).success).toBe(false);
  });

  it.each([
    ['ASCII case', 'Kim.Lee', 'kim.lee'],
    ['full-width letters and digits', '\uff2b\uff49\uff4d\uff11', 'kim1'],
    ['the ideographic space', 'a\u3000b', 'a b'],
    ['the Kelvin sign', '\u212aim', 'kim'],
    ['a dotted capital I: i + U+0307, not i', 'k\u0130m', 'ki\u0307m'],
    ['a decomposed letter composed (NFC)', 'Jose\u0301', 'jos\u00e9'],
  ])('normalises logins as RFC 8265 UsernameCaseMapped: %s', (_case, login, normalised) => {
    expect(normaliseLogin(login)).toBe(normalised);
  });
});
