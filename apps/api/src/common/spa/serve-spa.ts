import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** apps/admin/dist, seen from apps/api/{src,dist}/common/spa. */
export const ADMIN_DIST_DIR = join(import.meta.dirname, '../../../../admin/dist');

/** Paths that belong to the API: an unknown one keeps its problem+json 404. */
const API_PATHS = /^\/(api|\.well-known|healthz|readyz)(\/|$)/;

function wantsSpa(request: FastifyRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?', 1)[0] ?? '/';
  if (API_PATHS.test(path)) return false;
  return (request.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the built admin SPA at / from the API's own port: its files (precompressed when the
 * browser accepts brotli or gzip), and index.html for every other browser navigation
 * (client-side routes such as /tokens).
 * Without a build the API runs alone.
 */
export async function serveSpa(
  app: NestFastifyApplication,
  root: string = ADMIN_DIST_DIR,
): Promise<boolean> {
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Spa').warn(
      `The admin SPA is not built (${root} has no index.html): serving the API only. Run \`npx nx run admin:build\`.`,
    );
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per built file, so unknown paths still reach Nest's problem+json 404.
    wildcard: false,
    // The build writes .br and .gz beside each asset (apps/admin/scripts/finish-build.mjs):
    // sent as they are to a browser that accepts them, with no compression work per request.
    preCompressed: true,
    setHeaders: (reply: FastifyReply, path: string) => {
      // Vite puts a content hash in every asset name; index.html must be revalidated.
      reply.header(
        'Cache-Control',
        path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  const fastify = app.getHttpAdapter().getInstance();
  // A callback hook: the requests that are not a navigation to an unknown path pay no promise.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404 || !wantsSpa(request)) return done();
    // Answering from a hook: sendFile replies, and done is not called.
    reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
  return true;
}
