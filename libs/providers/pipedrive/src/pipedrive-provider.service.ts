import { Inject, Logger, type OnModuleInit } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { StaticSecretSource, TokenBroker } from '@toolgate/broker';
import {
  type InvocationContext,
  type ProviderDescription,
  type ProviderHealth,
  ProviderUnconfiguredException,
  type ToolDefinition,
  ToolProvider,
  ToolProviderHost,
} from '@toolgate/core';

import { type PipedriveCall, PipedriveClient } from './pipedrive.client';
import { missingPipedriveSettings, PIPEDRIVE_TOKEN_ENV, pipedriveConfig } from './pipedrive.config';
import { createContactTool } from './tools/create-contact.tool';
import { createDealTool } from './tools/create-deal.tool';
import { getDealTool } from './tools/get-deal.tool';
import { updateDealTool } from './tools/update-deal.tool';

export const PIPEDRIVE_PROVIDER_KEY = 'pipedrive';

/**
 * Provider `pipedrive`: deals and contacts through the Pipedrive v1 REST API. Its API token is a static
 * secret issued by the token broker per call; unconfigured, the tools stay listed and answer 503 naming
 * the missing variables.
 */
@ToolProvider({ key: PIPEDRIVE_PROVIDER_KEY, contractVersion: 1 })
export class PipedriveProviderService extends ToolProviderHost implements OnModuleInit {
  private readonly logger = new Logger('PipedriveProvider');
  private readonly tools: ToolDefinition[];

  constructor(
    client: PipedriveClient,
    private readonly broker: TokenBroker,
    @Inject(pipedriveConfig.KEY) private readonly config: ConfigType<typeof pipedriveConfig>,
  ) {
    super();
    const deps = { client, callFor: (ctx: InvocationContext) => this.callFor(ctx) };
    this.tools = [createDealTool(deps), getDealTool(deps), updateDealTool(deps), createContactTool(deps)];
  }

  onModuleInit(): void {
    if (this.config.hasApiToken) {
      this.broker.register(
        PIPEDRIVE_PROVIDER_KEY,
        new StaticSecretSource(PIPEDRIVE_PROVIDER_KEY, PIPEDRIVE_TOKEN_ENV, 'api_token'),
      );
    }
    const missing = missingPipedriveSettings(this.config);
    if (missing.length > 0) {
      this.logger.warn(`Pipedrive is not configured (set ${missing.join(', ')}); its tools answer 503.`);
    }
  }

  describe(): ProviderDescription {
    return {
      key: PIPEDRIVE_PROVIDER_KEY,
      name: 'Pipedrive',
      description: 'Pipedrive CRM: create, read and update deals; create contacts (v1 REST API).',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return this.tools;
  }

  async check(): Promise<ProviderHealth> {
    const missing = missingPipedriveSettings(this.config);
    return missing.length > 0
      ? { status: 'unconfigured', detail: `set ${missing.join(', ')}` }
      : { status: 'up', detail: 'configured (not probed: a probe would spend API quota)' };
  }

  /** The brokered API token and deadline of one call; 503 naming what is missing when unconfigured. */
  private callFor(ctx: InvocationContext): PipedriveCall {
    const missing = missingPipedriveSettings(this.config);
    const apiToken = ctx.credentials?.access_token;
    if (!apiToken && !missing.includes(PIPEDRIVE_TOKEN_ENV)) missing.unshift(PIPEDRIVE_TOKEN_ENV);
    if (missing.length > 0 || !apiToken)
      throw new ProviderUnconfiguredException(PIPEDRIVE_PROVIDER_KEY, missing);
    return { apiToken, deadline: ctx.deadline, requestId: ctx.requestId };
  }
}
