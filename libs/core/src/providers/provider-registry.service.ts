import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';

import { type InvocationContext } from './invocation-context.types';
import { invokeWithDeadline } from './provider-invoke.util';
import {
  ProviderRegistrationError,
  ProviderUnavailableException,
  UnknownToolException,
} from './provider.exception';
import { type ToolDefinition, type ToolInput, toolIdOf } from './tool-definition.types';
import { type ProviderHealth, ToolProviderHost } from './tool-provider-host.types';
import { SUPPORTED_CONTRACT_VERSIONS, ToolProvider } from './tool-provider.decorator';

const PROVIDER_KEY = /^[a-z][a-z0-9-]{0,62}$/;

type ProviderWrapper = ReturnType<DiscoveryService['getProviders']>[number];

export interface RegisteredProvider {
  key: string;
  contractVersion: number;
  className: string;
  host: ToolProviderHost;
}

export interface RegisteredTool {
  toolId: string;
  providerKey: string;
  definition: ToolDefinition;
}

/**
 * Every `@ToolProvider()` of the application, found through `DiscoveryService` at bootstrap. Refuses to boot
 * on a duplicate key, a class that does not extend `ToolProviderHost`, a request-scoped or transient
 * provider, an unsupported contract version, or tool ids that are duplicated or not namespaced by the key.
 */
@Injectable()
export class ProviderRegistry implements OnModuleInit {
  private readonly logger = new Logger('ProviderRegistry');
  private providers?: Map<string, RegisteredProvider>;

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const providers = this.registered();
    const keys = [...providers.keys()].sort();
    this.logger.log(`Tool providers: ${keys.length > 0 ? keys.join(', ') : '(none)'}`);
  }

  keys(): string[] {
    return [...this.registered().keys()].sort();
  }

  has(key: string): boolean {
    return this.registered().has(key);
  }

  get(key: string): ToolProviderHost | undefined {
    return this.registered().get(key)?.host;
  }

  /** Every tool of every provider, in tool id order (read from the providers on each call). */
  tools(): RegisteredTool[] {
    return [...this.registered().values()]
      .flatMap(({ key, host }) => host.listTools().map((definition) => this.entry(key, definition)))
      .sort((a, b) => a.toolId.localeCompare(b.toolId));
  }

  findTool(toolId: string): RegisteredTool | undefined {
    return this.findToolOf(toolId.split(':', 1)[0], toolId);
  }

  /** A tool listed by provider `providerKey` (tool ids of dynamic providers need not start with the key). */
  findToolOf(providerKey: string, toolId: string): RegisteredTool | undefined {
    const definition = this.get(providerKey)
      ?.listTools()
      .find((tool) => toolIdOf(providerKey, tool) === toolId);
    return definition ? this.entry(providerKey, definition) : undefined;
  }

  /** Runs a tool by id within the context's deadline (see `invokeWithDeadline` for the error mapping). */
  async invoke(toolId: string, input: ToolInput, ctx: InvocationContext): Promise<unknown> {
    const key = toolId.split(':', 1)[0];
    const host = this.get(key);
    if (!host) throw new ProviderUnavailableException(key, `No provider is registered under "${key}".`);
    const tool = this.findTool(toolId);
    if (!tool) throw new UnknownToolException(key, toolId);
    return invokeWithDeadline(host, tool.definition, input, ctx);
  }

  /** Health of every provider; a check that throws reports `down`. */
  async checkAll(): Promise<Record<string, ProviderHealth>> {
    const entries = await Promise.all(
      [...this.registered().values()].map(async ({ key, host }) => {
        const health = await host.check().catch((error: unknown) => ({
          status: 'down' as const,
          detail: error instanceof Error ? error.message : String(error),
        }));
        return [key, health] as const;
      }),
    );
    return Object.fromEntries(entries);
  }

  private entry(providerKey: string, definition: ToolDefinition): RegisteredTool {
    return { toolId: toolIdOf(providerKey, definition), providerKey, definition };
  }

  private registered(): Map<string, RegisteredProvider> {
    this.providers ??= this.discover();
    return this.providers;
  }

  private discover(): Map<string, RegisteredProvider> {
    const found = new Map<string, RegisteredProvider>();
    for (const wrapper of this.discovery.getProviders({ metadataKey: ToolProvider.KEY })) {
      if (wrapper.isAlias) continue;
      const provider = this.inspect(wrapper);
      const existing = found.get(provider.key);
      if (existing) {
        throw new ProviderRegistrationError(
          `duplicate provider key "${provider.key}" (${existing.className} and ${provider.className}).`,
        );
      }
      found.set(provider.key, provider);
    }
    checkToolIds([...found.values()]);
    return found;
  }

  private inspect(wrapper: ProviderWrapper): RegisteredProvider {
    const className = wrapper.metatype?.name ?? String(wrapper.name);
    const options = this.discovery.getMetadataByDecorator(ToolProvider, wrapper) ?? { key: '' };
    const key = options.key;
    const contractVersion = options.contractVersion ?? SUPPORTED_CONTRACT_VERSIONS[0];
    if (!PROVIDER_KEY.test(key ?? '')) {
      throw new ProviderRegistrationError(
        `${className} has an invalid key "${key}" (expected ${PROVIDER_KEY}).`,
      );
    }
    if (!SUPPORTED_CONTRACT_VERSIONS.includes(contractVersion)) {
      throw new ProviderRegistrationError(
        `${className} ("${key}") declares contract version ${contractVersion}; supported: ${SUPPORTED_CONTRACT_VERSIONS.join(', ')}.`,
      );
    }
    if (wrapper.isTransient || !wrapper.isDependencyTreeStatic()) {
      throw new ProviderRegistrationError(
        `${className} ("${key}") must be a singleton: request-scoped and transient providers are refused.`,
      );
    }
    const host: unknown = wrapper.instance;
    if (!(host instanceof ToolProviderHost)) {
      throw new ProviderRegistrationError(`${className} ("${key}") does not extend ToolProviderHost.`);
    }
    checkDescription(host, className, key, contractVersion);
    return { key, contractVersion, className, host };
  }
}

function checkDescription(host: ToolProviderHost, className: string, key: string, version: number): void {
  const described = host.describe();
  if (described.key !== key || described.contractVersion !== version) {
    throw new ProviderRegistrationError(
      `${className} is decorated as "${key}" v${version} but describe() says "${described.key}" v${described.contractVersion}.`,
    );
  }
}

function checkToolIds(providers: RegisteredProvider[]): void {
  const seen = new Set<string>();
  for (const { key, host, className } of providers) {
    for (const tool of host.listTools()) {
      const toolId = toolIdOf(key, tool);
      if (!toolId.startsWith(`${key}:`) || toolId.length === key.length + 1) {
        throw new ProviderRegistrationError(
          `${className}: tool id "${toolId}" is not namespaced by "${key}:".`,
        );
      }
      if (seen.has(toolId)) throw new ProviderRegistrationError(`duplicate tool id "${toolId}".`);
      seen.add(toolId);
    }
  }
}
