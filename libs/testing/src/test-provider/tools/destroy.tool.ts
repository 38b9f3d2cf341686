import { defineTool } from '@toolgate/core';

/** `test:destroy`: a pretend destructive action, for confirmation and approval flows. */
export const destroyTool = defineTool<{ target: string; reason?: string }, { destroyed: string }>({
  name: 'destroy',
  title: 'Destroy',
  description: 'Pretends to destroy the target. Tagged destructive.',
  inputs: {
    type: 'object',
    properties: {
      target: { type: 'string', minLength: 1, maxLength: 200 },
      reason: { type: 'string', maxLength: 1000 },
    },
    required: ['target'],
    additionalProperties: false,
  },
  outputs: { type: 'object', properties: { destroyed: { type: 'string' } } },
  required_scopes: ['test.write'],
  safety_tags: ['destructive'],
  sensitive_fields: ['reason'],
  rate_limit: { rps: 1, burst: 2 },
  execute: async (input) => ({ destroyed: input.target }),
});
