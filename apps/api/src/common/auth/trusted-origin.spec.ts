import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../problem/problem.exception.js';
import { TrustedOrigins } from './trusted-origin.js';

const request = (headers: Record<string, string>) => ({ headers }) as unknown as FastifyRequest;

function refusal(
  origins: TrustedOrigins,
  headers: Record<string, string>,
  rule: 'assertOwnPage' | 'assertNotForeign' = 'assertOwnPage',
): string | undefined {
  try {
    origins[rule](request(headers));
    return undefined;
  } catch (error) {
    if (error instanceof ProblemException && error.problem.status === 403)
      return error.problem.detail;
    throw error;
  }
}

describe('TrustedOrigins', () => {
  let warn: jest.SpiedFunction<Logger['warn']>;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('takes localhost, 127.0.0.1 and [::1] as one origin when PUBLIC_URL is a loopback name', () => {
    for (const publicUrl of [
      'http://localhost:3000',
      'http://127.0.0.1:3000',
      'http://[::1]:3000',
    ]) {
      const origins = new TrustedOrigins(publicUrl, []);
      for (const origin of [
        'http://localhost:3000',
        'http://127.0.0.1:3000',
        'http://[::1]:3000',
      ]) {
        expect(refusal(origins, { origin })).toBeUndefined();
        expect(refusal(origins, { referer: `${origin}/tokens?x=1` })).toBeUndefined();
      }
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('keeps the scheme and the port: another port or https is another origin', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    for (const origin of ['http://127.0.0.1:3001', 'https://localhost:3000', 'http://localhost']) {
      expect(refusal(origins, { origin })).toBe(
        `This page was opened at ${origin}, but PUBLIC_URL is http://localhost:3000: ` +
          `open it at http://localhost:3000, or add ${origin} to CORS_ORIGINS.`,
      );
    }
  });

  it('gives no loopback alias to a public host', () => {
    const origins = new TrustedOrigins('https://auth.example.com', ['https://app.example.com']);
    expect(refusal(origins, { origin: 'https://auth.example.com' })).toBeUndefined();
    expect(refusal(origins, { origin: 'https://app.example.com' })).toBeUndefined();
    expect(refusal(origins, { origin: 'https://localhost' })).toContain(
      'opened at https://localhost, but PUBLIC_URL is https://auth.example.com',
    );
    expect(origins.origins).toEqual(['https://auth.example.com', 'https://app.example.com']);
  });

  it('names each foreign origin in one warning, not one per request', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    for (let i = 0; i < 5; i++) refusal(origins, { origin: 'http://192.168.1.20:3000' });
    refusal(origins, { referer: 'http://evil.example/path?auth_token=lkt_secret' });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0]?.[0]).toContain(
      'from http://192.168.1.20:3000: PUBLIC_URL is http://localhost:3000',
    );
    expect(String(warn.mock.calls[1]?.[0])).not.toContain('lkt_secret');
  });

  it('refuses a request without Origin or Referer, or with one that is not a URL, and logs nothing', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    const cases: Record<string, string>[] = [{}, { origin: 'lkt_not-a-url' }, { referer: '::' }];
    for (const headers of cases) {
      expect(refusal(origins, headers)).toBe(
        'This endpoint answers only pages of this site (Origin or Referer).',
      );
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses Origin: null outright, whatever Referer says', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    for (const rule of ['assertOwnPage', 'assertNotForeign'] as const) {
      const cases: Record<string, string>[] = [
        { origin: 'null' },
        { origin: 'null', referer: 'http://localhost:3000/login' },
      ];
      for (const headers of cases) {
        expect(refusal(origins, headers, rule)).toBe(
          'This request comes from a page without an origin (Origin: null), which this site does not answer.',
        );
      }
    }
  });

  it('refuses Sec-Fetch-Site: cross-site even beside an Origin of this site', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    const headers = { origin: 'http://localhost:3000', 'sec-fetch-site': 'cross-site' };
    for (const rule of ['assertOwnPage', 'assertNotForeign'] as const) {
      expect(refusal(origins, headers, rule)).toBe(
        'This request comes from another site (Sec-Fetch-Site: cross-site).',
      );
    }
  });

  it('lets a request that names no page pass the foreign-page rule only', () => {
    const origins = new TrustedOrigins('http://localhost:3000', []);
    const cases: Record<string, string>[] = [
      {},
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of cases) {
      expect(refusal(origins, headers, 'assertNotForeign')).toBeUndefined();
      expect(refusal(origins, headers)).toBe(
        'This endpoint answers only pages of this site (Origin or Referer).',
      );
    }
    expect(refusal(origins, { origin: 'https://evil.example' }, 'assertNotForeign')).toContain(
      'opened at https://evil.example',
    );
  });
});
