import { defineTool, type ToolInput } from '@toolgate/core';

/** `test:echo`: answers with its input. */
export const echoTool = defineTool<ToolInput, ToolInput>({
  name: 'echo',
  title: 'Echo',
  description: 'Returns its input unchanged.',
  inputs: {
    type: 'object',
    properties: { message: { type: 'string', maxLength: 1000 }, count: { type: 'integer', minimum: 0 } },
    required: ['message'],
    additionalProperties: false,
  },
  outputs: { type: 'object' },
  required_scopes: ['test.read'],
  safety_tags: ['read-only'],
  execute: async (input) => input,
});
