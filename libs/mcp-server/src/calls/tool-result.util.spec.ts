import { type CatalogManifest } from '@toolgate/catalog';
import { ProviderUpstreamException } from '@toolgate/core';

import { errorResult, toCallResult } from './tool-result.util';

const manifest = (provider_id: string) => ({ provider_id }) as CatalogManifest;

describe('tool results over MCP', () => {
  it('passes MCP results through, isError included', () => {
    const result = { content: [{ type: 'text', text: 'no' }], isError: true, extra: 1 };
    expect(toCallResult(manifest('mcp'), result)).toEqual({
      content: [{ type: 'text', text: 'no' }],
      isError: true,
    });
  });

  it('wraps other results as text plus structuredContent', () => {
    expect(toCallResult(manifest('database'), { rows: [1] })).toEqual({
      content: [{ type: 'text', text: '{"rows":[1]}' }],
      structuredContent: { rows: [1] },
    });
    expect(toCallResult(manifest('database'), [1])).toEqual({ content: [{ type: 'text', text: '[1]' }] });
  });

  it('turns gateway errors into readable tool errors, without internals for unexpected ones', () => {
    expect(errorResult(new ProviderUpstreamException('mcp', 'MCP server x is unreachable.'))).toMatchObject({
      isError: true,
      structuredContent: { code: 'PROVIDER.UPSTREAM_ERROR', status: 502, provider: 'mcp' },
    });
    const hidden = errorResult(new Error('password=hunter2 at /srv/app.ts'));
    expect(JSON.stringify(hidden)).not.toContain('hunter2');
    expect(hidden.structuredContent).toMatchObject({ status: 500 });
  });
});
