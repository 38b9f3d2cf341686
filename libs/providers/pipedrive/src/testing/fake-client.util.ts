import { type DomainException } from '@toolgate/core';

import { PipedriveClient } from '../pipedrive.client';
import { loadPipedriveConfig } from '../pipedrive.config';
import { type FakePipedrive } from './fake-pipedrive.util';

/** Starts `fake` and a client of it (stop both with `stopFakeClient`). */
export async function startFakeClient(fake: FakePipedrive): Promise<PipedriveClient> {
  const baseUrl = await fake.start();
  return new PipedriveClient(loadPipedriveConfig({ PIPEDRIVE_BASE_URL: baseUrl, PIPEDRIVE_API_TOKEN: 'x' }));
}

export async function stopFakeClient(client: PipedriveClient, fake: FakePipedrive): Promise<void> {
  await client.onApplicationShutdown();
  await fake.stop();
}

/** The error `promise` rejects with; a promise that resolves is a failure of the test. */
export function failureOf(promise: Promise<unknown>): Promise<DomainException> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: DomainException) => error,
  );
}
