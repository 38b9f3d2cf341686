import { defineTool } from '@toolgate/core';

import { type DealFields, type PipedriveRecord, type PipedriveToolDeps } from '../pipedrive.types';
import { DEAL_FIELDS, DEAL_OUTPUT } from './deal-schema.util';

/** `pipedrive:createDeal`: `POST /v1/deals`. Never retried on a server error (it could create a duplicate). */
export function createDealTool({ client, callFor }: PipedriveToolDeps) {
  return defineTool<DealFields & { title: string }, PipedriveRecord>({
    name: 'createDeal',
    title: 'Create deal',
    description:
      'Creates a deal in Pipedrive and returns it (title required; value, currency, person, stage…).',
    inputs: { type: 'object', properties: DEAL_FIELDS, required: ['title'], additionalProperties: false },
    outputs: DEAL_OUTPUT,
    required_scopes: ['pipedrive.write'],
    safety_tags: ['write'],
    timeout_ms: 15_000,
    execute: (input, ctx) => client.createDeal(input, callFor(ctx)),
  });
}
