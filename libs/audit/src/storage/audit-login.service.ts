import { Injectable, Logger, type OnApplicationBootstrap, Optional } from '@nestjs/common';
import { type HealthIndicatorResult } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

import { EmbeddedDatabaseService } from '@toolgate/database';
import { HealthContributors } from '@toolgate/observability';

import {
  AUDIT_LOGIN_SQL,
  type AuditLoginFacts,
  type AuditLoginVerdict,
  judgeAuditLogin,
} from './audit-login.util';

/**
 * Checks once at boot whether the gateway's own database login could undo the audit trail's append-only
 * protection (superuser, owner of `audit_events` or its schema): a warning in the log, once, and in
 * `/health` as `database_login` (never `down`: the gateway works, it is a deployment flaw).
 */
@Injectable()
export class AuditLoginService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Audit');
  private verdict?: AuditLoginVerdict;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() private readonly gatewayDatabase?: EmbeddedDatabaseService,
    @Optional() private readonly health?: HealthContributors,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.health?.register('database_login', () => this.healthIndicator());
    let facts: AuditLoginFacts;
    try {
      [facts] = (await this.dataSource.query(AUDIT_LOGIN_SQL)) as AuditLoginFacts[];
    } catch (error) {
      this.logger.warn(
        `Could not check what the gateway's database login may do: ${(error as Error).message}`,
      );
      return;
    }
    this.verdict = judgeAuditLogin(facts, this.gatewayDatabase?.embedded ?? false);
    if (this.verdict.warning) this.logger.warn(this.verdict.warning);
    if (this.verdict.note) this.logger.log(this.verdict.note);
  }

  private healthIndicator(): HealthIndicatorResult {
    if (!this.verdict) return { database_login: { status: 'up', checked: false } };
    return { database_login: { status: 'up', ...this.verdict.health } };
  }
}
