import { createUserSchema, listUsersQuerySchema, loginSchema, passwordSchema } from './users.js';

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
      page: 2,
      pageSize: 5,
    });
    expect(listUsersQuerySchema.safeParse({ pageSize: '1000' }).success).toBe(false);
  });
});
