import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from '@latchkey/contracts';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { toProblem } from './problem-details.js';
import { challengesFor, isPageLoad } from './challenges.js';
import { isOAuthEndpoint, toOAuthError } from './oauth-error-response.js';

/**
 * Every error leaves the API as application/problem+json, 401s with their challenges; the OAuth
 * endpoints answer RFC 6749 §5.2 errors instead.
 */
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
  const problem = toProblem(error);
  const { body, headers, unexpected, basicChallenge, credentialSent } = problem;
  // The request id ties the stack to the request's own log line.
  if (unexpected)
    logger.error({
      reqId: reply.request.id,
      msg: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  if (isOAuthEndpoint(reply.request.url)) {
    const oauth = toOAuthError(problem, reply.request.headers.authorization);
    for (const [name, value] of Object.entries(oauth.headers)) reply.header(name, value);
    reply.header('Cache-Control', 'no-store');
    reply.header('Pragma', 'no-cache');
    reply.status(oauth.status).type('application/json').send(oauth.body);
    return;
  }
  if (body.status === 401)
    reply.header(
      'WWW-Authenticate',
      challengesFor(
        config,
        basicChallenge !== false && !isPageLoad(reply.request),
        credentialSent !== false,
      ),
    );
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.header('Cache-Control', 'no-store');
  reply.status(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}
