#!/usr/bin/env bash
# Lints the OpenAPI document from a private build (does not touch dist/): scripts/lint-openapi-private.sh NAME
set -euo pipefail
name="${1:?usage: lint-openapi-private.sh NAME}"
out="/tmp/toolgate-openapi-$name"
rm -rf "$out" && mkdir -p "$out"
npx tsc -p tsconfig.build.json --outDir "$out/dist"
npx tsc-alias -p tsconfig.build.json --outDir "$out/dist"
# Compiled code resolves packages from the project's node_modules.
ln -s "$PWD/node_modules" "$out/node_modules"
node scripts/export-openapi.mjs --dist "$out/dist" --out "$out/openapi.json"
sed "s#.runtime/openapi.json#openapi.json#g" .spectral.yaml > "$out/.spectral.yaml"
npx spectral lint --fail-severity error --ruleset "$out/.spectral.yaml" "$out/openapi.json" | grep -E " error |problems" || true
