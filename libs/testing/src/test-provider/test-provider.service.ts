import { type OnModuleInit } from '@nestjs/common';

import { StaticSecretSource, TokenBroker } from '@toolgate/broker';
import {
  type InvocationContext,
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  ToolProvider,
  type ToolInput,
  ToolProviderHost,
} from '@toolgate/core';

import { destroyTool } from './tools/destroy.tool';
import { echoTool } from './tools/echo.tool';
import { failTool } from './tools/fail.tool';
import { fetchTool } from './tools/fetch.tool';
import { slowTool } from './tools/slow.tool';

const TOOLS: ToolDefinition[] = [echoTool, slowTool, failTool, destroyTool, fetchTool as ToolDefinition];

/** Test-only provider `test`: echo, slow (deadline-aware), fail (502) and destroy (destructive). */
@ToolProvider({ key: 'test', contractVersion: 1 })
export class TestProviderService extends ToolProviderHost implements OnModuleInit {
  /** How many times each tool actually ran (tests assert exactly-once behaviour with it). */
  readonly calls = new Map<string, number>();

  constructor(private readonly broker: TokenBroker) {
    super();
  }

  /** Its credential, when `TEST_PROVIDER_TOKEN` is set: that static secret, issued through the token broker. */
  onModuleInit(): void {
    if (process.env.TEST_PROVIDER_TOKEN) {
      this.broker.register('test', new StaticSecretSource('test', 'TEST_PROVIDER_TOKEN'));
    }
  }

  override async invoke(tool: ToolDefinition, input: ToolInput, ctx: InvocationContext): Promise<unknown> {
    this.calls.set(ctx.toolId, (this.calls.get(ctx.toolId) ?? 0) + 1);
    return super.invoke(tool, input, ctx);
  }

  describe(): ProviderDescription {
    return {
      key: 'test',
      name: 'Test provider',
      description: 'Local tools for tests: echo, slow, fail, destroy and fetch.',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return TOOLS;
  }

  async check(): Promise<ProviderHealth> {
    return { status: 'up' };
  }
}
