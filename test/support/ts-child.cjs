// Runs a TypeScript entry point of this repository in a plain Node process, compiled on the fly with swc
// (the same options as jest.config.js), with the @toolgate/* aliases. Tests use it to run the real app in a
// child they can SIGKILL. Usage: node test/support/ts-child.cjs <entry.ts> [args...]
const Module = require('node:module');
const { join, resolve } = require('node:path');

const { transformSync } = require('@swc/core');

const ROOT = resolve(__dirname, '../..');
const ALIASES = [
  [/^@toolgate\/migrations$/, () => join(ROOT, 'migrations/index.ts')],
  [/^@toolgate\/provider-(.+)$/, (name) => join(ROOT, 'libs/providers', name, 'src/index.ts')],
  [/^@toolgate\/(.+)$/, (name) => join(ROOT, 'libs', name, 'src/index.ts')],
];

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  for (const [pattern, target] of ALIASES) {
    const match = pattern.exec(request);
    if (match) return target(match[1]);
  }
  // nodenext-style relative imports name the compiled `.js` file.
  if (request.startsWith('.') && request.endsWith('.js') && parent?.filename?.endsWith('.ts')) {
    try {
      return resolveFilename.call(this, request.slice(0, -3), parent, ...rest);
    } catch {
      // fall through to the request as written
    }
  }
  return resolveFilename.call(this, request, parent, ...rest);
};

Module._extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(require('node:fs').readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const [entry, ...args] = process.argv.slice(2);
process.argv = [process.argv[0], entry, ...args];
require(resolve(entry));
