import { type ToolManifest } from '@toolgate/catalog';
import { canonicalJson, sha256Hex } from '@toolgate/core';

import { type McpToolDefinition } from '../entities/mcp-tool.entity';
import { MCP_PROVIDER_KEY } from '../mcp-provider.types';
import { mcpScope, mcpToolId } from '../mcp.types';
import { sanitizeInputSchema, type SanitizedSchema } from './mcp-schema.util';

const MAX_DESCRIPTION = 4000;
const MAX_NAME = 200;

/** The upstream `Tool` fields drift protection covers (anything that changes what the tool means). */
export function toolDefinitionOf(tool: {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}): McpToolDefinition {
  return {
    name: tool.name,
    ...(tool.title !== undefined ? { title: tool.title } : {}),
    ...(tool.description !== undefined ? { description: tool.description } : {}),
    inputSchema: tool.inputSchema,
    ...(tool.outputSchema !== undefined ? { outputSchema: tool.outputSchema } : {}),
    ...(tool.annotations !== undefined ? { annotations: tool.annotations } : {}),
  };
}

/** SHA-256 of the canonical definition: equal definitions (whatever key order) hash equally. */
export function definitionHash(definition: McpToolDefinition): string {
  return sha256Hex(canonicalJson(definition));
}

/**
 * Tags upstream annotations may add. They are untrusted hints, so they only ever make a tool *more*
 * guarded: `destructiveHint: true` adds `destructive`; `readOnlyHint` grants nothing.
 */
export function tagsFromAnnotations(annotations: Record<string, unknown> | undefined): string[] {
  return annotations?.destructiveHint === true ? ['destructive'] : [];
}

const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The `public` catalog manifest of an upstream tool: `mcp.<server>:<tool>`, provider `mcp`, scope
 * `mcp.<server>`, the input schema made to compile under strict ajv. `keepTags` (tags already on the
 * stored manifest, tags an admin added) are never removed by anything the upstream says. `schema` is the
 * sanitized input schema when the caller already has it.
 */
export function manifestFromDefinition(
  server: string,
  definition: McpToolDefinition,
  keepTags: readonly string[] = [],
  schema: SanitizedSchema = sanitizeInputSchema(definition.inputSchema),
): { manifest: ToolManifest; schema: SanitizedSchema } {
  const description = definition.description?.trim() || definition.title || definition.name;
  const tags = new Set([...keepTags, ...tagsFromAnnotations(definition.annotations)]);
  return {
    schema,
    manifest: {
      toolId: mcpToolId(server, definition.name),
      name: truncate(definition.title || definition.name, MAX_NAME),
      description: truncate(description, MAX_DESCRIPTION),
      inputs: schema.schema,
      outputs: { type: 'object' },
      required_scopes: [mcpScope(server)],
      provider_id: MCP_PROVIDER_KEY,
      tenant: 'public',
      safety_tags: [...tags].sort(),
    },
  };
}
