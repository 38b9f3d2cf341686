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

/** A response the pipeline sends instead of running the tool (e.g. 202 with an action token). */
export interface GateResponse {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Runs before the provider is called when the decision requires confirmation: answers instead of
 * executing. The confirmation module provides it; without one, such calls are refused, never run.
 */
export interface InvocationGate {
  hold(request: InvocationRequest): Promise<GateResponse>;
}

export const INVOCATION_GATE = Symbol('INVOCATION_GATE');

/** The outcome of one execution, for the audit trail. */
export interface InvocationOutcome {
  status: number;
  code?: string;
  durationMs: number;
}

/**
 * Sees every execution. `beforeExecute` must have durably recorded the intent when it resolves (if it
 * throws, the provider is not called); `afterExecute` runs before the response is sent.
 */
export interface InvocationObserver {
  beforeExecute(request: InvocationRequest): Promise<void>;
  afterExecute(request: InvocationRequest, outcome: InvocationOutcome): Promise<void>;
}

export const INVOCATION_OBSERVER = Symbol('INVOCATION_OBSERVER');
