import { AuditEventEntity } from '@toolgate/audit';
import { ApiKeyEntity } from '@toolgate/auth';
import { ManifestEntity, ManifestVersionEntity } from '@toolgate/catalog';
import { PendingActionEntity } from '@toolgate/confirmation';
import { IdempotencyRecordEntity } from '@toolgate/invocation';
import { McpServerEntity, McpToolEntity } from '@toolgate/mcp';
import { AdsBudgetReservationEntity, AdsSandboxCampaignEntity } from '@toolgate/provider-ads';
import { HttpApiEntity } from '@toolgate/provider-http';

/**
 * Every TypeORM entity, for `npm run migration:generate` (the app registers entities through their own
 * modules instead). Add an entity here when its lib adds one.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const ENTITIES: Function[] = [
  ApiKeyEntity,
  ManifestEntity,
  ManifestVersionEntity,
  IdempotencyRecordEntity,
  PendingActionEntity,
  AuditEventEntity,
  AdsSandboxCampaignEntity,
  AdsBudgetReservationEntity,
  HttpApiEntity,
  McpServerEntity,
  McpToolEntity,
];
