import { Inject, Injectable, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type FastifyRequest } from 'fastify';

import {
  AggregatedAuditor,
  AUDIT_SINK,
  type AuditEventInput,
  type AuditSink,
  correlationIdOf,
} from '@toolgate/core';

import { authConfig } from '../auth.config';
import { type AuthFailureCount, type AuthFailureKey, AuthFailureWindow } from './auth-failure-window.util';

/**
 * Unauthenticated callers have no tenant: their failures go to the gateway's own audit chain, never to
 * the tenant a token merely claims (an attacker could otherwise flood any tenant's trail).
 */
export const AUTH_FAILURE_TENANT = '_gateway';

/**
 * Audits 401s (`auth.failure`, `_gateway` chain) for the REST guard and `/mcp` alike, without holding
 * the answer back. The audit trail is append-only, so a flood of bad credentials must not grow it at
 * the attacker's rate: the first failure per IP, route and reason in each `AUTH_FAILURE_WINDOW_SEC` window
 * is recorded on its own (with its request id and details), the rest of that window as one event with
 * a `count`. A lost event is logged.
 */
@Injectable()
export class AuthFailureAuditService extends AggregatedAuditor<AuthFailureKey> {
  constructor(
    @Inject(authConfig.KEY) config: ConfigType<typeof authConfig>,
    @Optional() @Inject(AUDIT_SINK) audit?: AuditSink,
  ) {
    super('AuthFailures', new AuthFailureWindow(), config.authFailureWindowMs, audit);
  }

  /** Records one failed authentication (or only counts it, when its key was recorded in this window). */
  record(request: FastifyRequest, reason: string, details: Record<string, unknown> = {}): void {
    const route = request.routeOptions?.url ?? '';
    this.occurred({ ip: request.ip, route, reason }, () => ({
      event: 'auth.failure',
      tenant: AUTH_FAILURE_TENANT,
      status: '401',
      request_id: String(request.id),
      correlation_id: correlationIdOf(request),
      details: { reason, method: request.method, route, ip: request.ip, ...details },
    }));
  }

  protected countedEvent(counted: AuthFailureCount): AuditEventInput {
    return {
      event: 'auth.failure',
      tenant: AUTH_FAILURE_TENANT,
      status: '401',
      details: { ...counted, aggregated: true },
    };
  }
}
