import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type FastifyRequest } from 'fastify';

import { attachPrincipal, DomainException, IS_PUBLIC_KEY, sha256Hex } from '@toolgate/core';

import { InvalidTokenException } from './auth.exception';
import { AuthService } from './auth.service';
import { extractBearerToken } from './bearer-token.util';
import { AuthFailureAuditService } from './failures/auth-failure-audit.service';

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
 * (`auth.failure`, grouped per source and window by `AuthFailureAuditService`).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly failures: AuthFailureAuditService,
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
    const reason = error instanceof InvalidTokenException ? error.reason : 'no credential';
    this.failures.record(request, reason, {
      code: error.code,
      credential_fingerprint: fingerprintOf(request),
    });
  }
}
