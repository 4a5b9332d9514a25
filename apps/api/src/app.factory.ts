import { isIP } from 'node:net';
import { constants as zlibConstants } from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { DestinationStream, Logger } from 'pino';
import { API_PREFIX, UNPREFIXED_PATHS } from './common/auth/route-catalog.js';
import { createRootLogger, PinoNestLogger } from './common/logging/logger.js';
import { logRequest } from './common/logging/request-log.js';
import { clientErrorHandler } from './common/problem/client-errors.js';
import { sendProblem } from './common/problem/problem-details.filter.js';
import { isLoopbackHost, originsOf } from './common/net/loopback.js';
import { setupOpenApi } from './common/openapi/openapi.js';
import { refuseOtherBodyTypes } from './common/http/body-types.js';
import { problemForInvalidPreflight } from './common/http/invalid-preflight.js';
import { noStoreByDefault } from './common/http/no-store.js';
import { pageSecurityHeaders } from './common/http/security-headers.js';
import { refuseRepeatedCredentialHeaders } from './common/http/single-credential-header.js';
import { refuseUnstorableInput } from './common/validation/storable-text.js';
import { serveSpa } from './common/spa/serve-spa.js';
import { UsageBuffer } from './common/usage/last-used-buffer.js';
import { countHttpRequest } from './common/metrics/metrics.js';
import type { AppConfig } from './config/config.js';
import { AppModule } from './app.module.js';

export interface CreateAppOptions {
  config: AppConfig;
  databaseUrl: string;
  /** Where log lines go (tests read them); stdout when absent. */
  logDestination?: DestinationStream;
}

const BODY_LIMIT_BYTES = 1024 * 1024;
const COMPRESS_THRESHOLD_BYTES = 1024;
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
    // A browser app at an allowed origin uses every method the API has.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['WWW-Authenticate', 'Retry-After', 'RateLimit-Policy', 'RateLimit'],
  });
  await app.register(cookie);
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    // JSON (problem+json too), exports and metrics; the SPA's assets are precompressed at build.
    customTypes: /^(application\/([a-z.+-]+\+)?json|application\/x-ndjson|text\/csv|text\/plain)\b/,
    // Below about 1 KB the headers and the CPU cost more than the bytes saved.
    threshold: COMPRESS_THRESHOLD_BYTES,
    // Brotli's default (quality 11) suits build-time assets, not answers made per request.
    brotliOptions: { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 4 } },
  });
  const securityHeaders = await pageSecurityHeaders(config);

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('preValidation', refuseUnstorableInput);
  fastify.addHook('onSend', problemForInvalidPreflight);
  fastify.addHook('onSend', noStoreByDefault);
  fastify.addHook('onSend', securityHeaders);
  const usage = app.get(UsageBuffer);
  fastify.addHook('onResponse', (request, reply, done) => {
    logRequest(logger, request, reply);
    // Every 429 is a refusal by a limit: failure limits, credential rate limits, leak reports.
    if (reply.statusCode === 429) usage.count('rate_limited');
    countHttpRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
    done();
  });
  const rpIdAddress = config.WEBAUTHN_RP_ID.replace(/^\[|\]$/g, '');
  if (isIP(rpIdAddress) !== 0) {
    const local = new URL(config.PUBLIC_URL);
    local.hostname = 'localhost';
    logger.warn(
      `WEBAUTHN_RP_ID ${rpIdAddress} is an IP address (from PUBLIC_URL): browsers refuse IP addresses as WebAuthn relying-party IDs, so passkeys cannot be registered or used. On this machine, open ${local.origin} instead (PUBLIC_URL=${local.origin}); elsewhere, give the server a DNS name.`,
    );
  }
  if (config.TRUST_PROXY === true)
    logger.warn(
      'TRUST_PROXY=true takes the leftmost X-Forwarded-For address, which the client itself can write: failure limits and audit addresses then count what the client claims. Set the number of proxies in front (a hop count, e.g. TRUST_PROXY=1) or their addresses instead.',
    );
  if (config.HTTPS_REDIRECT) {
    if (config.TRUST_PROXY === false)
      logger.warn(
        'HTTPS_REDIRECT is on while TRUST_PROXY is not set: behind a proxy that ends TLS, every request looks like plain HTTP and is redirected again, in a loop. Set TRUST_PROXY to the number of proxies in front (a hop count) or their addresses; true trusts any X-Forwarded-For, so a client could pick its own address.',
      );
    const publicUrl = new URL(config.PUBLIC_URL);
    fastify.addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https' || PROBE_PATHS.has(request.url)) return;
      // 308 keeps the method and body of a POST; 301 is what GET and HEAD clients know best.
      const status = request.method === 'GET' || request.method === 'HEAD' ? 301 : 308;
      await reply.redirect(`https://${publicUrl.host}${request.url}`, status);
    });
  }
  warnWithoutTrustedProxy(config, logger, fastify);
  fastify.addHook('onRequest', refuseRepeatedCredentialHeaders);
  fastify.addHook('onRequest', refuseOtherBodyTypes);
  setupOpenApi(app, config);
  await serveSpa(app);
  await app.init();
  return app;
}

const UNTRUSTED_PROXY =
  "TRUST_PROXY is not set: behind a reverse proxy every caller has the proxy's address, so one client's failures count against all of them (and last use and the audit log name the proxy). Set TRUST_PROXY to the proxy (its addresses, a hop count or true) and have it send X-Forwarded-For.";

/**
 * Behind a proxy, say what is missing: at start-up when PUBLIC_URL is not a loopback address
 * (a deployment, most likely behind one), and once when a request carries X-Forwarded-For.
 */
function warnWithoutTrustedProxy(
  config: AppConfig,
  logger: Logger,
  fastify: FastifyInstance,
): void {
  if (config.TRUST_PROXY !== false) return;
  if (!isLoopbackHost(new URL(config.PUBLIC_URL).hostname)) logger.warn(UNTRUSTED_PROXY);
  let warned = false;
  fastify.addHook('onRequest', async (request) => {
    if (warned || request.headers['x-forwarded-for'] === undefined) return;
    warned = true;
    logger.warn(`Requests carry X-Forwarded-For, but ${UNTRUSTED_PROXY}`);
  });
}
