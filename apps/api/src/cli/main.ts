import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { AppModule } from '../app.module.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { runMigrations } from '../database/data-source.js';
import { openDatabase, type OpenDatabase } from '../database/open-database.js';
import { createRootLogger } from '../common/logging/logger.js';
import { ProblemException } from '../common/problem/problem.exception.js';
import {
  COMMANDS,
  SECRET_FIELDS,
  UsageError,
  type Command,
  type CommandResult,
} from './commands.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
const err = (line: string) => process.stderr.write(`${line}\n`);

function usage(): string {
  const lines = Object.entries(COMMANDS).map(
    ([name, command]) => `  ${name.padEnd(20)} ${command.description}`,
  );
  return [
    'Usage: npm run -s cli -- <command> [options] [--json]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `npm run -s cli -- <command> --help` for its options. The result goes to stdout as',
    '`name: value` lines, or as one JSON object with --json; everything else goes to stderr.',
    'The CLI reads the same configuration (environment, .env) and database as the server:',
    'DATABASE_URL, or the embedded PostgreSQL in DATA_DIR (stop a server that uses it first).',
  ].join('\n');
}

function commandUsage(name: string, command: Command): string {
  return `Usage: npm run -s cli -- ${name} ${command.usage} [--json]\n\n${command.description}`;
}

/** `name: value` lines aligned on the values, secrets marked as shown once; or one JSON line. */
function render(result: CommandResult, json: boolean): string {
  if (json) return JSON.stringify(result);
  const width = Math.max(...Object.keys(result).map((name) => name.length)) + 2;
  return Object.entries(result)
    .map(([name, value]) => {
      const text = Array.isArray(value) ? value.join(', ') : value;
      const note = SECRET_FIELDS.has(name) ? '   (shown only once)' : '';
      return `${`${name}:`.padEnd(width)}${text}${note}`;
    })
    .join('\n');
}

/** Why the command failed, in words: problem details and their field errors. */
function describe(error: unknown): string {
  if (error instanceof ProblemException) {
    const fields = (error.problem.errors ?? []).map((issue) => `${issue.field}: ${issue.message}`);
    return fields.length > 0 ? fields.join('; ') : error.problem.detail;
  }
  return error instanceof Error ? error.message : String(error);
}

async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? out : err)(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`Unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: rest,
      options: {
        ...command.options,
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    err(`${(error as Error).message}\n\n${commandUsage(name, command)}`);
    return 2;
  }
  if (parsed.values.help) {
    out(commandUsage(name, command));
    return 0;
  }

  const config = loadConfig();
  let database: OpenDatabase | undefined;
  try {
    database = await openDatabase(config, (message) => err(`[latchkey] ${message}`));
    await runMigrations({ url: database.url, poolSize: 1 });
    const app = await NestFactory.createApplicationContext(
      AppModule.register({
        config,
        databaseUrl: database.url,
        // stdout carries the secrets a command prints; logs go to stderr.
        logger: createRootLogger('error', pino.destination(2)),
      }),
      { logger: ['error'] },
    );
    try {
      out(
        render(
          await command.run(app, parsed.values, parsed.positionals),
          parsed.values.json === true,
        ),
      );
    } finally {
      await app.close();
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      err(`${error.message}\n\n${commandUsage(name, command)}`);
      return 2;
    }
    // A stack helps only with a bug; LOG_LEVEL=debug shows it for any failure.
    const verbose = config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace';
    err(`${name} failed: ${verbose && error instanceof Error ? error.stack : describe(error)}`);
    return 1;
  } finally {
    await database?.embedded?.stop();
  }
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    err(error instanceof ConfigError ? error.message : `latchkey cli: ${describe(error)}`);
    process.exit(1);
  },
);
