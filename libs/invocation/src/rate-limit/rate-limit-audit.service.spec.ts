import { type AuditEventInput, type Principal } from '@toolgate/core';
import { makePrincipal } from '@toolgate/testing';

import { loadInvocationConfig } from '../invocation.config';
import {
  MAX_RATE_LIMITED_KEYS,
  RateLimitAuditService,
  type RateLimitRefusal,
} from './rate-limit-audit.service';

function setup(env: NodeJS.ProcessEnv = {}) {
  const events: AuditEventInput[] = [];
  const audit = { record: jest.fn(async (event: AuditEventInput) => void events.push(event)) };
  const service = new RateLimitAuditService(loadInvocationConfig(env), audit);
  let n = 0;
  const refusal = (principal: Principal = makePrincipal(), more: Partial<RateLimitRefusal> = {}) => ({
    principal,
    bucket: 'tools',
    transport: 'rest' as const,
    requestId: `req-${(n += 1)}`,
    retryAfter: 2,
    ...more,
  });
  return { service, events, audit, refusal };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('RateLimitAuditService', () => {
  it('10,000 refusals of one key: the first on its own at once, the rest as one counted event', async () => {
    const { service, events, refusal } = setup();
    for (let i = 0; i < 10_000; i += 1) service.record(refusal(makePrincipal(), { toolId: 'test:echo' }));
    await settled();
    expect(events).toEqual([
      expect.objectContaining({
        event: 'rate.limited',
        tenant: 'acme',
        subject: 'agent-1',
        tool_id: 'test:echo',
        status: '429',
        request_id: 'req-1',
        details: { bucket: 'tools', transport: 'rest', retry_after_seconds: 2 },
      }),
    ]);
    await service.onApplicationShutdown();
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual({
      event: 'rate.limited',
      tenant: 'acme',
      subject: 'agent-1',
      status: '429',
      details: {
        bucket: 'tools',
        transport: 'rest',
        count: 9_999,
        first_at: expect.any(String),
        last_at: expect.any(String),
        window_sec: 60,
        aggregated: true,
      },
    });
  });

  it('keeps tenant, subject, bucket and transport apart', async () => {
    const { service, events, refusal } = setup();
    service.record(refusal());
    service.record(refusal(makePrincipal({ tenant: 'globex' })));
    service.record(refusal(makePrincipal({ subject: 'agent-2' })));
    service.record(refusal(makePrincipal(), { bucket: 'api' }));
    service.record(refusal(makePrincipal(), { transport: 'mcp' }));
    service.record(refusal());
    await service.onApplicationShutdown();
    expect(events.map((event) => [event.tenant, event.subject, event.details?.count ?? 'own'])).toEqual([
      ['acme', 'agent-1', 'own'],
      ['globex', 'agent-1', 'own'],
      ['acme', 'agent-2', 'own'],
      ['acme', 'agent-1', 'own'],
      ['acme', 'agent-1', 'own'],
      ['acme', 'agent-1', 1],
    ]);
  });

  it('closes the window every RATE_LIMIT_AUDIT_WINDOW_SEC: the next refusal is recorded on its own', async () => {
    jest.useFakeTimers();
    try {
      const { service, events, refusal } = setup({ RATE_LIMIT_AUDIT_WINDOW_SEC: '5' });
      service.onModuleInit();
      for (let i = 0; i < 3; i += 1) service.record(refusal());
      jest.advanceTimersByTime(5_000);
      await Promise.resolve();
      expect(events.map((event) => event.details?.count ?? 'own')).toEqual(['own', 2]);
      expect(events[1].details).toMatchObject({ window_sec: 5 });
      service.record(refusal());
      await service.onApplicationShutdown();
      expect(events.map((event) => event.request_id)).toEqual(['req-1', undefined, 'req-4']);
    } finally {
      jest.useRealTimers();
    }
  });

  it(`beyond ${MAX_RATE_LIMITED_KEYS} keys in a window, counts the rest in one _gateway event`, async () => {
    const { service, events, refusal } = setup();
    const subjects = MAX_RATE_LIMITED_KEYS + 100;
    for (let round = 0; round < 2; round += 1)
      for (let i = 0; i < subjects; i += 1) service.record(refusal(makePrincipal({ subject: `s${i}` })));
    await settled();
    expect(events).toHaveLength(MAX_RATE_LIMITED_KEYS + 1);
    await service.onApplicationShutdown();
    const overflow = events.filter((event) => event.tenant === '_gateway');
    expect(overflow).toEqual([
      {
        event: 'rate.limited',
        tenant: '_gateway',
        status: '429',
        details: expect.objectContaining({ tenant: '*', subject: '*', count: 2 * 99 + 1, aggregated: true }),
      },
    ]);
  });

  it('logs a lost event instead of failing the refusal', async () => {
    const audit = { record: jest.fn().mockRejectedValue(new Error('down')) };
    const service = new RateLimitAuditService(loadInvocationConfig({}), audit);
    const refusal = {
      principal: makePrincipal(),
      bucket: 'api',
      transport: 'rest' as const,
      requestId: 'r',
      retryAfter: 1,
    };
    expect(() => service.record(refusal)).not.toThrow();
    await service.onApplicationShutdown();
    expect(audit.record).toHaveBeenCalledTimes(1);
  });

  it('refuses a window outside 1-3600 s at boot, naming the variable', () => {
    expect(loadInvocationConfig({}).rateLimitAuditWindowMs).toBe(60_000);
    expect(() => loadInvocationConfig({ RATE_LIMIT_AUDIT_WINDOW_SEC: '0' })).toThrow(
      /RATE_LIMIT_AUDIT_WINDOW_SEC/,
    );
    expect(() => loadInvocationConfig({ RATE_LIMIT_AUDIT_WINDOW_SEC: 'soon' })).toThrow(
      /RATE_LIMIT_AUDIT_WINDOW_SEC/,
    );
  });
});
