import {
  ConflictException,
  DomainException,
  type ProblemViolation,
  ProviderUpstreamException,
} from '@toolgate/core';

import { MCP_PROVIDER_KEY } from './mcp-provider.types';

export class McpServerNotFoundException extends DomainException {
  constructor(name: string) {
    super('MCP.SERVER_NOT_FOUND', 404, 'Not Found', { detail: `No MCP server ${name} is registered.` });
  }
}

export class McpToolNotFoundException extends DomainException {
  constructor(server: string, tool: string) {
    super('MCP.TOOL_NOT_FOUND', 404, 'Not Found', {
      detail: `MCP server ${server} has no known tool ${tool}.`,
    });
  }
}

export class McpServerExistsException extends ConflictException {
  constructor(name: string, source: 'env' | 'api') {
    super(
      'MCP.SERVER_EXISTS',
      source === 'env'
        ? `MCP server ${name} is defined by the environment (MCP_*_URL).`
        : `An MCP server named ${name} is already registered.`,
    );
  }
}

export class McpEnvServerReadOnlyException extends ConflictException {
  constructor(name: string) {
    super('MCP.SERVER_READ_ONLY', `MCP server ${name} is defined by the environment; change it there.`);
  }
}

export class McpApprovalConflictException extends ConflictException {
  constructor(detail: string) {
    super('MCP.APPROVAL_CONFLICT', detail);
  }
}

/** The registration is refused (stdio command not allow-listed, URL refused by the SSRF guard, …). */
export class InvalidMcpServerException extends DomainException {
  constructor(errors: ProblemViolation[]) {
    super('MCP.INVALID_SERVER', 422, 'Unprocessable Content', {
      detail: 'The MCP server registration is not acceptable.',
      errors,
    });
  }
}

/** Upstream MCP servers are shared by every tenant: only platform admins of `public` manage them. */
export class McpTenantForbiddenException extends DomainException {
  constructor() {
    super('MCP.TENANT_FORBIDDEN', 403, 'Forbidden', {
      detail:
        'MCP servers are shared by every tenant; only platform admins of the public tenant change them.',
    });
  }
}

/** An upstream answer (HTTP body, SSE event or stdio line) over `MCP_MAX_RESPONSE_BYTES`: nothing more is read. */
export class McpAnswerTooLargeException extends ProviderUpstreamException {
  constructor(server: string, limitBytes: number) {
    super(
      MCP_PROVIDER_KEY,
      `MCP server ${server} answered more than ${limitBytes} bytes (MCP_MAX_RESPONSE_BYTES).`,
      { extensions: { server, limit_bytes: limitBytes } },
    );
  }
}

/** An upstream answered with a redirect: redirects are never followed (the SSRF guard checked this URL only). */
export class McpRedirectException extends ProviderUpstreamException {
  constructor(server: string, status: number) {
    super(
      MCP_PROVIDER_KEY,
      `MCP server ${server} answered with a redirect (HTTP ${status}); redirects are not followed.`,
      { extensions: { server, upstream_status: status } },
    );
  }
}
