import { ApiKeyEntity } from '@toolgate/auth';
import { ManifestEntity, ManifestVersionEntity } from '@toolgate/catalog';
import { IdempotencyRecordEntity } from '@toolgate/invocation';

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
];
