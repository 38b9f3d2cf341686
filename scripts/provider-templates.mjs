// Templates of `npm run generate:provider` (scripts/generate-provider.mjs): the standard provider lib shape.

/** The files of a new provider lib, by path under `libs/providers/<name>/src`; `n` holds the name's forms. */
export const templates = (n) => ({
  'index.ts': `export { ${n.pascal}ProviderModule } from './${n.name}.module';
export { ${n.pascal}ProviderService } from './${n.name}-provider.service';
export { ${n.pascal}Client } from './${n.name}.client';
export { ${n.camel}Config, type ${n.pascal}Config, load${n.pascal}Config } from './${n.name}.config';
`,
  [`${n.name}.module.ts`]: `import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { ${n.pascal}Client } from './${n.name}.client';
import { ${n.camel}Config } from './${n.name}.config';
import { ${n.pascal}ProviderService } from './${n.name}-provider.service';

/** Mounts provider \`${n.name}\`; the registry discovers it and the catalog lists its tools. */
@Module({
  imports: [ConfigModule.forFeature(${n.camel}Config)],
  providers: [${n.pascal}Client, ${n.pascal}ProviderService],
  exports: [${n.pascal}ProviderService],
})
export class ${n.pascal}ProviderModule {}
`,
  [`${n.name}.config.ts`]: `import { registerAs } from '@nestjs/config';
import { IsInt, IsOptional, IsUrl, Max, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

/** The variable a 503 names while the provider is not configured. */
export const ${n.env}_BASE_URL_ENV = '${n.env}_BASE_URL';

export class ${n.pascal}Env {
  /** Root URL of the upstream API. Unset: the tools stay listed and answer 503 naming it. */
  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  ${n.env}_BASE_URL?: string;

  @EnvInt()
  @IsInt()
  @Min(100)
  @Max(60_000)
  ${n.env}_TIMEOUT_MS = 10_000;
}

export interface ${n.pascal}Config {
  baseUrl?: string;
  timeoutMs: number;
}

export function load${n.pascal}Config(env: NodeJS.ProcessEnv = process.env): ${n.pascal}Config {
  const e = validateEnv(${n.pascal}Env, env);
  return { baseUrl: e.${n.env}_BASE_URL?.replace(/\\/+$/, ''), timeoutMs: e.${n.env}_TIMEOUT_MS };
}

export const ${n.camel}Config = registerAs('${n.camel}', () => load${n.pascal}Config());
`,
  [`${n.name}.client.ts`]: `import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { Pool } from 'undici';

import {
  type InvocationDeadline,
  ProviderUnconfiguredException,
  ProviderUpstreamException,
  readBody,
} from '@toolgate/core';

import { ${n.env}_BASE_URL_ENV, ${n.camel}Config } from './${n.name}.config';

/** The largest upstream answer read (a misbehaving upstream cannot fill memory). */
const MAX_BODY_BYTES = 1024 * 1024;

/** All outbound I/O of provider \`${n.name}\`: one keep-alive pool to the upstream API; tests swap this class. */
@Injectable()
export class ${n.pascal}Client implements OnModuleDestroy {
  private readonly pool?: Pool;
  private readonly prefix: string = '';

  constructor(@Inject(${n.camel}Config.KEY) private readonly config: ConfigType<typeof ${n.camel}Config>) {
    if (config.baseUrl) {
      const url = new URL(config.baseUrl);
      // The client's own timeout is constant, so undici refreshes one timer per connection in place.
      this.pool = new Pool(url.origin, {
        connections: 8,
        keepAliveTimeout: 30_000,
        headersTimeout: config.timeoutMs,
        bodyTimeout: config.timeoutMs,
      });
      this.prefix = url.pathname.replace(/\\/+$/, '');
    }
  }

  get configured(): boolean {
    return this.pool !== undefined;
  }

  /** GETs \`path\` and returns its JSON body; upstream errors 502, missing configuration 503. */
  async getJson(path: string, deadline: InvocationDeadline): Promise<unknown> {
    if (!this.pool) throw new ProviderUnconfiguredException('${n.name}', [${n.env}_BASE_URL_ENV]);
    const response = await this.pool.request({
      method: 'GET',
      path: \`\${this.prefix}\${path}\`,
      headers: { accept: 'application/json' },
      // The deadline's EventEmitter form: no AbortController per call (see the README's provider guide).
      signal: deadline.events,
    });
    const text = await readBody(response.body, MAX_BODY_BYTES, response.headers['content-length']);
    if (response.statusCode >= 400) {
      throw new ProviderUpstreamException('${n.name}', \`The upstream answered \${response.statusCode}.\`);
    }
    return text ? (JSON.parse(text) as unknown) : null;
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.close();
  }
}
`,
  [`${n.name}-provider.service.ts`]: `import { Injectable } from '@nestjs/common';

import {
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  ToolProvider,
  ToolProviderHost,
} from '@toolgate/core';

import { ${n.pascal}Client } from './${n.name}.client';
import { ${n.env}_BASE_URL_ENV } from './${n.name}.config';
import { getItemTool } from './tools/get-item.tool';

/** Provider \`${n.name}\`: its tools are data in \`tools/*.tool.ts\`, its I/O in \`${n.name}.client.ts\`. */
@ToolProvider({ key: '${n.name}', contractVersion: 1 })
@Injectable()
export class ${n.pascal}ProviderService extends ToolProviderHost {
  private readonly tools: ToolDefinition[];

  constructor(private readonly client: ${n.pascal}Client) {
    super();
    this.tools = [getItemTool(client)];
  }

  describe(): ProviderDescription {
    return {
      key: '${n.name}',
      name: '${n.title}',
      description: '${n.title} tools (generated; describe what the upstream does here).',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return this.tools;
  }

  async check(): Promise<ProviderHealth> {
    return this.client.configured
      ? { status: 'up' }
      : { status: 'unconfigured', detail: \`set \${${n.env}_BASE_URL_ENV}\` };
  }
}
`,
  'tools/get-item.tool.ts': `import { defineTool } from '@toolgate/core';

import { type ${n.pascal}Client } from '../${n.name}.client';

/** \`${n.name}:getItem\`: reads one item from the upstream (\`GET /items/{id}\`). */
export function getItemTool(client: ${n.pascal}Client) {
  return defineTool<{ id: string }, unknown>({
    name: 'getItem',
    title: 'Get item',
    description: 'Returns one item of the upstream by id.',
    inputs: {
      type: 'object',
      properties: { id: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' } },
      required: ['id'],
      additionalProperties: false,
    },
    outputs: { type: 'object' },
    required_scopes: ['${n.name}.read'],
    safety_tags: ['read-only'],
    timeout_ms: 15_000,
    execute: (input, ctx) => client.getJson(\`/items/\${encodeURIComponent(input.id)}\`, ctx.deadline),
  });
}
`,
  [`${n.name}-provider.service.spec.ts`]: `import { createDeadline } from '@toolgate/core';
import { runProviderContractSuite } from '@toolgate/testing';

import { ${n.pascal}Client } from './${n.name}.client';
import { load${n.pascal}Config } from './${n.name}.config';
import { ${n.pascal}ProviderService } from './${n.name}-provider.service';

const unconfigured = () => new ${n.pascal}ProviderService(new ${n.pascal}Client(load${n.pascal}Config({})));

runProviderContractSuite(unconfigured, '${n.name} provider: contract');

describe('${n.name} provider', () => {
  it('lists getItem and answers 503 naming ${n.env}_BASE_URL while unconfigured', async () => {
    const provider = unconfigured();
    const [tool] = provider.listTools();
    expect(tool.name).toBe('getItem');
    const ctx = {
      principal: { subject: 's', tenant: 'public', roles: [], scopes: [], kind: 'jwt' as const },
      requestId: 'r',
      toolId: '${n.name}:getItem',
      deadline: createDeadline(1_000),
    };
    await expect(provider.invoke(tool, { id: '1' }, ctx)).rejects.toMatchObject({
      status: 503,
      detail: expect.stringContaining('${n.env}_BASE_URL'),
    });
    await expect(provider.check()).resolves.toEqual({ status: 'unconfigured', detail: 'set ${n.env}_BASE_URL' });
  });
});
`,
});
