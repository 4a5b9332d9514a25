import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@latchkey/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { toProblem } from './problem-details.js';
import { challengesFor } from './challenges.js';

/** Every error leaves the API as application/problem+json; 401s carry their challenges. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendProblem(reply, error, this.config, this.logger);
  }
}

export function sendProblem(
  reply: FastifyReply,
  error: unknown,
  config: AppConfig,
  logger: Logger,
): void {
  const { body, headers, unexpected, basicChallenge, credentialSent } = toProblem(error);
  // The request id ties the stack to the request's own log line.
  if (unexpected)
    logger.error({
      reqId: reply.request.id,
      msg: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  if (body.status === 401)
    reply.header(
      'WWW-Authenticate',
      challengesFor(config, basicChallenge !== false, credentialSent !== false),
    );
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.header('Cache-Control', 'no-store');
  reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
