import { type Client } from '@modelcontextprotocol/sdk/client/index.js';

import { listTools } from './mcp-session.util';

describe('listTools', () => {
  it('reads no page once more tools than the limit are listed, and keeps one past it', async () => {
    let pages = 0;
    const client = {
      listTools: async () => {
        pages += 1;
        const tools = [1, 2].map((n) => ({ name: `t${pages}-${n}`, inputSchema: { type: 'object' } }));
        return { tools, nextCursor: 'more' };
      },
    } as unknown as Client;
    const tools = await listTools(client, 3, {});
    expect(pages).toBe(2);
    expect(tools.map(({ name }) => name)).toEqual(['t1-1', 't1-2', 't2-1', 't2-2']);
    expect(await listTools(client, 2, {})).toHaveLength(3);
  });
});
