import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { API_PREFIX, UNPREFIXED_PATHS } from './common/auth/route-catalog.js';
import { createRootLogger, StartupQuietLogger } from './common/logging/logger.js';
import { logRequest } from './common/logging/request-log.js';
import { setupOpenApi } from './common/openapi/openapi.js';
import { noStoreByDefault } from './common/http/no-store.js';
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
  });
  const logger = createRootLogger(config.LOG_LEVEL, logDestination);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, databaseUrl, logger }),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(new StartupQuietLogger(app.get(Logger)));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_PATHS });
  app.enableCors({
    origin: [new URL(config.PUBLIC_URL).origin, ...config.CORS_ORIGINS],
    credentials: true,
    exposedHeaders: ['WWW-Authenticate', 'Retry-After'],
  });
  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Swagger UI runs an inline initializer script.
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        // Upgrading would break a plain-HTTP deployment such as http://localhost.
        upgradeInsecureRequests: config.PUBLIC_URL.startsWith('https:') ? [] : null,
      },
    },
  });

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', refuseUnstorableInput);
  fastify.addHook('onSend', noStoreByDefault);
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(logger, request, reply);
    done();
  });
  if (config.HTTPS_REDIRECT) {
    const publicUrl = new URL(config.PUBLIC_URL);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https' || ['/healthz', '/readyz'].includes(request.url)) return;
      await reply.redirect(`https://${publicUrl.host}${request.url}`, 301);
    });
  }
  setupOpenApi(app, config);
  await serveSpa(app);
  await app.init();
  return app;
}
