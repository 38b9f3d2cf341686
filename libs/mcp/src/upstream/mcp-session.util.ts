import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { ACCEPT_ANY_OUTPUT } from './mcp-output.util';

const CLIENT_INFO = { name: 'toolgate', version: '0.1.0' };
const MAX_PAGES = 50;

/** A new SDK client for one upstream session: results never validated, `list_changed` → `onToolsChanged`. */
export function newSdkClient(onToolsChanged: () => void): Client {
  return new Client(CLIENT_INFO, {
    capabilities: {},
    jsonSchemaValidator: ACCEPT_ANY_OUTPUT,
    listChanged: { tools: { autoRefresh: false, debounceMs: 100, onChanged: onToolsChanged } },
  });
}

/** The upstream's tools (`tools/list`, up to 50 pages): no page read past `max` tools, one more kept. */
export async function listTools(client: Client, max: number, options: RequestOptions): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES && tools.length <= max; page += 1) {
    const result = await client.listTools(cursor ? { cursor } : undefined, options);
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools.slice(0, max + 1);
}

/** `work`, or `reason()` as soon as `signal` aborts (whatever `work` still does). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(reason());
    signal.addEventListener('abort', stop, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop));
  });
}
