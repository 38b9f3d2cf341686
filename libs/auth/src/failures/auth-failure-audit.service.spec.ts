import { type FastifyRequest } from 'fastify';

import { type AuditEventInput } from '@toolgate/core';

import { loadAuthConfig } from '../auth.config';
import { AuthFailureAuditService } from './auth-failure-audit.service';

function setup() {
  const events: AuditEventInput[] = [];
  const audit = { record: jest.fn(async (event: AuditEventInput) => void events.push(event)) };
  const service = new AuthFailureAuditService(loadAuthConfig({}), audit);
  let n = 0;
  const request = (ip = '203.0.113.7', url = '/tool-catalog') =>
    ({ id: `req-${(n += 1)}`, ip, method: 'GET', routeOptions: { url } }) as FastifyRequest;
  return { service, events, request };
}

describe('AuthFailureAuditService', () => {
  it('a flood of bad credentials appends one event, then one counted event per window', async () => {
    const { service, events, request } = setup();
    for (let i = 0; i < 2000; i += 1) service.record(request(), 'malformed', { code: 'AUTH.INVALID_TOKEN' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      event: 'auth.failure',
      tenant: '_gateway',
      status: '401',
      request_id: 'req-1',
      details: { reason: 'malformed', route: '/tool-catalog', ip: '203.0.113.7', code: 'AUTH.INVALID_TOKEN' },
    });
    await service.onApplicationShutdown();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      event: 'auth.failure',
      tenant: '_gateway',
      status: '401',
      details: { reason: 'malformed', ip: '203.0.113.7', count: 1999, aggregated: true },
    });
  });

  it('records the first failure of each source, route and reason on its own', async () => {
    const { service, events, request } = setup();
    service.record(request('198.51.100.1'), 'no credential');
    service.record(request('198.51.100.2'), 'no credential');
    service.record(request('198.51.100.2', '/mcp'), 'no credential', { transport: 'mcp' });
    service.record(request('198.51.100.2', '/mcp'), 'unknown kid');
    await service.onApplicationShutdown();
    expect(events.map((event) => event.details)).toEqual([
      expect.objectContaining({ ip: '198.51.100.1', reason: 'no credential' }),
      expect.objectContaining({ ip: '198.51.100.2', reason: 'no credential', route: '/tool-catalog' }),
      expect.objectContaining({ route: '/mcp', reason: 'no credential', transport: 'mcp' }),
      expect.objectContaining({ route: '/mcp', reason: 'unknown kid' }),
    ]);
  });

  it('logs a lost event instead of failing the request', async () => {
    const audit = { record: jest.fn().mockRejectedValue(new Error('down')) };
    const service = new AuthFailureAuditService(loadAuthConfig({}), audit);
    const request = {
      id: 'r',
      ip: '192.0.2.1',
      method: 'GET',
      routeOptions: { url: '/x' },
    } as FastifyRequest;
    expect(() => service.record(request, 'malformed')).not.toThrow();
    await service.onApplicationShutdown();
    expect(audit.record).toHaveBeenCalledTimes(1);
  });
});
