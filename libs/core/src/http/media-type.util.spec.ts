import { mapToProblem } from '../errors/problem.mapper';
import { quotableMediaType, UnsupportedMediaTypeError } from './media-type.util';

describe('the 415 detail', () => {
  it('quotes the type/subtype only, in lower case, cut to 100 characters', () => {
    expect(quotableMediaType('Text/XML; charset=utf-8; secret=x')).toBe('text/xml');
    expect(quotableMediaType(' application/vnd.a+xml ')).toBe('application/vnd.a+xml');
    expect(quotableMediaType(`a/${'b'.repeat(500)}`)).toBe(`a/${'b'.repeat(98)}…`);
  });

  it('quotes nothing that is not a media type (no markup, quotes or control characters echoed)', () => {
    for (const header of ['text', 'text/', '/x', 'a b/c', 'text/<b>', 'a/"b"', 'a/b\u0000', 'a/b/c'])
      expect([header, quotableMediaType(header)]).toEqual([header, undefined]);
  });

  it('maps to 415 REQUEST.UNSUPPORTED_MEDIA_TYPE saying what was sent and what is required', () => {
    const cases: [string | undefined, RegExp][] = [
      ['text/plain; charset=utf-8', /^The body was sent as text\/plain, .*application\/json/],
      [undefined, /no Content-Type.*application\/json/],
      ['<script>', /not a valid media type.*application\/json/],
    ];
    for (const [header, detail] of cases) {
      const mapped = mapToProblem(new UnsupportedMediaTypeError(header));
      expect(mapped).toMatchObject({
        status: 415,
        code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        unexpected: false,
      });
      expect(mapped.detail).toMatch(detail);
      expect(mapped.detail).not.toMatch(/charset|script/);
    }
  });
});
