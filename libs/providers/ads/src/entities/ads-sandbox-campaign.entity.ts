import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A campaign "created" in sandbox mode (`ADS_MODE=sandbox`): what live mode would have sent to Google Ads. */
@Entity({ name: 'ads_sandbox_campaigns' })
@Index('ix_ads_sandbox_campaigns_tenant_created_at', ['tenant', 'createdAt'])
@Check('chk_ads_sandbox_campaigns_budget', '"budget_amount_micros" > 0')
export class AdsSandboxCampaignEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'text' })
  tenant: string;

  /** The principal that confirmed the call. */
  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'customer_id', type: 'text' })
  customerId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  status: string;

  @Column({ name: 'advertising_channel_type', type: 'text' })
  advertisingChannelType: string;

  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  /** Daily budget in micros of the account currency (bigint: read back as a string). */
  @Column({ name: 'budget_amount_micros', type: 'bigint' })
  budgetAmountMicros: string;

  @Column({ name: 'contains_eu_political_advertising', type: 'boolean' })
  containsEuPoliticalAdvertising: boolean;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
