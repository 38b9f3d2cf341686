import { type Principal } from '../auth/principal.types';
import { type JsonSchema } from '../json/json-schema.util';
import { type InvocationContext } from './invocation-context.types';

/** Per-tool rate limit: sustained requests per second and bucket size. */
export interface ToolRateLimit {
  rps: number;
  burst: number;
}

/** Arguments of one call, already validated against the tool's `inputs` schema. */
export type ToolInput = Record<string, unknown>;

/**
 * One tool as data (one `*.tool.ts` per tool in a provider lib). The catalog turns it into a `public`
 * manifest at boot; the provider host runs it through `execute` or its own `invoke`.
 */
export interface ToolDefinition<I extends ToolInput = ToolInput, O = unknown> {
  /** Short name inside the provider (`listTables`); the tool id is `<providerKey>:<name>` unless `toolId` is set. */
  name: string;
  /** Explicit tool id; must still start with `<providerKey>:`. */
  toolId?: string;
  /** Human title shown in the catalog (defaults to `name`). */
  title?: string;
  description: string;
  /** JSON Schema of the arguments (compiled with ajv in strict mode). */
  inputs: JsonSchema;
  /** JSON Schema of the result (documentation; not enforced). */
  outputs?: JsonSchema;
  required_scopes: string[];
  /** `destructive`, `financial`, `read-only`…: policies match on them. */
  safety_tags: string[];
  timeout_ms?: number;
  rate_limit?: ToolRateLimit;
  /**
   * Arguments never stored or shown in clear (audit, pending actions, approvals): a name matches at any
   * depth, a dotted path (`card.number`) from the top of the arguments.
   */
  sensitive_fields?: string[];
  /**
   * What only the provider can judge about one caller's arguments (an account the caller's tenant may use),
   * checked before a call is held for confirmation or approval, so that nobody is asked to approve a call
   * that would be refused. Throws the domain error. It is not a substitute for `execute`'s own check: it runs
   * at hold time only, and the provider's configuration may change before the confirm.
   */
  admit?(input: I, principal: Principal): void;
  /** Runs the tool; when absent the host's `invoke` must handle it. */
  execute?(input: I, ctx: InvocationContext): Promise<O>;
}

/** Identity helper that keeps a tool's input type while checking its shape. */
export function defineTool<I extends ToolInput = ToolInput, O = unknown>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
}

/** The catalog id of a tool of provider `providerKey`. */
export function toolIdOf(providerKey: string, tool: Pick<ToolDefinition, 'name' | 'toolId'>): string {
  return tool.toolId ?? `${providerKey}:${tool.name}`;
}
