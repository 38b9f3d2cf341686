// `npm run bench`: the gateway's invoke path (G) against a bare Fastify pass-through (B) to the same local
// upstream, interleaved B, G… for several rounds at 50 connections. Reports median ratios of req/s, added
// p50/p99 latency, warm (reused) and cold (new each request) tokens, audit on vs off, idle and loaded RSS,
// and appends the run to docs/performance.md. Absolute numbers vary by machine; the ratios are the point.
import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { importPKCS8, SignJWT } from 'jose';

import { report } from './report.mjs';
import { cpuMeter, cpuMeterAvailable, postmasterPid } from './cpu.mjs';
import { freePort, load, mean, rssMb, sleep, startNode, stopAll } from './support.mjs';

const require = createRequire(import.meta.url);
const { EmbeddedPostgres } = require('../dist/libs/database/src/index.js');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION = Number(process.env.BENCH_DURATION_SEC ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const UPSTREAM_DELAY_MS = Number(process.env.BENCH_UPSTREAM_DELAY_MS ?? 20);
const ROOT = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'toolgate-bench-'));
chmodSync(work, 0o755);
const runtimeDir = join(work, 'runtime');

async function signer() {
  const jwks = JSON.parse(readFileSync(join(runtimeDir, 'dev-jwks.json'), 'utf8'));
  const key = await importPKCS8(readFileSync(join(runtimeDir, 'dev-jwks.private.pem'), 'utf8'), 'RS256');
  const kid = jwks.keys[0].kid;
  return (subject, roles, scopes = []) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: 'https://idp.local',
      aud: 'toolgate',
      sub: subject,
      tenant: 'public',
      roles,
      scopes,
      iat: now,
      exp: now + 3600,
      jti: `${subject}-${Math.random()}`,
    })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .sign(key);
  };
}

async function provision(gatewayUrl, upstreamUrl, sign) {
  const admin = await sign('bench-admin', ['platform-admin']);
  const spec = {
    openapi: '3.0.3',
    info: { title: 'Bench items', version: '1.0.0' },
    paths: {
      '/items/{id}': {
        get: {
          operationId: 'getItem',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'integer', minimum: 1, maximum: 1000000 },
            },
          ],
          responses: { 200: { description: 'The item' } },
        },
      },
      '/slow/items/{id}': {
        get: {
          operationId: 'getSlowItem',
          parameters: [
            {
              name: 'id',
              in: 'path',
              required: true,
              schema: { type: 'integer', minimum: 1, maximum: 1000000 },
            },
          ],
          responses: { 200: { description: 'The item, after the upstream latency' } },
        },
      },
    },
  };
  const response = await fetch(`${gatewayUrl}/manifests/openapi`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      spec,
      base_url: upstreamUrl,
      auth: { type: 'bearer', secret_env: 'HTTP_API_BENCH_TOKEN' },
    }),
  });
  if (response.status >= 300)
    throw new Error(`OpenAPI ingestion failed: ${response.status} ${await response.text()}`);
}

async function main() {
  const postgres = new EmbeddedPostgres({
    baseDir: join(work, 'pg'),
    port: await freePort(),
    database: 'bench',
  });
  const databaseUrl = await postgres.start();
  const [upstreamPort, basePort, onPort, offPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  try {
    const upstream = await startNode(
      [join(ROOT, 'bench/upstream.mjs'), String(upstreamPort), String(UPSTREAM_DELAY_MS)],
      { label: 'upstream' },
    );
    const base = await startNode([join(ROOT, 'bench/baseline.mjs'), String(basePort), upstreamUrl], {
      label: 'baseline',
    });
    const common = {
      DATABASE_URL: databaseUrl,
      RUNTIME_DIR: runtimeDir,
      POLICY_FILE: join(ROOT, 'bench/policy.yml'),
      LOG_LEVEL: 'warn',
      RATE_LIMIT_DEFAULT_RPS: '100000',
      RATE_BUCKET_BURST: '1000000',
      HTTP_PROVIDER_ALLOWED_HOSTS: '127.0.0.1',
      HTTP_API_BENCH_TOKEN: 'bench-upstream-secret',
    };
    const main = join(ROOT, 'dist/apps/gateway/src/main.js');
    const profile = process.env.BENCH_PROFILE
      ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
      : [];
    const on = await startNode([...profile, main], {
      label: 'gateway (audit on)',
      env: {
        ...common,
        PORT: String(onPort),
        DATABASE_RUN_MIGRATIONS: 'true',
        AUDIT_WORM_DIR: join(work, 'audit-on'),
      },
      healthUrl: `http://127.0.0.1:${onPort}/health/ready`,
    });
    const off = await startNode([main], {
      label: 'gateway (audit off)',
      env: {
        ...common,
        PORT: String(offPort),
        DATABASE_RUN_MIGRATIONS: 'false',
        AUDIT_ENABLED: 'false',
        AUDIT_WORM_DIR: join(work, 'audit-off'),
      },
      healthUrl: `http://127.0.0.1:${offPort}/health/ready`,
    });
    const sign = await signer();
    await provision(`http://127.0.0.1:${onPort}`, upstreamUrl, sign);
    await sleep(1000);
    const idleRss = rssMb(on.pid);
    const meter = cpuMeterAvailable()
      ? cpuMeter({
          processes: { upstream: upstream.pid, baseline: base.pid, gatewayOn: on.pid, gatewayOff: off.pid },
          postmaster: postmasterPid(postgres.dataDir),
        })
      : undefined;
    const warm = await sign('bench-agent', ['bench-agent']);
    const body = JSON.stringify({ path: { id: 42 } });
    const target = (port, operation = 'getItem') =>
      `http://127.0.0.1:${port}/tools/http.bench:${operation}/invoke`;
    const baseline = (path = '/proxy/42') =>
      load({
        url: `http://127.0.0.1:${basePort}${path}`,
        connections: CONNECTIONS,
        duration: DURATION,
        body,
        meter,
      });
    const gateway = (port, pid, extra, operation) =>
      load({
        url: target(port, operation),
        connections: CONNECTIONS,
        duration: DURATION,
        body,
        pid,
        meter,
        ...extra,
      });
    for (const port of [onPort, offPort]) {
      const probe = await fetch(target(port), {
        method: 'POST',
        headers: { authorization: `Bearer ${warm}`, 'content-type': 'application/json' },
        body,
      });
      if (probe.status !== 200)
        throw new Error(`the gateway answered ${probe.status}: ${await probe.text()}`);
    }
    // Warm-up: JIT, pools, caches.
    await baseline();
    await gateway(onPort, on.pid, { headers: { authorization: `Bearer ${warm}` } });
    await gateway(offPort, off.pid, { headers: { authorization: `Bearer ${warm}` } });
    const rounds = [];
    for (let round = 1; round <= ROUNDS; round += 1) {
      const b1 = await baseline();
      const gWarm = await gateway(onPort, on.pid, { headers: { authorization: `Bearer ${warm}` } });
      const gOff = await gateway(offPort, off.pid, { headers: { authorization: `Bearer ${warm}` } });
      const b2 = await baseline();
      const cold = await Promise.all(
        Array.from({ length: Math.ceil(gWarm.rps * DURATION * 1.3) }, (_, i) =>
          sign(`agent-${round}-${i}`, ['bench-agent']),
        ),
      );
      const gCold = await gateway(onPort, on.pid, { tokens: cold });
      const b = {
        ...mean(b1, b2, ['rps', 'p50', 'p99']),
        cpu: b1.cpu && b2.cpu ? mean(b1.cpu, b2.cpu, Object.keys(b1.cpu)) : undefined,
      };
      rounds.push({ b, gWarm, gOff, gCold });
      process.stdout.write(
        `round ${round}: B ${b.rps.toFixed(0)} req/s, G warm ${gWarm.rps.toFixed(0)}, G audit off ${gOff.rps.toFixed(0)}, G cold ${gCold.rps.toFixed(0)}\n`,
      );
      for (const run of [gWarm, gOff, gCold])
        if (run.non2xx > 0) process.stdout.write(`  warning: ${run.non2xx} non-2xx/errors of ${run.total}\n`);
    }
    // The same comparison when the upstream takes UPSTREAM_DELAY_MS to answer, as a remote API does: what
    // the gateway adds to a call that leaves the machine.
    const remote = [];
    for (let round = 1; UPSTREAM_DELAY_MS > 0 && round <= ROUNDS; round += 1) {
      const b = await baseline('/proxy/slow/42');
      const g = await gateway(
        onPort,
        on.pid,
        { headers: { authorization: `Bearer ${warm}` } },
        'getSlowItem',
      );
      remote.push({ b, g });
      process.stdout.write(
        `remote round ${round}: B ${b.rps.toFixed(0)} req/s, G warm ${g.rps.toFixed(0)} (upstream ${UPSTREAM_DELAY_MS} ms)\n`,
      );
      if (g.non2xx > 0) process.stdout.write(`  warning: ${g.non2xx} non-2xx/errors of ${g.total}\n`);
    }
    report(rounds, remote, idleRss, { ROUNDS, DURATION, CONNECTIONS, UPSTREAM_DELAY_MS });
  } finally {
    stopAll();
    await sleep(1500);
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});

main().catch((error) => {
  process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
  stopAll();
  process.exitCode = 1;
});
