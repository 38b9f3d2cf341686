import { Inject, Injectable, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import {
  AggregatedAuditor,
  type AggregatedCount,
  AggregationWindow,
  AUDIT_SINK,
  type AuditEventInput,
  type AuditSink,
  type Principal,
} from '@toolgate/core';

import { invocationConfig } from '../invocation.config';

/** One refused request (429), as the REST guard or the MCP server saw it. */
export interface RateLimitRefusal {
  principal: Principal;
  /** `api`, `tools` or `tool:<id>`. */
  bucket: string;
  transport: 'rest' | 'mcp';
  toolId?: string;
  requestId: string;
  correlationId?: string;
  retryAfter: number;
  /** More context for the event recorded on its own (route, method). */
  details?: Record<string, unknown>;
}

/** What refusals are grouped by. */
interface RefusalKey {
  tenant: string;
  subject: string;
  bucket: string;
  transport: string;
}

/** Beyond this many keys in one window, further refusals are counted together (memory stays bounded). */
export const MAX_RATE_LIMITED_KEYS = 1000;
const OVERFLOW: RefusalKey = { tenant: '*', subject: '*', bucket: '*', transport: '*' };
/** The gateway's own chain: the overflow count belongs to no single tenant. */
const GATEWAY_TENANT = '_gateway';

/**
 * Audits 429s (`rate.limited`) for the REST guard and `/mcp` alike, without holding the answer back. The
 * trail is append-only, so refused traffic must not grow it at the sender's rate: the first refusal per
 * tenant, subject, bucket and transport in each `RATE_LIMIT_AUDIT_WINDOW_SEC` window is recorded on its
 * own (with its request id), the rest of that window as one event with a `count` when the window closes
 * (and at shutdown). Beyond `MAX_RATE_LIMITED_KEYS` keys, one `_gateway` event counts the others. A lost
 * event is logged.
 */
@Injectable()
export class RateLimitAuditService extends AggregatedAuditor<RefusalKey> {
  constructor(
    @Inject(invocationConfig.KEY) private readonly config: ConfigType<typeof invocationConfig>,
    @Optional() @Inject(AUDIT_SINK) audit?: AuditSink,
  ) {
    super(
      'RateLimit',
      new AggregationWindow<RefusalKey>(OVERFLOW, MAX_RATE_LIMITED_KEYS),
      config.rateLimitAuditWindowMs,
      audit,
    );
  }

  /** Records one refusal (or only counts it, when its key was recorded in this window). */
  record(refusal: RateLimitRefusal): void {
    const { tenant, subject } = refusal.principal;
    const { bucket, transport } = refusal;
    this.occurred({ tenant, subject, bucket, transport }, () => ({
      event: 'rate.limited',
      tenant,
      subject,
      tool_id: refusal.toolId,
      status: '429',
      request_id: refusal.requestId,
      correlation_id: refusal.correlationId,
      details: { bucket, transport, retry_after_seconds: refusal.retryAfter, ...refusal.details },
    }));
  }

  protected countedEvent(counted: AggregatedCount<RefusalKey>): AuditEventInput {
    const details = { window_sec: this.config.rateLimitAuditWindowMs / 1000, aggregated: true };
    // Only the overflow key has transport `*` (a refusal's is `rest` or `mcp`, whatever its tenant).
    if (counted.transport === OVERFLOW.transport)
      return {
        event: 'rate.limited',
        tenant: GATEWAY_TENANT,
        status: '429',
        details: { ...counted, ...details },
      };
    const { tenant, subject, ...rest } = counted;
    return { event: 'rate.limited', tenant, subject, status: '429', details: { ...rest, ...details } };
  }
}
