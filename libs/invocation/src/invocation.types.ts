import { type Principal } from '@toolgate/core';
import { type PolicyDecision } from '@toolgate/policy';

/** One governed call as it moves through the pipeline (after authentication and authorization). */
export interface InvocationRequest {
  toolId: string;
  manifestVersion: number;
  providerId: string;
  tenant: string;
  principal: Principal;
  requestId: string;
  /** Ties the audit events of one call together (the invoke's request id, kept through confirmation). */
  correlationId: string;
  input: Record<string, unknown>;
  /** SHA-256 of the canonical JSON of `input`. */
  payloadDigest: string;
  decision: PolicyDecision;
  sensitiveFields: string[];
}
