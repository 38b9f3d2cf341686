import { Injectable } from '@nestjs/common';

import { type Principal } from '@toolgate/core';
import { PolicyDeniedException, PolicyService } from '@toolgate/policy';

import { ActionAuditService } from './action-audit.service';
import { type ActionTransition, canTransition, effectiveStatus } from './action-status.util';
import { toActionView } from './action-view.util';
import {
  ActionDecisionForbiddenException,
  ActionNotFoundException,
  ActionStateConflictException,
} from './confirmation.exception';
import { ConfirmationService } from './confirmation.service';
import { type ActionQuery, type PendingAction } from './confirmation.types';
import { decisionRefusal } from './decision-check.util';
import { type ActionDto } from './dto/action.dto';
import { PendingActionStore } from './pending-action-store.service';

export const APPROVE_ACTION = 'actions:approve';
export const CANCEL_ACTION = 'actions:cancel';

type Decision = Exclude<ActionTransition, 'expire'>;

/**
 * The human side of held actions: approvers list, read, approve and reject them; requesters cancel their
 * own. Every route looks actions up in the caller's tenant only (another tenant's is 404), and the policy
 * decides again on the action itself, its requester as `owner` (separation of duties is a policy rule).
 * Approving and rejecting take a person (a JWT principal) other than the requester and other than the
 * minter of the API key the requester used: a key, which an admin can mint with any subject and roles, never
 * counts as the second human, nor lets its minter be the first and the second (`decisionRefusal`).
 */
@Injectable()
export class ActionsService {
  constructor(
    private readonly store: PendingActionStore,
    private readonly policy: PolicyService,
    private readonly audit: ActionAuditService,
    private readonly confirmation: ConfirmationService,
  ) {}

  /** Actions needing one of the caller's roles to approve, in its tenant, by status as of now. */
  async list(principal: Principal, query: ActionQuery): Promise<ActionDto[]> {
    const now = new Date();
    const actions = await this.store.listForApprover(principal.tenant, principal.roles, query);
    return actions.map((action) => toActionView(action, now));
  }

  async get(principal: Principal, id: string): Promise<ActionDto> {
    const action = await this.find(principal, id);
    this.assertApproverRole(principal, action);
    return toActionView(action);
  }

  approve(principal: Principal, id: string, reason: string | null, requestId: string): Promise<ActionDto> {
    return this.decide(principal, id, 'approve', reason, requestId);
  }

  reject(principal: Principal, id: string, reason: string, requestId: string): Promise<ActionDto> {
    return this.decide(principal, id, 'reject', reason, requestId);
  }

  cancel(principal: Principal, id: string, requestId: string): Promise<ActionDto> {
    return this.decide(principal, id, 'cancel', null, requestId);
  }

  private async decide(
    principal: Principal,
    id: string,
    transition: Decision,
    reason: string | null,
    requestId: string,
  ): Promise<ActionDto> {
    const action = await this.find(principal, id);
    const policyAction = transition === 'cancel' ? CANCEL_ACTION : APPROVE_ACTION;
    const decision = this.policy.decide(principal, policyAction, {
      tenant: action.tenant,
      owner: action.subject,
      toolId: action.toolId,
    });
    if (!decision.allowed) throw new PolicyDeniedException(policyAction, decision);
    if (transition !== 'cancel') {
      const refusal = decisionRefusal(principal, action);
      if (refusal) throw refusal;
      this.assertApproverRole(principal, action);
    }
    const status = effectiveStatus(action);
    if (status === 'expired') await this.confirmation.expireIfDue(action);
    if (!canTransition(status, transition)) throw new ActionStateConflictException(status);
    const changed = await this.store.transition(action.id, principal.tenant, transition, {
      by: principal.subject,
      reason,
    });
    if (!changed) {
      const now = await this.find(principal, id);
      throw new ActionStateConflictException(effectiveStatus(now));
    }
    await this.audit.recordQuietly(`actions.${transition}`, changed, {
      subject: principal.subject,
      requestId,
      status: 'ok',
      decision: 'allow',
      details: { previous_status: status, ...(reason ? { reason } : {}) },
    });
    return toActionView(changed);
  }

  private async find(principal: Principal, id: string): Promise<PendingAction> {
    const action = await this.store.findInTenant(id, principal.tenant);
    if (!action) throw new ActionNotFoundException();
    return action;
  }

  /** Only holders of one of the action's approver roles may see or decide it. */
  private assertApproverRole(principal: Principal, action: PendingAction): void {
    if (!action.requiresApproval) {
      throw new ActionDecisionForbiddenException(
        'This action needs no approval; only its requester confirms it.',
      );
    }
    if (!action.approverRoles.some((role) => principal.roles.includes(role))) {
      throw new ActionDecisionForbiddenException(
        `Approving this action needs one of the roles: ${action.approverRoles.join(', ')}.`,
      );
    }
  }
}
