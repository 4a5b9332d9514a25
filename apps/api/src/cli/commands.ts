import type { INestApplicationContext } from '@nestjs/common';
import {
  MAX_OVERLAP_SECONDS,
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
import { AuditService } from '../modules/audit/audit.service.js';
import { CREDENTIAL_KINDS, type CredentialKind } from '../modules/credentials/credential.entity.js';
import { CredentialsService } from '../modules/credentials/credentials.service.js';
import { CredentialVerifier } from '../modules/credentials/credential-verifier.js';
import { TokenInspectorService } from '../modules/oauth/token-inspector.service.js';
import { SigningKeysService } from '../modules/signing-keys/signing-keys.service.js';
import type { UserEntity } from '../modules/users/user.entity.js';
import { generatePassword, UsersService } from '../modules/users/users.service.js';

/** A mistake in how the command was called: shown with the command's usage, exit code 2. */
export class UsageError extends Error {}
/** The command ran and could not do what was asked: exit code 1. */
export class CommandFailed extends Error {}

export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What a command made, printed once on stdout (as `name: value` lines, or one JSON object). */
export type CommandResult = Record<string, string | string[]>;

/** Result fields that hold a secret: the text output says it is shown only once. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(['password', 'apiSecret', 'token']);

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
      const password = given ?? generatePassword();
      const displayName = optional(values, 'display-name');
      const user = await app.get(UsersService).create({
        login: required(values, 'login'),
        email: required(values, 'email'),
        password,
        roles: chosenRoles as Role[],
        ...(displayName ? { displayName } : {}),
      });
      await app.get(AuditService).record('user.created', {
        ...CLI_ACTING,
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
  'reset-password': {
    usage: '--user <login|id> [--password <password>] [--must-change] [--keep-credentials]',
    description:
      "Set a user's password (a lost admin password too) and end their sessions and, unless --keep-credentials, every credential of theirs. Without --password one is generated and printed once.",
    options: {
      user: { type: 'string' },
      password: { type: 'string' },
      'must-change': { type: 'boolean' },
      'keep-credentials': { type: 'boolean' },
    },
    async run(app, values) {
      const user = await findUser(app, required(values, 'user'));
      const given = optional(values, 'password');
      const password = given ?? generatePassword();
      const mustChange = values['must-change'] === true;
      const revokeCredentials = values['keep-credentials'] !== true;
      await app
        .get(UsersService)
        .resetPassword(
          user.id,
          { newPassword: password, mustChange, revokeCredentials },
          CLI_ACTING,
        );
      await app.get(AuditService).record('password.changed', {
        ...CLI_ACTING,
        subject: user,
        details: { reset: true, mustChange, revokeCredentials },
      });
      return { login: user.login, ...(given ? {} : { password }) };
    },
  },
  'create-api-key': {
    usage: '--user <login|id> [--name <name>] [--scopes <scope,scope>]',
    description:
      "Create an API key + secret for a user; the secret is printed once. Scopes default to all the user's roles allow.",
    options: { user: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'string' } },
    async run(app, values) {
      const owner = await findUser(app, required(values, 'user'));
      const scopes = scopesFrom(values, scopesForRoles(owner.roles));
      const { entity, secret } = await app
        .get(CredentialsService)
        .issue(
          'api_key',
          owner,
          { name: optional(values, 'name') ?? 'cli', scopes, expiresAt: null },
          OPERATOR,
          CLI_ACTING,
        );
      return {
        id: entity.id,
        user: owner.login,
        scopes: entity.scopes ?? [],
        apiKey: entity.lookup,
        apiSecret: secret,
      };
    },
  },
  'rotate-api-secret': {
    usage: '<api-key-id | lk_… key> [--overlap <seconds>]',
    description:
      'Give an API key a new secret, printed once; the old one stops at once, or after --overlap seconds (at most 604800).',
    options: { overlap: { type: 'string' } },
    async run(app, values, positionals) {
      const which = onePositional(positionals, 'API key id or lk_ key');
      const id = which.startsWith(TOKEN_PREFIXES.apiKey)
        ? (await app.get(CredentialVerifier).liveApiKey(which))?.row.id
        : which;
      if (!id || !UUID.test(id)) throw new CommandFailed(`no live API key is "${which}"`);
      const { apiKey, apiSecret } = await app
        .get(CredentialsService)
        .rotateSecret(id.toLowerCase(), overlapOf(values), OPERATOR, CLI_ACTING);
      return { apiKey, apiSecret };
    },
  },
  'rotate-token': {
    usage: '<personal-access-token-id> [--overlap <seconds>]',
    description:
      'Replace a personal access token with a new one (same name, scopes and lifetime), printed once; the old one stops at once, or after --overlap seconds (at most 604800).',
    options: { overlap: { type: 'string' } },
    async run(app, values, positionals) {
      const id = uuidOf(onePositional(positionals, 'personal access token id'));
      const credentials = app.get(CredentialsService);
      const old = await live(app, ['personal_access_token'], id);
      const { entity, secret } = await credentials.rotate(
        old.userId,
        id,
        { overlapSeconds: overlapOf(values) },
        OPERATOR,
        CLI_ACTING,
      );
      return { id: entity.id, replaced: id, token: secret };
    },
  },
  'disable-token': {
    usage: '<personal-access-token-id | api-key-id> [--enable]',
    description:
      'Disable a personal access token or an API key without deleting it (it is refused until enabled again), or enable it with --enable.',
    options: { enable: { type: 'boolean' } },
    async run(app, values, positionals) {
      const id = uuidOf(onePositional(positionals, 'token or API key id'));
      const credential = await live(app, ['personal_access_token', 'api_key'], id);
      const view = await app
        .get(CredentialsService)
        .update(
          credential.userId,
          credential.kind,
          id,
          { disabled: values.enable !== true },
          OPERATOR,
          CLI_ACTING,
        );
      return { id, disabled: String(view.disabled) };
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
  'create-service-account': {
    usage: '--login <login> [--display-name <name>] [--role verifier|user|admin]...',
    description:
      'Create a service account: no password, no browser sign-in. Roles default to verifier (introspection and security events). Give it an API key with create-api-key.',
    options: {
      login: { type: 'string' },
      'display-name': { type: 'string' },
      role: { type: 'string', multiple: true },
    },
    async run(app, values) {
      const roles = (values.role as string[] | undefined) ?? ['verifier'];
      const unknown = roles.filter((role) => !(ROLES as readonly string[]).includes(role));
      if (unknown.length > 0) throw new UsageError(`unknown role ${unknown.join(', ')}`);
      const account = await app.get(UsersService).createServiceAccount({
        login: required(values, 'login'),
        displayName: optional(values, 'display-name'),
        roles: roles as Role[],
      });
      await app.get(AuditService).record('user.created', {
        subject: account,
        details: { via: 'cli', kind: 'service', roles: account.roles },
      });
      return { id: account.id, login: account.login, roles: account.roles };
    },
  },
  'list-service-accounts': {
    usage: '',
    description: 'List service accounts: one line each, login, id, roles and state.',
    options: {},
    async run(app) {
      const [accounts] = await app.get(UsersService).list({
        kind: 'service',
        sort: 'login',
        page: 1,
        pageSize: 100,
      });
      return {
        serviceAccounts: accounts.map(
          (account) =>
            `${account.login} ${account.id} ${account.roles.join(',')} ${account.disabledAt ? 'disabled' : 'enabled'}`,
        ),
      };
    },
  },
  'disable-service-account': {
    usage: '<login | id> [--enable]',
    description:
      'Disable a service account (every credential it holds is refused at once), or enable it with --enable.',
    options: { enable: { type: 'boolean' } },
    async run(app, values, positionals) {
      const account = await findUser(app, onePositional(positionals, 'service account'));
      if (account.kind !== 'service') {
        throw new CommandFailed(`"${account.login}" is a person's account, not a service account`);
      }
      const disabled = values.enable !== true;
      // The CLI is the operator, no account of the database: never the account itself.
      const updated = await app.get(UsersService).update(account.id, { disabled }, '');
      await app.get(AuditService).record(disabled ? 'user.disabled' : 'user.enabled', {
        subject: updated,
        details: { via: 'cli', kind: 'service' },
      });
      return { id: updated.id, login: updated.login, disabled: String(disabled) };
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
      const key = await keys.rotate(CLI_ACTING);
      return { kid: key.kid };
    },
  },
};

async function revoke(app: INestApplicationContext, which: string): Promise<boolean> {
  const credentials = app.get(CredentialsService);
  if (UUID.test(which)) {
    return credentials.revokeById([...CREDENTIAL_KINDS], which.toLowerCase(), CLI_ACTING);
  }
  if (which.startsWith(TOKEN_PREFIXES.apiKey) && !which.includes(':')) {
    const key = await app.get(CredentialVerifier).liveApiKey(which);
    return key ? credentials.revokeById(['api_key'], key.row.id, CLI_ACTING) : false;
  }
  return app.get(TokenInspectorService).revoke(which, CLI_ACTING);
}

/** A live credential of one of these kinds by id, or the command fails. */
async function live(app: INestApplicationContext, kinds: CredentialKind[], id: string) {
  for (const kind of kinds) {
    const found = await app
      .get(CredentialsService)
      .findLive(kind, id)
      .catch(() => null);
    if (found) return found;
  }
  throw new CommandFailed(`nothing live has the id ${id}`);
}

function uuidOf(value: string): string {
  if (!UUID.test(value)) throw new UsageError(`"${value}" is not an id`);
  return value.toLowerCase();
}

function overlapOf(values: Values): number {
  const overlap = optional(values, 'overlap') ?? '0';
  const seconds = Number(overlap);
  if (!/^\d+$/.test(overlap) || seconds > MAX_OVERLAP_SECONDS) {
    throw new UsageError(`--overlap takes whole seconds from 0 to ${MAX_OVERLAP_SECONDS}`);
  }
  return seconds;
}
