import { finished } from 'node:stream';

/**
 * Counts a request as in flight on its session until its response ends, and marks the session used then
 * (a call that waited long for an elicitation answer does not leave its session looking idle). `finished`
 * also fires for a response that already closed (the client left while the request was being
 * authenticated), where a plain 'close' listener would never fire and leave the session busy, so never
 * evictable, for good.
 */
export function holdWhileAnswering(
  session: { inFlight: number; lastSeen: number },
  response: NodeJS.WritableStream,
): void {
  session.inFlight += 1;
  finished(response, () => {
    session.inFlight -= 1;
    session.lastSeen = Date.now();
  });
}
