import { type Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

import {
  describeError,
  isTransportFailure,
  withoutUrlSecrets,
  withSendFailuresNoted,
} from './mcp-errors.util';

describe('MCP upstream error descriptions', () => {
  it('never carry a URL’s userinfo or query string', () => {
    const message =
      'Request cannot be constructed from a URL that includes credentials: ' +
      'http://admin:hunter2@127.0.0.1:9/mcp?api_key=SECRETQ';
    const described = describeError(new TypeError(message));
    expect(described).toBe(
      'Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:9/mcp',
    );
    expect(described).not.toMatch(/hunter2|SECRETQ|admin/);
    expect(withoutUrlSecrets('see https://u@h.example/p#frag and HTTPS://h/x?a=1 now')).toBe(
      'see https://h.example/p and HTTPS://h/x now',
    );
    expect(withoutUrlSecrets('connect ECONNREFUSED 127.0.0.1:9')).toBe('connect ECONNREFUSED 127.0.0.1:9');
  });

  it('count as a lost connection only what the transport failed to send', async () => {
    const failure = new TypeError('fetch failed');
    const transport = withSendFailuresNoted({
      start: async () => undefined,
      close: async () => undefined,
      send: async () => Promise.reject(failure),
    } as Transport);
    await expect(transport.send({ jsonrpc: '2.0', method: 'ping', id: 1 })).rejects.toBe(failure);
    expect(isTransportFailure(failure)).toBe(true);
    expect(isTransportFailure(new TypeError('fetch failed'))).toBe(false);
    expect(isTransportFailure(new Error("can't resolve reference #/definitions/missing"))).toBe(false);
    expect(isTransportFailure(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'))).toBe(true);
    expect(isTransportFailure(new McpError(ErrorCode.InternalError, 'boom'))).toBe(false);
  });
});
