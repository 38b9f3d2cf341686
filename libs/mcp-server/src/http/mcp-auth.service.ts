import { Inject, Injectable } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import {
  AuthFailureAuditService,
  AuthService,
  InvalidTokenException,
  MissingTokenException,
} from '@toolgate/auth';
import { type Principal } from '@toolgate/core';

import { type McpServerConfig, mcpServerConfig } from '../mcp-server.config';
import { McpUnauthorizedException } from '../mcp-server.exception';

/** Where agents find how to get a token for `/mcp` (RFC 9728). */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/**
 * Authentication of `/mcp` requests with the gateway's own verifier (JWT or `tg_` API key; the token is
 * never forwarded upstream). A missing or rejected credential is a 401 whose challenge carries
 * `resource_metadata`, audited as `auth.failure` in the `_gateway` chain like the REST guard's (the first
 * failure per IP, route and reason in each window on its own, the rest of that window as one event with a
 * `count`: `AuthFailureAuditService`).
 */
@Injectable()
export class McpAuthService {
  constructor(
    private readonly auth: AuthService,
    private readonly failures: AuthFailureAuditService,
    @Inject(mcpServerConfig.KEY) private readonly config: McpServerConfig,
  ) {}

  get resourceMetadataUrl(): string {
    return `${this.config.publicUrl}${PROTECTED_RESOURCE_PATH}`;
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    try {
      return await this.auth.authenticateRequest(request);
    } catch (error) {
      const missing = error instanceof MissingTokenException;
      if (!missing && !(error instanceof InvalidTokenException)) throw error;
      this.auditFailure(request, missing ? 'no credential' : error.reason);
      throw new McpUnauthorizedException(
        error.code,
        missing
          ? 'MCP requests need an Authorization: Bearer credential (a JWT or a tg_ API key).'
          : 'The credential is invalid, expired or revoked.',
        this.resourceMetadataUrl,
        !missing,
      );
    }
  }

  private auditFailure(request: FastifyRequest, reason: string): void {
    this.failures.record(request, reason, { transport: 'mcp' });
  }
}
