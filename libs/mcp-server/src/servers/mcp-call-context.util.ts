import { type Server } from '@modelcontextprotocol/sdk/server/index.js';
import { type AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { ErrorCode, McpError, type RequestId } from '@modelcontextprotocol/sdk/types.js';

import { mapToProblem } from '@toolgate/core';

import { type HeldCalls } from '../calls/held-calls.util';
import { carriedContext, contextOf, type ElicitAnswer, type McpCallContext } from '../mcp-server.types';
import { AnsweringTransport } from '../sessions/elicitation-answers.util';

export const SERVER_VERSION = '0.1.0';

/** The parts of the SDK's request-handler `extra` we use. */
export interface HandlerExtra {
  authInfo?: AuthInfo;
  requestId: RequestId;
  signal: AbortSignal;
}

/**
 * The call context of one request: the caller, the session's held calls, elicitation if the client has
 * it. An elicitation's answer comes with the principal of the HTTP request that carried it.
 */
export function callContext(server: Server, extra: HandlerExtra, held: HeldCalls): McpCallContext {
  const ctx = contextOf(extra);
  if (!server.getClientCapabilities()?.elicitation?.form) return { ...ctx, held };
  return {
    ...ctx,
    held,
    elicit: async (params, timeoutMs): Promise<ElicitAnswer> => {
      const answers = server.transport instanceof AnsweringTransport ? server.transport.answers : undefined;
      try {
        const result = await server.elicitInput(
          { mode: 'form', ...params },
          { relatedRequestId: extra.requestId, timeout: timeoutMs, signal: extra.signal },
        );
        return { result, answeredBy: carriedContext(answers?.answererOf(extra.requestId)) };
      } finally {
        answers?.forget(extra.requestId);
      }
    },
  };
}

/** A gateway error as a JSON-RPC error (resources and prompts have no error result): the problem in `data`. */
export function toJsonRpcError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  const problem = mapToProblem(error);
  const detail = problem.unexpected ? 'Unexpected error.' : problem.detail;
  const code =
    problem.status === 404
      ? ErrorCode.InvalidParams
      : problem.status < 500
        ? ErrorCode.InvalidRequest
        : ErrorCode.InternalError;
  return new McpError(code, `${problem.status} ${problem.code}: ${detail}`, {
    status: problem.status,
    code: problem.code,
  });
}
