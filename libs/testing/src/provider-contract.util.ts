import {
  createDeadline,
  createJsonSchemaAjv,
  DomainException,
  type InvocationContext,
  type Principal,
  schemaProblems,
  SUPPORTED_CONTRACT_VERSIONS,
  ToolProvider,
  type ToolProviderHost,
  toolIdOf,
} from '@toolgate/core';

export type ProviderFactory = () => ToolProviderHost | Promise<ToolProviderHost>;

const PRINCIPAL: Principal = {
  subject: 'contract-suite',
  tenant: 'public',
  roles: [],
  scopes: [],
  kind: 'jwt',
};

function contextFor(toolId: string): InvocationContext {
  return { principal: PRINCIPAL, requestId: 'contract-suite', toolId, deadline: createDeadline(2_000) };
}

/**
 * The provider contract, as tests. Every provider spec runs it: `runProviderContractSuite(() => host)`.
 * Checks describe(), the `@ToolProvider` metadata, tool ids, strict input schemas, unknown-tool rejection
 * and the health shape.
 */
export function runProviderContractSuite(factory: ProviderFactory, label = 'tool provider contract'): void {
  describe(label, () => {
    let host: ToolProviderHost;

    beforeAll(async () => {
      host = await factory();
    });

    it('describes itself sanely and matches its @ToolProvider metadata', () => {
      const description = host.describe();
      expect(description.key).toMatch(/^[a-z][a-z0-9-]{0,62}$/);
      expect(description.name.trim()).not.toBe('');
      expect(description.description.trim()).not.toBe('');
      expect(SUPPORTED_CONTRACT_VERSIONS).toContain(description.contractVersion);
      const metadata = Reflect.getMetadata(ToolProvider.KEY, host.constructor) as
        { key: string; contractVersion?: number } | undefined;
      expect(metadata?.key).toBe(description.key);
      expect(metadata?.contractVersion ?? 1).toBe(description.contractVersion);
    });

    it('lists tools with unique ids namespaced by the provider key', () => {
      const key = host.describe().key;
      const ids = host.listTools().map((tool) => toolIdOf(key, tool));
      for (const id of ids) expect(id).toMatch(new RegExp(`^${key}:[A-Za-z0-9_.:-]+$`));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('describes each tool and its scopes and safety tags', () => {
      for (const tool of host.listTools()) {
        expect(tool.description.trim()).not.toBe('');
        expect(Array.isArray(tool.required_scopes)).toBe(true);
        expect(Array.isArray(tool.safety_tags)).toBe(true);
        if (tool.timeout_ms !== undefined) expect(tool.timeout_ms).toBeGreaterThan(0);
      }
    });

    it('has input and output schemas that compile under ajv strict mode', () => {
      const ajv = createJsonSchemaAjv();
      const problems = host
        .listTools()
        .flatMap((tool) => [
          ...schemaProblems(ajv, tool.inputs, `${tool.name}/inputs`),
          ...(tool.outputs ? schemaProblems(ajv, tool.outputs, `${tool.name}/outputs`) : []),
        ]);
      expect(problems).toEqual([]);
    });

    it('rejects an unknown tool with a domain exception', async () => {
      const key = host.describe().key;
      const toolId = `${key}:__no_such_tool__`;
      const unknown = {
        name: '__no_such_tool__',
        description: 'x',
        inputs: {},
        required_scopes: [],
        safety_tags: [],
      };
      const error: unknown = await host.invoke(unknown, {}, contextFor(toolId)).then(
        () => undefined,
        (rejection: unknown) => rejection,
      );
      expect(error).toBeInstanceOf(DomainException);
      expect((error as DomainException).status).toBeGreaterThanOrEqual(400);
    });

    it('reports health as up, down or unconfigured', async () => {
      const health = await host.check();
      expect(['up', 'down', 'unconfigured']).toContain(health.status);
      if (health.detail !== undefined) expect(typeof health.detail).toBe('string');
    });
  });
}
