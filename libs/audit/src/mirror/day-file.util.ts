import { createHash, type Hash, type KeyObject } from 'node:crypto';
import { closeSync, createReadStream, existsSync, ftruncateSync, openSync, readFileSync } from 'node:fs';
import { fstatSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { type AuditRecord, type ChainHead } from '../audit.types';
import { anchorSignatureValid, type AuditAnchor, parseAnchors } from './anchor.util';

/** `audit-YYYYMMDD.jsonl` of a UTC day. */
export function dayFileName(date: Date): string {
  return `audit-${date.toISOString().slice(0, 10).replace(/-/g, '')}.jsonl`;
}

/** The signed anchors of a day file: `audit-YYYYMMDD.anchors.jsonl` beside it. */
export function anchorFileOf(file: string): string {
  return file.replace(/\.jsonl$/, '.anchors.jsonl');
}

/** What the mirror knows of its day file: each tenant's first and last event, and a digest of its bytes. */
export interface FileState {
  firsts: Map<string, ChainHead>;
  heads: Map<string, ChainHead>;
  digest: Hash;
  bytes: number;
}

export const emptyFileState = (): FileState => ({
  firsts: new Map(),
  heads: new Map(),
  digest: createHash('sha256'),
  bytes: 0,
});

/** Reads an existing day file: where each chain starts and stands in it, and the digest of its bytes. */
export async function scanFile(path: string): Promise<FileState> {
  const state = emptyFileState();
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

/** The anchors of day file `name` in `dir` signed by `publicKey`, oldest first. */
export function signedAnchorsOf(dir: string, name: string, publicKey: KeyObject): AuditAnchor[] {
  const path = join(dir, anchorFileOf(name));
  if (!existsSync(path)) return [];
  return parseAnchors(readFileSync(path, 'utf8')).filter(
    (anchor): anchor is AuditAnchor =>
      anchor !== null && anchor.file === name && anchorSignatureValid(anchor, publicKey),
  );
}

/** What `repairTail` did to an unfinished last line. */
export interface TailRepair {
  action: 'dropped' | 'ended';
  bytes: number;
}

const CHUNK = 64 * 1024;

/** Offset just past the file's last newline (0 without one), reading backwards from `size`. */
function endOfLastLine(fd: number, size: number): number {
  const buffer = Buffer.alloc(CHUNK);
  for (let end = size; end > 0;) {
    const start = Math.max(0, end - CHUNK);
    const read = readSync(fd, buffer, 0, end - start, start);
    const at = buffer.subarray(0, read).lastIndexOf(0x0a);
    if (at >= 0) return start + at + 1;
    end = start;
  }
  return 0;
}

/**
 * A write cut short (kill -9 mid-write, a full disk) leaves an unfinished last line; appending after it
 * would glue the next event to it, and the file would never verify again. The unfinished line is dropped
 * (its events are committed: the mirror writes them again from the database), unless a signed anchor
 * covers some of its bytes (the file was altered): then it is only ended, so anchored bytes stay as they
 * are and the next lines stay whole. Null when the file ends with a newline (or does not exist).
 */
export function repairTail(path: string, anchoredBytes: number): TailRepair | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r+');
  try {
    const size = fstatSync(fd).size;
    const last = Buffer.alloc(1);
    if (size === 0 || (readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a)) return null;
    const end = endOfLastLine(fd, size);
    if (end < anchoredBytes) {
      writeSync(fd, '\n', size);
      return { action: 'ended', bytes: size - end };
    }
    ftruncateSync(fd, end);
    return { action: 'dropped', bytes: size - end };
  } finally {
    closeSync(fd);
  }
}
