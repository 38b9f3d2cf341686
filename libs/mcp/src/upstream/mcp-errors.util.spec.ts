import { describeError, withoutUrlSecrets } from './mcp-errors.util';

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
});
