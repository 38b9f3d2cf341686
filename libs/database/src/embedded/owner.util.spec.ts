import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { claimOwnership } from './owner.util';
import { processStartTime } from './process.util';

/**
 * When set, a third of the claims' file operations first wait up to this long (at random): racing claims then
 * interleave in every order, including a claim overtaking another between two of its steps.
 */
let mockJitterMs = 0;
jest.mock('node:fs/promises', () => {
  const actual = jest.requireActual<typeof FsPromises>('node:fs/promises');
  const jittered =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      if (mockJitterMs && Math.random() < 0.3)
        await new Promise((done) => setTimeout(done, Math.random() * mockJitterMs));
      return operation(...args);
    };
  return {
    ...actual,
    link: jittered(actual.link),
    readFile: jittered(actual.readFile),
    rename: jittered(actual.rename),
    unlink: jittered(actual.unlink),
    writeFile: jittered(actual.writeFile),
  };
});

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

  it('of several claims taking over the same stale owner.pid at once, exactly one wins, every round', async () => {
    const outcomes = new Map<string, number>();
    mockJitterMs = 8;
    try {
      for (let round = 0; round < 100; round += 1) {
        writeFileSync(ownerFile(), '999999999 1 feedfeedfeedfeed\n');
        const results = await Promise.allSettled(Array.from({ length: 8 }, () => claimOwnership(dir)));
        const winners = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const refused = results.filter(
          (result) =>
            result.status === 'rejected' &&
            /^Another Toolgate process/.test((result.reason as Error).message),
        ).length;
        const key = `${winners.length} won, ${refused} refused`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        // Nothing is left beside the winner's claim (no draft, no takeover marker).
        if (winners.length === 1) expect(readdirSync(dir)).toEqual(['owner.pid']);
        await Promise.all(winners.map((winner) => winner.release()));
      }
    } finally {
      mockJitterMs = 0;
    }
    expect(Object.fromEntries(outcomes)).toEqual({ '1 won, 7 refused': 100 });
  });

  describe('a takeover another process began', () => {
    const stale = '999999999 1 feedfeedfeedfeed\n';
    // The marker a takeover of `stale` makes first (only its maker may replace that claim).
    const marker = () =>
      join(dir, `.owner.takeover.${createHash('sha256').update(stale).digest('hex').slice(0, 32)}.0`);

    it('refuses while the process that began it runs (it is the one taking over)', async () => {
      writeFileSync(ownerFile(), stale);
      writeFileSync(marker(), `${process.ppid} ${processStartTime(process.ppid)} feedfeedfeedfeed\n`);
      await expect(claimOwnership(dir)).rejects.toThrow(`(pid ${process.ppid})`);
      expect(readFileSync(ownerFile(), 'utf8')).toBe(stale);
    });

    it('takes over when the process that began it died before finishing', async () => {
      writeFileSync(ownerFile(), stale);
      writeFileSync(marker(), '999999998 1 deaddeaddeaddead\n');
      const lock = await claimOwnership(dir);
      expect(readFileSync(ownerFile(), 'utf8')).toMatch(new RegExp(`^${process.pid} `));
      expect(readdirSync(dir)).toEqual(['owner.pid']);
      await lock.release();
    });
  });
});
