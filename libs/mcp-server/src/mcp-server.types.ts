import { type AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import { type ElicitRequestFormParams, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';

import { type Principal } from '@toolgate/core';

import { type HeldCalls } from './calls/held-calls.util';

/** Who sent one HTTP request to `/mcp`, as the handler authenticated it (carried in the SDK's `authInfo`). */
export interface McpRequestContext {
  principal: Principal;
  requestId: string;
}

/** The user's answer to an elicitation, and who sent the HTTP request carrying it (when known). */
export interface ElicitAnswer {
  result: ElicitResult;
  answeredBy?: McpRequestContext;
}

/** A tool call over MCP: the caller, and how to ask them to confirm (when the client supports elicitation). */
export interface McpCallContext extends McpRequestContext {
  /** Calls this session held for confirmation. */
  held: HeldCalls;
  elicit?: (params: Omit<ElicitRequestFormParams, 'mode'>, timeoutMs: number) => Promise<ElicitAnswer>;
}

/** The `authInfo` the transport hands to request handlers: our principal and request id, never the token. */
export function authInfoOf(ctx: McpRequestContext): AuthInfo {
  return {
    token: '',
    clientId: ctx.principal.subject,
    scopes: [...ctx.principal.scopes],
    ...(ctx.principal.expiresAt ? { expiresAt: ctx.principal.expiresAt } : {}),
    extra: { principal: ctx.principal, requestId: ctx.requestId },
  };
}

/** The context carried by an `authInfo` (set by the HTTP handler for every request), if any. */
export function carriedContext(authInfo?: AuthInfo): McpRequestContext | undefined {
  const carried = authInfo?.extra as Partial<McpRequestContext> | undefined;
  if (!carried?.principal || typeof carried.requestId !== 'string') return undefined;
  return { principal: carried.principal, requestId: carried.requestId };
}

/** The context of a request handler (set by the HTTP handler for every request). */
export function contextOf(extra: { authInfo?: AuthInfo }): McpRequestContext {
  const ctx = carriedContext(extra.authInfo);
  if (!ctx) throw new Error('MCP request without a principal');
  return ctx;
}
