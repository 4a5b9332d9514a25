import { randomBytes } from 'node:crypto';
import type { Role } from '@latchkey/contracts';
import { UsersService } from '../../src/modules/users/users.service.js';
import type { TestApp } from '../support/test-app.js';

export interface TestUser {
  id: string;
  login: string;
  email: string;
  password: string;
  basic: [string, string];
}

/** A user of its own for one test, created through the real service (real argon2id hash). */
export async function createUser(
  testApp: TestApp,
  overrides: { roles?: Role[]; password?: string; login?: string } = {},
): Promise<TestUser> {
  const suffix = randomBytes(4).toString('hex');
  const login = overrides.login ?? `user-${suffix}`;
  const email = `${login}@example.test`;
  const password = overrides.password ?? `pass phrase ${suffix} ${randomBytes(4).toString('hex')}`;
  const user = await testApp.app
    .get(UsersService)
    .create({ login, email, password, roles: overrides.roles ?? ['user'] });
  return { id: user.id, login, email, password, basic: [login, password] };
}
