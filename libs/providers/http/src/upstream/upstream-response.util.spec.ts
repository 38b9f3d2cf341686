import { DomainException } from '@toolgate/core';

import { toToolResult } from './upstream-response.util';

const SECRET = 'api-secret-1';
const ok = (contentType: string | undefined, body: Buffer | string) =>
  toToolResult({ status: 200, contentType, body: Buffer.isBuffer(body) ? body : Buffer.from(body) }, SECRET);

describe('toToolResult', () => {
  it('parses JSON and +json types, with or without parameters, in any case', () => {
    for (const type of [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON;charset="UTF-8"',
      'application/problem+json',
      'application/vnd.api+json; ext=x',
      'application/json ; profile=x',
    ]) {
      expect([type, ok(type, '{"a":1}').body]).toEqual([type, { a: 1 }]);
    }
  });

  it('does not take application/json-seq and the like for JSON (no 502 for a body that is not JSON)', () => {
    const sequence = '\u001e{"a":1}\n';
    for (const type of ['application/json-seq', 'application/jsonlines', 'application/vnd.x+json-seq']) {
      expect(ok(type, sequence).body).toBe(Buffer.from(sequence).toString('base64'));
    }
  });

  it('skips a UTF-8 byte order mark before JSON and text', () => {
    expect(ok('application/json', '\ufeff{"a":1}').body).toEqual({ a: 1 });
    expect(ok('application/json; charset=utf-8', '\ufeff{"a":1}').body).toEqual({ a: 1 });
    expect(ok('text/plain', '\ufeffhello').body).toBe('hello');
  });

  it('decodes JSON and text in the charset the content type names', () => {
    expect(ok('application/json; charset=utf-16le', Buffer.from('{"a":"é"}', 'utf16le')).body).toEqual({
      a: 'é',
    });
    const bom = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}', 'utf16le')]);
    expect(ok('application/json; charset=UTF-16', bom).body).toEqual({ a: 1 });
    expect(ok('text/plain; charset=iso-8859-1', Buffer.from([0x63, 0x61, 0x66, 0xe9])).body).toBe('café');
  });

  it('blanks the secret in a body decoded from another charset', () => {
    const body = Buffer.from(JSON.stringify({ echoed: SECRET }), 'utf16le');
    expect(ok('application/json; charset=utf-16le', body).body).toEqual({ echoed: '[redacted]' });
  });

  it('answers a charset it cannot decode as base64 rather than failing the call', () => {
    const body = Buffer.from('{"a":1}');
    expect(ok('application/json; charset=x-unknown-7', body).body).toBe(body.toString('base64'));
    expect(ok('text/plain; charset=x-unknown-7', body).body).toBe(body.toString('base64'));
  });

  it('still answers 502 for a JSON type whose body is not JSON', () => {
    expect(() => ok('application/json', '{nope')).toThrow(DomainException);
    try {
      ok('application/json', '{nope');
    } catch (error) {
      expect(error).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    }
  });

  it('decodes an upstream error body in its charset, BOM or not', () => {
    const rejected = (contentType: string, body: Buffer) => {
      try {
        toToolResult({ status: 404, contentType, body }, SECRET);
      } catch (error) {
        return (error as DomainException).extensions.upstream_error;
      }
      throw new Error('not refused');
    };
    expect(rejected('application/json', Buffer.from('\ufeff{"message":"gone"}'))).toEqual({
      message: 'gone',
    });
    expect(
      rejected('application/problem+json; charset=utf-16le', Buffer.from('{"message":"gone"}', 'utf16le')),
    ).toEqual({ message: 'gone' });
  });
});
