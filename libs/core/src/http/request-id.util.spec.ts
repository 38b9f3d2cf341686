import { generateRequestId } from './request-id.util';

describe('generateRequestId', () => {
  it('reuses a safe caller id', () => {
    expect(generateRequestId({ headers: { 'x-request-id': 'abc-123:x.y_z' } })).toBe('abc-123:x.y_z');
  });

  it.each(['with space', 'line\nbreak', 'x'.repeat(129), '', '<script>'])(
    'replaces unsafe id %j',
    (given) => {
      expect(generateRequestId({ headers: { 'x-request-id': given } })).toMatch(/^[0-9a-f-]{36}$/);
    },
  );
});
