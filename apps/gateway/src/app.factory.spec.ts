import { type AppConfig } from '@toolgate/config';

import { createFastifyAdapter, REQUEST_TIMEOUT_MS } from './app.factory';

describe('createFastifyAdapter', () => {
  const fastify = createFastifyAdapter({} as AppConfig).getInstance();

  beforeAll(async () => {
    fastify.get('/tools/:toolId', () => ({ ok: true }));
    await fastify.ready();
  });
  afterAll(() => fastify.close());

  it.each([
    ['an over-long path parameter', `/tools/${'x'.repeat(513)}`, 414, 'REQUEST.PATH_PARAM_TOO_LONG'],
    ['a bad percent-encoding', '/tools/%E0%A4%A', 400, 'REQUEST.BAD_URL'],
  ])('answers %s the router refuses as problem+json with the request id', async (_, url, status, code) => {
    const response = await fastify.inject({ method: 'GET', url, headers: { 'x-request-id': 'router-1' } });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['x-request-id']).toBe('router-1');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.json()).toMatchObject({ status, code, request_id: 'router-1', instance: url });
  });

  it('limits how long receiving a request may take (Fastify would not: its default is 0)', () => {
    expect(REQUEST_TIMEOUT_MS).toBeGreaterThan(0);
    expect(fastify.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
  });
});
