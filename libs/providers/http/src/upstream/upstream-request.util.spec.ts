import { RequestValidationException } from '@toolgate/core';

import { type HttpOperation } from '../http-api.types';
import { buildUpstreamRequest } from './upstream-request.util';

const api = { baseUrl: 'https://api.example.com/v1' };
const operation: HttpOperation = {
  operationId: 'show',
  toolId: 'http.pets:show',
  method: 'get',
  path: '/pets/{petId}',
  parameters: [
    { name: 'petId', in: 'path', required: true },
    { name: 'tag', in: 'query', required: false },
    { name: 'X-Trace', in: 'header', required: false },
  ],
};

/** The violations `buildUpstreamRequest` refuses `input` with (none when it builds a request). */
function violations(input: Record<string, unknown>) {
  try {
    buildUpstreamRequest(api, operation, { path: { petId: '1' }, ...input });
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationException);
    return (error as RequestValidationException).errors;
  }
}

describe('buildUpstreamRequest', () => {
  it('encodes path and query values as UTF-8, astral characters included', () => {
    const request = buildUpstreamRequest(api, operation, {
      path: { petId: 'é 😀' },
      query: { tag: ['a', '😀'] },
    });
    expect(request.url).toBe('https://api.example.com/v1/pets/%C3%A9%20%F0%9F%98%80?tag=a&tag=%F0%9F%98%80');
  });

  it('refuses a lone surrogate in a path or query value with a pointer to it', () => {
    expect(violations({ path: { petId: 'a\ud800' } })).toEqual([
      { pointer: '/path/petId', detail: 'must be well-formed Unicode (no lone surrogate)' },
    ]);
    expect(violations({ query: { tag: '\udc00' } })).toEqual([
      { pointer: '/query/tag', detail: 'must be well-formed Unicode (no lone surrogate)' },
    ]);
    expect(violations({ query: { tag: ['ok', 'x\ud83d'] } })).toEqual([
      { pointer: '/query/tag/1', detail: 'must be well-formed Unicode (no lone surrogate)' },
    ]);
  });

  it('sends Latin-1 header values and refuses control characters and anything above U+00FF', () => {
    const request = buildUpstreamRequest(api, operation, {
      path: { petId: '1' },
      headers: { 'X-Trace': 'café ÿ' },
    });
    expect(request.headers['x-trace']).toBe('café ÿ');
    for (const [value, detail] of [
      ['Ā', 'must contain only Latin-1 characters (up to U+00FF)'],
      ['😀', 'must contain only Latin-1 characters (up to U+00FF)'],
      ['\ud800', 'must contain only Latin-1 characters (up to U+00FF)'],
      ['a\r\nb', 'must not contain control characters'],
      ['a\u0085b', 'must not contain control characters'],
    ]) {
      expect(violations({ headers: { 'X-Trace': value } })).toEqual([
        { pointer: '/headers/X-Trace', detail },
      ]);
    }
  });

  it('sends no argument named like an Object.prototype member unless the agent gave it', () => {
    const inherited: HttpOperation = {
      ...operation,
      path: '/pets/{constructor}',
      parameters: [
        { name: 'constructor', in: 'path', required: true },
        { name: 'constructor', in: 'query', required: false },
        { name: 'hasOwnProperty', in: 'query', required: false },
        { name: 'toString', in: 'header', required: false },
      ],
    };
    const given = { path: { constructor: 'c1' }, query: {}, headers: {} };
    const request = buildUpstreamRequest(api, inherited, given);
    expect(request.url).toBe('https://api.example.com/v1/pets/c1');
    expect(request.headers.tostring).toBeUndefined();
    // Groups left out entirely: the path value is missing, not `function Object() { [native code] }`.
    expect(() => buildUpstreamRequest(api, inherited, {})).toThrow(RequestValidationException);
    const named = buildUpstreamRequest(api, inherited, {
      ...given,
      query: { constructor: 'q', hasOwnProperty: 'h' },
      headers: { toString: 't' },
    });
    expect(named.url).toBe('https://api.example.com/v1/pets/c1?constructor=q&hasOwnProperty=h');
    expect(named.headers.tostring).toBe('t');
  });

  it('never sends a reserved header, even where an API stored before it was reserved declares it', () => {
    const reserved = [
      'X-Forwarded-For',
      'x-forwarded-host',
      'X-Forwarded-Proto',
      'X-Real-IP',
      'Proxy-Connection',
      'Via',
    ];
    const stored: HttpOperation = {
      ...operation,
      parameters: [
        ...operation.parameters,
        ...reserved.map((name) => ({ name, in: 'header' as const, required: false })),
      ],
    };
    const request = buildUpstreamRequest(api, stored, {
      path: { petId: '1' },
      headers: { 'X-Trace': 't', ...Object.fromEntries(reserved.map((name) => [name, '10.0.0.1'])) },
    });
    expect(request.headers).toEqual({
      'x-trace': 't',
      accept: expect.any(String),
      'user-agent': 'toolgate-http-provider',
    });
  });
});
