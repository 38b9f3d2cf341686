import { randomUUID } from 'node:crypto';

const CORRELATION_ID = Symbol('toolgate.correlationId');

type Carrier = { [CORRELATION_ID]?: string };

/**
 * The gateway's own id for what one request causes in the audit trail (an invoke's intent and outcome, and
 * later its confirm), made on first use and kept on the request. It is never the caller's `X-Request-Id`:
 * that one is chosen by the caller, so two calls could share it and one call's events could be made to look
 * like another's. The caller's id stays the events' `request_id`.
 */
export function correlationIdOf(request: object): string {
  const carrier = request as Carrier;
  return (carrier[CORRELATION_ID] ??= randomUUID());
}
