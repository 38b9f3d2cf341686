import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { linkEvents } from '../chain/audit-hash.util';
import {
  ANCHOR_PRIVATE_KEY_FILE,
  type AuditAnchor,
  loadOrCreateAnchorKey,
  signAnchor,
} from '../mirror/anchor.util';
import { anchorFileOf, dayFileName, JsonlMirror } from '../mirror/jsonl-mirror.util';
import { pending } from '../testing/audit-events.util';
import { verifyJsonlFile } from './jsonl-verifier.util';

const DAY = new Date('2026-11-21T12:00:00Z');
const quiet = { log: () => undefined, error: () => undefined };

describe('JSONL mirror and its file verifier', () => {
  let dir: string;
  let file: string;
  const key = () => loadOrCreateAnchorKey(join(dir, 'runtime'));

  /** acme 1-2, globex 1-2, acme 3-4, shutdown anchor, acme 5-6 (then a second anchor when asked). */
  async function writeDay(anchorAfterAll = false): Promise<void> {
    const mirror = new JsonlMirror(join(dir, 'worm'), key(), quiet, undefined, () => DAY);
    await mirror.open();
    const acme = linkEvents(
      Array.from({ length: 6 }, (_, i) => pending({ request_id: `a${i}` })),
      null,
    );
    const globex = linkEvents([pending({ tenant: 'globex' }), pending({ tenant: 'globex' })], null);
    await mirror.append('acme', acme.slice(0, 2));
    await mirror.append('globex', globex);
    await mirror.append('acme', acme.slice(2, 4));
    await mirror.close();
    const again = new JsonlMirror(join(dir, 'worm'), key(), quiet, undefined, () => DAY);
    await again.open();
    await again.append('acme', acme.slice(4));
    if (anchorAfterAll) await again.close();
    else clearTimeout((again as unknown as { timer: NodeJS.Timeout }).timer);
  }

  const lines = () => readFileSync(file, 'utf8').trimEnd().split('\n');
  const rewrite = (next: string[]) => writeFileSync(file, `${next.join('\n')}\n`);
  const verify = () => verifyJsonlFile(file, { publicKey: key().publicKey });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'audit-jsonl-'));
    file = join(dir, 'worm', dayFileName(DAY));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one line per event and a signed anchor; the untouched file verifies', async () => {
    await writeDay();
    expect(lines()).toHaveLength(8);
    expect(statSync(join(dir, 'runtime', ANCHOR_PRIVATE_KEY_FILE)).mode & 0o777).toBe(0o600);
    const anchors = readFileSync(join(dir, 'worm', anchorFileOf(dayFileName(DAY))), 'utf8')
      .trim()
      .split('\n');
    expect(anchors).toHaveLength(1);
    expect(JSON.parse(anchors[0])).toMatchObject({
      reason: 'shutdown',
      heads: { acme: { seq: 4 }, globex: { seq: 2 } },
    });
    expect(await verify()).toMatchObject({
      valid: true,
      events_checked: 8,
      anchors_checked: 1,
      heads: { acme: { seq: 6 }, globex: { seq: 2 } },
    });
  });

  it('detects an edited line', async () => {
    await writeDay();
    const edited = lines();
    edited[4] = edited[4].replace('"subject":"agent-7"', '"subject":"agent-8"');
    rewrite(edited);
    expect(await verify()).toMatchObject({
      valid: false,
      first_invalid_line: 5,
      tenant: 'acme',
      first_invalid_seq: 3,
    });
  });

  it('detects a deleted line', async () => {
    await writeDay();
    rewrite(lines().filter((_, i) => i !== 1));
    expect(await verify()).toMatchObject({ valid: false, first_invalid_seq: 2, reason: 'seq 2 is missing' });
  });

  it('detects an inserted line', async () => {
    await writeDay();
    const next = lines();
    next.splice(2, 0, next[0]);
    rewrite(next);
    expect(await verify()).toMatchObject({ valid: false, first_invalid_line: 3, tenant: 'acme' });
  });

  it('detects reordered lines of one tenant', async () => {
    await writeDay();
    const next = lines();
    [next[0], next[1]] = [next[1], next[0]];
    rewrite(next);
    expect(await verify()).toMatchObject({ valid: false, first_invalid_line: 2, tenant: 'acme' });
  });

  it('detects a truncated tail against the signed anchor', async () => {
    await writeDay(true);
    const before = await verify();
    expect(before).toMatchObject({ valid: true, anchors_checked: 2 });
    // Cut the last event: the shorter file is still a valid chain on its own...
    const all = lines();
    truncateSync(file, statSync(file).size - Buffer.byteLength(all[all.length - 1]) - 1);
    expect(await verifyJsonlFile(file)).toMatchObject({ valid: true, events_checked: 7 });
    // ...but not against its signed anchor.
    const cut = await verify();
    expect(cut.valid).toBe(false);
    expect(cut.reason).toMatch(/tail was cut/);
    // Cutting back to a line boundary and forging the size still misses the anchored head.
    rewrite(all.slice(0, 7).map((line, i) => (i === 6 ? `${line}${' '.repeat(all[7].length + 1)}` : line)));
    expect((await verify()).valid).toBe(false);
  });

  it("detects a tenant's first events cut and the file padded back to the anchored size", async () => {
    await writeDay(true);
    const all = lines();
    const kept = all.filter((line) => !(JSON.parse(line).tenant === 'acme' && JSON.parse(line).seq <= 2));
    const missing = Buffer.byteLength(`${all.join('\n')}\n`) - Buffer.byteLength(`${kept.join('\n')}\n`);
    kept[kept.length - 1] += ' '.repeat(missing);
    rewrite(kept);
    // On its own the rest of the chain is valid: only the anchor knows where it started.
    expect(await verifyJsonlFile(file)).toMatchObject({ valid: true });
    expect(await verify()).toMatchObject({
      valid: false,
      tenant: 'acme',
      first_invalid_seq: 1,
      reason: expect.stringMatching(/^anchor 1: the first event of acme is seq 3, .*head was cut/),
    });
  });

  it('detects an edit that keeps every hash valid (whitespace) by the digest of the anchored bytes', async () => {
    await writeDay();
    rewrite(lines().map((line, i) => (i === 0 ? line.replace('"subject":', '"subject": ') : line)));
    expect(await verifyJsonlFile(file)).toMatchObject({ valid: true });
    expect(await verify()).toMatchObject({
      valid: false,
      reason: expect.stringMatching(/bytes differ.*altered/),
    });
  });

  it('still reads format 1 anchors (size and heads)', async () => {
    await writeDay();
    const anchorsPath = join(dir, 'worm', anchorFileOf(dayFileName(DAY)));
    const anchor = JSON.parse(readFileSync(anchorsPath, 'utf8')) as AuditAnchor;
    expect(anchor).toMatchObject({ version: 2, firsts: { acme: { seq: 1 }, globex: { seq: 1 } } });
    const { version, sha256, firsts, signature, key_id, ...v1 } = anchor;
    void [version, sha256, firsts, signature, key_id];
    writeFileSync(anchorsPath, `${JSON.stringify(signAnchor(v1, key()))}\n`);
    expect(await verify()).toMatchObject({ valid: true, anchors_checked: 1 });
  });

  it('completes each chain from the database: at boot after a crash, and before a gap', async () => {
    const acme = linkEvents(
      Array.from({ length: 6 }, (_, i) => pending({ request_id: `a${i}` })),
      null,
    );
    const crashed = new JsonlMirror(join(dir, 'worm'), key(), quiet, undefined, () => DAY);
    await crashed.open();
    await crashed.append('acme', acme.slice(0, 2));
    clearTimeout((crashed as unknown as { timer: NodeJS.Timeout }).timer); // killed: no anchor
    let committed = 3; // seq 3 was committed, then the process died before mirroring it
    const asked: number[][] = [];
    const restarted = new JsonlMirror(
      join(dir, 'worm'),
      key(),
      quiet,
      async (_tenant, after, before) => {
        asked.push([after, before]);
        return acme.slice(after, Math.min(before - 1, committed)).map((event) => event.json);
      },
      () => DAY,
    );
    await restarted.open();
    expect(asked).toEqual([
      [2, Number.MAX_SAFE_INTEGER],
      [3, Number.MAX_SAFE_INTEGER],
    ]);
    committed = 6; // another writer committed seq 4 meanwhile
    await restarted.append('acme', acme.slice(4));
    await restarted.close();
    expect(asked.slice(2)).toEqual([[3, 5]]);
    expect(await verify()).toMatchObject({ valid: true, events_checked: 6, anchors_checked: 1 });
  });

  it('refuses an anchor that is not validly signed', async () => {
    await writeDay();
    const anchorsPath = join(dir, 'worm', anchorFileOf(dayFileName(DAY)));
    writeFileSync(anchorsPath, readFileSync(anchorsPath, 'utf8').replace('"seq":4', '"seq":3'));
    expect(await verify()).toMatchObject({ valid: false, reason: 'anchor 1: not a validly signed anchor' });
  });
});
