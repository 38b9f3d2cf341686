import {
  definitionHash,
  manifestFromDefinition,
  tagsFromAnnotations,
  toolDefinitionOf,
} from './mcp-manifest.util';

const tool = {
  name: 'delete-file',
  title: 'Delete file',
  description: 'Deletes a file.',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  annotations: { destructiveHint: true, readOnlyHint: false },
};

describe('MCP tool manifests', () => {
  it('hashes the definition independently of key order, and changes with the description', () => {
    const definition = toolDefinitionOf(tool);
    const reordered = toolDefinitionOf({
      ...tool,
      inputSchema: { required: ['path'], properties: { path: { type: 'string' } }, type: 'object' },
    });
    expect(definitionHash(reordered)).toBe(definitionHash(definition));
    expect(definitionHash(toolDefinitionOf({ ...tool, description: 'Deletes a file. Quietly.' }))).not.toBe(
      definitionHash(definition),
    );
    expect(definitionHash(toolDefinitionOf({ ...tool, annotations: { destructiveHint: false } }))).not.toBe(
      definitionHash(definition),
    );
  });

  it('lets annotations add the destructive tag but never grant anything', () => {
    expect(tagsFromAnnotations({ destructiveHint: true })).toEqual(['destructive']);
    expect(tagsFromAnnotations({ readOnlyHint: true, destructiveHint: false })).toEqual([]);
    expect(tagsFromAnnotations(undefined)).toEqual([]);
  });

  it('builds mcp.<server>:<tool> under provider mcp with scope mcp.<server>, keeping tags it is given', () => {
    const { manifest } = manifestFromDefinition('files', toolDefinitionOf({ ...tool, annotations: {} }), [
      'financial',
    ]);
    expect(manifest).toMatchObject({
      toolId: 'mcp.files:delete-file',
      name: 'Delete file',
      provider_id: 'mcp',
      tenant: 'public',
      required_scopes: ['mcp.files'],
      safety_tags: ['financial'],
    });
    expect(manifestFromDefinition('files', toolDefinitionOf(tool)).manifest.safety_tags).toEqual([
      'destructive',
    ]);
  });
});
