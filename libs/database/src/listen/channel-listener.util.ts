import { type Logger } from '@nestjs/common';
import { Client, type ClientConfig } from 'pg';
import { type DataSource } from 'typeorm';

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
export function listenerClientConfig(dataSource: DataSource, applicationName: string): ClientConfig {
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
    application_name: applicationName,
  };
}

export interface ChannelListenerOptions {
  /** A constant identifier (it is written into `LISTEN` as is). */
  channel: string;
  applicationName: string;
  logger: Pick<Logger, 'log' | 'warn'>;
  /** Each notification on the channel. */
  notified(payload: string | undefined): void;
  /** After a reconnect: notifications sent while the connection was down are lost. */
  reconnected(): void;
  /** Said in the warning when the connection drops (what is delayed meanwhile). */
  whileDown: string;
}

/**
 * One dedicated connection LISTENing on a Postgres channel, so a change committed by any replica reaches
 * this one. Reconnects with backoff (250 ms doubling to 10 s) when the connection drops, and calls
 * `reconnected` once it listens again. A failed first connect does not fail the boot: it retries too.
 */
export class ChannelListener {
  private client?: Client;
  private stopped = false;
  private backoffMs = INITIAL_BACKOFF_MS;
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly options: ChannelListenerOptions,
  ) {}

  get listening(): boolean {
    return this.client !== undefined;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(reconnecting: boolean): Promise<void> {
    const { channel } = this.options;
    const client = new Client(listenerClientConfig(this.dataSource, this.options.applicationName));
    client.on('notification', (message) => {
      if (message.channel === channel) this.options.notified(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${channel}`);
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
      this.options.logger.log(`Listening on ${channel} again`);
      this.options.reconnected();
    }
  }

  private lost(client: Client, error?: unknown): void {
    if (this.stopped || this.retryTimer || (this.client && this.client !== client)) return;
    this.client = undefined;
    client.removeAllListeners('notification');
    this.options.logger.warn({
      msg: `Listener on ${this.options.channel} disconnected; ${this.options.whileDown}; retrying in ${this.backoffMs} ms`,
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
