export { ConfirmationModule } from './confirmation.module';
export { ConfirmationService } from './confirmation.service';
export { ActionsService } from './actions/actions.service';
export { confirmationConfig, type ConfirmationConfig } from './confirmation.config';
export {
  ACTION_STATUSES,
  type ActionStatus,
  type ConsumeRequest,
  type HeldAction,
  type HoldRequest,
  type PendingAction,
} from './confirmation.types';
export { splitConfirmBody } from './checks/confirm-check.util';
export { payloadDigestOf } from './tokens/action-token.util';
export { PendingActionEntity } from './entities/pending-action.entity';
export {
  ActionExpiredException,
  ActionManifestChangedException,
  ActionNotFoundException,
  ActionPayloadMismatchException,
  ActionPolicyChangedException,
  ActionStateConflictException,
  ActionTokenInvalidException,
  TooManyOpenActionsException,
} from './confirmation.exception';
