import { Module } from '@nestjs/common';

import { BrokerModule } from '@toolgate/broker';

import { TestProviderService } from './test-provider.service';

/** Mounts the `test` provider; the registry discovers it. */
@Module({ imports: [BrokerModule], providers: [TestProviderService], exports: [TestProviderService] })
export class TestProviderModule {}
