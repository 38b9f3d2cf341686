import {
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';

import {
  attachPrincipal,
  AUDIT_SINK,
  type AuditSink,
  DomainException,
  IS_PUBLIC_KEY,
  sha256Hex,
} from '@toolgate/core';

import { InvalidTokenException } from './auth.exception';
import { AuthService } from './auth.service';
import { extractBearerToken } from './bearer-token.util';

/**
 * Unauthenticated callers have no tenant: their failures go to the gateway's own audit chain, never to
 * the tenant a token merely claims (an attacker could otherwise flood any tenant's trail).
 */
export const AUTH_FAILURE_TENANT = '_gateway';

/** First 12 hex digits of the SHA-256 of the credential: correlates failures, reveals nothing. */
function fingerprintOf(request: FastifyRequest): string | undefined {
  try {
    return sha256Hex(extractBearerToken(request.raw.rawHeaders)).slice(0, 12);
  } catch {
    return undefined;
  }
}

/**
 * Global guard (runs before the policy guard): every route needs a valid bearer credential unless it is
 * marked `@Public()`. On success the principal is attached to the request; a 401 is audited
 * (`auth.failure`, without holding the answer back; a lost event is logged).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    try {
      attachPrincipal(request, await this.auth.authenticateRequest(request));
    } catch (error) {
      if (error instanceof DomainException && error.status === 401) this.auditFailure(request, error);
      throw error;
    }
    return true;
  }

  private auditFailure(request: FastifyRequest, error: DomainException): void {
    this.audit
      ?.record({
        event: 'auth.failure',
        tenant: AUTH_FAILURE_TENANT,
        status: '401',
        request_id: String(request.id),
        correlation_id: String(request.id),
        details: {
          code: error.code,
          reason: error instanceof InvalidTokenException ? error.reason : 'no credential',
          credential_fingerprint: fingerprintOf(request),
          method: request.method,
          route: request.routeOptions?.url,
          ip: request.ip,
        },
      })
      .catch((auditError: unknown) =>
        this.logger.error({
          msg: 'audit event lost',
          event: 'auth.failure',
          request_id: request.id,
          err: String(auditError),
        }),
      );
  }
}
