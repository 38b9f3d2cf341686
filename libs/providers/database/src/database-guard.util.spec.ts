import { PassThrough } from 'node:stream';

import { DomainException } from '@toolgate/core';

import { SafeCursor, StatementCursor } from './database-cursor.util';
import {
  readCapped,
  RowCollector,
  statementTimeoutFor,
  toDomainError,
  watchBytes,
  withinDeadline,
} from './database-guard.util';
import { jsonValue, RESULT_TYPES, typeName } from './database-values.util';
import { scramVerifier } from './sample/sample-credentials.util';

/** A row source serving `total` one-column rows in the batch sizes asked for. */
function source(total: number, value: (i: number) => unknown = (i) => i) {
  let served = 0;
  const asked: number[] = [];
  const read = async (count: number) => {
    asked.push(count);
    const rows = Array.from({ length: Math.min(count, total - served) }, (_, i) => [value(served + i)]);
    served += rows.length;
    return rows;
  };
  return { read, asked };
}

describe('database guards', () => {
  describe('readCapped', () => {
    it('keeps at most maxRows rows and says the result was truncated', async () => {
      const rows = source(10_000);
      const capped = await readCapped(rows.read, { maxRows: 1000, maxBytes: 1e9 });
      expect(capped).toMatchObject({ truncated: true, truncated_by: 'rows' });
      expect(capped.rows).toHaveLength(1000);
      // It never asks the server for more than one row past the cap.
      expect(rows.asked.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1001);
    });

    it('is not truncated when the result has exactly maxRows rows', async () => {
      const capped = await readCapped(source(1000).read, { maxRows: 1000, maxBytes: 1e9 });
      expect(capped).toMatchObject({ truncated: false });
      expect(capped.rows).toHaveLength(1000);
    });

    it('stops before the JSON size passes maxBytes', async () => {
      const capped = await readCapped(source(100, () => 'x'.repeat(100)).read, {
        maxRows: 1000,
        maxBytes: 1000,
      });
      expect(capped).toMatchObject({ truncated: true, truncated_by: 'bytes' });
      expect(Buffer.byteLength(JSON.stringify(capped.rows))).toBeLessThanOrEqual(1000);
      expect(capped.rows.length).toBeGreaterThan(0);
    });

    it('answers the rows kept so far when the socket guard cut the connection, and rethrows otherwise', async () => {
      const failing = async () => {
        throw new Error('Connection terminated unexpectedly');
      };
      await expect(readCapped(failing, { maxRows: 10, maxBytes: 100 }, () => true)).resolves.toEqual({
        rows: [],
        truncated: true,
        truncated_by: 'bytes',
      });
      await expect(readCapped(failing, { maxRows: 10, maxBytes: 100 })).rejects.toThrow('terminated');
    });
  });

  it('shortens the statement timeout to end before the call deadline', () => {
    expect(statementTimeoutFor(5000, 100_000, 0)).toBe(5000);
    expect(statementTimeoutFor(5000, 1000, 0)).toBe(950);
    expect(statementTimeoutFor(5000, 10, 0)).toBeLessThan(1);
  });

  it('turns bytea into psql hex and leaves other values as parsed', () => {
    expect(jsonValue(Buffer.from([0xde, 0xad]))).toBe('\\xdead');
    expect(jsonValue(10n)).toBe('10');
    expect(jsonValue('1.50')).toBe('1.50');
    expect(typeName(23)).toBe('int4');
    expect(typeName(1184)).toBe('timestamptz');
    expect(typeName(999_999)).toBe('oid:999999');
  });

  it('answers NaN, ±Infinity and infinite dates as Postgres writes them, never as null', () => {
    expect([NaN, Infinity, -Infinity, [1, NaN], null].map(jsonValue)).toEqual([
      'NaN',
      'Infinity',
      '-Infinity',
      [1, 'NaN'],
      null,
    ]);
    const parse = (oid: number, text: string) => RESULT_TYPES.getTypeParser(oid, 'text')(text);
    expect(parse(1184, 'infinity')).toBe('infinity');
    expect(parse(1082, '-infinity')).toBe('-infinity');
    expect(parse(1185, '{infinity,"2024-01-02 00:00:00+00"}')).toEqual(['infinity', expect.any(Date)]);
    expect(parse(1186, '-infinity')).toBe('-infinity');
    expect(parse(1186, '1 day')).toMatchObject({ days: 1 });
    expect(parse(701, 'NaN')).toBeNaN();
  });

  it('waits for work until the deadline only, handing a late value back', async () => {
    const late: string[] = [];
    await expect(withinDeadline(Promise.resolve('now'), 50, (v) => late.push(v))).resolves.toBe('now');
    const slow = new Promise<string>((resolve) => setTimeout(() => resolve('later'), 60));
    await expect(withinDeadline(slow, 10, (v) => late.push(v))).resolves.toBeUndefined();
    await slow;
    expect(late).toEqual(['later']);
  });

  it('cuts a connection that receives more bytes than the cap', () => {
    const stream = new PassThrough();
    const guard = watchBytes(stream, 10);
    stream.emit('data', Buffer.alloc(8));
    expect(guard.exceeded()).toBe(false);
    stream.emit('data', Buffer.alloc(8));
    expect(guard.exceeded()).toBe(true);
    expect(stream.destroyed).toBe(true);
    guard.stop();
    expect(stream.listenerCount('data')).toBe(0);
  });

  describe('toDomainError', () => {
    const pgError = (code: string, message: string) =>
      Object.assign(new Error(message), { code, position: '8' });

    it('maps a statement timeout to 504', () => {
      expect(
        toDomainError(pgError('57014', 'canceling statement due to statement timeout'), 't:x', 'V'),
      ).toMatchObject({
        status: 504,
        code: 'PROVIDER.TIMEOUT',
      });
    });

    it('maps SQL errors to 422 carrying the database message, SQLSTATE and position', () => {
      const error = toDomainError(pgError('42601', 'syntax error at or near "FORM"'), 't:x', 'V');
      expect(error).toMatchObject({
        status: 422,
        code: 'DATABASE.QUERY_FAILED',
        detail: 'syntax error at or near "FORM"',
        extensions: { sqlstate: '42601', position: 8 },
      });
    });

    it('maps refused connections and login or server failures to 503 naming the variable', () => {
      const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
      for (const error of [
        refused,
        pgError('28P01', 'password authentication failed'),
        pgError('57P01', 'terminating'),
      ]) {
        const mapped = toDomainError(error, 't:x', 'DATABASE_TOOLS_URL');
        expect(mapped).toMatchObject({ status: 503, code: 'PROVIDER.UNAVAILABLE' });
        expect(mapped.detail).toContain('DATABASE_TOOLS_URL');
        expect(mapped.detail).not.toContain('127.0.0.1');
      }
    });

    it("maps a protocol violation (08P01: parameter count) to 422, it is the caller's", () => {
      const error = toDomainError(pgError('08P01', 'bind message supplies 0 parameters'), 't:x', 'V');
      expect(error).toMatchObject({
        status: 422,
        code: 'DATABASE.QUERY_FAILED',
        extensions: { sqlstate: '08P01' },
      });
      expect(toDomainError(pgError('08006', 'connection failure'), 't:x', 'V')).toMatchObject({
        status: 503,
      });
    });

    it('cuts a huge message and hint to a few kB, marking the cut', () => {
      const huge = Object.assign(pgError('22P02', `bad "${'x'.repeat(1_000_000)}"`), {
        hint: 'h'.repeat(10_000),
      });
      const error = toDomainError(huge, 't:x', 'V');
      expect(error.detail.length).toBeLessThan(4_200);
      expect(error.detail).toMatch(/^bad "x+… \[995\d{3} more characters cut\]$/);
      expect(String(error.extensions.hint)).toMatch(/^h+… \[5904 more characters cut\]$/);
    });

    it('passes domain exceptions through', () => {
      const own = new DomainException('X.Y', 418, 'Teapot');
      expect(toDomainError(own, 't:x', 'V')).toBe(own);
    });
  });

  it('refuses COPY on the cursor instead of crashing on its data', () => {
    const cursor = new SafeCursor('COPY t TO STDOUT', []);
    const failed: string[] = [];
    cursor.handleCopyInResponse({ sendCopyFail: (message) => failed.push(message) });
    cursor.handleCopyData();
    expect(cursor.copyRefused).toBe(true);
    expect(failed).toEqual([expect.stringContaining('COPY is not supported')]);
  });

  it('keeps the first rows of a statement under the caps and drops the later ones as they arrive', () => {
    const cursor = new StatementCursor(
      'UPDATE t SET n = n RETURNING n',
      [],
      new RowCollector({ maxRows: 3, maxBytes: 1e6 }),
    );
    // What pg hands the cursor while the server answers (the connection only receives the portal's Close/Sync).
    const server = cursor as unknown as {
      connection: unknown;
      _rows: unknown[] | null;
      handleRowDescription(message: unknown): void;
      handleCommandComplete(message: unknown): void;
    };
    server.connection = { close: () => undefined, sync: () => undefined };
    server.handleRowDescription({ fields: [{ name: 'n', dataTypeID: 23, format: 'text' }] });
    for (let i = 1; i <= 10_000; i += 1) cursor.handleDataRow({ fields: [String(i)] });
    server.handleCommandComplete({ text: 'UPDATE 10000' });
    expect(cursor.kept.result()).toEqual({ rows: [[1], [2], [3]], truncated: true, truncated_by: 'rows' });
    expect(server._rows ?? []).toEqual([]);
    expect({ command: cursor.command, rowCount: cursor.rowCount }).toEqual({
      command: 'UPDATE',
      rowCount: 10_000,
    });
    expect(cursor.columns).toEqual([{ name: 'n', data_type: 'int4' }]);
  });

  it('cuts collected rows at the byte cap and ignores rows once cut', () => {
    const kept = new RowCollector({ maxRows: 10, maxBytes: 20 });
    kept.add(['abcdef']);
    kept.add(['abcdefghijkl']);
    kept.add(['a']);
    expect(kept.result()).toEqual({ rows: [['abcdef']], truncated: true, truncated_by: 'bytes' });
    expect(kept.open).toBe(false);
  });

  it('stores SCRAM-SHA-256 verifiers in the Postgres format, salted per call', () => {
    const verifier = scramVerifier('secret');
    expect(verifier).toMatch(
      /^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$/,
    );
    expect(scramVerifier('secret')).not.toBe(verifier);
    expect(verifier).not.toContain('secret');
  });
});
