import { readdirSync, readFileSync } from 'node:fs';

/** The fields of /proc/<pid>/stat after the parenthesised command name; undefined off Linux or once reaped. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** When the kernel started `pid` (clock ticks since boot, /proc/<pid>/stat field 22); undefined off Linux. */
export function processStartTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/**
 * Whether `pid` still runs. A zombie (exited, not yet reaped by its parent) does not: a child that exits while
 * this process blocks in `process.on('exit')` stays one until this process ends. Off Linux, zombies count.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return statFields(pid)?.[0] !== 'Z';
}

/** Whether `isAlive` can tell a zombie from a running process here (Linux `/proc`). */
export function canTellZombies(): boolean {
  return statFields(process.pid) !== undefined;
}

/** Blocks the thread for `ms` (for `process.on('exit')`, where nothing asynchronous runs any more). */
export function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The processes whose parent is `pid` (Linux `/proc`); [] elsewhere. */
export function childrenOf(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const entry of entries) {
    if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
    const child = Number(entry);
    if (Number(statFields(child)?.[1]) === pid) children.push(child);
  }
  return children;
}
