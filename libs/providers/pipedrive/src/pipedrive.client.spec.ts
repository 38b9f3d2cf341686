import { Logger } from '@nestjs/common';

import { createDeadline } from '@toolgate/core';
import { waitUntil } from '@toolgate/testing';

import { type PipedriveCall, type PipedriveClient } from './pipedrive.client';
import { failureOf, startFakeClient, stopFakeClient } from './testing/fake-client.util';
import { FakePipedrive } from './testing/fake-pipedrive.util';
import { retryAfterMs } from '@toolgate/core';

const TOKEN = 'pd-token-0123456789';

describe('PipedriveClient (against a local fake Pipedrive)', () => {
  const fake = new FakePipedrive(TOKEN);
  let client: PipedriveClient;
  const call = (ms = 5_000, apiToken = TOKEN): PipedriveCall => ({ apiToken, deadline: createDeadline(ms) });
  const failure = failureOf;

  beforeAll(async () => {
    client = await startFakeClient(fake);
  });
  afterAll(() => stopFakeClient(client, fake));
  beforeEach(() => fake.reset());

  it('creates a deal with POST /api/v1/deals, the token in x-api-token and never in the URL', async () => {
    const deal = await client.createDeal({ title: 'ACME renewal', value: 5000, currency: 'USD' }, call());
    expect(deal).toMatchObject({
      id: expect.any(Number),
      title: 'ACME renewal',
      value: 5000,
      currency: 'USD',
    });
    expect(fake.requests).toHaveLength(1);
    const [sent] = fake.requests;
    expect(sent).toMatchObject({ method: 'POST', path: '/api/v1/deals', query: '' });
    expect(sent.headers['x-api-token']).toBe(TOKEN);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.body).toEqual({ title: 'ACME renewal', value: 5000, currency: 'USD' });
  });

  it('reads and updates a deal by id, and creates persons', async () => {
    const { id } = await client.createDeal({ title: 'Deal' }, call());
    await client.updateDeal(id as number, { stage_id: 3, status: 'won' }, call());
    expect(await client.getDeal(id as number, call())).toMatchObject({ id, stage_id: 3, status: 'won' });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /api/v1/deals',
      `PUT /api/v1/deals/${id}`,
      `GET /api/v1/deals/${id}`,
    ]);
    expect(fake.requests[1].body).toEqual({ stage_id: 3, status: 'won' });
    const person = await client.createPerson({ name: 'Ada', email: [{ value: 'ada@example.com' }] }, call());
    expect(person).toMatchObject({ name: 'Ada' });
    expect(fake.requests[3].path).toBe('/api/v1/persons');
  });

  describe('maps Pipedrive errors to problems', () => {
    it('404 stays 404 with the upstream message', async () => {
      const error = await failure(client.getDeal(999_999, call()));
      expect(error).toMatchObject({ status: 404, code: 'PIPEDRIVE.NOT_FOUND' });
      expect(error.detail).toContain('Deal not found');
    });

    it('400 becomes 422 carrying the upstream message', async () => {
      const error = await failure(client.createDeal({}, call()));
      expect(error).toMatchObject({ status: 422, code: 'PIPEDRIVE.VALIDATION_FAILED' });
      expect(error.detail).toContain('Deal title must be given.');
    });

    it('401 and 403 become 502 saying the gateway credential is wrong, without the token', async () => {
      const unauthorized = await failure(client.getDeal(1, call(5_000, 'wrong-token-abc')));
      expect(unauthorized).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
      expect(unauthorized.detail).toMatch(/rejected the gateway API token.*PIPEDRIVE_API_TOKEN/);
      expect(JSON.stringify({ ...unauthorized, message: unauthorized.message })).not.toContain(
        'wrong-token-abc',
      );
      fake.script({ status: 403, body: { success: false, error: 'You do not have permission.' } });
      const forbidden = await failure(client.createDeal({ title: 'x' }, call()));
      expect(forbidden).toMatchObject({ status: 502 });
      expect(forbidden.detail).toContain('403');
    });

    it('a 2xx answer that is not a success envelope is a 502', async () => {
      fake.script({ status: 200, body: { success: false, error: 'odd' } });
      expect(await failure(client.createDeal({ title: 'x' }, call()))).toMatchObject({ status: 502 });
    });
  });

  describe('retries', () => {
    it('retries a read on 5xx and on a dropped connection, then succeeds, logging each retry with the request id', async () => {
      const { id } = await client.createDeal({ title: 'Deal' }, call());
      fake.reset();
      fake.script({ status: 503, body: { success: false, error: 'busy' } }, 'drop');
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      try {
        expect(await client.getDeal(id as number, { ...call(), requestId: 'req-retry-1' })).toMatchObject({
          id,
        });
        expect(warn).toHaveBeenCalledTimes(2);
        expect(warn.mock.calls.map(([line]) => line)).toEqual([
          expect.objectContaining({ request_id: 'req-retry-1', msg: expect.stringContaining('retry 2/3') }),
          expect.objectContaining({ request_id: 'req-retry-1', msg: expect.stringContaining('retry 3/3') }),
        ]);
      } finally {
        warn.mockRestore();
      }
      expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'GET']);
    });

    it('gives a read up after the configured attempts with a 502', async () => {
      fake.script(...Array.from({ length: 3 }, () => ({ status: 500, body: { success: false } })));
      expect(await failure(client.getDeal(1, call()))).toMatchObject({ status: 502 });
      expect(fake.requests).toHaveLength(3);
    });

    it('never retries a POST or PUT on 5xx or a dropped connection', async () => {
      fake.script({ status: 502, body: { success: false } });
      expect(await failure(client.createDeal({ title: 'x' }, call()))).toMatchObject({ status: 502 });
      fake.script('drop');
      expect(await failure(client.updateDeal(1, { title: 'y' }, call()))).toMatchObject({ status: 502 });
      expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'PUT']);
    });

    it('retries a POST on 429 after the Retry-After it was given', async () => {
      fake.script({
        status: 429,
        headers: { 'retry-after': '1' },
        body: { success: false, error: 'Rate limit' },
      });
      const started = Date.now();
      expect(await client.createDeal({ title: 'after 429' }, call())).toMatchObject({ title: 'after 429' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
      expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    });

    it('does not wait past the deadline: a Retry-After beyond it answers 503 with Retry-After at once', async () => {
      fake.script({ status: 429, headers: { 'retry-after': '30' }, body: { success: false } });
      const started = Date.now();
      // Waiting out the 30 s would run into the 20 s deadline: the answer comes long before either.
      const error = await failure(client.createDeal({ title: 'x' }, call(20_000)));
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({
        status: 503,
        code: 'PROVIDER.UNAVAILABLE',
        headers: { 'retry-after': '30' },
      });
      expect(fake.requests).toHaveLength(1);
    });
  });

  it('stops a hung request at the deadline: no retry, even of a read, and the connection is closed', async () => {
    fake.script('hang');
    const started = Date.now();
    await expect(client.getDeal(1, call(300))).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(fake.requests).toHaveLength(1);
    await waitUntil(() => fake.closedByClient > 0, 10_000);
    expect(fake.closedByClient).toBe(1);
  });

  it('parses Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs(new Date(Date.UTC(2030, 0, 1, 0, 0, 10)).toUTCString(), Date.UTC(2030, 0, 1))).toBe(
      10_000,
    );
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
