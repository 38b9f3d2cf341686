import { type JsonSchema } from '@toolgate/core';

const id = (description: string): JsonSchema => ({ type: 'integer', minimum: 1, description });
const VISIBILITY: JsonSchema = {
  type: 'string',
  enum: ['1', '3', '5', '7'],
  description: 'Visibility group: 1 owner & followers, 3 entire company (5 and 7 on advanced permissions).',
};

/** Pipedrive v1 deal fields (names and formats as Pipedrive spells them). */
export const DEAL_FIELDS: Record<string, JsonSchema> = {
  title: { type: 'string', minLength: 1, maxLength: 255, description: 'Deal title.' },
  value: { type: 'number', minimum: 0, maximum: 1e15, description: 'Deal value, in `currency`.' },
  currency: {
    type: 'string',
    pattern: '^[A-Z]{3}$',
    description: "ISO 4217 code; defaults to the token owner's default currency.",
  },
  user_id: id('Owner (Pipedrive user id); defaults to the token owner.'),
  person_id: id('Linked person id.'),
  org_id: id('Linked organization id.'),
  pipeline_id: id('Pipeline id (the stage decides it when stage_id is given).'),
  stage_id: id('Stage id; defaults to the first stage of the default pipeline.'),
  status: { type: 'string', enum: ['open', 'won', 'lost'] },
  expected_close_date: { type: 'string', format: 'date', description: 'YYYY-MM-DD.' },
  probability: { type: 'number', minimum: 0, maximum: 100, description: 'Success probability, in %.' },
  lost_reason: { type: 'string', maxLength: 255, description: 'Why the deal was lost (status lost).' },
  visible_to: VISIBILITY,
};

export const DEAL_ID: JsonSchema = id('Pipedrive deal id.');

/** The deal Pipedrive returns (`data`), passed through; the fields listed are the ones always present. */
export const DEAL_OUTPUT: JsonSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    title: { type: 'string' },
    value: { type: 'number' },
    currency: { type: 'string' },
    status: { type: 'string' },
    stage_id: { type: 'integer' },
  },
  required: ['id'],
};

export { VISIBILITY };
