import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  CAEP_CREDENTIAL_CHANGE,
  CAEP_SESSION_REVOKED,
  LATCHKEY_EVENT_TYPES,
} from '@latchkey/contracts';
import { SecurityEventsHub } from '../src/modules/security-events/security-events.hub.js';
import { createApiKey, createPat, exchangeApiKey, form } from './factories/credentials.js';
import { createUser, type TestUser } from './factories/users.js';
import { BrowserSession } from './support/browser.js';
import { databaseUrlFor, serverUrl } from './support/database-urls.js';
import { EventStream, type StreamEvent } from './support/event-stream.js';
import { basicHeader } from './support/http-client.js';
import { startServer, stopServer, type Server } from './support/server-process.js';
import { ADMIN, useTestApp, type TestApp } from './support/test-app.js';

const adminAuth = basicHeader(...ADMIN);

/** The one event a SET payload carries: its type URI and its fields. */
function eventOf(event: StreamEvent): { type: string; fields: Record<string, any> } {
  const [type, fields] = Object.entries(event.data.events as Record<string, any>)[0] ?? [];
  return { type: type as string, fields };
}

const of =
  (latchkeyType: string, extra: (fields: Record<string, any>) => boolean = () => true) =>
  (event: StreamEvent) =>
    eventOf(event).fields?.latchkey_type === latchkeyType && extra(eventOf(event).fields);

async function storedEvents(t: TestApp): Promise<number> {
  const [row] = await t.sql<{ count: number }>(
    'SELECT count(*)::int AS count FROM security_events',
  );
  return row?.count ?? 0;
}

describe('security events', () => {
  const t = useTestApp();
  let stream: EventStream;

  beforeEach(async () => {
    stream = await EventStream.open(t.http.baseUrl, adminAuth);
    expect(stream.status).toBe(200);
  });
  afterEach(() => stream.close());

  type Case = {
    name: string;
    act: (user: TestUser) => Promise<Record<string, unknown>>;
    type: string;
    latchkeyType: string;
  };
  const cases: Case[] = [
    {
      name: 'a PAT revoked',
      act: async (user) => {
        const pat = await createPat(t, user);
        await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
        return { credential_id: pat.id, credential_kind: 'personal_access_token' };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.revoked',
    },
    {
      name: 'a PAT disabled',
      act: async (user) => {
        const pat = await createPat(t, user);
        await t.http.patch(`/api/v1/personal-access-tokens/${pat.id}`, {
          basic: user.basic,
          body: { disabled: true },
        });
        return { credential_id: pat.id, change_type: 'update' };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.disabled',
    },
    {
      name: 'an API key re-enabled',
      act: async (user) => {
        const key = await createApiKey(t, user);
        for (const disabled of [true, false]) {
          await t.http.patch(`/api/v1/api-keys/${key.id}`, { basic: ADMIN, body: { disabled } });
        }
        return { credential_id: key.id, credential_kind: 'api_key' };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.enabled',
    },
    {
      name: 'a PAT reported leaked',
      act: async (user) => {
        const pat = await createPat(t, user);
        await t.http.post('/api/v1/credentials/revoke', { body: { credentials: [pat.token] } });
        return { credential_id: pat.id, change_type: 'revoke' };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.leaked',
    },
    {
      name: 'a PAT rotated with an overlap',
      act: async (user) => {
        const pat = await createPat(t, user);
        await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
          basic: user.basic,
          body: { overlapSeconds: 60 },
        });
        return { credential_id: pat.id };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.rotated',
    },
    {
      name: 'an API secret rotated',
      act: async (user) => {
        const key = await createApiKey(t, user);
        await t.http.post(`/api/v1/api-keys/${key.id}/secret`, { basic: ADMIN, body: {} });
        return { credential_id: key.id };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.secret_rotated',
    },
    {
      name: 'an exchanged token revoked',
      act: async (user) => {
        const token = await exchangeApiKey(t, await createApiKey(t, user));
        await t.http.post('/api/v1/oauth/revoke', form({ token }));
        const jti = JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString())
          .jti as string;
        return { jti, credential_kind: 'exchanged' };
      },
      type: CAEP_CREDENTIAL_CHANGE,
      latchkeyType: 'credential.revoked',
    },
    {
      name: 'a session signed out',
      act: async (user) => {
        const browser = new BrowserSession(t);
        await browser.login(user);
        await browser.logout();
        const [session] = await t.sql<{ id: string }>(
          'SELECT id FROM sessions WHERE user_id = $1',
          [user.id],
        );
        return { session_id: session?.id };
      },
      type: CAEP_SESSION_REVOKED,
      latchkeyType: 'session.revoked',
    },
    {
      name: 'a user disabled',
      act: async (user) => {
        await t.http.patch(`/api/v1/users/${user.id}`, { basic: ADMIN, body: { disabled: true } });
        return { user_id: user.id };
      },
      type: LATCHKEY_EVENT_TYPES.userDisabled,
      latchkeyType: 'user.disabled',
    },
    {
      name: 'a user whose roles changed',
      act: async (user) => {
        await t.http.patch(`/api/v1/users/${user.id}`, {
          basic: ADMIN,
          body: { roles: ['user', 'admin'] },
        });
        return { user_id: user.id, roles: ['user', 'admin'] };
      },
      type: LATCHKEY_EVENT_TYPES.userRolesChanged,
      latchkeyType: 'user.roles_changed',
    },
    {
      name: 'a user deleted',
      act: async (user) => {
        await t.http.delete(`/api/v1/users/${user.id}`, { basic: ADMIN });
        return { user_id: user.id };
      },
      type: LATCHKEY_EVENT_TYPES.userDeleted,
      latchkeyType: 'user.deleted',
    },
  ];

  it.each(cases)('publishes $name as a SET', async ({ act, type, latchkeyType }) => {
    const user = await createUser(t);
    const expected = await act(user);
    const event = await stream.next(
      of(latchkeyType, (fields) =>
        Object.entries(expected).every(
          ([name, value]) => JSON.stringify(fields[name]) === JSON.stringify(value),
        ),
      ),
    );
    expect(event.id).toMatch(/^\d+$/);
    expect(event.data).toMatchObject({ iss: t.config.PUBLIC_URL, jti: event.id });
    expect(typeof event.data.iat).toBe('number');
    expect(eventOf(event).type).toBe(type);
    const [row] = await t.sql<{ type: string }>('SELECT type FROM security_events WHERE id = $1', [
      event.id,
    ]);
    expect(row?.type).toBe(latchkeyType);
  });

  it('publishes the end of a rotation overlap when it comes, with no write', async () => {
    const user = await createUser(t);
    const pat = await createPat(t, user);
    await t.http.post(`/api/v1/personal-access-tokens/${pat.id}/rotate`, {
      basic: user.basic,
      body: { overlapSeconds: 2 },
    });
    const rotated = await stream.next(
      of('credential.rotated', (fields) => fields.credential_id === pat.id),
    );
    const ended = await stream.next(
      of('credential.overlap_ended', (fields) => fields.credential_id === pat.id),
      6000,
    );
    expect(eventOf(ended).fields.effective_at).toBe(eventOf(rotated).fields.effective_at);
    expect(eventOf(ended).fields.jti).toEqual(expect.any(String));
    expect(Date.now() / 1000).toBeGreaterThanOrEqual(eventOf(ended).fields.effective_at);
  });

  it('publishes a signing key rotation: the new key published, the old one retired', async () => {
    const res = await t.http.post('/api/v1/signing-keys/rotate', { basic: ADMIN });
    expect(res.status).toBe(201);
    const published = await stream.next(of('signing_key.published'));
    expect(eventOf(published).type).toBe(LATCHKEY_EVENT_TYPES.signingKeyPublished);
    expect(eventOf(published).fields.kid).toBe(res.body.kid);
    const retired = await stream.next(of('signing_key.retired'));
    expect(eventOf(retired).fields.kid).not.toBe(res.body.kid);
  });

  it('gives each event a higher id than the one before', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i += 1)
      await createPat(t, user).then((pat) =>
        t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic }),
      );
    await stream.next(() => stream.events.length >= 3);
    const ids = stream.events.map((event) => BigInt(event.id as string));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
  });

  describe('the outbox is written in the transaction of the change', () => {
    it('writes nothing for a change rolled back', async () => {
      const user = await createUser(t);
      const pat = await createPat(t, user);
      const before = await storedEvents(t);
      await t.sql(`
        DO $$ BEGIN
          UPDATE credentials SET revoked_at = now(), revoked_reason = 'revoked'
            WHERE id = '${pat.id}';
          RAISE EXCEPTION 'roll back';
        EXCEPTION WHEN raise_exception THEN NULL;
        END $$`);
      expect(await storedEvents(t)).toBe(before);
    });

    it('publishes a change made in SQL by hand, as any other', async () => {
      const user = await createUser(t);
      const pat = await createPat(t, user);
      await t.sql(
        `UPDATE credentials SET revoked_at = now(), revoked_reason = 'revoked' WHERE id = $1`,
        [pat.id],
      );
      await stream.next(of('credential.revoked', (fields) => fields.credential_id === pat.id));
    });

    it('writes nothing when a credential is only used (last use recorded)', async () => {
      const user = await createUser(t);
      const pat = await createPat(t, user);
      const before = await storedEvents(t);
      await t.sql(`UPDATE credentials SET last_used_at = now() WHERE id = $1`, [pat.id]);
      await t.sql(`UPDATE users SET display_name = 'renamed' WHERE id = $1`, [user.id]);
      expect(await storedEvents(t)).toBe(before);
    });
  });

  describe('a reader resuming with Last-Event-ID', () => {
    it('receives every event it missed, in order, and nothing twice', async () => {
      const user = await createUser(t);
      const first = await createPat(t, user);
      await t.http.delete(`/api/v1/personal-access-tokens/${first.id}`, { basic: user.basic });
      const seen = await stream.next(of('credential.revoked', (f) => f.credential_id === first.id));
      stream.close();
      const missed: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const pat = await createPat(t, user);
        await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
        missed.push(pat.id);
      }
      stream = await EventStream.open(t.http.baseUrl, adminAuth, { lastEventId: seen.id });
      await stream.next(of('credential.revoked', (f) => f.credential_id === missed[2]));
      const got = stream.events.map((event) => eventOf(event).fields.credential_id);
      expect(got).toEqual(missed);
    });

    it('gets a resync event for an id older than what is kept, then goes on live', async () => {
      const user = await createUser(t);
      const pat = await createPat(
        t,
        user,
        ['profile:read'],
        new Date(Date.now() + 60_000).toISOString(),
      );
      await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
      const old = await stream.next(of('credential.revoked', (f) => f.credential_id === pat.id));
      stream.close();
      await t.sql(
        `UPDATE security_events SET occurred_at = now() - interval '2 days',
           presentable_until = now() - interval '1 second' WHERE id <= $1`,
        [old.id],
      );
      expect(await t.app.get(SecurityEventsHub).prune()).toBeGreaterThan(0);
      const [kept] = await t.sql('SELECT 1 FROM security_events WHERE id = $1', [old.id]);
      expect(kept).toBeUndefined();

      stream = await EventStream.open(t.http.baseUrl, adminAuth, {
        lastEventId: String(BigInt(old.id as string) - 1n),
      });
      const resync = await stream.next((event) => event.event === 'resync');
      expect(eventOf(resync).type).toBe(LATCHKEY_EVENT_TYPES.resync);
      const next = await createPat(t, user);
      await t.http.delete(`/api/v1/personal-access-tokens/${next.id}`, { basic: user.basic });
      await stream.next(of('credential.revoked', (f) => f.credential_id === next.id));
    });

    it('keeps an event while what it names can still be presented', async () => {
      const user = await createUser(t);
      const pat = await createPat(t, user, ['profile:read'], null);
      await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
      const event = await stream.next(of('credential.revoked', (f) => f.credential_id === pat.id));
      await t.sql(
        `UPDATE security_events SET occurred_at = now() - interval '2 days' WHERE id = $1`,
        [event.id],
      );
      await t.app.get(SecurityEventsHub).prune();
      const [kept] = await t.sql('SELECT 1 FROM security_events WHERE id = $1', [event.id]);
      expect(kept).toBeDefined();
    });

    it('refuses a Last-Event-ID that is no event id with 400', async () => {
      const res = await t.http.get('/api/v1/events', {
        basic: ADMIN,
        headers: { 'last-event-id': 'yesterday' },
      });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('invalid_request');
    });
  });

  it('ends the stream of a reader whose own credential is revoked', async () => {
    const admin = await createUser(t, { roles: ['admin'] });
    const pat = await createPat(t, admin, ['events:read']);
    const own = await EventStream.open(t.http.baseUrl, `Bearer ${pat.token}`);
    expect(own.status).toBe(200);
    await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: admin.basic });
    await own.closed();
    const again = await EventStream.open(t.http.baseUrl, `Bearer ${pat.token}`);
    expect(again.status).toBe(401);
    again.close();
  });

  it.each([
    ['no credential', () => Promise.resolve({}), 401],
    [
      'a credential without events:read',
      async () => {
        const user = await createUser(t);
        return { bearer: (await createPat(t, user, ['profile:read'])).token };
      },
      403,
    ],
  ] as const)('refuses %s', async (_name, credentials, status) => {
    const res = await t.http.get('/api/v1/events', await credentials());
    expect(res.status).toBe(status);
    const poll = await t.http.post('/api/v1/events/poll', {
      ...(await credentials()),
      body: { returnImmediately: true },
    });
    expect(poll.status).toBe(status);
  });
});

describe('security events by polling (RFC 8936)', () => {
  const t = useTestApp();

  async function poll(user: TestUser, body: Record<string, unknown>) {
    const res = await t.http.post('/api/v1/events/poll', { basic: user.basic, body });
    expect(res.status).toBe(200);
    return res.body as { sets: Record<string, string>; moreAvailable: boolean };
  }

  async function revokeNewPat(user: TestUser): Promise<string> {
    const pat = await createPat(t, user);
    await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
    return pat.id;
  }

  it('delivers signed SETs until they are acknowledged', async () => {
    const receiver = await createUser(t, { roles: ['admin'] });
    expect(await poll(receiver, { returnImmediately: true })).toEqual({
      sets: {},
      moreAvailable: false,
    });
    const user = await createUser(t);
    const revoked = [await revokeNewPat(user), await revokeNewPat(user)];

    const first = await poll(receiver, { returnImmediately: true, maxEvents: 1 });
    expect(Object.keys(first.sets)).toHaveLength(1);
    expect(first.moreAvailable).toBe(true);
    const [jti, set] = Object.entries(first.sets)[0] as [string, string];
    const jwks = createRemoteJWKSet(new URL(`${t.http.baseUrl}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(set, jwks, {
      issuer: t.config.PUBLIC_URL,
      typ: 'secevent+jwt',
    });
    expect(payload.jti).toBe(jti);
    expect((payload.events as Record<string, any>)[CAEP_CREDENTIAL_CHANGE]).toMatchObject({
      credential_id: revoked[0],
      change_type: 'revoke',
    });
    expect(protectedHeader.kid).toBeDefined();

    // Not acknowledged: delivered again.
    const again = await poll(receiver, { returnImmediately: true, maxEvents: 1 });
    expect(Object.keys(again.sets)).toEqual([jti]);

    const next = await poll(receiver, { ack: [jti], returnImmediately: true });
    expect(Object.keys(next.sets)).toHaveLength(1);
    expect(next.moreAvailable).toBe(false);
    const last = Object.keys(next.sets)[0] as string;
    expect(await poll(receiver, { ack: [last], returnImmediately: true })).toEqual({
      sets: {},
      moreAvailable: false,
    });
  });

  it('answers a waiting poll as soon as an event happens', async () => {
    const receiver = await createUser(t, { roles: ['admin'] });
    await poll(receiver, { returnImmediately: true });
    const user = await createUser(t);
    const started = Date.now();
    const waiting = poll(receiver, {});
    setTimeout(() => void revokeNewPat(user), 300);
    const answer = await waiting;
    expect(Object.keys(answer.sets)).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it.each([
    ['maxEvents beyond 1000', { maxEvents: 5000 }],
    ['an ack that is no event id', { ack: ['abc'] }],
    ['an unknown member', { stream: 'x' }],
  ])('refuses %s with 400', async (_name, body) => {
    const res = await t.http.post('/api/v1/events/poll', { basic: ADMIN, body });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('validation_failed');
  });
});

describe('security events with a small backlog limit', () => {
  const t = useTestApp({ SECURITY_EVENTS_MAX_BACKLOG: '50' });

  it('cuts off a reader that does not keep up; it resumes with Last-Event-ID', async () => {
    const slow = await EventStream.open(t.http.baseUrl, adminAuth, { paused: true });
    const [{ last }] = (await t.sql<{ last: string }>(
      'SELECT coalesce(max(id), 0)::text AS last FROM security_events',
    )) as [{ last: string }];
    await t.sql(
      `INSERT INTO security_events (type, details)
       SELECT 'credential.revoked', jsonb_build_object('credentialId', gen_random_uuid())
       FROM generate_series(1, 20000)`,
    );
    await t.sql(`SELECT pg_notify('latchkey_changes', '{"topic":"security-event","key":"*"}')`);
    await slow.closed(30_000);

    const resumed = await EventStream.open(t.http.baseUrl, adminAuth, { lastEventId: last });
    await resumed.next(() => resumed.events.length === 20000, 60_000);
    const ids = resumed.events.map((event) => BigInt(event.id as string));
    expect(ids[0]).toBe(BigInt(last) + 1n);
    expect(ids.at(-1)! - ids[0]!).toBe(19999n);
    resumed.close();
  }, 120_000);
});

describe('security events across instances', () => {
  const t = useTestApp();
  let other: Server;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'latchkey-events-'));
    other = await startServer(dataDir, {
      DATABASE_URL: databaseUrlFor(serverUrl(), t.databaseName),
      ENCRYPTION_KEY: t.config.ENCRYPTION_KEY as string,
      PUBLIC_URL: t.config.PUBLIC_URL,
      LOG_LEVEL: 'warn',
    });
  }, 90_000);
  afterAll(async () => {
    await stopServer(other);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('streams from one instance a revocation made on the other within a second', async () => {
    const stream = await EventStream.open(other.http.baseUrl, adminAuth);
    try {
      const user = await createUser(t);
      const pat = await createPat(t, user);
      const started = Date.now();
      await t.http.delete(`/api/v1/personal-access-tokens/${pat.id}`, { basic: user.basic });
      await stream.next(
        of('credential.revoked', (f) => f.credential_id === pat.id),
        1000,
      );
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      stream.close();
    }
  });
});
