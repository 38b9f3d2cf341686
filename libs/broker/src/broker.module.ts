import { Global, Module } from '@nestjs/common';

import { TokenBroker } from './token-broker.service';

/** One token broker for the app; providers register their credential sources with it. */
@Global()
@Module({ providers: [TokenBroker], exports: [TokenBroker] })
export class BrokerModule {}
