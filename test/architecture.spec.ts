import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/**
 * Boundary rules (STYLE.md): libs form layers and import only lower layers through `@toolgate/<lib>`;
 * nothing imports an app; nothing reaches into another lib's internals; config is read only in *.config.ts.
 */
const ROOT = resolve(__dirname, '..');

/** A lib may import only libs of a strictly lower layer. */
const LAYERS: Record<string, number> = {
  core: 0,
  config: 0,
  database: 1,
  observability: 1,
  broker: 2,
  policy: 2,
  auth: 3,
  catalog: 3,
  audit: 3,
  confirmation: 4,
  providers: 4,
  mcp: 5,
  invocation: 6,
  'mcp-server': 7,
  testing: 8,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT =
  /(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)|require\(\s*'([^']+)'\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3]);
}

/** `core`, `auth`…; each provider is a lib of its own: `providers/database`. */
function libOf(file: string): string | undefined {
  const parts = relative(join(ROOT, 'libs'), file).split('/');
  if (parts[0].startsWith('..')) return undefined;
  return parts[0] === 'providers' ? `providers/${parts[1]}` : parts[0];
}

const layerOf = (lib: string): number => LAYERS[lib.split('/')[0]] ?? 99;

const isTestFile = (file: string) => /\.(spec|e2e-spec|integration-spec)\.ts$/.test(file);
const libFiles = sourceFiles(join(ROOT, 'libs'));
const appFiles = sourceFiles(join(ROOT, 'apps'));

describe('architecture boundaries', () => {
  it('knows the layer of every lib', () => {
    const libs = readdirSync(join(ROOT, 'libs')).filter((name) =>
      statSync(join(ROOT, 'libs', name)).isDirectory(),
    );
    expect(libs.filter((lib) => LAYERS[lib] === undefined)).toEqual([]);
  });

  it('imports other libs only through their public alias, and only from lower layers', () => {
    const violations: string[] = [];
    for (const file of libFiles.filter((f) => !isTestFile(f))) {
      const lib = libOf(file)!;
      for (const specifier of importsOf(file)) {
        const alias = specifier.match(/^@toolgate\/([^/]+)(\/.*)?$/);
        if (alias) {
          const [, aliased, deep] = alias;
          const target = aliased.replace(/^provider-/, 'providers/');
          if (deep) violations.push(`${relative(ROOT, file)} reaches into ${specifier}`);
          if (target === lib) violations.push(`${relative(ROOT, file)} imports its own index`);
          else if (target !== 'migrations' && layerOf(target) >= layerOf(lib)) {
            violations.push(`${relative(ROOT, file)} (${lib}) imports ${target}, which is not a lower layer`);
          }
        }
        if (
          specifier.startsWith('.') &&
          !resolve(file, '..', specifier).startsWith(join(ROOT, 'libs', lib))
        ) {
          violations.push(`${relative(ROOT, file)} escapes its lib with ${specifier}`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it('never imports an app from a lib', () => {
    const offenders = libFiles.filter((file) => importsOf(file).some((s) => /(^|\/)apps\//.test(s)));
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });

  it('reads process.env only in *.config.ts files', () => {
    const offenders = [...libFiles, ...appFiles]
      .filter((file) => !isTestFile(file) && !file.endsWith('.config.ts') && !file.includes('/libs/testing/'))
      .filter((file) => /process\.env/.test(readFileSync(file, 'utf8')));
    expect(offenders.map((file) => relative(ROOT, file))).toEqual([]);
  });
});
