// Rows the bench writes straight into PostgreSQL: a few thousand users and the stored credentials
// of the scale series. This file is the only part of the bench that knows table and column names
// of credentials: when their storage changes, `CREDENTIAL_ROWS` (and `insertOpaqueTokens` for the
// opaque tokens the bench presents) are what to retarget.
import { generateToken, hashToken } from '../../dist/common/crypto/token-format.js';

/** How the scale series stores N credentials: half PATs, half opaque tokens. */
export const SEEDED_KINDS = ['pat', 'opaque'];

/**
 * Per kind: how to count the stored rows, and an INSERT … SELECT over generate_series that adds
 * `$1` realistic rows (random jti or token hash, spread over the seeded users: `ids` is their
 * array, `g` the series), with its parameters.
 */
const CREDENTIAL_ROWS = {
  pat: {
    count: `SELECT count(*)::int AS n FROM credentials WHERE kind = 'personal_access_token'`,
    // $2: the kid of the server's signing key, as on the PATs it signs.
    insert: (count, { kid }) => [
      `
      INSERT INTO credentials
        (user_id, kind, name, scopes, lookup, kid, created_at, expires_at, revoked_at, revoked_reason)
      SELECT ids[1 + g % cardinality(ids)], 'personal_access_token', 'seeded ' || g,
             '{profile:read,tokens:read}', gen_random_uuid()::text, $2,
             now() - random() * interval '365 days',
             CASE WHEN g % 2 = 0 THEN now() + (1 + random() * 364) * interval '1 day' END,
             CASE WHEN g % 20 = 0 THEN now() - random() * interval '30 days' END,
             CASE WHEN g % 20 = 0 THEN 'revoked' END
      FROM seeded_users, generate_series(1, $1::int) AS g`,
      [count, kid],
    ],
  },
  opaque: {
    count: `SELECT count(*)::int AS n FROM credentials WHERE kind = 'opaque_token'`,
    // Live for the whole run (15 to 30 min), so no expiry sweep changes the count meanwhile.
    insert: (count) => [
      `
      INSERT INTO credentials (user_id, kind, lookup, created_at, expires_at)
      SELECT ids[1 + g % cardinality(ids)], 'opaque_token',
             encode(sha256(uuid_send(gen_random_uuid())), 'hex'),
             now() - random() * interval '15 minutes',
             now() + (15 + random() * 15) * interval '1 minute'
      FROM seeded_users, generate_series(1, $1::int) AS g`,
      [count],
    ],
  },
};

export const SEEDED_USER_PREFIX = 'bench-user-';

const SEEDED_USERS = `WITH seeded_users AS (
  SELECT array_agg(id) AS ids FROM users WHERE login LIKE '${SEEDED_USER_PREFIX}%')`;

/**
 * `count` users named bench-user-1…N with the roles `{user}` and the given password hash (one
 * argon2id hash made by the server, so every seeded user signs in with the same password).
 */
export async function seedUsers(db, { count, passwordHash }) {
  await db.query(
    `INSERT INTO users (login, email, display_name, password_hash, roles)
     SELECT $1 || i, $1 || i || '@bench.invalid', 'Bench user ' || i, $2, '{user}'
     FROM generate_series(1, $3::int) AS i`,
    [SEEDED_USER_PREFIX, passwordHash, count],
  );
}

export async function passwordHashOf(db, login) {
  const { rows } = await db.query('SELECT password_hash FROM users WHERE login = $1', [login]);
  if (rows.length !== 1) throw new Error(`no user ${login} to copy a password hash from`);
  return rows[0].password_hash;
}

export async function countCredentials(db) {
  const counts = {};
  for (const kind of SEEDED_KINDS) {
    counts[kind] = (await db.query(CREDENTIAL_ROWS[kind].count)).rows[0].n;
  }
  return counts;
}

/** Adds synthetic rows until `total` credentials are stored, half of each kind. */
export async function seedCredentials(db, { total, ...context }) {
  const counts = await countCredentials(db);
  const perKind = Math.ceil(total / SEEDED_KINDS.length);
  for (const kind of SEEDED_KINDS) {
    const missing = perKind - counts[kind];
    if (missing > 0) {
      const [insert, values] = CREDENTIAL_ROWS[kind].insert(missing, context);
      await db.query(`${SEEDED_USERS} ${insert}`, values);
    }
  }
  // Fresh statistics, as autovacuum would have them on a long-lived database.
  await db.query('ANALYZE');
  return countCredentials(db);
}

/**
 * `count` opaque tokens made as the server makes them (its own token format and hash), stored
 * for the given users: tokens the bench can present. Returns the token strings.
 */
export async function insertOpaqueTokens(db, { userIds, count }) {
  const tokens = Array.from({ length: count }, () => generateToken('lkt_'));
  await db.query(
    `INSERT INTO credentials (user_id, kind, lookup, expires_at)
     SELECT user_id, 'opaque_token', lookup, now() + interval '30 minutes'
     FROM unnest($1::uuid[], $2::text[]) AS t (user_id, lookup)`,
    [
      tokens.map((_, i) => userIds[i % userIds.length]),
      tokens.map((token) => hashToken(token).toString('hex')),
    ],
  );
  return tokens;
}
