import { defineTool } from '@toolgate/core';

import { type PipedriveRecord, type PipedriveToolDeps } from '../pipedrive.types';
import { DEAL_ID, DEAL_OUTPUT } from './deal-schema.util';

/** `pipedrive:getDeal`: `GET /v1/deals/{id}`, retried with backoff on network errors, 5xx and 429. */
export function getDealTool({ client, callFor }: PipedriveToolDeps) {
  return defineTool<{ id: number }, PipedriveRecord>({
    name: 'getDeal',
    title: 'Get deal',
    description: 'Returns one Pipedrive deal by id (404 when it does not exist).',
    inputs: {
      type: 'object',
      properties: { id: DEAL_ID },
      required: ['id'],
      additionalProperties: false,
    },
    outputs: DEAL_OUTPUT,
    // The seed grants Pipedrive access as one scope; the read-only tag lets policies single reads out.
    required_scopes: ['pipedrive.write'],
    safety_tags: ['read-only'],
    timeout_ms: 15_000,
    execute: (input, ctx) => client.getDeal(input.id, callFor(ctx)),
  });
}
