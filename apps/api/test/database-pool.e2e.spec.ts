import { DataSource, type QueryRunner } from 'typeorm';
import { ADMIN, useTestApp } from './support/test-app.js';

describe('an exhausted connection pool', () => {
  const t = useTestApp({ DATABASE_POOL_SIZE: '2' });

  it('answers 503 after a bounded wait, never hanging or 500, and serves again once connections return', async () => {
    const dataSource = t.app.get(DataSource);
    const held: QueryRunner[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const runner = dataSource.createQueryRunner();
        await runner.connect();
        held.push(runner);
      }
      const [me, ready, live] = await Promise.all([
        t.http.get('/api/v1/users/me', { basic: ADMIN }),
        t.http.get('/readyz'),
        t.http.get('/healthz'),
      ]);
      expect(me.status).toBe(503);
      expect(me.body.code).toBe('unavailable');
      expect(me.headers.get('retry-after')).toBe('5');
      expect(ready.status).toBe(503);
      expect(live.status).toBe(200);
    } finally {
      for (const runner of held) await runner.release();
    }
    expect((await t.http.get('/api/v1/users/me', { basic: ADMIN })).status).toBe(200);
    expect((await t.http.get('/readyz')).status).toBe(200);
  });
});
