import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { type ConfigType } from '@nestjs/config';
import { DataSource } from 'typeorm';

import { databaseConfig } from './database.config';
import { EmbeddedPostgres } from './embedded/embedded-postgres.service';

/** Resolves the database URL: `DATABASE_URL`, or an embedded Postgres this process starts and stops. */
@Injectable()
export class EmbeddedDatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('Database');
  private server?: EmbeddedPostgres;

  constructor(
    @Inject(databaseConfig.KEY) private readonly config: ConfigType<typeof databaseConfig>,
    private readonly moduleRef: ModuleRef,
  ) {}

  /** True when the gateway runs on its embedded development Postgres (no `DATABASE_URL`). */
  get embedded(): boolean {
    return !this.config.url;
  }

  async resolveUrl(): Promise<string> {
    if (this.config.url) return this.config.url;
    this.server = new EmbeddedPostgres({
      baseDir: this.config.embeddedDir,
      port: this.config.embeddedPort,
      database: 'toolgate',
    });
    const url = await this.server.start();
    this.logger.log(
      `Embedded Postgres running on 127.0.0.1:${this.server.port} (data in ${this.server.dataDir})`,
    );
    return url;
  }

  /**
   * URL of `database` on the server the gateway uses, with the gateway's own credentials (the embedded
   * superuser, or `DATABASE_URL`'s role); the gateway's own database by default. Undefined while the
   * embedded server has not been started. Secret: never log it.
   */
  adminUrl(database?: string): string | undefined {
    if (this.config.url) {
      if (!database) return this.config.url;
      const url = new URL(this.config.url);
      url.pathname = `/${database}`;
      return url.toString();
    }
    return this.server?.port ? this.server.url(database) : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    // This module sits below TypeORM's, so its hook runs first: close the pool before stopping the server.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource?.isInitialized) await dataSource.destroy();
    await this.server.stop();
    this.logger.log('Embedded Postgres stopped');
  }
}
