import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { ChannelListener } from '@toolgate/database';

import { CatalogService } from '../catalog.service';
import { CATALOG_CHANNEL } from '../store/manifest-row.util';

/**
 * Reloads the catalog on every notification of the catalog channel, so a change committed by any replica
 * reaches this one; after a reconnect it reloads too (notifications sent meanwhile are lost).
 */
@Injectable()
export class CatalogChangeListener implements BeforeApplicationShutdown {
  private readonly listener: ChannelListener;

  constructor(dataSource: DataSource, catalog: CatalogService) {
    this.listener = new ChannelListener(dataSource, {
      channel: CATALOG_CHANNEL,
      applicationName: 'toolgate-catalog-listener',
      logger: new Logger('CatalogListener'),
      notified: () => catalog.scheduleReload(),
      reconnected: () => catalog.scheduleReload(),
      whileDown: "other replicas' catalog changes wait for the reload after reconnecting",
    });
  }

  get listening(): boolean {
    return this.listener.listening;
  }

  /** Connects and LISTENs; on failure keeps retrying in the background instead of failing the boot. */
  start(): Promise<void> {
    return this.listener.start();
  }

  /** Before the database closes (its end would otherwise read as a lost connection and retry). */
  beforeApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }
}
