import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync, gunzipSync } from 'node:zlib';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { computeSecurityHeaders, sendSecurityHeaders } from '../http/security-headers.js';
import { serveSpa } from './serve-spa.js';

@Controller('api/v1/ping')
class PingController {
  @Get()
  ping() {
    return { pong: true };
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

async function appServing(root: string): Promise<{ app: NestFastifyApplication; served: boolean }> {
  const app = await NestFactory.create<NestFastifyApplication>(PingModule, new FastifyAdapter(), {
    logger: false,
  });
  const served = await serveSpa(app, root);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return { app, served };
}

const HTML = { accept: 'text/html,application/xhtml+xml' };
const SCRIPT = `export const app = ${JSON.stringify('x'.repeat(4096))};`;

describe('serveSpa', () => {
  let dist: string;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'latchkey-spa-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    await writeFile(join(dist, 'assets', 'app-def456.js'), SCRIPT);
    await writeFile(join(dist, 'assets', 'app-def456.js.br'), brotliCompressSync(SCRIPT));
    await writeFile(join(dist, 'assets', 'app-def456.js.gz'), gzipSync(SCRIPT));
  });
  afterAll(() => rm(dist, { recursive: true, force: true }));

  it('serves the build, and index.html for browser navigations outside the API', async () => {
    const { app, served } = await appServing(dist);
    try {
      const fastify = app.getHttpAdapter().getInstance();
      expect(served).toBe(true);

      const root = await fastify.inject({ url: '/', headers: HTML });
      expect([root.statusCode, root.body]).toEqual([200, '<!doctype html><div id="root"></div>']);

      const route = await fastify.inject({ url: '/admin/users/42?tab=keys', headers: HTML });
      expect(route.statusCode).toBe(200);
      expect(route.headers['content-type']).toContain('text/html');
      expect(route.headers['cache-control']).toBe('no-cache');

      const asset = await fastify.inject({ url: '/assets/index-abc123.js' });
      expect(asset.statusCode).toBe(200);
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');

      const api = await fastify.inject({ url: '/api/v1/ping', headers: HTML });
      expect(api.json()).toEqual({ pong: true });
    } finally {
      await app.close();
    }
  });

  it('leaves unknown API paths, missing assets and non-browser requests to the 404 handler', async () => {
    const { app } = await appServing(dist);
    try {
      const fastify = app.getHttpAdapter().getInstance();
      for (const url of ['/api/v1/nope', '/api', '/.well-known/nope', '/healthz/x', '/readyz']) {
        const response = await fastify.inject({ url, headers: HTML });
        expect([url, response.statusCode, response.headers['content-type']]).toEqual([
          url,
          404,
          expect.stringContaining('json'),
        ]);
      }
      const missingAsset = await fastify.inject({
        url: '/assets/gone.js',
        headers: { accept: '*/*' },
      });
      expect(missingAsset.statusCode).toBe(404);
      const post = await fastify.inject({ method: 'POST', url: '/tokens', headers: HTML });
      expect(post.statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('sends the precompressed asset the browser accepts, and the plain one otherwise', async () => {
    const { app } = await appServing(dist);
    try {
      const fastify = app.getHttpAdapter().getInstance();
      const url = '/assets/app-def456.js';
      const br = await fastify.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(br.statusCode).toBe(200);
      expect(br.headers['content-encoding']).toBe('br');
      expect(br.headers['content-type']).toContain('javascript');
      expect(String(br.headers.vary).toLowerCase()).toContain('accept-encoding');
      expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(brotliDecompressSync(br.rawPayload).toString()).toBe(SCRIPT);

      const gzip = await fastify.inject({ url, headers: { 'accept-encoding': 'gzip' } });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.rawPayload).toString()).toBe(SCRIPT);

      const plain = await fastify.inject({ url, headers: { 'accept-encoding': 'identity' } });
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body).toBe(SCRIPT);

      // An asset built without a compressed copy is still served.
      const small = await fastify.inject({
        url: '/assets/index-abc123.js',
        headers: { 'accept-encoding': 'br' },
      });
      expect([small.statusCode, small.body]).toEqual([200, 'console.log(1)']);
    } finally {
      await app.close();
    }
  });

  it('sends the document-only security headers (CSP) with the index, not with JSON or assets', async () => {
    const app = await NestFactory.create<NestFastifyApplication>(PingModule, new FastifyAdapter(), {
      logger: false,
    });
    try {
      const fastify = app.getHttpAdapter().getInstance();
      const headers = await computeSecurityHeaders({});
      fastify.addHook(
        'onSend',
        sendSecurityHeaders(
          () => headers,
          () => false,
        ),
      );
      await serveSpa(app, dist);
      await app.init();
      await fastify.ready();
      for (const url of ['/', '/admin/users']) {
        const index = await fastify.inject({ url, headers: HTML });
        expect(index.headers['content-type']).toContain('text/html');
        expect(index.headers['content-security-policy']).toContain("default-src 'self'");
        expect(index.headers['x-content-type-options']).toBe('nosniff');
      }
      for (const url of ['/api/v1/ping', '/assets/index-abc123.js']) {
        const other = await fastify.inject({ url });
        expect([url, other.headers['content-security-policy']]).toEqual([url, undefined]);
        expect(other.headers['x-content-type-options']).toBe('nosniff');
      }
    } finally {
      await app.close();
    }
  });

  it('lets the API start without a build', async () => {
    const { app, served } = await appServing(join(dist, 'missing'));
    try {
      const fastify = app.getHttpAdapter().getInstance();
      expect(served).toBe(false);
      expect((await fastify.inject({ url: '/api/v1/ping' })).json()).toEqual({ pong: true });
      expect((await fastify.inject({ url: '/tokens', headers: HTML })).statusCode).toBe(404);
    } finally {
      await app.close();
    }
  });
});
