import { idleSessions, makeRoom, type SessionSlot } from './session-eviction.util';

let clock = 0;
/** `count` sessions of `owner`, each used later than the previous one. */
const sessionsOf = (owner: string, count: number, inFlight = 0): SessionSlot[] =>
  Array.from({ length: count }, () => {
    clock += 1;
    return { id: `${owner}-${clock}`, owner, lastSeen: clock, inFlight };
  });

/** Opens sessions for `owner` as the service does: evict what `makeRoom` names, then add the new one. */
function flood(
  sessions: SessionSlot[],
  owner: string,
  times: number,
  limits: { max: number; perPrincipal: number },
) {
  for (let i = 0; i < times; i += 1) {
    const room = makeRoom(sessions, owner, limits);
    if (room.kind === 'evict')
      sessions.splice(
        sessions.findIndex((s) => s.id === room.id),
        1,
      );
    else if (room.kind !== 'open') throw new Error(room.kind);
    sessions.push(...sessionsOf(owner, 1));
  }
  return sessions;
}
const countOf = (sessions: SessionSlot[], owner: string) => sessions.filter((s) => s.owner === owner).length;

describe('makeRoom (MCP session eviction)', () => {
  const limits = { max: 10, perPrincipal: 4 };

  it('opens while the replica and the principal have room', () => {
    expect(makeRoom([...sessionsOf('a', 3), ...sessionsOf('b', 3)], 'a', limits)).toEqual({ kind: 'open' });
  });

  it('a principal at its own cap replaces its own least recently used session', () => {
    const sessions = [...sessionsOf('a', 4), ...sessionsOf('b', 1)];
    expect(makeRoom(sessions, 'a', limits)).toEqual({ kind: 'evict', id: sessions[0].id });
  });

  it('never closes a session with a request in flight; refuses the principal when all its own are busy', () => {
    const busy = sessionsOf('a', 4, 1);
    expect(makeRoom(busy, 'a', limits)).toEqual({ kind: 'principal-full' });
    const mixed = [...sessionsOf('a', 1, 1), ...sessionsOf('a', 3)];
    expect(makeRoom(mixed, 'a', limits)).toEqual({ kind: 'evict', id: mixed[1].id });
  });

  it('when the replica is full, takes from the principal holding the most sessions', () => {
    const sessions = [...sessionsOf('big', 4), ...sessionsOf('mid', 3), ...sessionsOf('small', 3)];
    expect(makeRoom(sessions, 'newcomer', { max: 10, perPrincipal: 10 })).toEqual({
      kind: 'evict',
      id: sessions[0].id,
    });
  });

  it('prefers the idle sessions of the biggest holder', () => {
    const sessions = [...sessionsOf('big', 2, 1), ...sessionsOf('big', 4), ...sessionsOf('small', 4)];
    const room = makeRoom(sessions, 'newcomer', { max: 10, perPrincipal: 10 });
    expect(room).toEqual({ kind: 'evict', id: sessions[2].id });
  });

  it('does not take from a principal within its fair share: the caller replaces its own session', () => {
    const sessions = [...sessionsOf('victim', 2), ...sessionsOf('flooder', 8)];
    expect(makeRoom(sessions, 'flooder', { max: 10, perPrincipal: 10 })).toEqual({
      kind: 'evict',
      id: sessions[2].id,
    });
  });

  it('refuses (replica full) when only busy sessions or sessions within a fair share are left', () => {
    const busy = [...sessionsOf('a', 5, 1), ...sessionsOf('b', 5, 1)];
    expect(makeRoom(busy, 'c', { max: 10, perPrincipal: 10 })).toEqual({ kind: 'replica-full' });
    // Three principals, share floor(10 / 3) = 3: b's idle sessions are within it, a's over it are busy.
    const shared = [...sessionsOf('a', 7, 1), ...sessionsOf('b', 3)];
    expect(makeRoom(shared, 'c', { max: 10, perPrincipal: 10 })).toEqual({ kind: 'replica-full' });
  });

  it('a flood of initializes never pushes victims below their fair share', () => {
    const max = 12;
    const sessions = [...sessionsOf('v1', 3), ...sessionsOf('v2', 4), ...sessionsOf('v3', 5)];
    flood(sessions, 'flooder', 100, { max, perPrincipal: 100 });
    const share = Math.floor(max / 4);
    for (const victim of ['v1', 'v2', 'v3']) expect(countOf(sessions, victim)).toBeGreaterThanOrEqual(share);
    expect(sessions).toHaveLength(max);
    expect(countOf(sessions, 'flooder')).toBe(
      max - countOf(sessions, 'v1') - countOf(sessions, 'v2') - countOf(sessions, 'v3'),
    );
  });

  it('a flood from one principal of a one-principal replica leaves the other with half', () => {
    const sessions = sessionsOf('victim', 10);
    flood(sessions, 'flooder', 50, { max: 10, perPrincipal: 100 });
    expect(countOf(sessions, 'victim')).toBe(5);
    expect(countOf(sessions, 'flooder')).toBe(5);
  });

  it('a flood bounded by the per-principal cap never reaches other principals', () => {
    const sessions = [...sessionsOf('victim', 1)];
    flood(sessions, 'flooder', 50, { max: 5, perPrincipal: 4 });
    expect(countOf(sessions, 'victim')).toBe(1);
    expect(countOf(sessions, 'flooder')).toBe(4);
  });
});

describe('idleSessions', () => {
  it('names sessions unused since the cutoff, never one with a request in flight', () => {
    const sessions: SessionSlot[] = [
      { id: 'old-idle', owner: 'a', lastSeen: 10, inFlight: 0 },
      { id: 'old-busy', owner: 'a', lastSeen: 10, inFlight: 1 },
      { id: 'recent', owner: 'a', lastSeen: 100, inFlight: 0 },
    ];
    expect(idleSessions(sessions, 50)).toEqual(['old-idle']);
  });
});
