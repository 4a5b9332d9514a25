import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage kept as hourly aggregates, written in the same batch as last-used times (never a write
 * per request) and pruned after USAGE_RETENTION_DAYS: verifications per credential, and counters
 * per metric and kind (verifications by kind, sign-ins, failed sign-ins, rate-limit refusals).
 * Also indexes for the audit log's filters by IP and time.
 */
export class UsageAggregates1764350000000 implements MigrationInterface {
  name = 'UsageAggregates1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE credential_usage (
        credential_id uuid NOT NULL REFERENCES credentials (id) ON DELETE CASCADE,
        hour timestamptz NOT NULL,
        count bigint NOT NULL,
        PRIMARY KEY (credential_id, hour)
      )
    `);
    await queryRunner.query(`CREATE INDEX credential_usage_hour ON credential_usage (hour)`);
    await queryRunner.query(`
      CREATE TABLE usage_counters (
        hour timestamptz NOT NULL,
        metric text NOT NULL,
        kind text NOT NULL DEFAULT '',
        count bigint NOT NULL,
        PRIMARY KEY (hour, metric, kind)
      )
    `);
    await queryRunner.query(
      `CREATE INDEX audit_events_ip ON audit_events (ip, created_at DESC) WHERE ip IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_events_ip`);
    await queryRunner.query(`DROP TABLE usage_counters`);
    await queryRunner.query(`DROP TABLE credential_usage`);
  }
}
