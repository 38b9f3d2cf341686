import { DomainException } from '@toolgate/core';

import { type ActionStatus } from './confirmation.types';

/** 401: unknown or malformed action token, or one issued for another tool. */
export class ActionTokenInvalidException extends DomainException {
  constructor() {
    super('CONFIRMATION.INVALID_TOKEN', 401, 'Unauthorized', {
      detail: 'The action token is not valid for this tool.',
    });
  }
}

/** 401: the action's confirmation window is over. */
export class ActionExpiredException extends DomainException {
  constructor() {
    super('CONFIRMATION.EXPIRED', 401, 'Unauthorized', {
      detail: 'The action token has expired; invoke the tool again.',
    });
  }
}

/** 404: the action does not exist for the caller (another tenant's, or another subject's token). */
export class ActionNotFoundException extends DomainException {
  constructor() {
    super('CONFIRMATION.NOT_FOUND', 404, 'Not Found', { detail: 'No such action is available to you.' });
  }
}

/** 422: the confirm's arguments are not those of the invoke; the action stays pending. */
export class ActionPayloadMismatchException extends DomainException {
  constructor() {
    super('CONFIRMATION.PAYLOAD_MISMATCH', 422, 'Unprocessable Content', {
      detail: 'The arguments differ from those the action was held with; it stays pending.',
    });
  }
}

const STATE_DETAIL: Partial<Record<ActionStatus | 'awaiting_approval', [string, string]>> = {
  consumed: ['CONFIRMATION.ALREADY_CONSUMED', 'The action was already confirmed.'],
  rejected: ['CONFIRMATION.REJECTED', 'An approver rejected the action.'],
  cancelled: ['CONFIRMATION.CANCELLED', 'The requester cancelled the action.'],
  awaiting_approval: [
    'CONFIRMATION.AWAITING_APPROVAL',
    'The action awaits an approver; confirm after approval.',
  ],
  expired: ['CONFIRMATION.EXPIRED', 'The action has expired.'],
  approved: ['ACTIONS.NOT_PENDING', 'The action was already approved.'],
};

/** 409: the action's status does not allow this (consumed, rejected, cancelled, awaiting approval…). */
export class ActionStateConflictException extends DomainException {
  constructor(state: ActionStatus | 'awaiting_approval') {
    const [code, detail] = STATE_DETAIL[state] ?? ['ACTIONS.NOT_PENDING', `The action is ${state}.`];
    super(code, 409, 'Conflict', { detail, extensions: { action_status: state } });
  }
}

/** 409: the tool's manifest changed since the invoke; the held call no longer describes what would run. */
export class ActionManifestChangedException extends DomainException {
  constructor(held: number, current: number) {
    super('CONFIRMATION.MANIFEST_CHANGED', 409, 'Conflict', {
      detail: `The tool changed since the invoke (version ${held}, now ${current}); invoke it again.`,
      extensions: { held_version: held, current_version: current },
    });
  }
}

/**
 * 409: the policy now asks for an approval the held action was not created with, or (`approverRoles`) it no
 * longer accepts the approval the action got: the approver held none of the roles it now names.
 */
export class ActionPolicyChangedException extends DomainException {
  constructor(approverRoles?: string[]) {
    super(
      'CONFIRMATION.POLICY_CHANGED',
      409,
      'Conflict',
      approverRoles
        ? {
            detail:
              'The policy changed since the approval: it now takes an approver holding one of ' +
              `${approverRoles.join(', ')}, and this approval does not qualify. Invoke the tool again.`,
            extensions: { approver_roles: approverRoles },
          }
        : { detail: 'The policy now requires an approval for this call; invoke the tool again.' },
    );
  }
}

/** 429: the subject already holds the maximum number of open actions. */
export class TooManyOpenActionsException extends DomainException {
  constructor(max: number, retryAfter: number) {
    super('CONFIRMATION.TOO_MANY_OPEN', 429, 'Too Many Requests', {
      detail: `You already hold ${max} open actions; confirm, cancel or let some expire first.`,
      extensions: { max_open_actions: max, retry_after_seconds: retryAfter },
      headers: { 'retry-after': String(retryAfter) },
    });
  }
}

/** 403: the caller may not decide this action (not one of its approver roles, or its own request). */
export class ActionDecisionForbiddenException extends DomainException {
  constructor(detail: string) {
    super('ACTIONS.FORBIDDEN', 403, 'Forbidden', { detail });
  }
}

/** 422: the confirm body carries no `action_token` string. */
export class ActionTokenMissingException extends DomainException {
  constructor() {
    super('REQUEST.VALIDATION_FAILED', 422, 'Unprocessable Content', {
      detail:
        'The body must be a JSON object with an `action_token` string and the same arguments (or send the ' +
        'token in the `Action-Token` header and only the arguments as the body).',
      errors: [{ pointer: '/action_token', detail: 'must be a string' }],
    });
  }
}
