import { redactSecret, secretForms } from './secret-redaction.util';

const SECRET = 'k3y/with+slash= (x)!';
const redacted = (text: string, secret: string | undefined = SECRET) =>
  redactSecret(Buffer.from(text), secret).toString('utf8');

describe('redactSecret', () => {
  it('knows the raw, URL-encoded, form-encoded and JSON-escaped forms, longest first', () => {
    expect(secretForms(SECRET)).toEqual([
      'k3y%2Fwith%2Bslash%3D+%28x%29%21',
      'k3y%2fwith%2bslash%3d+%28x%29%21',
      'k3y%2Fwith%2Bslash%3D%20(x)!',
      'k3y%2fwith%2bslash%3d%20(x)!',
      'k3y\\/with+slash= (x)!',
      'k3y/with+slash= (x)!',
    ]);
    expect(secretForms('a"b\\c')).toEqual(['a%22b%5Cc', 'a%22b%5cc', 'a\\"b\\\\c', 'a"b\\c']);
  });

  const QUOTED = 'a"b\\c';
  it.each([
    ['raw, as sent in a header', SECRET, `{"k":"${SECRET}"}`],
    ['encodeURIComponent', SECRET, `/v1?key=${encodeURIComponent(SECRET)}`],
    [
      'percent-encoded with lower-case hex digits',
      SECRET,
      `/v1?key=${encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())}`,
    ],
    [
      'form-encoded, as the query auth sends it',
      SECRET,
      `/v1?${new URLSearchParams({ key: SECRET }).toString()}`,
    ],
    ['JSON-escaped', QUOTED, JSON.stringify({ k: QUOTED })],
    [
      'JSON with escaped slashes',
      SECRET,
      `{"self":"https:\\/\\/api\\/v1?key=${SECRET.replaceAll('/', '\\/')}"}`,
    ],
  ])('blanks the %s form', (_form, secret, text) => {
    const out = redacted(text, secret);
    expect(out).toContain('[redacted]');
    for (const form of secretForms(secret)) expect(out).not.toContain(form);
    if (text.startsWith('{')) expect(() => JSON.parse(out) as unknown).not.toThrow();
  });

  it('blanks every occurrence, leaving the rest byte for byte (binary included)', () => {
    const body = Buffer.concat([
      Buffer.from([0xff, 0x00]),
      Buffer.from(`${SECRET}é${SECRET}`),
      Buffer.from([0x80]),
    ]);
    const out = redactSecret(body, SECRET);
    expect(out).toEqual(
      Buffer.concat([Buffer.from([0xff, 0x00]), Buffer.from('[redacted]é[redacted]'), Buffer.from([0x80])]),
    );
  });

  it('returns the very same body when there is nothing to blank, and ignores secrets under 4 characters', () => {
    const body = Buffer.from('{"id":1,"name":"abc"}');
    expect(redactSecret(body, undefined)).toBe(body);
    expect(redactSecret(body, '')).toBe(body);
    expect(redactSecret(body, SECRET)).toBe(body);
    expect(redactSecret(body, 'abc')).toBe(body);
    expect(redacted('{"name":"abcd"}', 'abcd')).toBe('{"name":"[redacted]"}');
  });
});
