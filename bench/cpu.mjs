// CPU time per process during a load, from /proc (Linux): where each request's CPU goes, B against G.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

/** Whether this machine has what the meter reads (Linux `/proc`). */
export const cpuMeterAvailable = () => existsSync('/proc/stat');

const ticksPerSecond = () => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
};
const TICK_US = 1e6 / ticksPerSecond();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces); [] when it is gone. */
function statFields(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return [];
  }
}

/** utime + stime of a process in µs; with `reaped`, also what its waited-for children used. */
function processUs(pid, reaped = false) {
  const f = statFields(pid);
  if (f.length === 0) return 0;
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  const ticks = Number(f[11]) + Number(f[12]) + (reaped ? Number(f[13]) + Number(f[14]) : 0);
  return ticks * TICK_US;
}

/** The postmaster and all its backends, including those that exited (counted in its children's time). */
function postgresUs(postmasterPid) {
  let total = processUs(postmasterPid, true);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(entry);
    if (Number(f[1]) === postmasterPid) total += processUs(entry);
  }
  return total;
}

/** Busy time of the whole machine (all cores) in µs. */
function machineUs() {
  const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = values.map(Number);
  return (user + nice + system + irq + softirq + steal) * TICK_US;
}

export function postmasterPid(dataDir) {
  return Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n', 1)[0]);
}

/**
 * A meter over named processes: `take()` snapshots their CPU; `since(snapshot, requests)` gives µs of CPU
 * per request for each of them, for this process (autocannon) and Postgres, `other` for the rest of the
 * machine, and `busy`, the share of all cores in use meanwhile.
 */
export function cpuMeter({ processes, postmaster }) {
  const take = () => {
    const usage = process.cpuUsage();
    const snapshot = {
      at: process.hrtime.bigint(),
      machine: machineUs(),
      autocannon: usage.user + usage.system,
    };
    for (const [name, pid] of Object.entries(processes)) snapshot[name] = processUs(pid);
    if (postmaster) snapshot.postgres = postgresUs(postmaster);
    return snapshot;
  };
  const since = (before, requests) => {
    const after = take();
    const wallUs = Number(after.at - before.at) / 1e3;
    const machine = after.machine - before.machine;
    const figures = { busy: machine / (wallUs * cpus().length) };
    let known = 0;
    for (const name of Object.keys(before)) {
      if (name === 'at' || name === 'machine') continue;
      figures[name] = (after[name] - before[name]) / requests;
      known += figures[name];
    }
    figures.other = machine / requests - known;
    return figures;
  };
  return { take, since };
}
