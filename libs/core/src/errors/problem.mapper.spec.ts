import {
  BadRequestException,
  HttpException,
  NotFoundException,
  ServiceUnavailableException,
} from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { errorCodes } from 'fastify';

import { DomainException } from './domain.exception';
import { mapToProblem } from './problem.mapper';

describe('mapToProblem', () => {
  it('keeps a domain exception as thrown, headers and violations included', () => {
    const mapped = mapToProblem(
      new DomainException('POLICY.DENIED', 403, 'Forbidden', {
        detail: 'Denied by rule x.',
        errors: [{ pointer: '/a', detail: 'bad' }],
        headers: { 'www-authenticate': 'Bearer' },
        extensions: { matched_rules: ['x'] },
      }),
    );
    expect(mapped).toMatchObject({
      status: 403,
      code: 'POLICY.DENIED',
      detail: 'Denied by rule x.',
      errors: [{ pointer: '/a', detail: 'bad' }],
      headers: { 'www-authenticate': 'Bearer' },
      extensions: { matched_rules: ['x'] },
      unexpected: false,
    });
  });

  it('hides everything about an unexpected error', () => {
    const mapped = mapToProblem(new Error('password=hunter2 at /srv/x.ts:1'));
    expect(mapped.status).toBe(500);
    expect(mapped.unexpected).toBe(true);
    expect(JSON.stringify(mapped)).not.toContain('hunter2');
  });

  it('maps the framework 404 to a neutral detail', () => {
    expect(mapToProblem(new NotFoundException('Cannot GET /x'))).toMatchObject({
      status: 404,
      code: 'RESOURCE.NOT_FOUND',
      detail: 'No route matches this method and path.',
    });
  });

  it('maps any method of the framework 404 to the neutral detail (no echo of method or path)', () => {
    for (const method of ['PROPFIND', 'M-SEARCH', 'SEARCH', 'TRACE', 'GET']) {
      const mapped = mapToProblem(new NotFoundException(`Cannot ${method} /x/<script>`));
      expect(mapped.detail).toBe('No route matches this method and path.');
    }
    expect(mapToProblem(new NotFoundException('Cannot find tool x')).detail).toBe('Cannot find tool x');
  });

  it("maps Fastify's 4xx errors as Nest's FastifyAdapter hands them over (wrapped in an HttpException)", () => {
    const adapter = new FastifyAdapter();
    const wrap = (error: Error) =>
      (adapter as unknown as { mapException(e: Error): unknown }).mapException(error);
    const empty = wrap(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
    expect(empty).toBeInstanceOf(HttpException);
    expect(mapToProblem(empty)).toMatchObject({ status: 400, code: 'REQUEST.MALFORMED_JSON' });
    expect(mapToProblem(wrap(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('text/xml')))).toMatchObject({
      status: 415,
      code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    });
    expect(mapToProblem(wrap(new errorCodes.FST_ERR_CTP_INVALID_CONTENT_LENGTH()))).toMatchObject({
      status: 400,
      code: 'REQUEST.BAD_CONTENT_LENGTH',
    });
  });

  it('recognises malformed JSON from the body parser', () => {
    const mapped = mapToProblem(
      new BadRequestException("Body is not valid JSON but content-type is set to 'application/json'"),
    );
    expect(mapped.code).toBe('REQUEST.MALFORMED_JSON');
  });

  it('keeps a health report as extension members of a 503', () => {
    const report = { status: 'error', info: {}, error: { database: { status: 'down' } }, details: {} };
    const mapped = mapToProblem(new ServiceUnavailableException(report));
    expect(mapped.status).toBe(503);
    expect(mapped.extensions).toEqual({ info: {}, error: { database: { status: 'down' } }, details: {} });
  });

  it('never reveals the message of a 5xx HttpException', () => {
    const mapped = mapToProblem(new HttpException('internal pool exhausted at db-3', 500));
    expect(mapped.detail).toBe('Internal Server Error');
    expect(mapped.unexpected).toBe(true);
  });

  it("maps the router's own errors without echoing the path", () => {
    const tooLong = {
      statusCode: 414,
      code: 'FST_ERR_MAX_PARAM_LENGTH',
      message: `'/tools/${'x'.repeat(600)}'`,
    };
    expect(mapToProblem(tooLong)).toMatchObject({ status: 414, code: 'REQUEST.PATH_PARAM_TOO_LONG' });
    const badUrl = { statusCode: 400, code: 'FST_ERR_BAD_URL', message: "'/tools/%E0%A4%A' is not valid" };
    expect(mapToProblem(badUrl)).toMatchObject({ status: 400, code: 'REQUEST.BAD_URL' });
    expect(JSON.stringify([mapToProblem(tooLong), mapToProblem(badUrl)])).not.toMatch(/xxxx|%E0/);
  });

  it('maps Fastify client errors by code', () => {
    expect(mapToProblem({ statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', message: 'x' }).code).toBe(
      'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    );
  });
});
