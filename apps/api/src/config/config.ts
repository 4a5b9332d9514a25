import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import type { z } from 'zod';
import { isLoopbackHost } from '../common/net/loopback.js';
import { CONFIG_VARIABLES, type ConfigVariable } from './config.schema.js';

type Parsed<K extends ConfigVariable> = z.output<(typeof CONFIG_VARIABLES)[K]['schema']>;
type WithDefault = {
  [K in ConfigVariable]: (typeof CONFIG_VARIABLES)[K] extends { default: string } ? K : never;
}[ConfigVariable];

export type RawConfig = { [K in WithDefault]: Parsed<K> } & {
  [K in Exclude<ConfigVariable, WithDefault>]?: Parsed<K>;
};

/** The validated configuration: the only view of the environment the rest of the code gets. */
export type AppConfig = Omit<
  RawConfig,
  'PUBLIC_URL' | 'DATA_DIR' | 'COOKIE_SECURE' | 'WEBAUTHN_RP_ID'
> & {
  PUBLIC_URL: string;
  /** Defaults to the host of PUBLIC_URL, which it always is or is a parent domain of. */
  WEBAUTHN_RP_ID: string;
  /** Absolute path. */
  DATA_DIR: string;
  /** `auto` resolved against PUBLIC_URL. */
  COOKIE_SECURE: boolean;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates every variable at once, so one start reports every mistake. */
export function parseConfig(
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): AppConfig {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, spec] of Object.entries(CONFIG_VARIABLES)) {
    const given = env[name];
    const raw =
      given === undefined || given === '' ? ('default' in spec ? spec.default : undefined) : given;
    if (raw === undefined) continue;
    const result = (spec.schema as z.ZodType).safeParse(raw);
    if (result.success) {
      values[name] = result.data;
    } else {
      const reason = result.error.issues.map((issue) => issue.message).join('; ');
      const shown = 'sensitive' in spec && spec.sensitive ? '' : ` (got "${raw}")`;
      problems.push(`${name}: ${reason}${shown}. ${spec.description}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const raw = values as RawConfig;
  const dataDir = isAbsolute(raw.DATA_DIR) ? raw.DATA_DIR : resolve(cwd, raw.DATA_DIR);
  const publicUrl = raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`;
  const publicHost = new URL(publicUrl).hostname;
  const rpId = raw.WEBAUTHN_RP_ID ?? publicHost;
  if (!isRegistrableSuffix(rpId, publicHost)) {
    throw new ConfigError([
      `WEBAUTHN_RP_ID: "${rpId}" is neither the host of PUBLIC_URL (${publicHost}) nor a parent domain of it. ${CONFIG_VARIABLES.WEBAUTHN_RP_ID.description}`,
    ]);
  }
  return {
    ...raw,
    PUBLIC_URL: publicUrl,
    DATA_DIR: dataDir,
    COOKIE_SECURE: raw.COOKIE_SECURE === 'auto' ? secureCookiesFor(publicUrl) : raw.COOKIE_SECURE,
    WEBAUTHN_RP_ID: rpId,
  };
}

/** WebAuthn's rule: the RP ID is the origin's host or a suffix of it at a label boundary. */
function isRegistrableSuffix(rpId: string, host: string): boolean {
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * COOKIE_SECURE=auto: Secure, unless PUBLIC_URL is plain http on a host that is not a loopback
 * name, where browsers would drop a Secure cookie (they keep it on http://localhost).
 */
export function secureCookiesFor(publicUrl: string): boolean {
  const url = new URL(publicUrl);
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}

/** process.env over the `.env` file of the working directory, validated. */
export function loadConfig(cwd = process.cwd()): AppConfig {
  const dotenvPath = resolve(cwd, '.env');
  const fromFile = existsSync(dotenvPath) ? parseDotenv(readFileSync(dotenvPath)) : {};
  return parseConfig({ ...fromFile, ...process.env }, cwd);
}

export const APP_CONFIG = Symbol('APP_CONFIG');
