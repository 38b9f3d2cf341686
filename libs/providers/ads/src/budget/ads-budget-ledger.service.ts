import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { DataSource, type EntityManager } from 'typeorm';

import { adsConfig } from '../ads.config';
import { AdsBudgetCeilingException } from '../ads.exception';
import { type AdsMode } from '../ads.types';

/** One campaign's claim on its tenant's daily budget ceiling. */
export interface BudgetClaim {
  tenant: string;
  mode: AdsMode;
  amountMicros: number;
  requestId: string;
}

const TODAY_UTC = `(now() AT TIME ZONE 'UTC')::date`;

/**
 * The per-tenant daily budget ceiling (`ADS_MAX_DAILY_BUDGET`): the daily budgets of the campaigns a tenant
 * creates through the gateway during one UTC day, per mode, may not add up past it. Checks and claims are
 * serialised per (tenant, mode) with a transaction-scoped advisory lock, so concurrent calls and replicas
 * cannot overshoot together. A claim whose outcome is unknown (timeout, network error, 5xx) stays
 * `reserved` and keeps counting: the ceiling errs on the side of spending less.
 */
@Injectable()
export class AdsBudgetLedger {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(adsConfig.KEY) private readonly config: ConfigType<typeof adsConfig>,
  ) {}

  /** Dry runs: refuses what would pass the ceiling, claims nothing. */
  async check(claim: BudgetClaim): Promise<void> {
    await this.dataSource.transaction((manager) => this.lockWithinCeiling(manager, claim));
  }

  /** Live calls: claims the budget before Google Ads is called; settle or release it afterwards. */
  async reserve(claim: BudgetClaim): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await this.lockWithinCeiling(manager, claim);
      return this.record(manager, claim, 'reserved', null);
    });
  }

  async settle(id: string, campaignResourceName: string | null): Promise<void> {
    await this.dataSource.query(
      `UPDATE "ads_budget_reservations" SET "status" = 'committed', "campaign_resource_name" = $2 WHERE "id" = $1`,
      [id, campaignResourceName],
    );
  }

  /** Google refused the campaign: the claim no longer counts. */
  async release(id: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM "ads_budget_reservations" WHERE "id" = $1 AND "status" = 'reserved'`,
      [id],
    );
  }

  /** Takes the (tenant, mode) lock for the rest of the transaction, then compares today's total. */
  async lockWithinCeiling(manager: EntityManager, claim: BudgetClaim): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
      `toolgate:ads-budget:${claim.mode}:${claim.tenant}`,
    ]);
    const ceiling = this.config.maxDailyBudgetMicros;
    if (ceiling === undefined) return;
    const [{ total }] = (await manager.query(
      `SELECT COALESCE(SUM("amount_micros"), 0)::text AS "total" FROM "ads_budget_reservations"
        WHERE "tenant" = $1 AND "mode" = $2 AND "day" = ${TODAY_UTC}`,
      [claim.tenant, claim.mode],
    )) as { total: string }[];
    const committed = Number(total);
    if (committed + claim.amountMicros > ceiling) {
      throw new AdsBudgetCeilingException(claim.tenant, claim.amountMicros, committed, ceiling);
    }
  }

  async record(
    manager: EntityManager,
    claim: BudgetClaim,
    status: 'reserved' | 'committed',
    campaignResourceName: string | null,
  ): Promise<string> {
    const [{ id }] = (await manager.query(
      `INSERT INTO "ads_budget_reservations"
         ("tenant", "mode", "day", "amount_micros", "status", "campaign_resource_name", "request_id")
       VALUES ($1, $2, ${TODAY_UTC}, $3, $4, $5, $6) RETURNING "id"`,
      [claim.tenant, claim.mode, String(claim.amountMicros), status, campaignResourceName, claim.requestId],
    )) as { id: string }[];
    return String(id);
  }
}
