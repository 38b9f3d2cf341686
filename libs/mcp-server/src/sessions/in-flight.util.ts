import { finished } from 'node:stream';

/**
 * Counts a request as in flight on its session until its response ends. `finished` also fires for a
 * response that already closed (the client left while the request was being authenticated), where a
 * plain 'close' listener would never fire and leave the session busy, so never evictable, for good.
 */
export function holdWhileAnswering(session: { inFlight: number }, response: NodeJS.WritableStream): void {
  session.inFlight += 1;
  finished(response, () => {
    session.inFlight -= 1;
  });
}
