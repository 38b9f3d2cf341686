import { generateRequestId } from './request-id.util';

describe('generateRequestId', () => {
  it('reuses a safe caller id and stores it on the raw request', () => {
    const request: { headers: Record<string, string>; id?: unknown } = {
      headers: { 'x-request-id': 'abc-123:x.y_z' },
    };
    expect(generateRequestId(request)).toBe('abc-123:x.y_z');
    expect(request.id).toBe('abc-123:x.y_z');
  });

  it.each(['with space', 'line\nbreak', 'x'.repeat(129), '', '<script>'])(
    'replaces unsafe id %j',
    (given) => {
      expect(generateRequestId({ headers: { 'x-request-id': given } })).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
