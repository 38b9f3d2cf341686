import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { recordInitdb, removeInterruptedInits } from './interrupted-init.util';
import { isAlive, processStartTime } from './process.util';

describe('removeInterruptedInits', () => {
  let baseDir: string;
  let child: ChildProcess;

  beforeEach(() => {
    baseDir = mkdtempSync(join(tmpdir(), 'toolgate-interrupted-'));
    // Stands in for an orphaned initdb: its own process group, as initdb runs.
    child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
  });
  afterEach(() => {
    child.kill('SIGKILL');
    rmSync(baseDir, { recursive: true, force: true });
  });

  const staging = () => {
    const path = join(baseDir, '.initdb-abc123');
    mkdirSync(path);
    return path;
  };
  const exited = () => new Promise<void>((done) => child.once('exit', () => done()));

  it('kills the initdb recorded with its pid and start time, then removes its folder', async () => {
    const folder = staging();
    recordInitdb(folder, child.pid!);
    const gone = exited();
    await removeInterruptedInits(baseDir, () => undefined);
    await gone;
    expect(existsSync(folder)).toBe(false);
  });

  it('leaves a process alone whose start time differs (a reused pid)', async () => {
    const folder = staging();
    const started = Number(processStartTime(child.pid!));
    writeFileSync(join(folder, 'initdb.pid'), `${child.pid} ${started - 1}\n`);
    await removeInterruptedInits(baseDir, () => undefined);
    expect(isAlive(child.pid!)).toBe(true);
    expect(existsSync(folder)).toBe(false);
  });

  it('leaves a process alone when no start time was recorded', async () => {
    writeFileSync(join(staging(), 'initdb.pid'), `${child.pid} -\n`);
    await removeInterruptedInits(baseDir, () => undefined);
    expect(isAlive(child.pid!)).toBe(true);
  });
});
