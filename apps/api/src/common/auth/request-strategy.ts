import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-strategy';
import type { Principal } from './principal.js';

type Done = (error: unknown, principal?: Principal | false | null) => void;

/**
 * A passport strategy that hands the whole request to its verify callback (the Nest strategy's
 * `validate`). A credential it does not recognise and one that is wrong both fail, so the guard
 * tries the next scheme; errors (429, 503) stop the chain at once.
 */
export class RequestStrategy extends Strategy {
  constructor(private readonly verify: (request: FastifyRequest, done: Done) => void) {
    super();
  }

  // passport's types name Express's request; under Fastify the guard hands over Fastify's.
  override authenticate(request: Parameters<Strategy['authenticate']>[0]): void {
    this.verify(request as unknown as FastifyRequest, (error, principal) => {
      if (error) return this.error(error as Error);
      if (!principal) return this.fail(401);
      return this.success(principal);
    });
  }
}
