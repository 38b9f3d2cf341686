import { appendFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';

import { median } from './support.mjs';

const ROOT = resolve(import.meta.dirname, '..');

/**
 * Prints the medians of the rounds against the targets and appends one row to docs/performance.md
 * (`BENCH_RECORD=false` skips the row).
 */
export function report(rounds, remote, idleRss, { ROUNDS, DURATION, CONNECTIONS, UPSTREAM_DELAY_MS }) {
  const m = (pick) => median(rounds.map(pick));
  const r = (pick) => (remote.length > 0 ? median(remote.map(pick)) : NaN);
  const figures = {
    warmRatio: m((r) => r.gWarm.rps / r.b.rps),
    coldRatio: m((r) => r.gCold.rps / r.b.rps),
    auditRatio: m((r) => r.gWarm.rps / r.gOff.rps),
    addedP50Warm: m((r) => r.gWarm.p50 - r.b.p50),
    addedP99Warm: m((r) => r.gWarm.p99 - r.b.p99),
    addedP50Cold: m((r) => r.gCold.p50 - r.b.p50),
    addedP99Cold: m((r) => r.gCold.p99 - r.b.p99),
    baselineRps: m((r) => r.b.rps),
    remoteRatio: r(({ b, g }) => g.rps / b.rps),
    remoteAddedP50: r(({ b, g }) => g.p50 - b.p50),
    remoteAddedP99: r(({ b, g }) => g.p99 - b.p99),
    idleRss,
    loadedRss: Math.max(...rounds.flatMap((r) => [r.gWarm.peakRssMb, r.gCold.peakRssMb])),
  };
  const f = (n, d = 2) => (Number.isNaN(n) ? '-' : n.toFixed(d));
  const lines = [
    `G/B req/s, warm tokens:  ${f(figures.warmRatio)}  (target ≥ 0.75)`,
    `G/B req/s, cold tokens:  ${f(figures.coldRatio)}  (target ≥ 0.50)`,
    `audit on / audit off:    ${f(figures.auditRatio)}  (target ≥ 0.80)`,
    `added p50 / p99, warm:   ${f(figures.addedP50Warm, 1)} / ${f(figures.addedP99Warm, 1)} ms  (target p99 ≤ 2.5 ms)`,
    `added p50 / p99, cold:   ${f(figures.addedP50Cold, 1)} / ${f(figures.addedP99Cold, 1)} ms`,
    `RSS idle / loaded:       ${f(figures.idleRss, 0)} / ${f(figures.loadedRss, 0)} MB  (target idle ≤ 250 MB)`,
    `baseline:                ${f(figures.baselineRps, 0)} req/s`,
    `upstream answering in ${UPSTREAM_DELAY_MS} ms: G/B ${f(figures.remoteRatio)}, added p50 / p99 ${f(figures.remoteAddedP50, 1)} / ${f(figures.remoteAddedP99, 1)} ms`,
  ];
  process.stdout.write(`\n${lines.join('\n')}\n`);
  const row = `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${cpus().length} | ${ROUNDS}×${DURATION}s, ${CONNECTIONS} conn | ${f(figures.baselineRps, 0)} | ${f(figures.warmRatio)} | ${f(figures.coldRatio)} | ${f(figures.auditRatio)} | ${f(figures.addedP50Warm, 1)} / ${f(figures.addedP99Warm, 1)} | ${f(figures.addedP50Cold, 1)} / ${f(figures.addedP99Cold, 1)} | ${f(figures.idleRss, 0)} / ${f(figures.loadedRss, 0)} | ${UPSTREAM_DELAY_MS} ms: ${f(figures.remoteRatio)}, ${f(figures.remoteAddedP50, 1)} / ${f(figures.remoteAddedP99, 1)} |\n`;
  if (process.env.BENCH_RECORD !== 'false') appendFileSync(join(ROOT, 'docs/performance.md'), row);
}
