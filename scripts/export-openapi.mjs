// Writes the gateway's OpenAPI document (for Spectral) from the compiled app.
// Options: --dist DIR (compiled output, default dist) --out FILE (default .runtime/openapi.json).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const dist = resolve(option('--dist', 'dist'));
const out = option('--out', '.runtime/openapi.json');

const require = createRequire(import.meta.url);
const { buildOpenApiDocument } = require(`${dist}/apps/gateway/src/openapi.document.js`);

const document = await buildOpenApiDocument();
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(document, null, 2));
process.stdout.write(`OpenAPI document: ${Object.keys(document.paths).length} paths -> ${out}\n`);
process.exit(0);
