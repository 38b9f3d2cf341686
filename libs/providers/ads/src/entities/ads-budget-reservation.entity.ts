import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One campaign's daily budget counted against its tenant's `ADS_MAX_DAILY_BUDGET` for a UTC day:
 * `reserved` while Google Ads is being called (or when the outcome is unknown), `committed` once created.
 */
@Entity({ name: 'ads_budget_reservations' })
@Index('ix_ads_budget_reservations_tenant_mode_day', ['tenant', 'mode', 'day'])
@Check('chk_ads_budget_reservations_mode', `"mode" IN ('sandbox', 'live')`)
@Check('chk_ads_budget_reservations_amount', '"amount_micros" > 0')
@Check('chk_ads_budget_reservations_status', `"status" IN ('reserved', 'committed')`)
export class AdsBudgetReservationEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  tenant: string;

  /** `sandbox` or `live`: sandbox campaigns never count against live spending, nor the reverse. */
  @Column({ type: 'text' })
  mode: string;

  /** The UTC day the campaign was created on. */
  @Column({ type: 'date' })
  day: string;

  @Column({ name: 'amount_micros', type: 'bigint' })
  amountMicros: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'campaign_resource_name', type: 'text', nullable: true })
  campaignResourceName: string | null;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
