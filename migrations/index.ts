import { CreateApiKeys1795298815811 } from './1795298815811-CreateApiKeys';
import { CreateManifests1795298852706 } from './1795298852706-CreateManifests';
import { CreateIdempotencyKeys1795300000000 } from './1795300000000-CreateIdempotencyKeys';

/** Every migration, in order. The app and the migration CLI both take this list. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  CreateApiKeys1795298815811,
  CreateManifests1795298852706,
  CreateIdempotencyKeys1795300000000,
];
