// Writes the gateway's OpenAPI document to .runtime/openapi.json (for Spectral), from the compiled app.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { buildOpenApiDocument } = require('../dist/apps/gateway/src/openapi.document.js');

const document = await buildOpenApiDocument();
mkdirSync('.runtime', { recursive: true });
writeFileSync('.runtime/openapi.json', JSON.stringify(document, null, 2));
process.stdout.write(
  `OpenAPI document: ${Object.keys(document.paths).length} paths -> .runtime/openapi.json\n`,
);
process.exit(0);
