import { correlationIdOf } from './correlation-id.util';

describe('correlationIdOf', () => {
  it('makes one UUID per request and keeps it', () => {
    const request = { id: 'caller-chosen', headers: { 'x-request-id': 'caller-chosen' } };
    const first = correlationIdOf(request);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(correlationIdOf(request)).toBe(first);
    expect(first).not.toBe(request.id);
  });

  it('gives two requests with the same caller id different correlation ids', () => {
    const a = { id: 'same' };
    const b = { id: 'same' };
    expect(correlationIdOf(a)).not.toBe(correlationIdOf(b));
  });

  it('adds no enumerable field to the request', () => {
    const request = { id: 'r' };
    correlationIdOf(request);
    expect(Object.keys(request)).toEqual(['id']);
    expect(JSON.stringify(request)).toBe('{"id":"r"}');
  });
});
