import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';

import { ChannelListener } from '@toolgate/database';

import { authConfig } from '../auth.config';
import { API_KEYS_CHANNEL } from './api-key-rows.util';
import { ApiKeysService } from './api-keys.service';

function tenantOf(payload: string | undefined): string | undefined {
  try {
    const parsed: unknown = JSON.parse(payload ?? '');
    const tenant = (parsed as { tenant?: unknown } | null)?.tenant;
    return typeof tenant === 'string' ? tenant : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Drops the cached keys of a tenant when any replica commits a revocation on the API keys channel, so a
 * revoked key is refused on every replica at once. While the connection is down the cache TTL bounds the
 * delay; after reconnecting the whole cache is dropped (notifications sent meanwhile are lost). Not started
 * when nothing is cached.
 */
@Injectable()
export class ApiKeyRevocationListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly listener: ChannelListener;

  constructor(
    dataSource: DataSource,
    apiKeys: ApiKeysService,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
  ) {
    this.listener = new ChannelListener(dataSource, {
      channel: API_KEYS_CHANNEL,
      applicationName: 'toolgate-api-key-listener',
      logger: new Logger('ApiKeyListener'),
      notified: (payload) => {
        const tenant = tenantOf(payload);
        if (tenant === undefined) apiKeys.forgetAll();
        else apiKeys.forgetTenant(tenant);
      },
      reconnected: () => apiKeys.forgetAll(),
      whileDown: 'revocations elsewhere may take up to the cache TTL',
    });
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.apiKeyCacheTtlMs <= 0) return;
    await this.listener.start();
  }

  /** Before the database closes (its end would otherwise read as a lost connection and retry). */
  beforeApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }
}
