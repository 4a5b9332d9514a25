import { randomBytes } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  ROLES,
  SCOPES,
  TOKEN_PREFIXES,
  isScope,
  scopesForRoles,
  type Role,
  type Scope,
} from '@latchkey/contracts';
import { CLI_ACTING } from '../common/auth/acting.js';
import { OPERATOR } from '../common/auth/permission-ceiling.js';
import { ApiKeysService } from '../modules/api-keys/api-keys.service.js';
import { AuditService } from '../modules/audit/audit.service.js';
import { TokenInspectorService } from '../modules/oauth/token-inspector.service.js';
import { OpaqueTokensService } from '../modules/opaque-tokens/opaque-tokens.service.js';
import { PersonalAccessTokensService } from '../modules/personal-access-tokens/personal-access-tokens.service.js';
import { SigningKeysService } from '../modules/signing-keys/signing-keys.service.js';
import type { UserEntity } from '../modules/users/user.entity.js';
import { UsersService } from '../modules/users/users.service.js';

/** A mistake in how the command was called: shown with the command's usage, exit code 2. */
export class UsageError extends Error {}
/** The command ran and could not do what was asked: exit code 1. */
export class CommandFailed extends Error {}

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command made, printed once on stdout (as `name: value` lines, or one JSON object). */
export type CommandResult = Record<string, string | string[]>;

/** Result fields that hold a secret: the text output says it is shown only once. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['password', 'apiSecret']);

export interface Command {
  usage: string;
  description: string;
  options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }>;
  /** Its result is the only place its secrets appear. */
  run(app: INestApplicationContext, values: Values, positionals: string[]): Promise<CommandResult>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

function optional(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function onePositional(positionals: string[], what: string): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError(`give exactly one ${what}`);
  return positionals[0];
}

async function findUser(app: INestApplicationContext, idOrLogin: string): Promise<UserEntity> {
  const users = app.get(UsersService);
  const user = UUID.test(idOrLogin)
    ? await users.findById(idOrLogin.toLowerCase())
    : await users.findByLogin(idOrLogin);
  if (!user) throw new CommandFailed(`no user has the id or login "${idOrLogin}"`);
  return user;
}

function scopesFrom(values: Values, fallback: Scope[]): Scope[] {
  const given = optional(values, 'scopes');
  if (given === undefined) return fallback;
  const names = given.split(/[\s,]+/).filter(Boolean);
  const unknown = names.filter((name) => !isScope(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new UsageError(`unknown scope ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`);
  }
  return SCOPES.filter((scope) => names.includes(scope));
}

function userCommand(roles: Role[] | null): Command {
  const noun = roles ? 'an admin' : 'a user';
  return {
    usage: `--login <login> --email <email> [--display-name <name>] [--password <password>]${roles ? '' : ' [--role user|admin]...'}`,
    description: `Create ${noun}. Without --password one is generated and printed once.`,
    options: {
      login: { type: 'string' },
      email: { type: 'string' },
      'display-name': { type: 'string' },
      password: { type: 'string' },
      ...(roles ? {} : { role: { type: 'string', multiple: true } }),
    },
    async run(app, values) {
      const chosenRoles = roles ?? (values.role as string[] | undefined) ?? ['user'];
      const unknown = chosenRoles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')}`);
      const given = optional(values, 'password');
      const password = given ?? randomBytes(18).toString('base64url');
      const displayName = optional(values, 'display-name');
      const user = await app.get(UsersService).create({
        login: required(values, 'login'),
        email: required(values, 'email'),
        password,
        roles: chosenRoles as Role[],
        ...(displayName ? { displayName } : {}),
      });
      await app.get(AuditService).record('user.created', {
        subject: user,
        details: { via: 'cli', roles: user.roles },
      });
      return {
        id: user.id,
        login: user.login,
        roles: user.roles,
        ...(given ? {} : { password }),
      };
    },
  };
}

export const COMMANDS: Record<string, Command> = {
  'create-user': userCommand(null),
  'create-admin': userCommand(['admin']),
  'create-api-key': {
    usage: '--user <login|id> [--name <name>] [--scopes <scope,scope>]',
    description:
      "Create an API key + secret for a user; the secret is printed once. Scopes default to all the user's roles allow.",
    options: { user: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } },
    async run(app, values) {
      const owner = await findUser(app, required(values, 'user'));
      const scopes = scopesFrom(values, scopesForRoles(owner.roles));
      const { entity, apiSecret } = await app
        .get(ApiKeysService)
        .create(owner, { name: optional(values, 'name') ?? 'cli', scopes }, OPERATOR, CLI_ACTING);
      return {
        id: entity.id,
        user: owner.login,
        scopes: entity.scopes,
        apiKey: entity.apiKey,
        apiSecret,
      };
    },
  },
  'rotate-api-secret': {
    usage: '<api-key-id | lk_… key>',
    description: 'Give an API key a new secret, printed once; the old one stops working at once.',
    options: {},
    async run(app, _values, positionals) {
      const which = onePositional(positionals, 'API key id or lk_ key');
      const keys = app.get(ApiKeysService);
      const id = which.startsWith(TOKEN_PREFIXES.apiKey) ? (await keys.findLive(which))?.id : which;
      if (!id || !UUID.test(id)) throw new CommandFailed(`no live API key is "${which}"`);
      const { apiKey, apiSecret } = await keys.rotateSecret(id.toLowerCase(), OPERATOR, CLI_ACTING);
      return { apiKey, apiSecret };
    },
  },
  'revoke-token': {
    usage: '<id | token>',
    description:
      'Revoke a personal access token, account token, opaque token or API key, by id or by value (a JWT, lkt_…, lk_… or lk_…:lks_…).',
    options: {},
    async run(app, _values, positionals) {
      const which = onePositional(positionals, 'id or token');
      if (!(await revoke(app, which))) {
        throw new CommandFailed('nothing live has this id or value; nothing was revoked');
      }
      // Never echo a token value back: it is a secret.
      return { revoked: UUID.test(which) ? which.toLowerCase() : 'the given token' };
    },
  },
  'rotate-signing-keys': {
    usage: '',
    description:
      'Start signing JWTs with a new key; the old key stays published while tokens it signed live.',
    options: {},
    async run(app) {
      const keys = app.get(SigningKeysService);
      if (keys.symmetric) {
        throw new CommandFailed(
          'JWT_SECRET is set: HS256 has no keys to rotate; change the secret',
        );
      }
      const key = await keys.rotate();
      await app.get(AuditService).record('signing_key.rotated', {
        details: { kid: key.kid, via: 'cli' },
      });
      return { kid: key.kid };
    },
  },
};

async function revoke(app: INestApplicationContext, which: string): Promise<boolean> {
  if (UUID.test(which)) {
    const id = which.toLowerCase();
    return (
      (await app.get(PersonalAccessTokensService).revoke({ id }, CLI_ACTING)) !== null ||
      (await app.get(OpaqueTokensService).revoke({ id }, CLI_ACTING)) ||
      (await app.get(ApiKeysService).revoke(id, CLI_ACTING))
    );
  }
  if (which.startsWith(TOKEN_PREFIXES.apiKey) && !which.includes(':')) {
    const key = await app.get(ApiKeysService).findLive(which);
    return key ? app.get(ApiKeysService).revoke(key.id, CLI_ACTING) : false;
  }
  return app.get(TokenInspectorService).revoke(which, CLI_ACTING);
}
