import { parseBasicCredentials } from './basic-credentials.js';

const encode = (value: string) => Buffer.from(value, 'utf8').toString('base64');

describe('parseBasicCredentials', () => {
  it('keeps every colon after the first in the password', () => {
    expect(parseBasicCredentials(`Basic ${encode('alice:pa:ss:word')}`)).toEqual({
      login: 'alice',
      password: 'pa:ss:word',
    });
  });

  it('reads the scheme in any casing', () => {
    expect(parseBasicCredentials(`bAsIc ${encode('alice:x')}`)).toEqual({
      login: 'alice',
      password: 'x',
    });
  });

  it('accepts an empty password and UTF-8 text', () => {
    expect(parseBasicCredentials(`Basic ${encode('zoë:')}`)).toEqual({
      login: 'zoë',
      password: '',
    });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Bearer ${encode('alice:x')}`],
    ['a scheme that only contains basic', `NotBasic ${encode('alice:x')}`],
    ['no colon', `Basic ${encode('alice')}`],
    ['an empty login', `Basic ${encode(':secret')}`],
    ['no credentials', 'Basic'],
    ['characters outside base64', 'Basic a$b'],
    ['a NUL in the login', `Basic ${encode('ali\u0000ce:x')}`],
    ['a NUL in the password', `Basic ${encode('alice:x\u0000')}`],
  ])('finds nothing in %s', (_, header) => {
    expect(parseBasicCredentials(header)).toBeNull();
  });
});
