import { defineTool, ProviderTimeoutException } from '@toolgate/core';

/** `test:slow`: sleeps `ms` milliseconds, stopping early (504) when the deadline passes. */
export const slowTool = defineTool<{ ms: number }, { slept_ms: number }>({
  name: 'slow',
  title: 'Slow',
  description: 'Sleeps for the given number of milliseconds and honours the call deadline.',
  inputs: {
    type: 'object',
    properties: { ms: { type: 'integer', minimum: 0, maximum: 60000 } },
    required: ['ms'],
    additionalProperties: false,
  },
  outputs: { type: 'object', properties: { slept_ms: { type: 'integer' } } },
  required_scopes: ['test.read'],
  safety_tags: ['read-only'],
  timeout_ms: 1000,
  execute: (input, ctx) =>
    new Promise((resolve, reject) => {
      const { signal } = ctx.deadline;
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(new ProviderTimeoutException('test', ctx.toolId));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve({ slept_ms: input.ms });
      }, input.ms);
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
});
