import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { claimOwnership, processStartTime } from './owner.util';

describe('claimOwnership', () => {
  let dir: string;
  const ownerFile = () => join(dir, 'owner.pid');

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'toolgate-owner-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('writes owner.pid whole, refuses a second claim while held, and frees the folder on release', async () => {
    const lock = await claimOwnership(dir);
    expect(readFileSync(ownerFile(), 'utf8')).toMatch(new RegExp(`^${process.pid} \\S+ [0-9a-f]{16}\\n$`));
    await expect(claimOwnership(dir)).rejects.toThrow(
      `Another Toolgate process (pid ${process.pid}) is using the embedded Postgres in ${dir}.`,
    );
    await lock.release();
    expect(existsSync(ownerFile())).toBe(false);
    await (await claimOwnership(dir)).release();
  });

  it('refuses a claim held by another live process', async () => {
    writeFileSync(ownerFile(), `${process.ppid} ${processStartTime(process.ppid)} feedfeedfeedfeed\n`);
    await expect(claimOwnership(dir)).rejects.toThrow(`(pid ${process.ppid})`);
    expect(readFileSync(ownerFile(), 'utf8')).toContain(`${process.ppid} `);
  });

  it("refuses a claim held by pid 1 while it runs (a gateway that is a container's first process)", async () => {
    writeFileSync(ownerFile(), `1 ${processStartTime(1)} feedfeedfeedfeed\n`);
    await expect(claimOwnership(dir)).rejects.toThrow('(pid 1)');
  });

  it.each([
    ['a dead process', () => '999999999 1 feedfeedfeedfeed\n'],
    ['a live process that started later (the pid was reused)', () => `${process.ppid} 1 feedfeedfeedfeed\n`],
    ['an earlier process with this pid (a restarted container)', () => `${process.pid} 1 feedfeedfeedfeed\n`],
    ['a torn file', () => ''],
  ])('takes over a stale claim left by %s', async (_, stale) => {
    writeFileSync(ownerFile(), stale());
    const lock = await claimOwnership(dir);
    expect(readFileSync(ownerFile(), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
    await lock.release();
  });

  it('release leaves alone a claim that is no longer its own', async () => {
    const lock = await claimOwnership(dir);
    writeFileSync(ownerFile(), 'someone else\n');
    await lock.release();
    expect(readFileSync(ownerFile(), 'utf8')).toBe('someone else\n');
    lock.releaseSync();
    expect(existsSync(ownerFile())).toBe(true);
  });
});
