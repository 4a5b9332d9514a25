import type { LoggerService } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
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

/**
 * nestjs-pino over the root logger. pino-http only binds the request id (Fastify's, which middie
 * hands to it) to the logger used inside a request; it writes no request line itself and binds no
 * request object, so no header can reach a line: the request line is written by `logRequest`.
 */
export function loggerModuleParams(logger: Logger): Params {
  return {
    pinoHttp: {
      logger,
      autoLogging: false,
      quietReqLogger: true,
      quietResLogger: true,
    },
  };
}

/** Nest's own start-up narration (modules loaded, routes mapped): useful only when debugging. */
const STARTUP_CONTEXTS = new Set([
  'NestFactory',
  'NestApplication',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
]);

/** Nest's logger, with its start-up chatter moved to debug so a first start stays readable. */
export class StartupQuietLogger implements LoggerService {
  constructor(private readonly inner: LoggerService & { debug: LoggerService['log'] }) {}

  log(message: unknown, ...optionalParams: unknown[]): void {
    const context = optionalParams.at(-1);
    if (typeof context === 'string' && STARTUP_CONTEXTS.has(context))
      this.inner.debug(message, ...optionalParams);
    else this.inner.log(message, ...optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.error(message, ...optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.warn(message, ...optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.debug(message, ...optionalParams);
  }

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.verbose?.(message, ...optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.inner.fatal?.(message, ...optionalParams);
  }
}
