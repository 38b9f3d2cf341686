import { createDeadline, type DomainException } from '@toolgate/core';

import { type PipedriveCall, type PipedriveClient } from './pipedrive.client';
import { failureOf, startFakeClient, stopFakeClient } from './testing/fake-client.util';
import { FakePipedrive } from './testing/fake-pipedrive.util';

const TOKEN = 'pd-token-answer-0123';

describe('PipedriveClient: answers it cannot read (against a local fake Pipedrive)', () => {
  const fake = new FakePipedrive(TOKEN);
  let client: PipedriveClient;
  const call = (): PipedriveCall => ({ apiToken: TOKEN, deadline: createDeadline(15_000) });
  const failure = failureOf;
  /** The problem as a caller would see it, message and cause included: never the token nor the body. */
  const exposed = (error: DomainException) =>
    JSON.stringify({ ...error, message: error.message, cause: String(error.cause) });

  beforeAll(async () => {
    client = await startFakeClient(fake);
  });
  afterAll(() => stopFakeClient(client, fake));
  beforeEach(() => {
    fake.reset();
    fake.deals.clear();
  });

  it.each([
    ['over the 2 MB limit', 'oversize', /exceeded the 2 MB limit/],
    ['cut off after the status', 'cut', /connection was lost/],
  ] as const)(
    'a created deal whose 201 answer is %s: one POST, and a problem saying it was probably created',
    async (_case, spoil, reason) => {
      fake.script({ spoil });
      const error = await failure(client.createDeal({ title: 'ACME' }, call()));
      expect(fake.requests.map((r) => r.method)).toEqual(['POST']);
      expect(fake.deals.size).toBe(1);
      expect(error).toMatchObject({
        status: 502,
        code: 'PIPEDRIVE.ANSWER_UNREADABLE',
        extensions: { provider: 'pipedrive', upstream_status: 201 },
      });
      expect(error.detail).toMatch(reason);
      expect(error.detail).toMatch(/deal was probably created.*do not retry/i);
      expect(error.detail).not.toMatch(/could not be reached/);
      expect(exposed(error)).not.toContain(TOKEN);
      expect(exposed(error)).not.toContain('xxxxxxxx');
    },
  );

  it('an update answered 200 without JSON, and a person answered 201 without a record: the same problem', async () => {
    const { id } = await client.createDeal({ title: 'Deal' }, call());
    fake.script({ spoil: 'not-json' }, { spoil: 'no-record' });
    const updated = await failure(client.updateDeal(id as number, { status: 'won' }, call()));
    expect(updated).toMatchObject({ code: 'PIPEDRIVE.ANSWER_UNREADABLE', status: 502 });
    expect(updated.detail).toMatch(/not JSON.*deal was probably updated/);
    const person = await failure(client.createPerson({ name: 'Ada' }, call()));
    expect(person).toMatchObject({ code: 'PIPEDRIVE.ANSWER_UNREADABLE' });
    expect(person.detail).toMatch(/without a record.*person was probably created/);
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'PUT', 'POST']);
  });

  it('a read whose answer is over the limit is not retried: one GET, and a 502 saying so', async () => {
    const { id } = await client.createDeal({ title: 'Big' }, call());
    fake.reset();
    fake.script({ spoil: 'oversize' }, { spoil: 'oversize' }, { spoil: 'oversize' });
    const error = await failure(client.getDeal(id as number, call()));
    expect(fake.requests.map((r) => r.method)).toEqual(['GET']);
    expect(error).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(error.detail).toMatch(/answer exceeded the 2 MB limit/);
    expect(exposed(error)).not.toContain(TOKEN);
  });

  it('a read cut off after the status is retried like a network error', async () => {
    const { id } = await client.createDeal({ title: 'Flaky' }, call());
    fake.reset();
    fake.script({ spoil: 'cut' });
    expect(await client.getDeal(id as number, call())).toMatchObject({ id, title: 'Flaky' });
    expect(fake.requests.map((r) => r.method)).toEqual(['GET', 'GET']);
  });

  it('a write that never got a status still says Pipedrive could not be reached, and is not retried', async () => {
    fake.script('drop');
    const error = await failure(client.createDeal({ title: 'x' }, call()));
    expect(error).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(error.detail).toBe('Pipedrive could not be reached.');
    expect(fake.requests).toHaveLength(1);
  });
});
