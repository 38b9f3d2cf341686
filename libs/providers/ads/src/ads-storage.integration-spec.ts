import { DataSource } from 'typeorm';

import { buildDataSourceOptions } from '@toolgate/database';
import { MIGRATIONS } from '@toolgate/migrations';
import { createTestDatabase } from '@toolgate/testing';

import { loadAdsConfig } from './ads.config';
import { type CampaignPlan } from './ads.types';
import { AdsBudgetLedger } from './budget/ads-budget-ledger.service';
import { AdsBudgetReservationEntity } from './entities/ads-budget-reservation.entity';
import { AdsSandboxCampaignEntity } from './entities/ads-sandbox-campaign.entity';
import { AdsSandboxService } from './sandbox/ads-sandbox.service';

const MIGRATION = 'CreateAdsSandbox1795301078683';

const plan = (overrides: Partial<CampaignPlan> = {}): CampaignPlan => ({
  customerId: '1234567890',
  name: 'LaunchX',
  amountMicros: 300_000_000,
  startDate: '2025-10-10',
  channel: 'SEARCH',
  euPolitical: false,
  validateOnly: false,
  ...overrides,
});

describe('ads storage (integration, embedded Postgres with real migrations)', () => {
  let dataSource: DataSource;
  const ledger = (maxBudget?: string) =>
    new AdsBudgetLedger(dataSource, loadAdsConfig(maxBudget ? { ADS_MAX_DAILY_BUDGET: maxBudget } : {}));
  const sandbox = (maxBudget?: string) => new AdsSandboxService(dataSource, ledger(maxBudget));
  const owner = (tenant: string) => ({ tenant, subject: 'agent-1', requestId: 'req-1' });
  const count = async (table: string, tenant: string) =>
    Number(
      (await dataSource.query(`SELECT count(*)::int AS n FROM "${table}" WHERE tenant = $1`, [tenant]))[0].n,
    );

  beforeAll(async () => {
    const url = await createTestDatabase('ads');
    dataSource = new DataSource(
      buildDataSourceOptions({
        url,
        migrations: MIGRATIONS,
        entities: [AdsSandboxCampaignEntity, AdsBudgetReservationEntity],
      }),
    );
    await dataSource.initialize();
    await dataSource.runMigrations();
  });
  afterAll(() => dataSource.destroy());

  it('the migration matches the entities, and down() removes both tables', async () => {
    const pending = await dataSource.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((query) => query.query)).toEqual([]);
    const later = MIGRATIONS.length - MIGRATIONS.findIndex((migration) => migration.name === MIGRATION);
    for (let i = 0; i < later; i += 1) await dataSource.undoLastMigration();
    const tables = await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_name IN ('ads_sandbox_campaigns', 'ads_budget_reservations')`,
    );
    expect(tables).toEqual([]);
    await dataSource.runMigrations();
  });

  it('stores a sandbox campaign PAUSED with its budget in micros, and counts it for the day', async () => {
    const created = await sandbox().create(plan(), owner('acme'));
    const id = created.campaignResourceName?.split('/').pop();
    expect(created).toEqual({
      budgetResourceName: `customers/1234567890/campaignBudgets/${id}`,
      campaignResourceName: `customers/1234567890/campaigns/${id}`,
    });
    const [row] = await dataSource.query(
      `SELECT *, start_date::text AS start_date FROM ads_sandbox_campaigns WHERE id = $1`,
      [id],
    );
    expect(row).toMatchObject({
      tenant: 'acme',
      subject: 'agent-1',
      customer_id: '1234567890',
      name: 'LaunchX',
      status: 'PAUSED',
      advertising_channel_type: 'SEARCH',
      start_date: '2025-10-10',
      budget_amount_micros: '300000000',
      contains_eu_political_advertising: false,
    });
    const [claim] = await dataSource.query(`SELECT * FROM ads_budget_reservations WHERE tenant = 'acme'`);
    expect(claim).toMatchObject({ mode: 'sandbox', status: 'committed', amount_micros: '300000000' });
    expect(claim.campaign_resource_name).toBe(created.campaignResourceName);
  });

  it('a dry run stores nothing', async () => {
    const created = await sandbox('1000').create(plan({ validateOnly: true }), owner('dry'));
    expect(created).toEqual({ budgetResourceName: null, campaignResourceName: null });
    expect(await count('ads_sandbox_campaigns', 'dry')).toBe(0);
    expect(await count('ads_budget_reservations', 'dry')).toBe(0);
  });

  it("denies a campaign that would pass the tenant's daily ceiling, per tenant", async () => {
    const store = sandbox('1000');
    await store.create(plan({ amountMicros: 600_000_000 }), owner('ceiling'));
    await expect(store.create(plan({ amountMicros: 500_000_000 }), owner('ceiling'))).rejects.toMatchObject({
      status: 403,
      code: 'ADS.BUDGET_CEILING',
      extensions: { ceiling: 1000, requested: 500, committed_today: 600 },
    });
    await expect(
      store.create(plan({ amountMicros: 500_000_000, validateOnly: true }), owner('ceiling')),
    ).rejects.toMatchObject({
      code: 'ADS.BUDGET_CEILING',
    });
    await store.create(plan({ amountMicros: 400_000_000 }), owner('ceiling'));
    await store.create(plan({ amountMicros: 900_000_000 }), owner('other-tenant'));
    expect(await count('ads_sandbox_campaigns', 'ceiling')).toBe(2);
  });

  it('holds under concurrency: 10 parallel campaigns of 300 under a ceiling of 1000 → exactly 3', async () => {
    const store = sandbox('1000');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => store.create(plan({ name: `c${i}` }), owner('race'))),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    expect(await count('ads_sandbox_campaigns', 'race')).toBe(3);
  });

  it('live claims: reserved ones count, released ones do not, and sandbox spending never counts for live', async () => {
    const live = ledger('1000');
    const claim = { tenant: 'live-co', mode: 'live' as const, amountMicros: 700_000_000, requestId: 'r' };
    await sandbox('1000').create(plan({ amountMicros: 900_000_000 }), owner('live-co'));
    const first = await live.reserve(claim);
    await expect(live.reserve(claim)).rejects.toMatchObject({ code: 'ADS.BUDGET_CEILING' });
    await live.release(first);
    const second = await live.reserve(claim);
    await live.settle(second, 'customers/1/campaigns/2');
    await live.release(second);
    const rows = await dataSource.query(
      `SELECT status, campaign_resource_name FROM ads_budget_reservations WHERE tenant = 'live-co' AND mode = 'live'`,
    );
    expect(rows).toEqual([{ status: 'committed', campaign_resource_name: 'customers/1/campaigns/2' }]);
  });
});
