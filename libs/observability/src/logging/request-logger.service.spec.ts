import Fastify from 'fastify';

import { LogCapture } from '@toolgate/testing';

import { RequestLogger } from './request-logger.service';
import { createRootLogger } from './root-logger';

describe('RequestLogger', () => {
  const appWith = async (level: string) => {
    const capture = new LogCapture();
    const app = Fastify({ genReqId: () => 'req-1' });
    new RequestLogger(createRootLogger(level, capture)).install(app);
    app.get('/items/:id', async () => ({ ok: true }));
    app.get('/fail', async (_request, reply) => reply.code(503).send({ down: true }));
    await app.ready();
    return { app, capture };
  };

  it('writes one completion line with route, path without query, status and latency', async () => {
    const { app, capture } = await appWith('info');
    await app.inject({
      url: '/items/7?secret=1',
      headers: { authorization: 'Bearer t0ken', 'user-agent': 'agent/1' },
    });
    expect(capture.lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        request_id: 'req-1',
        method: 'GET',
        path: '/items/7',
        route: '/items/:id',
        user_agent: 'agent/1',
        res: { status: 200 },
        latency_ms: expect.any(Number),
      }),
    ]);
    expect(capture.text()).not.toContain('t0ken');
    expect(capture.text()).not.toContain('secret=1');
    await app.close();
  });

  it('logs 5xx at error and unmatched routes under one label', async () => {
    const { app, capture } = await appWith('info');
    await app.inject({ url: '/fail' });
    await app.inject({ url: '/nowhere/at/all' });
    expect(capture.lines[0]).toMatchObject({ level: 50, msg: 'request errored', res: { status: 503 } });
    expect(capture.lines[1]).toMatchObject({ route: 'unmatched', res: { status: 404 } });
    await app.close();
  });

  it('writes nothing when the level is above info, and errors still at warn', async () => {
    const { app, capture } = await appWith('warn');
    await app.inject({ url: '/items/1' });
    expect(capture.lines).toHaveLength(0);
    await app.inject({ url: '/fail' });
    expect(capture.lines).toHaveLength(1);
    await app.close();
  });
});
