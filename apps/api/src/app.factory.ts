import cookie from '@fastify/cookie';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream } from 'pino';
import { API_PREFIX, UNPREFIXED_PATHS } from './common/auth/route-catalog.js';
import { createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { logRequest } from './common/logging/request-log.js';
import { clientErrorHandler } from './common/problem/client-errors.js';
import { sendProblem } from './common/problem/problem-details.filter.js';
import { originsOf } from './common/net/loopback.js';
import { setupOpenApi } from './common/openapi/openapi.js';
import { refuseOtherBodyTypes } from './common/http/body-types.js';
import { noStoreByDefault } from './common/http/no-store.js';
import { pageSecurityHeaders } from './common/http/security-headers.js';
import { refuseRepeatedCredentialHeaders } from './common/http/single-credential-header.js';
import { refuseUnstorableInput } from './common/validation/storable-text.js';
import { serveSpa } from './common/spa/serve-spa.js';
import type { AppConfig } from './config/config.js';
import { AppModule } from './app.module.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Where log lines go (tests read them); stdout when absent. */
  logDestination?: DestinationStream;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
/** Health probes answer on plain HTTP too: a load balancer's check must not be redirected. */
const PROBE_PATHS = new Set(['/healthz', '/readyz']);

/** Builds the whole HTTP application; main.ts and the tests both start it from here. */
export async function createApp({
  config,
  databaseUrl,
  logDestination,
}: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Fastify also takes a hop count, which its type leaves out.
    trustProxy: config.TRUST_PROXY as boolean | string[],
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
    // Errors Node and Fastify raise themselves are problem+json too, and never quote the URL.
    clientErrorHandler,
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, error, config, new NestLogger('Problem')),
  });
  const logger = createRootLogger(config.LOG_LEVEL, logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, databaseUrl, logger }),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(PinoNestLogger));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_PATHS });
  app.enableCors({
    origin: [...originsOf(config.PUBLIC_URL), ...config.CORS_ORIGINS],
    credentials: true,
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'RateLimit-Policy', 'RateLimit'],
  });
  await app.register(cookie);
  const securityHeaders = await pageSecurityHeaders(config);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', refuseUnstorableInput);
  fastify.addHook('onSend', noStoreByDefault);
  fastify.addHook('onSend', securityHeaders);
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(logger, request, reply);
    done();
  });
  if (config.HTTPS_REDIRECT) {
    if (config.TRUST_PROXY === false)
      logger.warn(
        'HTTPS_REDIRECT is on while TRUST_PROXY is not set: behind a proxy that ends TLS, every request looks like plain HTTP and is redirected again, in a loop. Set TRUST_PROXY to the proxy (true, a hop count or its addresses).',
      );
    const publicUrl = new URL(config.PUBLIC_URL);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https' || PROBE_PATHS.has(request.url)) return;
      // 308 keeps the method and body of a POST; 301 is what GET and HEAD clients know best.
      const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
      await reply.redirect(`https://${publicUrl.host}${request.url}`, status);
    });
  }
  fastify.addHook('onRequest', refuseRepeatedCredentialHeaders);
  fastify.addHook('onRequest', refuseOtherBodyTypes);
  setupOpenApi(app, config);
  await serveSpa(app);
  await app.init();
  return app;
}
