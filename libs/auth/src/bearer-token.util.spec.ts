import { InvalidTokenException, MissingTokenException } from './auth.exception';
import { extractBearerToken } from './bearer-token.util';

describe('extractBearerToken', () => {
  it('returns the token of one Bearer header (scheme case-insensitive)', () => {
    expect(extractBearerToken(['Host', 'x', 'Authorization', 'Bearer abc.def.ghi'])).toBe('abc.def.ghi');
    expect(extractBearerToken(['authorization', 'bearer  tg_x'])).toBe('tg_x');
  });

  it('answers a missing header as missing (no error attribute in the challenge)', () => {
    const error = (() => {
      try {
        extractBearerToken(['Host', 'x']);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(MissingTokenException);
    expect((error as MissingTokenException).headers['www-authenticate']).toBe('Bearer realm="toolgate"');
  });

  it.each([
    ['two Authorization headers', ['Authorization', 'Bearer a.b.c', 'authorization', 'Bearer a.b.c']],
    ['Basic scheme', ['Authorization', 'Basic dXNlcjpwYXNz']],
    ['empty bearer', ['Authorization', 'Bearer ']],
    ['bare scheme', ['Authorization', 'Bearer']],
    ['no scheme', ['Authorization', 'abc.def.ghi']],
    ['two tokens', ['Authorization', 'Bearer a.b.c, Bearer d.e.f']],
    ['invalid characters', ['Authorization', 'Bearer a"b']],
    ['oversized token', ['Authorization', `Bearer ${'a'.repeat(8193)}`]],
  ])('refuses %s as an invalid token', (_name, headers) => {
    expect(() => extractBearerToken(headers)).toThrow(InvalidTokenException);
  });

  it('accepts a token of exactly 8 KiB', () => {
    const token = 'a'.repeat(8192);
    expect(extractBearerToken(['Authorization', `Bearer ${token}`])).toBe(token);
  });
});
