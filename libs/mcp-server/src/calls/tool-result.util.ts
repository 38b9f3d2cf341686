import { type CallToolResult } from '@modelcontextprotocol/sdk/types.js';

import { type CatalogManifest } from '@toolgate/catalog';
import { mapToProblem } from '@toolgate/core';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A tool's result as MCP content. MCP tools (provider `mcp`) keep their own `content`,
 * `structuredContent` and `isError`; any other tool's JSON result becomes a text block plus
 * `structuredContent` when it is an object.
 */
export function toCallResult(manifest: CatalogManifest, result: unknown): CallToolResult {
  if (manifest.provider_id === 'mcp' && isPlainObject(result) && Array.isArray(result.content)) {
    return {
      content: result.content as CallToolResult['content'],
      ...(isPlainObject(result.structuredContent) ? { structuredContent: result.structuredContent } : {}),
      ...(result.isError === true ? { isError: true } : {}),
    };
  }
  return {
    content: [{ type: 'text', text: JSON.stringify(result ?? null) }],
    ...(isPlainObject(result) ? { structuredContent: result } : {}),
  };
}

/**
 * A refused or failed call as a tool error the agent can read: the problem's code, status and detail (and
 * its safe extension members) in `structuredContent`, a one-line summary as text. Unexpected errors say
 * nothing internal.
 */
export function errorResult(error: unknown): CallToolResult {
  const problem = mapToProblem(error);
  const structured = {
    code: problem.code,
    status: problem.status,
    title: problem.title,
    detail: problem.unexpected ? 'Unexpected error.' : problem.detail,
    ...(problem.errors ? { errors: problem.errors } : {}),
    ...(problem.unexpected ? {} : problem.extensions),
  };
  return {
    isError: true,
    content: [{ type: 'text', text: `${problem.status} ${problem.code}: ${structured.detail}` }],
    structuredContent: structured,
  };
}
