import { Inject, Injectable } from '@nestjs/common';

import { AuditUnavailableException } from '@toolgate/audit';
import { type Principal } from '@toolgate/core';
import {
  POLICY_RESOURCE_RESOLVER,
  PolicyDeniedException,
  type PolicyResourceResolver,
  PolicyService,
} from '@toolgate/policy';

import { ActionAuditService } from '../audit/action-audit.service';
import { type ActionTransition, canTransition, effectiveStatus } from '../checks/action-status.util';
import { decisionRefusal, personRefusal } from '../checks/decision-check.util';
import {
  ActionDecisionForbiddenException,
  ActionNotFoundException,
  ActionStateConflictException,
} from '../confirmation.exception';
import { ConfirmationService } from '../confirmation.service';
import { type ActionQuery, type PendingAction } from '../confirmation.types';
import { type ActionDto } from '../dto/action.dto';
import { PendingActionStore } from '../store/pending-action-store.service';
import { toActionView } from './action-view.util';

export const APPROVE_ACTION = 'actions:approve';
export const CANCEL_ACTION = 'actions:cancel';

type Decision = Exclude<ActionTransition, 'expire'>;

/**
 * The human side of held actions: approvers list, read, approve and reject them; requesters cancel their
 * own. Every route looks actions up in the caller's tenant only (another tenant's is 404), and the policy
 * decides again on the action itself, its requester as `owner` (separation of duties is a policy rule).
 * Approvals take a person (a JWT principal; an API key may not even read held actions) other than the
 * requester and other than the minter of the API key the requester used: a key, which an admin can mint
 * with any subject and roles, never counts as the second human, nor lets its minter be the first and the
 * second (`decisionRefusal`). An approver must hold one of the action's approver roles and, when the current
 * policy still asks for an approval of this call, one of the roles it names now. Every decision is audited
 * before it counts: when its event cannot be written it is undone and the answer is 503.
 */
@Injectable()
export class ActionsService {
  constructor(
    private readonly store: PendingActionStore,
    private readonly policy: PolicyService,
    private readonly audit: ActionAuditService,
    private readonly confirmation: ConfirmationService,
    @Inject(POLICY_RESOURCE_RESOLVER) private readonly tools: PolicyResourceResolver,
  ) {}

  /** Actions needing one of the caller's roles to approve, in its tenant, by status as of now. */
  async list(principal: Principal, query: ActionQuery): Promise<ActionDto[]> {
    const refusal = personRefusal(principal);
    if (refusal) throw refusal;
    const now = new Date();
    const actions = await this.store.listForApprover(principal.tenant, principal.roles, query);
    return actions.map((action) => toActionView(action, now));
  }

  async get(principal: Principal, id: string): Promise<ActionDto> {
    const refusal = personRefusal(principal);
    if (refusal) throw refusal;
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
      await this.assertCurrentApproverRole(principal, action);
    }
    const status = effectiveStatus(action);
    if (status === 'expired') await this.confirmation.expireIfDue(action);
    if (!canTransition(status, transition)) throw new ActionStateConflictException(status);
    const context = {
      subject: principal.subject,
      requestId,
      status: 'ok',
      decision: 'allow' as const,
      details: { previous_status: status, ...(reason ? { reason } : {}) },
    };
    // The event is written before the decision commits (the row stays locked meanwhile): a confirm can
    // never run on a decision the audit trail lacks, and a failed write leaves the action as it was.
    const applied = await this.store.transition(
      action.id,
      principal.tenant,
      transition,
      { by: principal.subject, roles: [...principal.roles], reason },
      (made) =>
        this.audit.record(`actions.${transition}`, made.action, context).catch((error: unknown) => {
          throw new AuditUnavailableException(
            error,
            `The audit trail cannot be written right now; the action was not ${made.action.status} ` +
              `(it stays ${made.prior.status}). Retry shortly.`,
          );
        }),
    );
    if (!applied) {
      const now = await this.find(principal, id);
      throw new ActionStateConflictException(effectiveStatus(now));
    }
    const changed = applied.action;
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

  /**
   * A reloaded policy may name other approver roles for this call: when it still asks for an approval (the
   * requester's `tools.invoke` decided now, with the roles it held the call with), the approver must hold
   * one of the roles it names now too. A tool no longer visible leaves the held roles alone to decide.
   */
  private async assertCurrentApproverRole(principal: Principal, action: PendingAction): Promise<void> {
    const requester: Principal = {
      subject: action.subject,
      tenant: action.tenant,
      roles: action.requesterRoles,
      scopes: [],
      kind: action.requesterKind ?? 'jwt',
    };
    const tool = await this.tools.resolve(action.toolId, requester);
    if (!tool) return;
    const required = this.policy.decide(requester, 'tools.invoke', tool).require_approval;
    if (!required || required.roles.some((role) => principal.roles.includes(role))) return;
    throw new ActionDecisionForbiddenException(
      `The policy now takes approvals of this call only from the roles: ${required.roles.join(', ')}.`,
    );
  }
}
