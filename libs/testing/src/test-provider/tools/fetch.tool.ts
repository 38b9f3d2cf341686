import { request } from 'undici';

import { defineTool, ProviderUnconfiguredException, ProviderUpstreamException } from '@toolgate/core';

/**
 * `test:fetch`: GETs `TEST_UPSTREAM_URL` with the brokered credential (never the agent's token) and
 * returns the upstream's JSON. Lets tests prove what reaches an upstream.
 */
export const fetchTool = defineTool<{ path?: string }, unknown>({
  name: 'fetch',
  title: 'Fetch',
  description: 'Calls the test upstream with the brokered credential and returns its JSON answer.',
  inputs: {
    type: 'object',
    properties: { path: { type: 'string', maxLength: 200, pattern: '^/[A-Za-z0-9/_-]*$' } },
    additionalProperties: false,
  },
  outputs: { type: 'object' },
  required_scopes: ['test.read'],
  safety_tags: ['read-only'],
  execute: async (input, ctx) => {
    const base = process.env.TEST_UPSTREAM_URL;
    if (!base) throw new ProviderUnconfiguredException('test', ['TEST_UPSTREAM_URL']);
    const response = await request(`${base}${input.path ?? '/'}`, {
      headers: ctx.credentials?.access_token
        ? { authorization: `Bearer ${ctx.credentials.access_token}` }
        : {},
      signal: ctx.deadline.signal,
    });
    const text = await response.body.text();
    if (response.statusCode >= 400)
      throw new ProviderUpstreamException('test', `The upstream answered ${response.statusCode}.`);
    return JSON.parse(text) as unknown;
  },
});
