import { type ActionStatus, type PendingAction } from '../confirmation.types';

/** Statuses from which an action can still run. */
export const OPEN_STATUSES: readonly ActionStatus[] = ['pending', 'approved'];

export type ActionTransition = 'approve' | 'reject' | 'cancel' | 'expire';

/** Where each transition may start (`consume` is separate: see `consumableStatus`). */
export const TRANSITION_FROM: Readonly<Record<ActionTransition, readonly ActionStatus[]>> = {
  approve: ['pending'],
  reject: ['pending'],
  cancel: ['pending', 'approved'],
  expire: ['pending', 'approved'],
};

export const TRANSITION_TO: Readonly<Record<ActionTransition, ActionStatus>> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  expire: 'expired',
};

/** The status an action has now: an open action past its expiry is `expired`, swept or not. */
export function effectiveStatus(
  action: Pick<PendingAction, 'status' | 'expiresAt'>,
  now: Date = new Date(),
): ActionStatus {
  if (OPEN_STATUSES.includes(action.status) && action.expiresAt.getTime() <= now.getTime()) return 'expired';
  return action.status;
}

/** The one status a confirm consumes from: `approved` when an approval is required, else `pending`. */
export function consumableStatus(requiresApproval: boolean): ActionStatus {
  return requiresApproval ? 'approved' : 'pending';
}

/** Whether `transition` may be applied to an action in `status` (already made effective). */
export function canTransition(status: ActionStatus, transition: ActionTransition): boolean {
  return TRANSITION_FROM[transition].includes(status);
}
