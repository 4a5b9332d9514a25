import type { LoggerService } from '@nestjs/common';
import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LevelWithSilent } from 'pino';
import type PinoPretty from 'pino-pretty';

/**
 * The process's one pino logger: JSON lines, or readable lines when stdout is a terminal.
 * Tests hand in their own destination to read what was written.
 */
export function createRootLogger(level: LevelWithSilent, destination?: DestinationStream): Logger {
  const options = { level, base: undefined };
  if (destination) return pino(options, destination);
  if (!process.stdout.isTTY) return pino(options);
  // Loaded only for a terminal: it costs half a second of start-up that JSON logging never needs.
  const pretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
  return pino(
    options,
    pretty({
      colorize: true,
      sync: true,
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'context,reqId,method,route,path,status,durationMs',
      messageFormat: readableMessage,
    }),
  );
}

/** A request line reads "GET /api/v1/users/me 200 3.1ms"; others "[Context] message". */
function readableMessage(log: Record<string, unknown>, messageKey: string): string {
  if (log.method !== undefined && log.status !== undefined)
    return `${String(log.method)} ${String(log.path)} ${String(log.status)} ${String(log.durationMs)}ms`;
  const context = typeof log.context === 'string' ? `[${log.context}] ` : '';
  return `${context}${String(log[messageKey] ?? '')}`;
}

/** Nest's own start-up narration (modules loaded, routes mapped): useful only when debugging. */
const STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

type NestLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * Nest's logger, written straight to the root pino logger: `[Context] message` lines, with Nest's
 * start-up chatter moved to debug so a first start stays readable. No per-request middleware
 * (pino-http) and no async context: a request costs one line, written by `logRequest`, and no
 * child logger, no header serialisation and no async-hook bookkeeping on the hot path.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    const startup = typeof context === 'string' && STARTUP_CONTEXTS.has(context);
    this.write(startup ? 'debug' : 'info', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  /** Nest passes the context last (a Logger's name); an object message becomes the line's fields. */
  private write(level: NestLevel, message: unknown, optionalParams: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const context = optionalParams.at(-1);
    const fields = typeof context === 'string' ? { context } : {};
    if (message instanceof Error) this.pino[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null)
      this.pino[level]({ ...fields, ...message });
    else this.pino[level](fields, String(message));
  }
}
