/** What the eviction rule needs to know of one open session. */
export interface SessionSlot {
  id: string;
  owner: string;
  lastSeen: number;
  /** POST requests of the session still being answered (a tool call, maybe waiting for an elicitation). */
  inFlight: number;
}

export interface SessionLimits {
  /** Sessions the replica holds at most (`MCP_MAX_SESSIONS`). */
  max: number;
  /** Sessions one principal holds at most (`MCP_MAX_SESSIONS_PER_PRINCIPAL`). */
  perPrincipal: number;
}

/**
 * Room for a new session of `owner`: `open` (room left), `evict` (close this session first), or a refusal
 * (`principal-full`: the owner's own sessions are all busy; `replica-full`: no session may be taken).
 */
export type SessionRoom =
  { kind: 'open' } | { kind: 'evict'; id: string } | { kind: 'principal-full' } | { kind: 'replica-full' };

/**
 * Who makes room when `owner` initializes a session. A session with a request in flight is never closed.
 * - At its own cap the owner replaces its own least recently used session.
 * - When the replica is full, a session of another principal is taken only if that principal holds more
 *   sessions than the owner and more than its fair share, `floor(max / N)` with N the principals holding
 *   sessions (the owner included); among those the principal holding the most gives up its least recently
 *   used session. Otherwise the owner replaces its own oldest session, or is refused.
 * So a principal within its fair share never loses a session to another principal's initialize, and a
 * flood of initializes only ever closes the flooder's own sessions once the shares are even.
 */
export function makeRoom(sessions: Iterable<SessionSlot>, owner: string, limits: SessionLimits): SessionRoom {
  const all = [...sessions];
  const counts = new Map<string, number>([[owner, 0]]);
  for (const session of all) counts.set(session.owner, (counts.get(session.owner) ?? 0) + 1);
  const own = counts.get(owner)!;
  const idle = all.filter((session) => session.inFlight === 0);
  const oldestOf = (slots: SessionSlot[]) =>
    slots.reduce<SessionSlot | undefined>((a, b) => (a && a.lastSeen <= b.lastSeen ? a : b), undefined);
  const ownOldest = oldestOf(idle.filter((session) => session.owner === owner));

  if (own >= limits.perPrincipal)
    return ownOldest ? { kind: 'evict', id: ownOldest.id } : { kind: 'principal-full' };
  if (all.length < limits.max) return { kind: 'open' };

  const share = Math.floor(limits.max / counts.size);
  const takeable = (candidate: string) => {
    const held = counts.get(candidate)!;
    return candidate !== owner && held > own && held > share;
  };
  const victim = idle
    .filter((session) => takeable(session.owner))
    .sort((a, b) => counts.get(b.owner)! - counts.get(a.owner)! || a.lastSeen - b.lastSeen)[0];
  const chosen = victim ?? ownOldest;
  return chosen ? { kind: 'evict', id: chosen.id } : { kind: 'replica-full' };
}

/** Sessions unused since `cutoff` (ms): never one with a request in flight, however long it has waited. */
export function idleSessions(sessions: Iterable<SessionSlot>, cutoff: number): string[] {
  return [...sessions]
    .filter((session) => session.inFlight === 0 && session.lastSeen < cutoff)
    .map((session) => session.id);
}
