import { type RegisteredTool } from '@toolgate/core';

import { type ToolManifest } from '../manifest.types';
import { manifestFromTool, manifestHash, planProviderSync, resourceFromManifest } from './manifest.util';

const tool: RegisteredTool = {
  toolId: 'test:echo',
  providerKey: 'test',
  definition: {
    name: 'echo',
    title: 'Echo',
    description: 'Returns its input.',
    inputs: { type: 'object', properties: { message: { type: 'string' } } },
    required_scopes: ['test.read'],
    safety_tags: ['read-only'],
    timeout_ms: 500,
    execute: async (input) => input,
  },
};

describe('manifestFromTool', () => {
  it('makes a public manifest in the seed shape, without unset optional members', () => {
    expect(manifestFromTool(tool)).toEqual({
      toolId: 'test:echo',
      name: 'Echo',
      description: 'Returns its input.',
      inputs: { type: 'object', properties: { message: { type: 'string' } } },
      outputs: { type: 'object' },
      required_scopes: ['test.read'],
      provider_id: 'test',
      tenant: 'public',
      safety_tags: ['read-only'],
      timeout_ms: 500,
    });
  });
});

describe('version bump logic', () => {
  const base = manifestFromTool(tool);
  const hash = manifestHash(base);
  const changed = (patch: Partial<ToolManifest>) => manifestHash({ ...base, ...patch });

  it('inserts a tool seen for the first time', () => {
    expect(planProviderSync(undefined, hash)).toBe('insert');
  });

  it('does not write an unchanged tool, whatever the key order', () => {
    const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as ToolManifest;
    expect(manifestHash(reordered)).toBe(hash);
    expect(planProviderSync({ source: 'provider', contentHash: hash }, manifestHash(reordered))).toBe(
      'unchanged',
    );
  });

  it.each([
    ['the input schema', { inputs: { type: 'object', properties: { message: { type: 'integer' } } } }],
    ['the description', { description: 'Echoes.' }],
    ['the safety tags', { safety_tags: ['read-only', 'destructive'] }],
    ['the required scopes', { required_scopes: ['test.write'] }],
  ])('bumps the version when %s changes', (_what, patch) => {
    expect(changed(patch as Partial<ToolManifest>)).not.toBe(hash);
    expect(
      planProviderSync({ source: 'provider', contentHash: hash }, changed(patch as Partial<ToolManifest>)),
    ).toBe('update');
  });

  it('leaves a manifest an admin took over alone', () => {
    expect(planProviderSync({ source: 'admin', contentHash: 'other' }, hash)).toBe('skip');
  });
});

describe('resourceFromManifest', () => {
  it('exposes the attributes policies match on', () => {
    expect(resourceFromManifest(manifestFromTool(tool))).toEqual({
      toolId: 'test:echo',
      provider_id: 'test',
      safety_tags: ['read-only'],
      tenant: 'public',
      required_scopes: ['test.read'],
    });
  });
});
