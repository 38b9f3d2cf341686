#!/usr/bin/env node
// Scaffolds a tool provider lib: `npm run generate:provider -- <name> [--root <repo dir>]`.
// Creates libs/providers/<name>/src (module, provider service, client, config, one example tool, a spec
// running the shared contract suite, index.ts) and adds `@toolgate/provider-<name>` to tsconfig.json paths.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { templates } from './provider-templates.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function fail(message) {
  process.stderr.write(`generate:provider: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = { root: process.cwd(), name: undefined };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--root') args.root = resolve(argv[(i += 1)] ?? fail('--root needs a directory'));
    else if (argv[i].startsWith('-')) fail(`unknown option ${argv[i]}`);
    else if (args.name) fail('give exactly one provider name');
    else args.name = argv[i];
  }
  if (!args.name)
    fail('usage: npm run generate:provider -- <name>   (lowercase, digits and dashes: crm, acme-crm)');
  if (!NAME.test(args.name) || args.name.length > 40)
    fail(`"${args.name}" is not a provider key (lowercase letters, digits, single dashes; ≤ 40 chars)`);
  return args;
}

function namesOf(name) {
  const words = name.split('-');
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return {
    name,
    pascal,
    camel: pascal[0].toLowerCase() + pascal.slice(1),
    env: words.join('_').toUpperCase(),
    title: words.map((word) => word[0].toUpperCase() + word.slice(1)).join(' '),
  };
}

/** Adds the alias after the last `@toolgate/provider-*` path (or at the end of `paths`), keeping the format. */
function addAlias(tsconfigFile, n) {
  const text = readFileSync(tsconfigFile, 'utf8');
  const alias = `@toolgate/provider-${n.name}`;
  if (text.includes(`"${alias}"`)) return false;
  const lines = text.split('\n');
  const pathsAt = lines.findIndex((line) => /"paths"\s*:\s*\{/.test(line));
  if (pathsAt < 0) fail(`${tsconfigFile} has no compilerOptions.paths`);
  let end = pathsAt + 1;
  while (end < lines.length && !/^\s*\}/.test(lines[end])) end += 1;
  const providerLines = lines.slice(pathsAt + 1, end).map((line, i) => [line, pathsAt + 1 + i]);
  const lastProvider = providerLines.filter(([line]) => line.includes('"@toolgate/provider-')).pop();
  const insertAt = lastProvider ? lastProvider[1] + 1 : end;
  const indent = (lines[pathsAt + 1].match(/^\s*/) ?? [''])[0];
  const entry = `${indent}"${alias}": ["./libs/providers/${n.name}/src/index.ts"]`;
  if (insertAt === end) lines[end - 1] = lines[end - 1].replace(/,?\s*$/, ',');
  lines.splice(insertAt, 0, insertAt === end ? entry : `${entry},`);
  writeFileSync(tsconfigFile, lines.join('\n'));
  return true;
}

/** Formats the new files with the repository's Prettier and settings (line breaks depend on the name). */
async function format(root, files) {
  let prettier;
  for (const base of [root, REPO]) {
    try {
      const loaded = await import(
        pathToFileURL(createRequire(join(base, 'package.json')).resolve('prettier')).href
      );
      prettier = loaded.resolveConfig ? loaded : loaded.default;
      break;
    } catch {
      /* try the next place */
    }
  }
  if (!prettier) return;
  const configFile = [join(root, '.prettierrc'), join(REPO, '.prettierrc')].find((file) => existsSync(file));
  for (const file of files) {
    const options = (await prettier.resolveConfig(file, { config: configFile })) ?? {};
    writeFileSync(file, await prettier.format(readFileSync(file, 'utf8'), { ...options, filepath: file }));
  }
}

async function main() {
  const { root, name } = parseArgs(process.argv.slice(2));
  const n = namesOf(name);
  const libDir = join(root, 'libs/providers', name);
  if (existsSync(libDir)) fail(`${relative(process.cwd(), libDir) || libDir} already exists`);
  const tsconfig = join(root, 'tsconfig.json');
  if (!existsSync(tsconfig)) fail(`no tsconfig.json in ${root}`);
  const written = [];
  for (const [file, content] of Object.entries(templates(n))) {
    const path = join(libDir, 'src', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    written.push(path);
  }
  await format(root, written);
  addAlias(tsconfig, n);
  const shown = relative(process.cwd(), libDir) || libDir;
  process.stdout.write(`Created provider "${name}" in ${shown}/src and the alias @toolgate/provider-${name}.

Next steps:
  1. Describe the upstream in ${name}-provider.service.ts and write its calls in ${name}.client.ts
     (all outbound I/O lives there); one tools/*.tool.ts per tool.
  2. Mount it: add ${n.pascal}ProviderModule (from '@toolgate/provider-${name}') to the imports of
     apps/gateway/src/gateway.module.ts. The registry discovers it; its tools become public manifests at boot.
  3. Let someone call it: a rule in policies/policies.yml, e.g.
       - id: invoke-${name}-tools
         effect: allow
         when:
           action: tools.invoke
           resource.provider_id: '${name}'
           subject.roles: ['<role>']
     and a role granting the tools' scopes ('${name}.read'). Check it with npm run policy:check.
  4. Configure it: ${n.env}_BASE_URL (unset: tools listed, calls answer 503 naming it).
  5. Test: npx jest libs/providers/${name} (the spec runs the shared provider contract suite).
`);
}

await main();
