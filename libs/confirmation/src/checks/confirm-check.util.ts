import { type DomainException } from '@toolgate/core';

import {
  ActionExpiredException,
  ActionManifestChangedException,
  ActionNotFoundException,
  ActionPayloadMismatchException,
  ActionPolicyChangedException,
  ActionStateConflictException,
  ActionTokenInvalidException,
  ActionTokenMissingException,
} from '../confirmation.exception';
import { type ConsumeRequest, type PendingAction } from '../confirmation.types';
import { effectiveStatus } from './action-status.util';

/**
 * Splits a confirm into the action token and the arguments it must match. With an `Action-Token` header the
 * whole body is the arguments (for tools that have an argument named `action_token`); otherwise the body's
 * `action_token` member is the token and the other members are the arguments.
 */
export function splitConfirmBody(
  body: unknown,
  headerToken?: string | string[],
): { actionToken: string; input: Record<string, unknown> } {
  if (headerToken !== undefined) {
    if (typeof headerToken !== 'string' || headerToken.length === 0) throw new ActionTokenMissingException();
    if (body === undefined || body === null) return { actionToken: headerToken, input: {} };
    if (typeof body !== 'object' || Array.isArray(body)) throw new ActionTokenMissingException();
    return { actionToken: headerToken, input: body as Record<string, unknown> };
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new ActionTokenMissingException();
  const { action_token: actionToken, ...input } = body as Record<string, unknown>;
  if (typeof actionToken !== 'string') throw new ActionTokenMissingException();
  return { actionToken, input };
}

/**
 * Why a confirm may not consume `action` (found by its token hash), or undefined when it may. Order:
 * unknown token 401; another tenant's or subject's 404; another tool's 401; expired 401; consumed, rejected,
 * cancelled or awaiting approval 409; other arguments 422; manifest changed, approval newly required, or an
 * approval by someone the policy no longer takes as approver 409.
 */
export function confirmRefusal(
  action: PendingAction | undefined,
  request: Pick<ConsumeRequest, 'principal' | 'toolId' | 'manifestVersion' | 'decision'>,
  payloadDigest: string,
  now: Date = new Date(),
): DomainException | undefined {
  if (!action) return new ActionTokenInvalidException();
  if (action.tenant !== request.principal.tenant || action.subject !== request.principal.subject) {
    return new ActionNotFoundException();
  }
  if (action.toolId !== request.toolId) return new ActionTokenInvalidException();
  const status = effectiveStatus(action, now);
  if (status === 'expired') return new ActionExpiredException();
  if (status === 'consumed' || status === 'rejected' || status === 'cancelled') {
    return new ActionStateConflictException(status);
  }
  if (status === 'pending' && action.requiresApproval)
    return new ActionStateConflictException('awaiting_approval');
  if (action.payloadDigest !== payloadDigest) return new ActionPayloadMismatchException();
  if (action.manifestVersion !== request.manifestVersion) {
    return new ActionManifestChangedException(action.manifestVersion, request.manifestVersion);
  }
  const required = request.decision.require_approval;
  if (required && !action.requiresApproval) return new ActionPolicyChangedException();
  if (required && !approvalQualifies(action, required.roles))
    return new ActionPolicyChangedException(required.roles);
  return undefined;
}

/**
 * Whether the approval `action` got counts under a policy taking approvers with one of `roles`: the approver
 * held one of them. For an approval given before the approver's roles were recorded, only when every role
 * the action was held with is still accepted (whichever the approver held then qualifies now).
 */
export function approvalQualifies(
  action: Pick<PendingAction, 'decidedByRoles' | 'approverRoles'>,
  roles: readonly string[],
): boolean {
  if (action.decidedByRoles) return action.decidedByRoles.some((role) => roles.includes(role));
  return action.approverRoles.length > 0 && action.approverRoles.every((role) => roles.includes(role));
}
