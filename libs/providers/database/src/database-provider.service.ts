import { Inject, Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import {
  type ProviderDescription,
  type ProviderHealth,
  type ToolDefinition,
  ToolProvider,
  ToolProviderHost,
} from '@toolgate/core';
import { EmbeddedDatabaseService } from '@toolgate/database';

import { DatabaseClient } from './database.client';
import { databaseToolsConfig, TOOLS_URL_ENV, TOOLS_WRITE_URL_ENV } from './database.config';
import { DATABASE_PROVIDER_KEY } from './database.exception';
import { type DatabaseTargets } from './database.types';
import { ProvisioningRefusedError, SampleProvisioner } from './sample/sample-provisioner.service';
import { executeQueryTool } from './tools/execute-query.tool';
import { executeStatementTool } from './tools/execute-statement.tool';
import { getSchemaTool } from './tools/get-schema.tool';
import { listTablesTool } from './tools/list-tables.tool';

const HEALTH_TIMEOUT_MS = 2_000;

/**
 * Provider `database`: SQL tools over `DATABASE_TOOLS_URL`, or, when it is unset, over a sample database
 * provisioned on the gateway's own Postgres at boot. A provisioning failure never stops the boot: the tools
 * stay listed and answer 503 naming `DATABASE_TOOLS_URL`, and the reason is logged.
 */
@ToolProvider({ key: DATABASE_PROVIDER_KEY, contractVersion: 1 })
@Injectable()
export class DatabaseProviderService extends ToolProviderHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('DatabaseTools');
  private readonly tools: ToolDefinition[];

  constructor(
    private readonly client: DatabaseClient,
    private readonly provisioner: SampleProvisioner,
    @Inject(databaseToolsConfig.KEY) private readonly config: ConfigType<typeof databaseToolsConfig>,
    @Optional() private readonly gatewayDatabase?: EmbeddedDatabaseService,
  ) {
    super();
    const deps = { client, schema: config.schema };
    this.tools = [
      listTablesTool(deps),
      getSchemaTool(deps),
      executeQueryTool(deps),
      executeStatementTool(deps),
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.client.configure(await this.resolveTargets());
  }

  describe(): ProviderDescription {
    return {
      key: DATABASE_PROVIDER_KEY,
      name: 'Database',
      description:
        'SQL over Postgres: list tables, describe a table, run read-only queries (row, byte and time limits) ' +
        'and, with confirmation, data-changing statements.',
      contractVersion: 1,
    };
  }

  listTools(): ToolDefinition[] {
    return this.tools;
  }

  /**
   * `down` when the reader does not answer or a login was refused (with the reason); `up`, with the warnings
   * of the login check as detail when there are some.
   */
  async check(): Promise<ProviderHealth> {
    const status = this.client.status();
    if (!status.configured) {
      return {
        status: 'unconfigured',
        detail: `set ${status.variable}${status.reason ? ` (${status.reason})` : ''}`,
      };
    }
    const budget = { toolId: `${DATABASE_PROVIDER_KEY}:health`, deadlineAt: Date.now() + HEALTH_TIMEOUT_MS };
    try {
      await this.client.ping(budget);
    } catch (error) {
      return { status: 'down', detail: error instanceof Error ? error.message : String(error) };
    }
    const verdicts = await this.client.loginVerdicts(budget);
    const refused = verdicts.find((verdict) => verdict.refused)?.refused;
    if (refused) return { status: 'down', detail: refused };
    const warnings = verdicts.flatMap((verdict) => verdict.warnings);
    return warnings.length ? { status: 'up', detail: warnings.join(' ') } : { status: 'up' };
  }

  /** `DATABASE_TOOLS_URL` as given, or the sample database's logins (provisioned now), or why neither. */
  private async resolveTargets(): Promise<DatabaseTargets> {
    if (this.config.url) {
      return {
        readerUrl: this.config.url,
        writerUrl: this.config.writeUrl,
        readerVariable: TOOLS_URL_ENV,
        writerVariable: TOOLS_WRITE_URL_ENV,
      };
    }
    /** `reason` is shown to callers (503) and in health; `logged` may carry server details for operators. */
    const unavailable = (reason: string, logged = reason): DatabaseTargets => {
      this.logger.warn(
        `Database tools unavailable (${logged}); set ${TOOLS_URL_ENV}. Their tools answer 503.`,
      );
      return { readerVariable: TOOLS_URL_ENV, writerVariable: TOOLS_URL_ENV, reason };
    };
    const adminUrl = this.gatewayDatabase?.adminUrl();
    if (!adminUrl) return unavailable('no gateway database to provision a sample database in');
    const started = Date.now();
    try {
      const logins = await this.provisioner.provision(adminUrl);
      this.logger.log(
        `Sample database ${this.config.sampleDatabase} ${logins.created ? 'provisioned' : 'ready'} in ` +
          `${Date.now() - started} ms (logins ${logins.reader}, ${logins.writer})`,
      );
      return {
        readerUrl: logins.readerUrl,
        writerUrl: logins.writerUrl,
        readerVariable: TOOLS_URL_ENV,
        writerVariable: TOOLS_URL_ENV,
      };
    } catch (error) {
      if (error instanceof ProvisioningRefusedError) return unavailable(error.message);
      const detail = error instanceof Error ? error.message : String(error);
      return unavailable(
        'provisioning the sample database failed (see the gateway log)',
        `provisioning the sample database failed: ${detail}`,
      );
    }
  }
}
