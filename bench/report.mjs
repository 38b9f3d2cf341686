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
  const cpu = cpuFigures(rounds);
  process.stdout.write(`\n${lines.join('\n')}\n${cpu.lines.join('\n')}\n`);
  const row = `| ${new Date().toISOString().slice(0, 16).replace('T', ' ')} | ${cpus().length} | ${ROUNDS}×${DURATION}s, ${CONNECTIONS} conn | ${f(figures.baselineRps, 0)} | ${f(figures.warmRatio)} | ${f(figures.coldRatio)} | ${f(figures.auditRatio)} | ${f(figures.addedP50Warm, 1)} / ${f(figures.addedP99Warm, 1)} | ${f(figures.addedP50Cold, 1)} / ${f(figures.addedP99Cold, 1)} | ${f(figures.idleRss, 0)} / ${f(figures.loadedRss, 0)} | ${UPSTREAM_DELAY_MS} ms: ${f(figures.remoteRatio)}, ${f(figures.remoteAddedP50, 1)} / ${f(figures.remoteAddedP99, 1)} | ${cpu.summary} |\n`;
  if (process.env.BENCH_RECORD !== 'false') appendFileSync(join(ROOT, 'docs/performance.md'), row);
}

/**
 * CPU per request by process (medians of the rounds), and the ceiling the audit trail's CPU alone sets:
 * the G/B a gateway writing the same audit rows would reach if everything else it does cost nothing more
 * than the baseline's pass-through (the machine's cores are shared, so req/s ≈ cores / CPU per request).
 */
export function cpuFigures(rounds) {
  if (!rounds.every((r) => r.b.cpu && r.gWarm.cpu && r.gOff.cpu && r.gCold.cpu))
    return { lines: [], summary: '-' };
  const m = (pick) => median(rounds.map(pick));
  const kinds = [
    ['B', (r) => r.b.cpu, 'baseline'],
    ['G warm, audit on', (r) => r.gWarm.cpu, 'gatewayOn'],
    ['G warm, audit off', (r) => r.gOff.cpu, 'gatewayOff'],
    ['G cold, audit on', (r) => r.gCold.cpu, 'gatewayOn'],
  ];
  const columns = ['autocannon', 'upstream', 'server', 'postgres', 'other'];
  const pick = (cpu, column, server) => (column === 'server' ? cpu[server] : cpu[column]);
  const total = (cpu, server) =>
    ['autocannon', 'upstream', 'postgres'].reduce((sum, c) => sum + cpu[c], cpu[server]);
  const lines = [
    '',
    `CPU per request, µs (median of rounds)   ${columns.map((c) => c.padStart(10)).join('')}     total   cores busy`,
  ];
  for (const [label, cpuOf, server] of kinds) {
    const cells = columns.map((c) =>
      m((r) => pick(cpuOf(r), c, server))
        .toFixed(0)
        .padStart(10),
    );
    const sum = m((r) => total(cpuOf(r), server))
      .toFixed(0)
      .padStart(10);
    const busy = `${(m((r) => cpuOf(r).busy) * 100).toFixed(0)} %`.padStart(12);
    lines.push(`${label.padEnd(40)} ${cells.join('')}${sum}${busy}`);
  }
  const ceiling = m((r) => {
    const base = total(r.b.cpu, 'baseline');
    const audit = r.gWarm.cpu.gatewayOn - r.gOff.cpu.gatewayOff + r.gWarm.cpu.postgres - r.gOff.cpu.postgres;
    return base / (base + Math.max(0, audit));
  });
  lines.push(
    `G/B ceiling set by the audit trail's CPU alone (B's CPU plus the audit's, on the same cores): ${ceiling.toFixed(2)}`,
  );
  const totalOf = (cpuOf, server) => m((r) => total(cpuOf(r), server)).toFixed(0);
  const summary =
    `${totalOf((r) => r.b.cpu, 'baseline')} / ${totalOf((r) => r.gWarm.cpu, 'gatewayOn')} ` +
    `(Postgres ${m((r) => r.gWarm.cpu.postgres).toFixed(0)}), ${ceiling.toFixed(2)}`;
  return { lines, summary };
}
