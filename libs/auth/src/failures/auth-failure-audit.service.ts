import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { type FastifyRequest } from 'fastify';

import { AUDIT_SINK, type AuditEventInput, type AuditSink, correlationIdOf } from '@toolgate/core';

import { authConfig } from '../auth.config';
import { AuthFailureWindow } from './auth-failure-window.util';

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
export class AuthFailureAuditService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuthFailures');
  private readonly failures = new AuthFailureWindow();
  private flusher?: NodeJS.Timeout;

  constructor(
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  onModuleInit(): void {
    this.flusher = setInterval(() => void this.flush(), this.config.authFailureWindowMs);
    this.flusher.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flusher);
    await this.flush();
  }

  /** Records one failed authentication (or only counts it, when its key was recorded in this window). */
  record(request: FastifyRequest, reason: string, details: Record<string, unknown> = {}): void {
    if (!this.audit) return;
    const route = request.routeOptions?.url ?? '';
    if (!this.failures.admit({ ip: request.ip, route, reason })) return;
    void this.write({
      event: 'auth.failure',
      tenant: AUTH_FAILURE_TENANT,
      status: '401',
      request_id: String(request.id),
      correlation_id: correlationIdOf(request),
      details: { reason, method: request.method, route, ip: request.ip, ...details },
    });
  }

  /** One `auth.failure` per key for the failures of the window that were only counted. */
  async flush(): Promise<void> {
    await Promise.all(
      this.failures.drain().map((counted) =>
        this.write({
          event: 'auth.failure',
          tenant: AUTH_FAILURE_TENANT,
          status: '401',
          details: { ...counted, aggregated: true },
        }),
      ),
    );
  }

  private async write(event: AuditEventInput): Promise<void> {
    await this.audit?.record(event).catch((error: unknown) =>
      this.logger.error({
        msg: 'audit event lost',
        event: event.event,
        request_id: event.request_id,
        err: String(error),
      }),
    );
  }
}
