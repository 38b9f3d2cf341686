import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { appendFileSync, closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { type AuditRecord, type ChainHead } from '../audit.types';
import { type LinkedEvent } from '../chain/audit-hash.util';
import { ANCHOR_TYPE, ANCHOR_VERSION, type AnchorKey, signAnchor } from './anchor.util';

/** `audit-YYYYMMDD.jsonl` of a UTC day. */
export function dayFileName(date: Date): string {
  return `audit-${date.toISOString().slice(0, 10).replace(/-/g, '')}.jsonl`;
}

/** The signed anchors of a day file: `audit-YYYYMMDD.anchors.jsonl` beside it. */
export function anchorFileOf(file: string): string {
  return file.replace(/\.jsonl$/, '.anchors.jsonl');
}

export interface MirrorLogger {
  log(message: Record<string, unknown>): void;
  error(message: Record<string, unknown>): void;
}

/** Reads committed events `after < seq < before` of a chain from the database, as JSONL lines. */
export type MissingEvents = (tenant: string, after: number, before: number) => Promise<string[]>;

/** What the mirror knows of its day file: each tenant's first and last event, and a digest of its bytes. */
interface FileState {
  firsts: Map<string, ChainHead>;
  heads: Map<string, ChainHead>;
  digest: Hash;
  bytes: number;
}

/** Reads an existing file (a previous run of this day): where each chain starts and stands, and its digest. */
async function scanFile(path: string): Promise<FileState> {
  const state: FileState = { firsts: new Map(), heads: new Map(), digest: createHash('sha256'), bytes: 0 };
  if (!existsSync(path)) return state;
  const input = createReadStream(path);
  input.on('data', (chunk: string | Buffer) => {
    state.digest.update(chunk);
    state.bytes += Buffer.byteLength(chunk);
  });
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    try {
      const { tenant, seq, hash } = JSON.parse(line) as AuditRecord;
      if (typeof tenant !== 'string' || typeof seq !== 'number') continue;
      if (!state.firsts.has(tenant)) state.firsts.set(tenant, { seq, hash });
      state.heads.set(tenant, { seq, hash });
    } catch {
      // a damaged line is the verifier's business, not the writer's
    }
  }
  return state;
}

const byTenant = (map: Map<string, ChainHead>): Record<string, ChainHead> =>
  Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)));

/**
 * The append-only JSONL mirror: every committed event, one line each, in the file of the UTC day it was
 * committed. Writes are synchronous appends (in the kernel before the caller is answered, so they survive
 * `kill -9`). Each chain stays complete in the file: events committed but not mirrored (a crash between
 * commit and write, or another replica's appends) are read back from the database before the next ones.
 * At the end of each day and at shutdown a signed anchor records the file's size, the SHA-256 of its bytes
 * and each tenant's first and last event in it, so a cut tail, a cut head or any edit is detectable.
 */
export class JsonlMirror {
  private fd: number | null = null;
  private file = '';
  private state: FileState = { firsts: new Map(), heads: new Map(), digest: createHash('sha256'), bytes: 0 };
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
   * Opens today's file, learning where each chain stands in it, and completes each chain from the database
   * (what a crash left committed but unmirrored). At boot, not on a request's path.
   */
  async open(): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o750 });
    await this.switchTo(dayFileName(this.now()));
    for (const tenant of [...this.state.heads.keys()]) await this.fill(tenant, Number.MAX_SAFE_INTEGER);
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
    this.writeLines(events.map((event) => event.json));
    const [first, last] = [events[0], events[events.length - 1]];
    if (!this.state.firsts.has(tenant)) this.state.firsts.set(tenant, { seq: first.seq, hash: first.hash });
    this.state.heads.set(tenant, { seq: last.seq, hash: last.hash });
  }

  /** Writes the committed events of `tenant` the file lacks, after its last one and before `before`. */
  private async fill(tenant: string, before: number): Promise<void> {
    for (;;) {
      const head = this.state.heads.get(tenant);
      if (!head || !this.missing || head.seq + 1 >= before) return;
      const lines = await this.missing(tenant, head.seq, before);
      if (lines.length === 0) return;
      this.writeLines(lines);
      const last = JSON.parse(lines[lines.length - 1]) as AuditRecord;
      this.state.heads.set(tenant, { seq: last.seq, hash: last.hash });
      this.logger.log({ msg: 'audit mirror caught up from the database', tenant, events: lines.length });
    }
  }

  private writeLines(lines: readonly string[]): void {
    const data = Buffer.from(`${lines.join('\n')}\n`);
    for (let offset = 0; offset < data.length;) {
      const written = writeSync(this.fd!, data, offset);
      this.state.digest.update(data.subarray(offset, offset + written));
      this.state.bytes += written;
      offset += written;
    }
  }

  private async switchTo(name: string): Promise<void> {
    this.closeFile('day-end');
    const path = join(this.dir, name);
    this.state = await scanFile(path);
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
