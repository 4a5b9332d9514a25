import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The security events outbox. Triggers on the tables that hold what a verifier must know
 * (credentials, sessions, users, revoked JWTs, signing keys) write one row per change in the
 * transaction that makes it, so a crash between the change and its event is impossible and
 * every path (API, CLI, SQL by hand) is covered once.
 *
 * Each row takes a transaction-scoped advisory lock before its id: writers of events queue
 * until the one before them commits, so ids become visible in increasing order and a reader
 * that resumes after id N never skips a row committed later with a smaller id. The NOTIFY on
 * the change-feed channel is delivered at commit.
 */
export class SecurityEvents1764360000000 implements MigrationInterface {
  name = 'SecurityEvents1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE security_events (
        id bigserial PRIMARY KEY,
        type text NOT NULL,
        user_id uuid,
        details jsonb NOT NULL DEFAULT '{}',
        occurred_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
        presentable_until timestamptz
      )
    `);
    await queryRunner.query(`CREATE INDEX security_events_time ON security_events (occurred_at)`);
    // The highest id pruned: a reader resuming from before it has missed events.
    await queryRunner.query(`
      CREATE TABLE security_events_horizon (
        one boolean PRIMARY KEY DEFAULT true CHECK (one),
        pruned_through bigint NOT NULL DEFAULT 0,
        overlaps_swept_at timestamptz NOT NULL DEFAULT now()
      )
    `);
    await queryRunner.query(`INSERT INTO security_events_horizon DEFAULT VALUES`);
    // RFC 8936 poll-based delivery: what each receiver has acknowledged.
    await queryRunner.query(`
      CREATE TABLE security_event_receivers (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        acked_through bigint NOT NULL,
        acked bigint[] NOT NULL DEFAULT '{}'
      )
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_event_emit(event_type text, event_user uuid, event_details jsonb,
        event_presentable_until timestamptz) RETURNS void LANGUAGE plpgsql AS $$
      DECLARE
        new_id bigint;
      BEGIN
        PERFORM pg_advisory_xact_lock(7458213901);
        INSERT INTO security_events (type, user_id, details, presentable_until)
          VALUES (event_type, event_user, event_details, event_presentable_until)
          RETURNING id INTO new_id;
        PERFORM pg_notify('latchkey_changes',
          json_build_object('topic', 'security-event', 'key', new_id::text)::text);
      END $$
    `);
    // A rotation overlap ends with no write: each instance calls this every second, and it
    // emits one event for each old token or secret whose overlap ended since the last call.
    await queryRunner.query(`
      CREATE FUNCTION security_events_sweep_overlaps() RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        since timestamptz;
        swept integer := 0;
        ended record;
      BEGIN
        PERFORM pg_advisory_xact_lock(7458213901);
        SELECT overlaps_swept_at INTO since FROM security_events_horizon FOR UPDATE;
        FOR ended IN
          SELECT id, user_id, kind, lookup, expires_at, revoked_at AS at FROM credentials
            WHERE revoked_reason = 'rotated' AND revoked_at > since AND revoked_at <= now()
          UNION ALL
          SELECT id, user_id, kind, lookup, expires_at, previous_secret_expires_at FROM credentials
            WHERE previous_secret_expires_at > since AND previous_secret_expires_at <= now()
        LOOP
          PERFORM security_event_emit('credential.overlap_ended', ended.user_id,
            jsonb_build_object('credentialId', ended.id, 'kind', ended.kind,
              'jti', CASE WHEN ended.kind IN ('personal_access_token', 'account_token')
                THEN ended.lookup END, 'effectiveAt', ended.at), ended.expires_at);
          swept := swept + 1;
        END LOOP;
        UPDATE security_events_horizon SET overlaps_swept_at = now();
        RETURN swept;
      END $$
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_events_on_credentials() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        base jsonb := jsonb_build_object('credentialId', NEW.id, 'kind', NEW.kind,
          'jti', CASE WHEN NEW.kind IN ('personal_access_token', 'account_token')
            THEN NEW.lookup END);
      BEGIN
        IF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
          PERFORM security_event_emit('credential.' || NEW.revoked_reason, NEW.user_id,
            base || jsonb_build_object('effectiveAt', NEW.revoked_at), NEW.expires_at);
        END IF;
        IF OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL THEN
          PERFORM security_event_emit('credential.disabled', NEW.user_id, base, NEW.expires_at);
        ELSIF OLD.disabled_at IS NOT NULL AND NEW.disabled_at IS NULL THEN
          PERFORM security_event_emit('credential.enabled', NEW.user_id, base, NEW.expires_at);
        END IF;
        IF OLD.secret_hash IS DISTINCT FROM NEW.secret_hash THEN
          PERFORM security_event_emit('credential.secret_rotated', NEW.user_id,
            base || jsonb_build_object('effectiveAt',
              coalesce(NEW.previous_secret_expires_at, now())), NEW.expires_at);
        END IF;
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER security_events_credentials AFTER UPDATE OF revoked_at, disabled_at, secret_hash
        ON credentials
        FOR EACH ROW EXECUTE FUNCTION security_events_on_credentials()
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_events_on_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL THEN
          PERFORM security_event_emit('session.revoked', NEW.user_id,
            jsonb_build_object('sessionId', NEW.id, 'reason', NEW.revoked_reason),
            NEW.expires_at);
        END IF;
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER security_events_sessions AFTER UPDATE OF revoked_at ON sessions
        FOR EACH ROW EXECUTE FUNCTION security_events_on_sessions()
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_events_on_users() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM security_event_emit('user.deleted', OLD.id,
            jsonb_build_object('login', OLD.login), NULL);
          RETURN NULL;
        END IF;
        IF OLD.disabled_at IS NULL AND NEW.disabled_at IS NOT NULL THEN
          PERFORM security_event_emit('user.disabled', NEW.id,
            jsonb_build_object('login', NEW.login), NULL);
        ELSIF OLD.disabled_at IS NOT NULL AND NEW.disabled_at IS NULL THEN
          PERFORM security_event_emit('user.enabled', NEW.id,
            jsonb_build_object('login', NEW.login), NULL);
        END IF;
        IF OLD.roles IS DISTINCT FROM NEW.roles THEN
          PERFORM security_event_emit('user.roles_changed', NEW.id,
            jsonb_build_object('login', NEW.login, 'roles', to_jsonb(NEW.roles)), NULL);
        END IF;
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER security_events_users AFTER UPDATE OF disabled_at, roles OR DELETE ON users
        FOR EACH ROW EXECUTE FUNCTION security_events_on_users()
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_events_on_revoked_jwts() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM security_event_emit('credential.revoked', NULL,
          jsonb_build_object('kind', 'exchanged', 'jti', NEW.jti,
            'effectiveAt', NEW.revoked_at), NEW.expires_at);
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER security_events_revoked_jwts AFTER INSERT ON revoked_jwts
        FOR EACH ROW EXECUTE FUNCTION security_events_on_revoked_jwts()
    `);
    await queryRunner.query(`
      CREATE FUNCTION security_events_on_signing_keys() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'INSERT' THEN
          PERFORM security_event_emit('signing_key.published', NULL,
            jsonb_build_object('kid', NEW.kid, 'alg', NEW.alg), now());
        ELSIF OLD.retired_at IS NULL AND NEW.retired_at IS NOT NULL THEN
          PERFORM security_event_emit('signing_key.retired', NULL,
            jsonb_build_object('kid', NEW.kid, 'publishedUntil', NEW.published_until), now());
        END IF;
        RETURN NULL;
      END $$
    `);
    await queryRunner.query(`
      CREATE TRIGGER security_events_signing_keys AFTER INSERT OR UPDATE ON signing_keys
        FOR EACH ROW EXECUTE FUNCTION security_events_on_signing_keys()
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['signing_keys', 'revoked_jwts', 'users', 'sessions', 'credentials']) {
      await queryRunner.query(`DROP TRIGGER security_events_${table} ON ${table}`);
      await queryRunner.query(`DROP FUNCTION security_events_on_${table}()`);
    }
    await queryRunner.query(`DROP FUNCTION security_events_sweep_overlaps()`);
    await queryRunner.query(`DROP FUNCTION security_event_emit(text, uuid, jsonb, timestamptz)`);
    await queryRunner.query(`DROP TABLE security_event_receivers`);
    await queryRunner.query(`DROP TABLE security_events_horizon`);
    await queryRunner.query(`DROP TABLE security_events`);
  }
}
