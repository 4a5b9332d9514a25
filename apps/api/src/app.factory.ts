import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { API_PREFIX, UNPREFIXED_PATHS } from './common/auth/route-catalog.js';
import { originsOf } from './common/net/loopback.js';
import { setupOpenApi } from './common/openapi/openapi.js';
import { serveSpa } from './common/spa/serve-spa.js';
import type { AppConfig } from './config/config.js';
import { AppModule } from './app.module.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
}

const BODY_LIMIT_BYTES = 1024 * 1024;

/** Builds the whole HTTP application; main.ts and the tests both start it from here. */
export async function createApp({
  config,
  databaseUrl,
}: CreateAppOptions): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    // Fastify also takes a hop count, which its type leaves out.
    trustProxy: config.TRUST_PROXY as boolean | string[],
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 256 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, databaseUrl }),
    adapter,
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: UNPREFIXED_PATHS });
  app.enableCors({
    origin: [...originsOf(config.PUBLIC_URL), ...config.CORS_ORIGINS],
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
