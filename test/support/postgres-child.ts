import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { findFreePort } from '@toolgate/database';

/** A real Postgres in a child process that the test can stop and start again. */
export class PostgresChild {
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly lines: AsyncIterator<string>,
    private readonly baseDir: string,
  ) {}

  url = '';

  static async create(): Promise<PostgresChild> {
    const baseDir = await mkdtemp(join(tmpdir(), 'toolgate-pgchild-'));
    await chmod(baseDir, 0o755);
    const port = await findFreePort();
    const child = spawn(process.execPath, [
      join(__dirname, 'ts-child.cjs'),
      join(__dirname, 'postgres-runner.ts'),
      baseDir,
      String(port),
    ]);
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    return new PostgresChild(child, lines, baseDir);
  }

  async start(): Promise<string> {
    this.child.stdin.write('start\n');
    const line = String((await this.lines.next()).value);
    this.url = line.replace(/^ready /, '');
    return this.url;
  }

  async stop(): Promise<void> {
    this.child.stdin.write('stop\n');
    await this.lines.next();
  }

  async dispose(): Promise<void> {
    this.child.stdin.write('exit\n');
    await new Promise((done) => this.child.once('exit', done));
    await rm(this.baseDir, { recursive: true, force: true });
  }
}
