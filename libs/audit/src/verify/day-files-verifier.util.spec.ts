import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type LinkedEvent, linkEvents } from '../chain/audit-hash.util';
import { loadOrCreateAnchorKey } from '../mirror/anchor.util';
import { anchorFileOf, dayFileName, JsonlMirror } from '../mirror/jsonl-mirror.util';
import { pending } from '../testing/audit-events.util';
import { verifyDayFiles } from './day-files-verifier.util';
import { verifyJsonlFile } from './jsonl-verifier.util';

const day = (n: number) => new Date(Date.UTC(2026, 10, 20 + n, 12));
const quiet = { log: () => undefined, error: () => undefined };

describe('verifyDayFiles', () => {
  let dir: string;
  const key = () => loadOrCreateAnchorKey(join(dir, 'runtime'));
  const worm = () => join(dir, 'worm');
  const acme = () =>
    linkEvents(
      Array.from({ length: 8 }, (_, i) => pending({ request_id: `a${i}` })),
      null,
    );
  const globex = () => linkEvents([pending({ tenant: 'globex' })], null);

  /** Writes `batches` into the day file of day `n` (a mirror with no database to complete chains from). */
  async function writeDay(n: number, batches: [string, LinkedEvent[]][]): Promise<void> {
    const mirror = new JsonlMirror(worm(), key(), quiet, undefined, () => day(n));
    await mirror.open();
    for (const [tenant, events] of batches) await mirror.append(tenant, events);
    await mirror.close();
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-days-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts day files that join up, including a tenant absent on the day in between', async () => {
    const events = acme();
    await writeDay(1, [['acme', events.slice(0, 3)]]);
    await writeDay(2, [['globex', globex()]]);
    await writeDay(3, [['acme', events.slice(3, 5)]]);
    const report = await verifyDayFiles(worm(), key().publicKey);
    expect(report).toMatchObject({ valid: true, files_checked: 3, events_checked: 6 });
    expect(report.heads.acme.seq).toBe(5);
  });

  it("detects an event missing between one day's file and the next, though each file verifies", async () => {
    const events = acme();
    await writeDay(1, [['acme', events.slice(0, 5)]]);
    await writeDay(2, [['acme', events.slice(6, 8)]]);
    for (const n of [1, 2]) {
      const file = join(worm(), dayFileName(day(n)));
      expect(await verifyJsonlFile(file, { publicKey: key().publicKey })).toMatchObject({ valid: true });
    }
    const report = await verifyDayFiles(worm(), key().publicKey);
    expect(report).toMatchObject({ valid: false, files_checked: 1 });
    expect(report.invalid_file).toMatchObject({
      file: join(worm(), dayFileName(day(2))),
      tenant: 'acme',
      first_invalid_seq: 6,
      first_invalid_line: 1,
    });
    expect(report.invalid_file?.reason).toMatch(/seq 6 is missing .*earlier day files end at seq 5/);
  });

  it('detects a whole day file removed (with its anchors)', async () => {
    const events = acme();
    await writeDay(1, [['acme', events.slice(0, 5)]]);
    await writeDay(2, [['acme', events.slice(5, 8)]]);
    rmSync(join(worm(), dayFileName(day(1))));
    rmSync(join(worm(), anchorFileOf(dayFileName(day(1)))));
    const report = await verifyDayFiles(worm(), key().publicKey);
    expect(report.valid).toBe(false);
    expect(report.invalid_file?.reason).toMatch(/starts at seq 6, not 1 .*no earlier day file has it/);
  });
});
