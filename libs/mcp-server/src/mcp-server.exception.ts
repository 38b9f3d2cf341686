import { DomainException } from '@toolgate/core';

/** 401 on `/mcp`: the challenge names the protected resource metadata (RFC 9728) so clients find the IdP. */
export class McpUnauthorizedException extends DomainException {
  constructor(code: string, detail: string, resourceMetadataUrl: string, invalid: boolean) {
    super(code, 401, 'Unauthorized', {
      detail,
      headers: {
        'www-authenticate':
          `Bearer realm="toolgate", resource_metadata="${resourceMetadataUrl}"` +
          (invalid ? ', error="invalid_token"' : ''),
      },
    });
  }
}

/** An unknown or expired `Mcp-Session-Id` (or one of another caller): the client starts a new session. */
export class McpSessionNotFoundException extends DomainException {
  constructor() {
    super('MCP.SESSION_NOT_FOUND', 404, 'Not Found', {
      detail: 'No such MCP session: initialize a new one.',
    });
  }
}

export class McpBadRequestException extends DomainException {
  constructor(detail: string) {
    super('MCP.BAD_REQUEST', 400, 'Bad Request', { detail });
  }
}

/** The replica is full and no session may be taken for the caller (see `makeRoom`). */
export class McpSessionsExhaustedException extends DomainException {
  constructor() {
    super('MCP.TOO_MANY_SESSIONS', 503, 'Service Unavailable', {
      detail: 'This gateway holds too many MCP sessions; retry shortly.',
      headers: { 'retry-after': '5' },
    });
  }
}

/** The caller's own sessions are at `MCP_MAX_SESSIONS_PER_PRINCIPAL` and all busy: close one first. */
export class McpSessionLimitException extends DomainException {
  constructor(limit: number) {
    super('MCP.SESSION_LIMIT', 429, 'Too Many Requests', {
      detail: `You hold ${limit} MCP sessions, all with requests in flight; close one (DELETE) or retry shortly.`,
      headers: { 'retry-after': '5' },
    });
  }
}

/** A tool call over MCP exceeded the caller's rate limit (reported as a tool error result). */
export class McpRateLimitedException extends DomainException {
  constructor(retryAfter: number) {
    super('RATE.LIMITED', 429, 'Too Many Requests', {
      detail: `Rate limit exceeded; retry in ${retryAfter} s.`,
      extensions: { retry_after_seconds: retryAfter },
    });
  }
}

/** The caller declined the confirmation (elicitation): nothing ran. */
export class McpConfirmationDeclinedException extends DomainException {
  constructor(actionId: string, answer: string) {
    super('CONFIRMATION.DECLINED', 409, 'Conflict', {
      detail: `The call was not confirmed (${answer}); it did not run.`,
      extensions: { action_id: actionId },
    });
  }
}

/**
 * An elicitation answer that cannot confirm the call: the credential behind it expired while the user was
 * asked (401), or it came from another principal (403). Nothing ran; the action is still pending.
 */
export class McpAnswerRefusedException extends DomainException {
  constructor(reason: 'expired' | 'other principal') {
    const expired = reason === 'expired';
    super(
      expired ? 'AUTH.INVALID_TOKEN' : 'MCP.ANSWER_FORBIDDEN',
      expired ? 401 : 403,
      expired ? 'Unauthorized' : 'Forbidden',
      {
        detail: expired
          ? 'Your credential expired while the confirmation was pending; the call did not run.'
          : 'The confirmation came from another principal; the call did not run.',
      },
    );
  }
}
