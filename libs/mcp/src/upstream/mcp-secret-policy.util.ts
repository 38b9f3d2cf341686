import { type CredentialSource, CredentialUnavailableException } from '@toolgate/broker';

import { type McpServerSpec } from '../mcp.types';

/**
 * The namespace of the secrets of servers registered through the API: `MCP__<NAME>`. Nothing else the
 * gateway reads is in it. Environment servers use `MCP_<NAME>_URL|_TRANSPORT|_BEARER_TOKEN` with `<NAME>`
 * starting with a letter (`mcp.config.ts`), and the settings (`MCP_DISCOVERY_RETRIES`, `MCP_MAX_SESSIONS`…)
 * start with a letter after `MCP_` too; `MCP__` has `_` there. A plainer `MCP_SECRET_` would not do:
 * `MCP_SECRET_GITHUB_URL` is the environment server `secret-github`, whose token is
 * `MCP_SECRET_GITHUB_BEARER_TOKEN`.
 */
export const REGISTERED_SECRET_PREFIX = 'MCP__';

/** `MCP__` and 1 to 120 of A-Z, 0-9, `_` (not starting with `_`). */
export const REGISTERED_SECRET_ENV = /^MCP__[A-Z0-9][A-Z0-9_]{0,119}$/;

/** The rule, as a 422 states it. */
export const REGISTERED_SECRET_RULE =
  `secret_env must be a variable named ${REGISTERED_SECRET_PREFIX}<NAME> (A-Z, 0-9, _; at most 125 ` +
  'characters): the other MCP_* variables configure the gateway and its environment servers';

/** Why a registered server may not read `secretEnv`, or undefined when it may. */
export function registeredSecretViolation(secretEnv: string): string | undefined {
  return REGISTERED_SECRET_ENV.test(secretEnv) ? undefined : REGISTERED_SECRET_RULE;
}

/**
 * Why the credential of `spec` is never read, or undefined. Only registered servers are held to the
 * namespace; a row stored before the rule (an `MCP_*` name) is refused when its session is set up.
 */
export function secretRefusal(spec: McpServerSpec): string | undefined {
  if (spec.source !== 'api' || spec.auth.type === 'none') return undefined;
  if (!registeredSecretViolation(spec.auth.secret_env)) return undefined;
  return (
    `${spec.auth.secret_env} is outside ${REGISTERED_SECRET_PREFIX}*, the namespace of registered ` +
    `servers' secrets; register the server again with an ${REGISTERED_SECRET_PREFIX}<NAME> variable`
  );
}

/** A credential that is never read: every request of the session fails before anything is sent. */
export function refusedSecretSource(provider: string, reason: string): CredentialSource {
  return { issue: () => Promise.reject(new CredentialUnavailableException(provider, reason)) };
}
