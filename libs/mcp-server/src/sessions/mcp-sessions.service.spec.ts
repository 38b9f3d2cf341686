import { type McpServerConfig } from '../mcp-server.config';
import { McpSessionsService } from './mcp-sessions.service';

const IDLE_MS = 60_000;
const config: McpServerConfig = {
  sessionIdleMs: IDLE_MS,
  maxSessions: 10,
  maxSessionsPerPrincipal: 4,
  publicUrl: 'http://gateway.test',
  issuer: 'http://idp.test',
};

/** A session as the service keeps it, its server's close recorded in `closed`. */
function addSession(service: McpSessionsService, id: string, inFlight: number, closed: string[]) {
  const sessions = (service as unknown as { sessions: Map<string, unknown> }).sessions;
  sessions.set(id, {
    id,
    owner: 'acme\u0000alice',
    endpoint: 'catalog',
    lastSeen: Date.now(),
    inFlight,
    server: { close: async () => void closed.push(id) },
  });
}

describe('McpSessionsService idle sweep', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('closes idle sessions but keeps one whose call is still in flight past the idle time', async () => {
    const service = new McpSessionsService(config);
    const closed: string[] = [];
    addSession(service, 'busy', 1, closed);
    addSession(service, 'idle', 0, closed);
    service.onModuleInit();
    jest.advanceTimersByTime(IDLE_MS + 60_000);
    await Promise.resolve();
    expect(closed).toEqual(['idle']);
    expect(service.size).toBe(1);
    await service.onApplicationShutdown();
  });
});
