import { Writable } from 'node:stream';

import { holdWhileAnswering } from './in-flight.util';

const sink = () => new Writable({ write: (_chunk, _encoding, done) => done() });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('holdWhileAnswering', () => {
  it('counts a request until its response ends', async () => {
    const session = { inFlight: 0, lastSeen: 0 };
    const response = sink();
    holdWhileAnswering(session, response);
    await tick();
    expect(session.inFlight).toBe(1);
    response.end();
    await tick();
    expect(session.inFlight).toBe(0);
  });

  it('marks the session used when the response ends (a long call does not leave it looking idle)', async () => {
    const session = { inFlight: 0, lastSeen: 0 };
    const response = sink();
    holdWhileAnswering(session, response);
    const before = Date.now();
    response.end();
    await tick();
    expect(session.lastSeen).toBeGreaterThanOrEqual(before);
  });

  it('releases a response that closed before it was counted (the client left early)', async () => {
    const session = { inFlight: 0, lastSeen: 0 };
    const response = sink();
    response.destroy();
    await tick();
    holdWhileAnswering(session, response);
    await tick();
    expect(session.inFlight).toBe(0);
  });
});
