import { Inject, Injectable } from '@nestjs/common';

import { credentialOf, type DomainException, type Principal, redactJson } from '@toolgate/core';

import { ActionAuditService } from './audit/action-audit.service';
import { effectiveStatus, OPEN_STATUSES } from './checks/action-status.util';
import { confirmRefusal } from './checks/confirm-check.util';
import { type ConfirmationConfig, confirmationConfig } from './confirmation.config';
import { ActionStateConflictException, ActionTokenInvalidException } from './confirmation.exception';
import {
  type ConsumeRequest,
  type HeldAction,
  type HoldRequest,
  type PendingAction,
} from './confirmation.types';
import { PendingActionStore } from './store/pending-action-store.service';
import {
  generateActionToken,
  hashActionToken,
  isWellFormedActionToken,
  payloadDigestOf,
} from './tokens/action-token.util';

const SWEEP_BATCH = 500;
const NOT_HELD = 'The audit trail cannot be written right now; nothing was held or run. Retry shortly.';
const NOT_RUN_RETRY =
  'The audit trail cannot be written right now; nothing was run and the action is still open. Retry the ' +
  'confirm shortly.';
const NOT_RUN_INVOKE_AGAIN =
  'The audit trail cannot be written right now; nothing was run, and the action cannot be confirmed again. ' +
  'Invoke the tool again shortly.';

/** Who stands behind the requester: its credential kind and, for an API key, the key and its creator. */
function requesterCredentialOf(
  principal: Principal,
): Pick<PendingAction, 'requesterKind' | 'requesterKeyId' | 'requesterKeyCreatedBy'> {
  const isKey = principal.kind === 'api_key';
  return {
    requesterKind: principal.kind,
    requesterKeyId: isKey ? (principal.credentialId ?? null) : null,
    requesterKeyCreatedBy: isKey ? (principal.createdBy ?? null) : null,
  };
}

/**
 * Holds tool calls that need confirmation and consumes them on confirm. Transport-neutral: the HTTP invoke
 * and confirm routes use it, and so can any other caller (the MCP server) that authenticated and
 * authorized the principal for the tool first.
 */
@Injectable()
export class ConfirmationService {
  constructor(
    private readonly store: PendingActionStore,
    private readonly audit: ActionAuditService,
    @Inject(confirmationConfig.KEY) private readonly config: ConfirmationConfig,
  ) {}

  /**
   * Stores a pending action bound to this exact call and returns the 202 body (token shown once). When
   * `actions.create` cannot be audited the row is deleted and this throws 503 (nothing was held).
   */
  async hold(request: HoldRequest): Promise<HeldAction> {
    const { principal, decision } = request;
    const token = generateActionToken(this.config.tokenBytes);
    const approval = decision.require_approval;
    const action = await this.store.insert(
      {
        tenant: principal.tenant,
        subject: principal.subject,
        requesterRoles: [...principal.roles],
        ...requesterCredentialOf(principal),
        toolId: request.toolId,
        manifestVersion: request.manifestVersion,
        policyVersion: decision.policy_version,
        payloadDigest: payloadDigestOf(request.input),
        tokenHash: hashActionToken(token),
        requiresApproval: approval !== null,
        approverRoles: approval?.roles ?? [],
        policyRule: approval?.rule ?? null,
        // Redacted and jsonb-safe; the binding is the digest of the exact arguments above.
        arguments: redactJson(request.input, request.sensitiveFields),
        correlationId: request.correlationId,
      },
      this.config.ttlSec,
      this.config.maxOpenPerSubject,
    );
    // The token is handed out only once the creation is audited; otherwise the row goes (nothing was held).
    await this.audit.recordOrUndo(
      'actions.create',
      action,
      {
        subject: principal.subject,
        requestId: request.requestId,
        status: '202',
        decision: 'allow',
        details: {
          expires_at: action.expiresAt.toISOString(),
          approver_roles: action.approverRoles,
          ...credentialOf(principal),
        },
      },
      { run: () => this.store.remove(action.id), undone: NOT_HELD, kept: NOT_HELD },
    );
    return {
      requires_confirmation: true,
      action_id: action.id,
      action_token: token,
      expires_at: action.expiresAt.toISOString(),
      requires_approval: action.requiresApproval,
      correlation_id: action.correlationId,
    };
  }

  /**
   * Consumes the action of `request.actionToken` for this caller, tool and arguments, exactly once (one
   * guarded UPDATE), and records `tools.confirm` (when it cannot be written, the action is reopened and this
   * throws 503: nothing may run). The caller then executes the call under the returned action's correlation
   * id. Throws the domain error of `confirmRefusal` otherwise.
   */
  async consume(request: ConsumeRequest): Promise<PendingAction> {
    if (!isWellFormedActionToken(request.actionToken)) throw new ActionTokenInvalidException();
    const tokenHash = hashActionToken(request.actionToken);
    const digest = payloadDigestOf(request.input);
    const found = await this.store.findByTokenHash(tokenHash);
    const refusal = confirmRefusal(found, request, digest);
    if (refusal) throw await this.refuse(found, request, refusal);
    const consumed = await this.store.consume((found as PendingAction).id, digest);
    if (!consumed) {
      // Another confirm (or a decision, or the clock) changed the action between the read and the UPDATE.
      const now = await this.store.findByTokenHash(tokenHash);
      throw await this.refuse(
        now,
        request,
        confirmRefusal(now, request, digest) ?? new ActionStateConflictException('consumed'),
      );
    }
    // No run without its audit event: when it cannot be written the action is reopened for a retry.
    await this.audit.recordOrUndo(
      'tools.confirm',
      consumed,
      {
        subject: request.principal.subject,
        requestId: request.requestId,
        status: 'ok',
        decision: 'allow',
        sensitiveFields: request.sensitiveFields,
      },
      { run: () => this.store.reopen(consumed.id), undone: NOT_RUN_RETRY, kept: NOT_RUN_INVOKE_AGAIN },
    );
    return consumed;
  }

  /** Marks every open action past its expiry `expired` and audits `actions.expire`; returns how many. */
  async sweepExpired(): Promise<number> {
    let total = 0;
    for (;;) {
      const expired = await this.store.expire(SWEEP_BATCH);
      for (const action of expired) await this.auditExpiry(action);
      total += expired.length;
      if (expired.length < SWEEP_BATCH) return total;
    }
  }

  /** Marks `action` `expired` now (and audits it) when it is open and past its expiry. */
  async expireIfDue(action: PendingAction): Promise<void> {
    if (!OPEN_STATUSES.includes(action.status) || effectiveStatus(action) !== 'expired') return;
    for (const expired of await this.store.expire(1, action.id)) await this.auditExpiry(expired);
  }

  /** Audits a refused confirm against the action it named (same tenant only), expiring it if due. */
  private async refuse(
    action: PendingAction | undefined,
    request: ConsumeRequest,
    refusal: DomainException,
  ): Promise<DomainException> {
    if (!action || action.tenant !== request.principal.tenant) return refusal;
    await this.expireIfDue(action);
    await this.audit.recordQuietly('tools.confirm', action, {
      subject: request.principal.subject,
      requestId: request.requestId,
      status: String(refusal.status),
      decision: 'deny',
      details: { code: refusal.code },
    });
    return refusal;
  }

  private auditExpiry(action: PendingAction): Promise<void> {
    return this.audit.recordQuietly('actions.expire', action, {
      subject: 'system',
      status: 'expired',
      details: { expires_at: action.expiresAt.toISOString() },
    });
  }
}
