import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pinnedDataDir } from './data-dir-mount.util';

describe('pinnedDataDir', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'toolgate-pinned-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is undefined for a plain folder and for none', async () => {
    mkdirSync(join(dir, 'data'));
    expect(await pinnedDataDir(join(dir, 'data'))).toBeUndefined();
    expect(await pinnedDataDir(join(dir, 'missing'))).toBeUndefined();
  });

  it('names a symlink, even one to a folder on the same device', async () => {
    mkdirSync(join(dir, 'volume'));
    symlinkSync(join(dir, 'volume'), join(dir, 'data'));
    expect(await pinnedDataDir(join(dir, 'data'))).toBe('symlink');
  });

  it('names a mount point: another device than its parent (/proc, under /)', async () => {
    expect(await pinnedDataDir('/proc')).toBe('mount point');
  });
});
