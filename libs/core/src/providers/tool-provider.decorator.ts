import { DiscoveryService } from '@nestjs/core';

export const CURRENT_CONTRACT_VERSION = 1;
export const SUPPORTED_CONTRACT_VERSIONS: readonly number[] = [1];

export interface ToolProviderOptions {
  /** Namespace of the provider's tool ids (`database` → `database:listTables`): lowercase, digits, dashes. */
  key: string;
  /** Version of the provider contract the class implements (defaults to the current one, 1). */
  contractVersion?: number;
}

/**
 * Marks a class extending `ToolProviderHost` as a tool provider. The registry finds every such provider
 * through Nest's `DiscoveryService` at bootstrap; there is no hand-written list.
 */
export const ToolProvider = DiscoveryService.createDecorator<ToolProviderOptions>();
