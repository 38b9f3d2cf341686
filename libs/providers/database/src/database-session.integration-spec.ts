import { randomBytes } from 'node:crypto';

import { createTestDatabase } from '@toolgate/testing';

import { budget, provisionSample, runQuery, type SampleFixture, sql } from './testing/sample-fixture.util';

/** One session per login (pool size 1): what one call leaves in it, and calls queued behind another. */
describe('database tools: the session between calls (embedded Postgres, pool of one)', () => {
  let sample: SampleFixture;
  const segmentOf = async (id: number) =>
    (
      await sql<{ segment: string }>(sample.sampleAdminUrl, 'SELECT segment FROM customers WHERE id = $1', [
        id,
      ])
    )[0].segment;
  const outcome = (promise: Promise<unknown>) =>
    promise.then(
      (answer) => ({ status: 200, answer, at: Date.now() }),
      (error: { status?: number; code?: string }) => ({
        status: error.status,
        code: error.code,
        at: Date.now(),
      }),
    );

  beforeAll(async () => {
    sample = await provisionSample(await createTestDatabase('gw'), `ses_${randomBytes(4).toString('hex')}`, {
      DATABASE_STATEMENT_TIMEOUT_MS: '5000',
      DATABASE_TOOLS_POOL_SIZE: '1',
    });
  });
  afterAll(() => sample.close());

  it("does not hand a caller's random seed (setseed) to the next call", async () => {
    const afterSeed = async () => {
      expect((await runQuery(sample.client, 'SELECT setseed(0.25)')).status).toBe(200);
      return (await runQuery(sample.client, 'SELECT random()')).answer?.rows;
    };
    const first = await afterSeed();
    const second = await afterSeed();
    expect(first).toEqual([[expect.any(Number)]]);
    expect(second).not.toEqual(first);
  });

  it('answers 504 without running a statement whose deadline passes while it waits for a session', async () => {
    const holder = sample.client.statement(
      'SELECT pg_sleep(1.5)',
      [],
      budget(10_000, 'database:executeStatement'),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const deadlineAt = Date.now() + 800;
    const queued = await outcome(
      sample.client.statement("UPDATE customers SET segment = 'late' WHERE id = 1", [], {
        toolId: 'database:executeStatement',
        deadlineAt,
      }),
    );
    expect(queued).toMatchObject({ status: 504, code: 'PROVIDER.TIMEOUT' });
    // Answered at its deadline, not when the session came free (1.5 s).
    expect(queued.at - deadlineAt).toBeLessThan(400);
    await holder;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await segmentOf(1)).not.toBe('late');
  });

  it('gives a statement that waited for its session only the time left before its deadline', async () => {
    const holder = sample.client.statement(
      'SELECT pg_sleep(1.5)',
      [],
      budget(10_000, 'database:executeStatement'),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const deadlineAt = Date.now() + 2_000;
    // Gets the session with ~0.5 s left: its 1.5 s sleep must be cut there and the update rolled back.
    const queued = await outcome(
      sample.client.statement(
        "UPDATE customers SET segment = 'late' WHERE id = (SELECT 2 FROM pg_sleep(1.5))",
        [],
        { toolId: 'database:executeStatement', deadlineAt },
      ),
    );
    await holder;
    expect(queued).toMatchObject({ status: 504 });
    expect(queued.at - deadlineAt).toBeLessThan(400);
    expect(await segmentOf(2)).not.toBe('late');
  });
});
