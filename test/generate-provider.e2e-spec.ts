import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

/**
 * `npm run generate:provider -- <name>` on a scratch copy of the repository (tsconfig.json copied, libs and
 * node_modules linked): the new lib type-checks, its own spec (the contract suite) passes, and mounted in the
 * real gateway it is discovered, listed and invocable over HTTP.
 */
const ROOT = resolve(__dirname, '..');
const NAME = 'gen-probe';

function scaffold(): { root: string; output: string } {
  const root = mkdtempSync(join(tmpdir(), 'toolgate-generate-'));
  writeFileSync(join(root, 'tsconfig.json'), readFileSync(join(ROOT, 'tsconfig.json')));
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'migrations'), join(root, 'migrations'), 'dir');
  mkdirSync(join(root, 'libs/providers'), { recursive: true });
  for (const lib of readdirSync(join(ROOT, 'libs')).filter((name) => name !== 'providers')) {
    symlinkSync(join(ROOT, 'libs', lib), join(root, 'libs', lib), 'dir');
  }
  const output = execFileSync(process.execPath, [join(ROOT, 'scripts/generate-provider.mjs'), NAME], {
    cwd: root,
    encoding: 'utf8',
  });
  return { root, output };
}

// Generated while Jest collects this file, so the generated spec's own describe blocks run below.
const generated = scaffold();
const libDir = join(generated.root, 'libs/providers', NAME, 'src');

afterAll(() => rmSync(generated.root, { recursive: true, force: true }));

describe('generate:provider', () => {
  it('creates the standard shape, adds the alias and prints the next steps', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: libDir, encoding: 'utf8' }).split('\n');
    expect(files.sort()).toEqual(
      expect.arrayContaining([
        './index.ts',
        `./${NAME}.module.ts`,
        `./${NAME}-provider.service.ts`,
        `./${NAME}-provider.service.spec.ts`,
        `./${NAME}.client.ts`,
        `./${NAME}.config.ts`,
        './tools/get-item.tool.ts',
      ]),
    );
    const tsconfig = JSON.parse(readFileSync(join(generated.root, 'tsconfig.json'), 'utf8'));
    expect(tsconfig.compilerOptions.paths[`@toolgate/provider-${NAME}`]).toEqual([
      `./libs/providers/${NAME}/src/index.ts`,
    ]);
    expect(generated.output).toContain('apps/gateway/src/gateway.module.ts');
    expect(generated.output).toContain('policies/policies.yml');
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, 'scripts/generate-provider.mjs'), NAME], {
        cwd: generated.root,
        stdio: 'pipe',
      }),
    ).toThrow(/already exists/);
  });

  it('compiles under the project tsconfig (strict) and is Prettier-clean', () => {
    writeFileSync(
      join(generated.root, 'tsconfig.generated.json'),
      JSON.stringify({ extends: './tsconfig.json', include: [`libs/providers/${NAME}/**/*.ts`] }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    expect(() =>
      execFileSync(process.execPath, [tsc, '-p', 'tsconfig.generated.json', '--noEmit'], {
        cwd: generated.root,
        stdio: 'pipe',
      }),
    ).not.toThrow();
    const prettier = join(ROOT, 'node_modules/prettier/bin/prettier.cjs');
    execFileSync(process.execPath, [prettier, '--config', join(ROOT, '.prettierrc'), '--check', libDir], {
      stdio: 'pipe',
    });
  });
});

describe('the generated spec (contract suite)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(join(libDir, `${NAME}-provider.service.spec.ts`));
});

describe('the generated provider in the gateway', () => {
  let upstream: Server;
  let gw: TestGateway;
  let token: string;
  const runtime = makeRuntimeDir();

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(req.url === '/api/items/42' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: '42', path: req.url }));
    });
    await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done));
    const policyFile = join(generated.root, 'policies.yml');
    writeFileSync(
      policyFile,
      `version: 1
roles:
  prober: ['${NAME}.read']
rules:
  - id: catalog-visibility
    effect: allow
    when: { action: 'catalog:list' }
  - id: invoke-${NAME}-tools
    effect: allow
    when:
      action: tools.invoke
      resource.provider_id: '${NAME}'
      subject.roles: ['prober']
`,
    );
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const lib = require(join(libDir, 'index.ts')) as Record<string, unknown>;
    const port = (upstream.address() as AddressInfo).port;
    gw = await startGateway({
      env: {
        RUNTIME_DIR: runtime.dir,
        POLICY_FILE: policyFile,
        GEN_PROBE_BASE_URL: `http://127.0.0.1:${port}/api`,
      },
      imports: [lib.GenProbeProviderModule as never],
    });
    token = await devToken(runtime.dir, { subject: 'prober', tenant: 'acme', roles: ['prober'] });
  });
  afterAll(async () => {
    await gw?.close();
    await new Promise<void>((done) => upstream.close(() => done()));
    runtime.dispose();
  });

  it('is discovered, listed in the catalog and invocable end to end', async () => {
    const catalog = (await (await gw.request('/tool-catalog', { headers: bearer(token) })).json()) as {
      tools: { toolId: string }[];
    };
    expect(catalog.tools.map((tool) => tool.toolId)).toContain(`${NAME}:getItem`);
    const response = await gw.request(`/tools/${NAME}:getItem/invoke`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ id: '42' }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { result: unknown }).result).toEqual({
      id: '42',
      path: '/api/items/42',
    });
    const missing = await gw.request(`/tools/${NAME}:getItem/invoke`, {
      method: 'POST',
      headers: { ...bearer(token), 'content-type': 'application/json' },
      body: JSON.stringify({ id: '7' }),
    });
    expect(missing.status).toBe(502);
  });
});
