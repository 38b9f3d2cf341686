import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';

import { BrokerModule } from '@toolgate/broker';

import { PipedriveClient } from './pipedrive.client';
import { pipedriveConfig } from './pipedrive.config';
import { PipedriveProviderService } from './pipedrive-provider.service';

/** Mounts provider `pipedrive`; the registry discovers it, the catalog lists its tools. */
@Module({
  imports: [ConfigModule.forFeature(pipedriveConfig), BrokerModule],
  providers: [PipedriveClient, PipedriveProviderService],
  exports: [PipedriveProviderService],
})
export class PipedriveProviderModule {}
