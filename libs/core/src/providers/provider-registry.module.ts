import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';

import { ProviderRegistry } from './provider-registry.service';

/** The registry of tool providers. Provider libs need not import it: discovery spans the whole app. */
@Module({
  imports: [DiscoveryModule],
  providers: [ProviderRegistry],
  exports: [ProviderRegistry],
})
export class ProviderRegistryModule {}
