// Processes, load and statistics for bench/run.mjs.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';

import autocannon from 'autocannon';

const children = new Set();

export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a node script and resolves once it prints `ready` (or its health URL answers 200). */
export async function startNode(args, { env = {}, healthUrl, label }) {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let errors = '';
  child.stderr.on('data', (chunk) => (errors = (errors + chunk).slice(-4000)));
  const lines = createInterface({ input: child.stdout });
  lines.on('line', () => undefined);
  const deadline = Date.now() + 90_000;
  if (!healthUrl) {
    await new Promise((resolve, reject) => {
      lines.on('line', (line) => line === 'ready' && resolve());
      child.once('exit', (code) => reject(new Error(`${label} exited with ${code}: ${errors}`)));
    });
    return child;
  }
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${label} exited with ${child.exitCode}: ${errors}`);
    const status = await fetch(healthUrl).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return child;
    await sleep(200);
  }
  throw new Error(`${label} did not become healthy: ${errors}`);
}

export function stopAll() {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(status.match(/^VmRSS:\s+(\d+)/m)[1]) / 1024;
}

/**
 * Runs autocannon against one target; samples the RSS of `pid` while it runs, and with a `meter`
 * (bench/cpu.mjs) the CPU each process spent per request.
 */
export async function load({ url, connections, duration, headers, body, tokens, pid, meter }) {
  let peak = 0;
  const cpuBefore = meter?.take();
  const sampler = pid ? setInterval(() => (peak = Math.max(peak, rssMb(pid))), 250) : undefined;
  let next = 0;
  const result = await autocannon({
    url,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    requests: tokens
      ? [
          {
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
            }),
          },
        ]
      : undefined,
  });
  clearInterval(sampler);
  const total = result.requests.total;
  const cpu = meter && total > 0 ? meter.since(cpuBefore, total) : undefined;
  return {
    cpu,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx + result.errors + result.timeouts,
    total,
    peakRssMb: peak,
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The mean of two results, field by field. */
export function mean(a, b, fields) {
  return Object.fromEntries(fields.map((field) => [field, (a[field] + b[field]) / 2]));
}
