import { defineTool, type JsonSchema } from '@toolgate/core';

import {
  type ContactValue,
  type PersonFields,
  type PipedriveRecord,
  type PipedriveToolDeps,
} from '../pipedrive.types';
import { VISIBILITY } from './deal-schema.util';

const contactValues = (format: JsonSchema, description: string): JsonSchema => ({
  type: 'array',
  maxItems: 20,
  description,
  items: {
    anyOf: [
      format,
      {
        type: 'object',
        properties: {
          value: format,
          primary: { type: 'boolean' },
          label: { type: 'string', maxLength: 50, description: 'work, home, mobile or other.' },
        },
        required: ['value'],
        additionalProperties: false,
      },
    ],
  },
});

/** Pipedrive's labelled form; the first bare value becomes the primary one. */
function labelled(values: ContactValue[] | undefined) {
  return values?.map((entry, index) =>
    typeof entry === 'string' ? { value: entry, primary: index === 0, label: 'work' } : entry,
  );
}

/** `pipedrive:createContact`: `POST /v1/persons`. E-mail addresses and phones stay out of logs and audit. */
export function createContactTool({ client, callFor }: PipedriveToolDeps) {
  return defineTool<PersonFields, PipedriveRecord>({
    name: 'createContact',
    title: 'Create contact',
    description: 'Creates a person (contact) in Pipedrive with e-mail addresses, phones and organization.',
    inputs: {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 255 },
        owner_id: { type: 'integer', minimum: 1, description: 'Owner (Pipedrive user id).' },
        org_id: { type: 'integer', minimum: 1, description: 'Organization id.' },
        email: contactValues({ type: 'string', format: 'email', maxLength: 254 }, 'E-mail addresses.'),
        phone: contactValues({ type: 'string', minLength: 3, maxLength: 50 }, 'Phone numbers.'),
        visible_to: VISIBILITY,
        marketing_status: { type: 'string', enum: ['no_consent', 'unsubscribed', 'subscribed', 'archived'] },
      },
      required: ['name'],
      additionalProperties: false,
    },
    outputs: {
      type: 'object',
      properties: { id: { type: 'integer' }, name: { type: 'string' } },
      required: ['id'],
    },
    required_scopes: ['pipedrive.write'],
    safety_tags: ['write'],
    sensitive_fields: ['email', 'phone'],
    timeout_ms: 15_000,
    execute: ({ email, phone, ...fields }, ctx) =>
      client.createPerson(
        {
          ...fields,
          ...(email ? { email: labelled(email) } : {}),
          ...(phone ? { phone: labelled(phone) } : {}),
        },
        callFor(ctx),
      ),
  });
}
