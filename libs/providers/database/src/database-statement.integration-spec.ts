import { randomBytes } from 'node:crypto';

import { createTestDatabase } from '@toolgate/testing';

import { type StatementAnswer } from './database.types';
import { budget, provisionSample, type SampleFixture, sql } from './testing/sample-fixture.util';

interface StatementOutcome {
  status: number;
  code?: string;
  sqlstate?: string;
  answer?: StatementAnswer;
}

/** `database:executeStatement` never buffers what a statement returns: a capped preview, or a rollback. */
describe('database:executeStatement returned rows (embedded Postgres)', () => {
  let sample: SampleFixture;

  const run = async (text: string, params: unknown[] = []): Promise<StatementOutcome> => {
    try {
      const answer = await sample.client.statement(text, params, budget(10_000, 'database:executeStatement'));
      return { status: 200, answer };
    } catch (error) {
      const e = error as { status?: number; code?: string; extensions?: { sqlstate?: string } };
      return { status: e.status ?? 500, code: e.code, sqlstate: e.extensions?.sqlstate };
    }
  };
  const names = async (ids: number) =>
    (
      await sql<{ digest: string }>(
        sample.sampleAdminUrl,
        "SELECT md5(string_agg(name, ',' ORDER BY id)) AS digest FROM customers WHERE id <= $1",
        [ids],
      )
    )[0].digest;

  beforeAll(async () => {
    sample = await provisionSample(await createTestDatabase('gw'), `stm_${randomBytes(4).toString('hex')}`, {
      DATABASE_MAX_ROWS: '100',
      DATABASE_MAX_RESULT_BYTES: '200000',
      DATABASE_STATEMENT_TIMEOUT_MS: '5000',
    });
  });
  afterAll(() => sample.close());

  it('commits and answers the affected row count with the first RETURNING rows under the caps', async () => {
    const touched = await run("UPDATE orders SET status = status WHERE id <= 150 RETURNING id, 'ok' AS note");
    expect(touched).toMatchObject({ status: 200 });
    expect(touched.answer).toMatchObject({
      command: 'UPDATE',
      row_count: 150,
      columns: [
        { name: 'id', data_type: 'int4' },
        { name: 'note', data_type: 'text' },
      ],
      truncated: true,
      truncated_by: 'rows',
    });
    expect(touched.answer?.rows).toHaveLength(100);
    const wide = await run("UPDATE orders SET status = status WHERE id <= 10 RETURNING repeat('x', 50000)");
    expect(wide.answer).toMatchObject({ row_count: 10, truncated: true, truncated_by: 'bytes' });
    expect(wide.answer?.rows).toHaveLength(3);
    const all = await run('UPDATE orders SET status = status WHERE id <= 3 RETURNING id');
    expect(all.answer).toMatchObject({ row_count: 3, rows: [[1], [2], [3]], truncated: false });
  });

  it('keeps the plain answer for a statement without RETURNING', async () => {
    expect((await run('UPDATE customers SET name = name WHERE id <= 5')).answer).toEqual({
      command: 'UPDATE',
      row_count: 5,
    });
  });

  it('rolls back a statement whose returned rows pass the socket limit, and keeps serving', async () => {
    const before = await names(150);
    const big = await run(
      "UPDATE customers SET name = name || '!' WHERE id <= 150 RETURNING repeat('x', 1000000)",
    );
    expect(big).toMatchObject({ status: 422, code: 'DATABASE.RESULT_TOO_LARGE' });
    expect(await names(150)).toBe(before);
    const huge = await run("SELECT repeat(repeat('x', 1000), 4000)");
    expect(huge).toMatchObject({ status: 422, code: 'DATABASE.RESULT_TOO_LARGE' });
    const many = await run('SELECT g FROM generate_series(1, 2000000) g');
    expect(many).toMatchObject({ status: 422, code: 'DATABASE.RESULT_TOO_LARGE' });
    expect((await run('UPDATE customers SET name = name WHERE id = 1')).answer).toEqual({
      command: 'UPDATE',
      row_count: 1,
    });
  });

  it('refuses COPY over the wire with 422, nothing written', async () => {
    const before = await names(2000);
    expect(await run('COPY customers TO STDOUT')).toMatchObject({ status: 422, sqlstate: '0A000' });
    expect(await run('COPY customers (name) FROM STDIN')).toMatchObject({ status: 422, sqlstate: '0A000' });
    expect(await names(2000)).toBe(before);
  });
});
