import { defineTool } from '@toolgate/core';

import { type DealFields, type PipedriveRecord, type PipedriveToolDeps } from '../pipedrive.types';
import { DEAL_FIELDS, DEAL_ID, DEAL_OUTPUT } from './deal-schema.util';

/** `pipedrive:updateDeal`: `PUT /v1/deals/{id}` with the given fields only. */
export function updateDealTool({ client, callFor }: PipedriveToolDeps) {
  return defineTool<DealFields & { id: number }, PipedriveRecord>({
    name: 'updateDeal',
    title: 'Update deal',
    description: 'Changes the given fields of a Pipedrive deal (stage, status, value…) and returns the deal.',
    inputs: {
      type: 'object',
      properties: { id: DEAL_ID, ...DEAL_FIELDS },
      required: ['id'],
      minProperties: 2,
      additionalProperties: false,
    },
    outputs: DEAL_OUTPUT,
    required_scopes: ['pipedrive.write'],
    safety_tags: ['write'],
    timeout_ms: 15_000,
    execute: ({ id, ...fields }, ctx) => client.updateDeal(id, fields, callFor(ctx)),
  });
}
