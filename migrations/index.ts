import { CreateApiKeys1795298815811 } from './1795298815811-CreateApiKeys';
import { CreateManifests1795298852706 } from './1795298852706-CreateManifests';
import { CreateIdempotencyKeys1795300000000 } from './1795300000000-CreateIdempotencyKeys';
import { CreatePendingActions1795300810072 } from './1795300810072-CreatePendingActions';
import { CreateAuditEvents1795301048581 } from './1795301048581-CreateAuditEvents';
import { CreateAdsSandbox1795301078683 } from './1795301078683-CreateAdsSandbox';
import { CreateHttpApis1795301952816 } from './1795301952816-CreateHttpApis';
import { CreateMcpServers1795302986646 } from './1795302986646-CreateMcpServers';
import { AddPendingActionRequesterKey1796221337798 } from './1796221337798-AddPendingActionRequesterKey';
import { AddApiKeyParent1796263826861 } from './1796263826861-AddApiKeyParent';
import { AddPendingActionDeciderRoles1796263941679 } from './1796263941679-AddPendingActionDeciderRoles';

/** Every migration, in order. The app and the migration CLI both take this list. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const MIGRATIONS: Function[] = [
  CreateApiKeys1795298815811,
  CreateManifests1795298852706,
  CreateIdempotencyKeys1795300000000,
  CreatePendingActions1795300810072,
  CreateAuditEvents1795301048581,
  CreateAdsSandbox1795301078683,
  CreateHttpApis1795301952816,
  CreateMcpServers1795302986646,
  AddPendingActionRequesterKey1796221337798,
  AddApiKeyParent1796263826861,
  AddPendingActionDeciderRoles1796263941679,
];
