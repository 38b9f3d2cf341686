import { type PendingAuditEvent } from '../audit.types';
import { type LinkedEvent } from '../chain/audit-hash.util';
import { pending } from '../testing/audit-events.util';
import { GroupCommitWriter, type PooledSession } from './group-commit.util';

/** A fake pooled session that records statements and can be made to fail or hang. */
function fakeDatabase() {
  const statements: string[] = [];
  const state = {
    fail: undefined as unknown,
    hang: false,
    collideOnce: false,
    head: null as null | { seq: string; hash: string },
  };
  const session: PooledSession = {
    async query(text: string) {
      statements.push(text);
      if (state.hang) return new Promise(() => undefined);
      if (state.fail && text.includes('INSERT')) throw state.fail;
      if (state.collideOnce && text.startsWith('SET LOCAL lock_timeout')) {
        state.collideOnce = false;
        throw Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' });
      }
      if (text.includes('SELECT seq, hash'))
        return [{ rows: [] }, { rows: [] }, { rows: state.head ? [state.head] : [] }];
      return { rows: [] };
    },
    release: () => undefined,
  };
  return { statements, state, connect: async () => session };
}

function writer(
  db: ReturnType<typeof fakeDatabase>,
  committed: [string, LinkedEvent[]][] = [],
  timeout = 5000,
) {
  return new GroupCommitWriter({
    connect: db.connect,
    committed: (tenant, events) => void committed.push([tenant, events]),
    batchMax: 100,
    queueMax: 1000,
    writeTimeoutMs: timeout,
  });
}

const events = (n: number, tenant = 'acme'): PendingAuditEvent[] =>
  Array.from({ length: n }, (_, i) => pending({ tenant, request_id: `r${i}` }));

describe('GroupCommitWriter', () => {
  it('writes concurrent events of one chain in one INSERT and resolves every caller after it', async () => {
    const db = fakeDatabase();
    const committed: [string, LinkedEvent[]][] = [];
    const w = writer(db, committed);
    await Promise.all(events(30).map((event) => w.append(event)));
    const inserts = db.statements.filter((text) => text.includes('INSERT'));
    expect(inserts).toHaveLength(1);
    expect(db.statements[0].includes('pg_advisory_xact_lock')).toBe(true);
    expect(committed[0][1].map((event) => event.seq)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('reads the head under the lock first, then appends after its own head in one round trip', async () => {
    const db = fakeDatabase();
    const w = writer(db);
    await w.append(pending());
    expect(db.statements[0]).toMatch(
      /^BEGIN; SET LOCAL idle_in_transaction_session_timeout = 5000; SET LOCAL lock_timeout = 2500; SELECT pg_advisory_xact_lock\(.*\); SELECT seq, hash/,
    );
    db.statements.length = 0;
    await w.append(pending());
    expect(db.statements).toHaveLength(1);
    expect(db.statements[0]).toMatch(
      /^SET LOCAL lock_timeout = 2500; SELECT pg_advisory_xact_lock\(.*\); INSERT INTO audit_events/,
    );
    expect(w.headOf('acme')?.seq).toBe(2);
  });

  it('when another replica appended meanwhile, re-reads the head under the lock and links after it', async () => {
    const db = fakeDatabase();
    const committed: [string, LinkedEvent[]][] = [];
    const w = writer(db, committed);
    await w.append(pending());
    db.state.collideOnce = true;
    db.state.head = { seq: '9', hash: 'ab'.repeat(32) };
    db.statements.length = 0;
    await w.append(pending());
    expect(db.statements.map((text) => text.slice(0, 12))).toEqual([
      'SET LOCAL lo',
      'BEGIN; SET L',
      'INSERT INTO ',
    ]);
    expect(JSON.parse(committed[1][1][0].json)).toMatchObject({ seq: 10, prev_hash: 'ab'.repeat(32) });
  });

  it('keeps one flush in flight per chain; other chains flush in parallel', async () => {
    const db = fakeDatabase();
    const w = writer(db);
    await Promise.all(
      [...events(3, 'a'), ...events(3, 'b'), ...events(3, 'a')].map((event) => w.append(event)),
    );
    expect(db.statements.filter((text) => text.includes('INSERT'))).toHaveLength(2);
    expect(w.headOf('a')?.seq).toBe(6);
    expect(w.headOf('b')?.seq).toBe(3);
  });

  it('rejects the callers when the write fails, and forgets the head', async () => {
    const db = fakeDatabase();
    const w = writer(db);
    await w.append(pending());
    db.state.fail = Object.assign(new Error('relation "audit_events" does not exist'), { code: '42P01' });
    await expect(w.append(pending())).rejects.toThrow(/does not exist/);
    expect(w.headOf('acme')).toBeUndefined();
  });

  it('fails callers of a flush that overruns the timeout, and new ones while it hangs', async () => {
    const db = fakeDatabase();
    const w = writer(db, [], 100);
    db.state.hang = true;
    await expect(w.append(pending())).rejects.toThrow(/longer than 100 ms/);
    await expect(w.append(pending())).rejects.toThrow(/not answering/);
  });
});
