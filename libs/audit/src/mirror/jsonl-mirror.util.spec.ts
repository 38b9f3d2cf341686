import fs, { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type LinkedEvent, linkEvents } from '../chain/audit-hash.util';
import { pending } from '../testing/audit-events.util';
import { verifyDayFiles } from '../verify/day-files-verifier.util';
import { verifyJsonlFile } from '../verify/jsonl-verifier.util';
import { loadOrCreateAnchorKey } from './anchor.util';
import { dayFileName, JsonlMirror } from './jsonl-mirror.util';

const DAY1 = new Date('2026-11-21T12:00:00Z');
const DAY2 = new Date('2026-11-22T09:00:00Z');
const quiet = { log: () => undefined, error: () => undefined };

describe('JsonlMirror after a crash or a failed write', () => {
  let dir: string;
  let chain: LinkedEvent[];
  /** How many events of the chain the database has committed so far. */
  let committed: number;
  let queries: number;

  const key = () => loadOrCreateAnchorKey(join(dir, 'runtime'));
  const worm = () => join(dir, 'worm');
  const fileOf = (day: Date) => join(worm(), dayFileName(day));
  const missing = async (_tenant: string, after: number, before: number) => {
    queries += 1;
    return chain.filter((e) => e.seq <= committed && e.seq > after && e.seq < before).map((e) => e.json);
  };
  const mirrorAt = (day: Date) => new JsonlMirror(worm(), key(), quiet, missing, () => day);
  /** The process dies: no anchor. */
  const crash = (mirror: JsonlMirror) => clearTimeout((mirror as unknown as { timer: NodeJS.Timeout }).timer);
  /** What the writer does: commits `events`, then mirrors them. */
  const commit = async (mirror: JsonlMirror, events: LinkedEvent[]) => {
    committed = events[events.length - 1].seq;
    await mirror.append('acme', events);
  };
  const seqs = (day: Date) =>
    existsSync(fileOf(day))
      ? readFileSync(fileOf(day), 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => (JSON.parse(line) as { seq: number }).seq)
      : [];
  const verify = (day: Date) => verifyJsonlFile(fileOf(day), { publicKey: key().publicKey });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-mirror-'));
    chain = linkEvents(
      Array.from({ length: 10 }, (_, i) => pending({ request_id: `r${i}` })),
      null,
    );
    committed = 0;
    queries = 0;
  });
  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it("mirrors an event committed but not written that would be the tenant's first of a new day", async () => {
    const day1 = mirrorAt(DAY1);
    await day1.open();
    await commit(day1, chain.slice(0, 5));
    await day1.close();
    committed = 6; // day 2: seq 6 committed, then kill -9 before the mirror write
    const day2 = mirrorAt(DAY2);
    await day2.open();
    await commit(day2, chain.slice(6, 8));
    await day2.close();
    expect(seqs(DAY1)).toEqual([1, 2, 3, 4, 5]);
    expect(seqs(DAY2)).toEqual([6, 7, 8]);
    expect(await verify(DAY2)).toMatchObject({ valid: true, anchors_checked: 1 });
    expect(await verifyDayFiles(worm(), key().publicKey)).toMatchObject({ valid: true, events_checked: 8 });
  });

  it('links across days without asking the database when nothing is missing', async () => {
    const day1 = mirrorAt(DAY1);
    await day1.open();
    await commit(day1, chain.slice(0, 5));
    crash(day1);
    const day2 = mirrorAt(DAY2);
    await day2.open();
    const atOpen = queries;
    await commit(day2, chain.slice(5, 7));
    await commit(day2, chain.slice(7, 8));
    expect(queries).toBe(atOpen);
    expect(seqs(DAY2)).toEqual([6, 7, 8]);
    crash(day2);
  });

  it('writes a chain no file holds yet from seq 1 (its first flush was lost)', async () => {
    committed = 2;
    const mirror = mirrorAt(DAY1);
    await mirror.open();
    await commit(mirror, chain.slice(2, 4));
    await mirror.close();
    expect(seqs(DAY1)).toEqual([1, 2, 3, 4]);
  });

  it('drops an unfinished last line left by a crash, then completes the chain from the database', async () => {
    const before = mirrorAt(DAY1);
    await before.open();
    await commit(before, chain.slice(0, 3));
    crash(before);
    appendFileSync(fileOf(DAY1), chain[3].json.slice(0, 40)); // the write of seq 4 was cut short
    committed = 4;
    const after = mirrorAt(DAY1);
    await after.open();
    await commit(after, chain.slice(4, 6));
    await after.close();
    expect(seqs(DAY1)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await verify(DAY1)).toMatchObject({ valid: true, anchors_checked: 1 });
  });

  it("repairs an earlier day's unfinished last line too", async () => {
    const day1 = mirrorAt(DAY1);
    await day1.open();
    await commit(day1, chain.slice(0, 3));
    crash(day1);
    appendFileSync(fileOf(DAY1), chain[3].json.slice(0, 40));
    committed = 4;
    const day2 = mirrorAt(DAY2);
    await day2.open();
    await commit(day2, chain.slice(4, 5));
    await day2.close();
    expect(seqs(DAY1)).toEqual([1, 2, 3]);
    expect(seqs(DAY2)).toEqual([4, 5]);
    expect(await verifyDayFiles(worm(), key().publicKey)).toMatchObject({ valid: true, events_checked: 5 });
  });

  it('cuts a write that failed part-way (disk full) back off the file; the anchor still matches', async () => {
    const mirror = mirrorAt(DAY1);
    await mirror.open();
    await commit(mirror, chain.slice(0, 2));
    // The first write reaches the disk in part, the next one finds it full.
    type WriteSync = (fd: number, data: Buffer, at?: number, length?: number) => number;
    const realWrite = fs.writeSync.bind(fs) as WriteSync;
    const write = jest.spyOn(fs as unknown as { writeSync: WriteSync }, 'writeSync');
    write.mockImplementationOnce((fd, data) => realWrite(fd, data, 0, 30));
    write.mockImplementationOnce(() => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await commit(mirror, chain.slice(2, 4)); // logged, not thrown: the events are committed
    write.mockRestore();
    expect(seqs(DAY1)).toEqual([1, 2]);
    await commit(mirror, chain.slice(4, 5));
    await mirror.close();
    expect(seqs(DAY1)).toEqual([1, 2, 3, 4, 5]);
    expect(await verify(DAY1)).toMatchObject({ valid: true, anchors_checked: 1 });
  });
});
