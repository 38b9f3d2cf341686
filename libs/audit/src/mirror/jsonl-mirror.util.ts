import { appendFileSync, closeSync, ftruncateSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { type AuditRecord, type ChainHead } from '../audit.types';
import { type LinkedEvent } from '../chain/audit-hash.util';
import { ANCHOR_TYPE, ANCHOR_VERSION, type AnchorKey, signAnchor } from './anchor.util';
import {
  anchorFileOf,
  dayFileName,
  emptyFileState,
  type FileState,
  repairTail,
  scanFile,
} from './day-file.util';
import { anchoredBytes, earlierHeads } from './mirrored-heads.util';

export { anchorFileOf, dayFileName } from './day-file.util';

export interface MirrorLogger {
  log(message: Record<string, unknown>): void;
  error(message: Record<string, unknown>): void;
}

/** Reads committed events `after < seq < before` of a chain from the database, as JSONL lines. */
export type MissingEvents = (tenant: string, after: number, before: number) => Promise<string[]>;

const byTenant = (map: Map<string, ChainHead>): Record<string, ChainHead> =>
  Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));

const ORIGIN: ChainHead = { seq: 0, hash: '' };

const headOf = (line: string): ChainHead => {
  const { seq, hash } = JSON.parse(line) as AuditRecord;
  return { seq, hash };
};

/**
 * The append-only JSONL mirror: every committed event, one line each, in the file of the UTC day it was
 * committed. Writes are synchronous appends (in the kernel before the caller is answered, so they survive
 * `kill -9`). Each chain stays complete across the day files: a tenant's next line follows its last line
 * in any file of the directory (or is seq 1); events committed but not mirrored (a crash between commit
 * and write, or another replica's appends) are read back from the database before the next ones. A write
 * that fails part-way is cut back off the file, and an unfinished last line left by a crash is dropped at
 * the next open, so the file never holds a partial line followed by more events.
 * At the end of each day and at shutdown a signed anchor records the file's size, the SHA-256 of its bytes
 * and each tenant's first and last event in it, so a cut tail, a cut head or any edit is detectable.
 */
export class JsonlMirror {
  private fd: number | null = null;
  private file = '';
  private state: FileState = emptyFileState();
  /** Each tenant's last event in any day file of the directory: where its next line must link. */
  private mirrored = new Map<string, ChainHead>();
  private timer?: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly key: AnchorKey,
    private readonly logger: MirrorLogger,
    private readonly missing?: MissingEvents,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * Learns where each chain stands in the day files (earlier days, then today's file, repairing an
   * unfinished last line) and completes each from the database (what a crash left committed but
   * unmirrored). At boot, not on a request's path.
   */
  async open(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    const today = dayFileName(this.now());
    this.mirrored = await earlierHeads(this.dir, today, this.key.publicKey, (file, repair) =>
      this.logger.error({ msg: 'audit mirror: unfinished last line repaired', file, ...repair }),
    );
    await this.switchTo(today);
    for (const tenant of [...this.mirrored.keys()]) await this.fill(tenant, Number.MAX_SAFE_INTEGER);
    this.scheduleDayEnd();
  }

  /** Appends committed events (in chain order per tenant); failures are logged, never thrown. */
  append(tenant: string, events: readonly LinkedEvent[]): Promise<void> {
    if (events.length === 0) return Promise.resolve();
    this.work = this.work.then(() =>
      this.write(tenant, events).catch((error: unknown) =>
        this.logger.error({ msg: 'audit JSONL mirror write failed', dir: this.dir, err: String(error) }),
      ),
    );
    return this.work;
  }

  /** Anchors and closes the current file once pending writes are done. */
  async close(): Promise<void> {
    clearTimeout(this.timer);
    await this.work;
    this.closeFile('shutdown');
  }

  private async write(tenant: string, events: readonly LinkedEvent[]): Promise<void> {
    const name = dayFileName(this.now());
    if (name !== this.file) await this.switchTo(name);
    await this.fill(tenant, events[0].seq);
    const [first, last] = [events[0], events[events.length - 1]];
    this.writeLines(
      tenant,
      events.map((event) => event.json),
      { seq: first.seq, hash: first.hash },
      { seq: last.seq, hash: last.hash },
    );
  }

  /**
   * Writes the committed events of `tenant` the directory lacks: after its last line in any day file
   * (from seq 1 for a chain no file holds yet) and before `before`.
   */
  private async fill(tenant: string, before: number): Promise<void> {
    for (;;) {
      const head = this.mirrored.get(tenant) ?? ORIGIN;
      if (!this.missing || head.seq + 1 >= before) return;
      const lines = await this.missing(tenant, head.seq, before);
      if (lines.length === 0) return;
      this.writeLines(tenant, lines, headOf(lines[0]), headOf(lines[lines.length - 1]));
      this.logger.log({ msg: 'audit mirror caught up from the database', tenant, events: lines.length });
    }
  }

  /** Appends whole lines of `tenant` (events `first` to `last`); a failed write is cut back off the file. */
  private writeLines(tenant: string, lines: readonly string[], first: ChainHead, last: ChainHead): void {
    const data = Buffer.from(`${lines.join('\n')}\n`);
    try {
      for (let offset = 0; offset < data.length;) offset += writeSync(this.fd!, data, offset);
    } catch (error) {
      this.cutBack();
      throw error;
    }
    this.state.digest.update(data);
    this.state.bytes += data.length;
    if (!this.state.firsts.has(tenant)) this.state.firsts.set(tenant, first);
    this.state.heads.set(tenant, last);
    this.mirrored.set(tenant, last);
  }

  /**
   * Removes what a failed write left (a partial line) so the file ends where the digest does; the events
   * are written again from the database before the tenant's next ones. If even that fails, the file is
   * reopened (and its last line repaired) before the next write.
   */
  private cutBack(): void {
    try {
      ftruncateSync(this.fd!, this.state.bytes);
    } catch (error) {
      this.logger.error({
        msg: 'audit mirror could not cut a failed write back',
        file: this.file,
        err: String(error),
      });
      this.dropFile();
    }
  }

  /** Forgets the current file without anchoring it: the next write reopens and rescans it. */
  private dropFile(): void {
    try {
      closeSync(this.fd!);
    } catch {
      // already unusable
    }
    this.fd = null;
    this.file = '';
  }

  private async switchTo(name: string): Promise<void> {
    this.closeFile('day-end');
    const path = join(this.dir, name);
    const repair = repairTail(path, anchoredBytes(this.dir, name, this.key.publicKey));
    if (repair)
      this.logger.error({ msg: 'audit mirror: unfinished last line repaired', file: name, ...repair });
    this.state = await scanFile(path);
    for (const [tenant, head] of this.state.heads) this.mirrored.set(tenant, head);
    this.fd = openSync(path, 'a', 0o640);
    this.file = name;
  }

  private closeFile(reason: 'day-end' | 'shutdown'): void {
    if (this.fd === null) return;
    try {
      this.writeAnchor(reason);
    } catch (error) {
      this.logger.error({ msg: 'audit anchor write failed', file: this.file, err: String(error) });
    }
    closeSync(this.fd);
    this.fd = null;
    this.file = '';
    this.state.heads.clear();
    this.state.firsts.clear();
  }

  private writeAnchor(reason: 'day-end' | 'shutdown'): void {
    const { heads, firsts, digest, bytes } = this.state;
    if (heads.size === 0) return;
    const anchor = signAnchor(
      {
        type: ANCHOR_TYPE,
        version: ANCHOR_VERSION,
        file: this.file,
        at: this.now().toISOString(),
        reason,
        bytes,
        sha256: digest.copy().digest('hex'),
        firsts: byTenant(firsts),
        heads: byTenant(heads),
      },
      this.key,
    );
    appendFileSync(join(this.dir, anchorFileOf(this.file)), `${JSON.stringify(anchor)}\n`, { mode: 0o640 });
    this.logger.log({ msg: 'audit anchor written', file: this.file, reason, tenants: heads.size });
  }

  /** At each UTC midnight: anchor and close yesterday's file (the next event opens today's). */
  private scheduleDayEnd(): void {
    const now = this.now();
    const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
    this.timer = setTimeout(
      () => {
        this.work = this.work.then(() => {
          if (this.fd !== null && dayFileName(this.now()) !== this.file) this.closeFile('day-end');
        });
        this.scheduleDayEnd();
      },
      midnight - now.getTime() + 50,
    );
    this.timer.unref();
  }
}
