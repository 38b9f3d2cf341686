import { type InvocationContext } from './invocation-context.types';
import { UnknownToolException } from './provider.exception';
import { type ToolDefinition, type ToolInput, toolIdOf } from './tool-definition.types';

/** What a provider says about itself. `key` namespaces its tool ids. */
export interface ProviderDescription {
  key: string;
  name: string;
  description: string;
  contractVersion: number;
}

/** `unconfigured`: a required variable is missing; the provider's tools answer 503 until it is set. */
export interface ProviderHealth {
  status: 'up' | 'down' | 'unconfigured';
  detail?: string;
}

/**
 * The provider contract. A provider is a singleton Nest provider that extends this class and carries
 * `@ToolProvider({ key, contractVersion })`; the registry discovers it at bootstrap.
 */
export abstract class ToolProviderHost {
  abstract describe(): ProviderDescription;

  abstract listTools(): ToolDefinition[];

  abstract check(): Promise<ProviderHealth>;

  /**
   * Runs one of this provider's tools. The default dispatches to the tool's own `execute`; providers whose
   * tools are not local functions (MCP bridge, OpenAPI) override it. Rejects an unknown tool cleanly.
   */
  async invoke(tool: ToolDefinition, input: ToolInput, ctx: InvocationContext): Promise<unknown> {
    const key = this.describe().key;
    const toolId = toolIdOf(key, tool);
    const own = this.listTools().find((candidate) => toolIdOf(key, candidate) === toolId);
    if (!own?.execute) throw new UnknownToolException(key, toolId);
    return own.execute(input, ctx);
  }
}
