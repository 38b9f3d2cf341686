import { defineTool, ProviderUpstreamException } from '@toolgate/core';

/** `test:fail`: always fails like a broken upstream (502). */
export const failTool = defineTool({
  name: 'fail',
  title: 'Fail',
  description: 'Always fails with an upstream error.',
  inputs: { type: 'object', additionalProperties: false },
  outputs: { type: 'object' },
  required_scopes: ['test.read'],
  safety_tags: [],
  execute: async () => {
    throw new ProviderUpstreamException('test', 'The test upstream failed on purpose.');
  },
});
