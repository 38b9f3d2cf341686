import { ConflictException, DomainException, type ProblemViolation } from '@toolgate/core';

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
