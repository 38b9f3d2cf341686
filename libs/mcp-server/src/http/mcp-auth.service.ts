import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type FastifyRequest } from 'fastify';

import { AuthService, InvalidTokenException, MissingTokenException } from '@toolgate/auth';
import { AUDIT_SINK, type AuditSink, type Principal } from '@toolgate/core';

import { type McpServerConfig, mcpServerConfig } from '../mcp-server.config';
import { McpUnauthorizedException } from '../mcp-server.exception';

/** Where agents find how to get a token for `/mcp` (RFC 9728). */
export const PROTECTED_RESOURCE_PATH = '/.well-known/oauth-protected-resource';

/**
 * Authentication of `/mcp` requests with the gateway's own verifier (JWT or `tg_` API key; the token is
 * never forwarded upstream). A missing or rejected credential is a 401 whose challenge carries
 * `resource_metadata`, audited as `auth.failure` like the REST guard does.
 */
@Injectable()
export class McpAuthService {
  private readonly logger = new Logger('McpAuth');

  constructor(
    private readonly auth: AuthService,
    @Inject(mcpServerConfig.KEY) private readonly config: McpServerConfig,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
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
    this.audit
      ?.record({
        event: 'auth.failure',
        tenant: '_gateway',
        status: '401',
        request_id: String(request.id),
        correlation_id: String(request.id),
        details: {
          reason,
          method: request.method,
          route: request.routeOptions?.url,
          ip: request.ip,
          transport: 'mcp',
        },
      })
      .catch((error: unknown) =>
        this.logger.error({
          msg: 'audit event lost',
          event: 'auth.failure',
          request_id: String(request.id),
          err: String(error),
        }),
      );
  }
}
