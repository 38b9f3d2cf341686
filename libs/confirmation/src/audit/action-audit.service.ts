import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

import { AuditUnavailableException } from '@toolgate/audit';
import { AUDIT_SINK, type AuditSink } from '@toolgate/core';

import { type PendingAction } from '../confirmation.types';

export interface ActionEventContext {
  /** Who acted (requester, approver, or `system` for the sweep). */
  subject: string;
  requestId?: string;
  /** `ok`, or the HTTP status of a refusal as text. */
  status: string;
  decision?: 'allow' | 'deny';
  details?: Record<string, unknown>;
  sensitiveFields?: string[];
}

/**
 * Records confirmation events through the application's audit sink: `actions.create|approve|reject|cancel|
 * expire` and `tools.confirm`. Never the action token (its hash neither); arguments only redacted.
 */
@Injectable()
export class ActionAuditService {
  private readonly logger = new Logger('ActionAudit');

  constructor(@Optional() @Inject(AUDIT_SINK) private readonly sink?: AuditSink) {}

  /** Resolves once the event is durable; rejects when it could not be written. */
  async record(event: string, action: PendingAction, context: ActionEventContext): Promise<void> {
    await this.sink?.record({
      event,
      tenant: action.tenant,
      subject: context.subject,
      tool_id: action.toolId,
      decision: context.decision,
      status: context.status,
      request_id: context.requestId,
      correlation_id: action.correlationId,
      payload_digest: action.payloadDigest,
      policy_version: action.policyVersion,
      sensitive_fields: context.sensitiveFields,
      details: {
        action_id: action.id,
        requester: action.subject,
        requires_approval: action.requiresApproval,
        ...(action.policyRule ? { policy_rule: action.policyRule } : {}),
        ...context.details,
      },
    });
  }

  /**
   * Records the event of a change already committed; when it cannot be written, `undo` takes the change
   * back (resolving true, or false when it could not) and the caller gets 503 `AUDIT.UNAVAILABLE` with the
   * detail that says which happened. No change stands without its audit event unless the undo fails.
   */
  async recordOrUndo(
    event: string,
    action: PendingAction,
    context: ActionEventContext,
    undo: { run: () => Promise<boolean>; undone: string; kept: string },
  ): Promise<void> {
    try {
      await this.record(event, action, context);
    } catch (error) {
      const undone = await this.tryUndo(event, action, undo.run);
      this.logger.error({
        msg: undone ? 'audit event not recorded: change undone' : 'audit event not recorded: change kept',
        event,
        action_id: action.id,
        error: String(error),
      });
      throw new AuditUnavailableException(error, undone ? undo.undone : undo.kept);
    }
  }

  private async tryUndo(event: string, action: PendingAction, run: () => Promise<boolean>): Promise<boolean> {
    try {
      return await run();
    } catch (error) {
      this.logger.error({ msg: 'undo failed', event, action_id: action.id, error: String(error) });
      return false;
    }
  }

  /** Records without failing the caller (the state change is already committed); failures are logged. */
  async recordQuietly(event: string, action: PendingAction, context: ActionEventContext): Promise<void> {
    try {
      await this.record(event, action, context);
    } catch (error) {
      this.logger.error({
        msg: 'audit event not recorded',
        event,
        action_id: action.id,
        error: String(error),
      });
    }
  }
}
