import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import { DataSource } from 'typeorm';

import { CatalogService } from './catalog.service';
import { CATALOG_CHANNEL } from './manifest-row.util';

const INITIAL_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;

interface PostgresOptions {
  url?: string;
  host?: string;
  port?: number;
  username?: string;
  password?: string | (() => string | Promise<string>);
  database?: string;
  ssl?: ClientConfig['ssl'];
}

/** Connection settings of the app's own database, for a dedicated client outside TypeORM's pool. */
export function listenerClientConfig(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as PostgresOptions;
  return {
    ...(options.url ? { connectionString: options.url } : {}),
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl,
    keepAlive: true,
    application_name: 'toolgate-catalog-listener',
  };
}

/**
 * Keeps one dedicated connection LISTENing on the catalog channel and reloads the catalog on every
 * notification, so a change committed by any replica reaches this one. Reconnects with backoff when the
 * connection drops and reloads after reconnecting (notifications sent meanwhile are lost).
 */
@Injectable()
export class CatalogChangeListener implements OnApplicationShutdown {
  private readonly logger = new Logger('CatalogListener');
  private client?: Client;
  private stopped = false;
  private backoffMs = INITIAL_BACKOFF_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  /** Connects and LISTENs; on failure keeps retrying in the background instead of failing the boot. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(false);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const client = new Client(listenerClientConfig(this.dataSource));
    client.on('notification', (message) => {
      if (message.channel === CATALOG_CHANNEL) this.catalog.scheduleReload();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CATALOG_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(client, error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.backoffMs = INITIAL_BACKOFF_MS;
    if (reconnecting) {
      this.logger.log(`Listening on ${CATALOG_CHANNEL} again; reloading the catalog`);
      this.catalog.scheduleReload();
    }
  }

  private lost(client: Client, error?: unknown): void {
    if (this.stopped || this.retryTimer || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.removeAllListeners('notification');
    this.logger.warn({
      msg: `Catalog listener disconnected; retrying in ${this.backoffMs} ms`,
      err: error instanceof Error ? error.message : undefined,
    });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(true);
    }, this.backoffMs);
    this.retryTimer.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}
