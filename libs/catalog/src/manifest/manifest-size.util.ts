import { jsonBytesWithin, type ProblemViolation } from '@toolgate/core';

import { type ToolManifest } from '../manifest.types';

/** The most `inputs`, and `outputs`, of a manifest may hold: bytes of their JSON (UTF-8, no spaces). */
export const MAX_SCHEMA_BYTES = 256 * 1024;
/** The most a whole manifest may hold as JSON: both schemas at their cap, plus 128 KiB for the rest. */
export const MAX_MANIFEST_BYTES = 640 * 1024;

const sizeOf = (bytes: number) => `${bytes.toLocaleString('en-US')} bytes (${bytes / 1024} KiB)`;

/**
 * The size limits of a manifest: `inputs` and `outputs` at most `MAX_SCHEMA_BYTES` each, the whole
 * manifest at most `MAX_MANIFEST_BYTES` (JSON, UTF-8). Every replica holds every enabled manifest in memory
 * and loads them all again on each change, so no manifest may be larger than a tool needs.
 */
export function manifestSizeProblems(manifest: ToolManifest): ProblemViolation[] {
  const problems: ProblemViolation[] = [];
  for (const [member, what] of [
    ['inputs', 'input schema'],
    ['outputs', 'output schema'],
  ] as const) {
    if (jsonBytesWithin(manifest[member], MAX_SCHEMA_BYTES) === undefined)
      problems.push({
        pointer: `/${member}`,
        detail: `must be at most ${sizeOf(MAX_SCHEMA_BYTES)} as JSON; the ${what} of ${manifest.toolId} is larger`,
      });
  }
  if (problems.length === 0 && jsonBytesWithin(manifest, MAX_MANIFEST_BYTES) === undefined)
    problems.push({
      pointer: '',
      detail: `a manifest must be at most ${sizeOf(MAX_MANIFEST_BYTES)} as JSON; ${manifest.toolId} is larger`,
    });
  return problems;
}
