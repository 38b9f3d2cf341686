import { DataSource } from 'typeorm';

import { ProviderTimeoutException, ProviderUnavailableException } from '@toolgate/core';
import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { IdempotentRunService } from '../use-cases/idempotent-run.service';
import { markMayHaveRun } from '../use-cases/may-have-run.util';
import { IdempotencyService } from './idempotency.service';

const DIGEST = 'd'.repeat(64);
const REQUEST = { url: '/tools/p:w/invoke', requestId: 'req-1' };

describe('Idempotency-Key records (integration)', () => {
  let dataSource: DataSource;
  let key = 0;
  const scope = () => ({ tenant: 'acme', subject: 'agent', route: 'invoke:p:w', key: `K-${(key += 1)}` });
  /** Moves a key's record `seconds` into the past, as if that much time had gone by. */
  const age = (k: string, seconds: number) =>
    dataSource.query(
      `UPDATE idempotency_keys SET created_at = created_at - make_interval(secs => $2),
              expires_at = expires_at - make_interval(secs => $2) WHERE key = $1`,
      [k, seconds],
    );

  /** The claim time of a key's record after `age` moved it (what its holder's claim says). */
  const claimedAt = async (k: string) =>
    (
      (await dataSource.query(`SELECT created_at::text AS at FROM idempotency_keys WHERE key = $1`, [k])) as {
        at: string;
      }[]
    )[0].at;

  beforeAll(async () => {
    const url = await createTestDatabase('idem');
    dataSource = new DataSource(buildDataSourceOptions({ url, migrations: MIGRATIONS }));
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(() => dataSource.destroy());

  describe('with a TTL shorter than a call may run (IDEMPOTENCY_TTL_SEC=60)', () => {
    const service = () => new IdempotencyService(dataSource, { idempotencyTtlSec: 60 } as never);

    it('never lets a second request claim a key still in flight, nor sweeps it', async () => {
      const idempotency = service();
      const s = scope();
      const first = await idempotency.begin(s, DIGEST);
      expect(first.claim).toEqual({ id: expect.any(String), claimedAt: expect.any(String) });
      await age(s.key, 61);
      expect(await idempotency.sweep()).toBe(0);
      await expect(idempotency.begin(s, DIGEST)).rejects.toMatchObject({ status: 409 });
      // The first request ends: its answer is stored and kept for the TTL from now.
      const aged = { ...first.claim!, claimedAt: await claimedAt(s.key) };
      await idempotency.complete(aged, { status: 200, contentType: 'application/json', body: '{}' });
      expect((await idempotency.begin(s, DIGEST)).stored).toMatchObject({ status: 200, body: '{}' });
    });

    it('lets a stale claim be taken over; the old holder then neither stores nor frees it', async () => {
      const idempotency = service();
      const s = scope();
      const first = await idempotency.begin(s, DIGEST);
      await age(s.key, 661);
      const second = await idempotency.begin(s, DIGEST);
      expect(second.claim).toEqual({ id: first.claim!.id, claimedAt: expect.any(String) });
      await idempotency.release(first.claim!);
      await idempotency.complete(first.claim!, { status: 500, contentType: 'x', body: 'old' });
      await expect(idempotency.begin(s, DIGEST)).rejects.toMatchObject({ status: 409 });
      await idempotency.complete(second.claim!, { status: 201, contentType: 'x', body: 'new' });
      expect((await idempotency.begin(s, DIGEST)).stored).toMatchObject({ status: 201, body: 'new' });
    });

    it('lets an expired completed record be claimed again', async () => {
      const idempotency = service();
      const s = scope();
      const { claim } = await idempotency.begin(s, DIGEST);
      await idempotency.complete(claim!, { status: 200, contentType: 'x', body: 'one' });
      await age(s.key, 61);
      expect((await idempotency.begin(s, DIGEST)).claim).toBeDefined();
    });
  });

  describe('server errors', () => {
    const runner = () =>
      new IdempotentRunService(new IdempotencyService(dataSource, { idempotencyTtlSec: 86_400 } as never));

    it('stores a 5xx once the provider was called: a retry with the key replays it, nothing runs twice', async () => {
      const run = runner();
      const s = scope();
      let runs = 0;
      const work = async () => {
        runs += 1;
        const error = new ProviderTimeoutException('p', 'p:w');
        markMayHaveRun(error);
        throw error;
      };
      const first = await run.run(s, DIGEST, REQUEST, work);
      const again = await run.run(s, DIGEST, REQUEST, work);
      expect(runs).toBe(1);
      expect([first.status, again.status, again.replayed]).toEqual([504, 504, true]);
      expect(again.body).toBe(first.body);
      expect(JSON.parse(first.body)).toMatchObject({ status: 504, request_id: 'req-1' });
    });

    it('frees the key after a 5xx from before the provider was called: a retry runs', async () => {
      const run = runner();
      const s = scope();
      let runs = 0;
      const work = async () => {
        runs += 1;
        if (runs === 1) throw new ProviderUnavailableException('p', 'Not running.');
        return { status: 200, body: '{"ok":true}' };
      };
      await expect(run.run(s, DIGEST, REQUEST, work)).rejects.toMatchObject({ status: 503 });
      expect((await run.run(s, DIGEST, REQUEST, work)).status).toBe(200);
      expect(runs).toBe(2);
    });
  });
});
