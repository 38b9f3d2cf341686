import { isSecretValue, REDACTED, redactSecretText } from './secret-value.util';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZ2VudC0xIn0.c2lnbmF0dXJlc2lnbmF0dXJl';
const JWE = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtaXYtaXY.Y2lwaGVydGV4dA.dGFnLXRhZw';
const KEY = `tg_3f9a0c1d2e4b5a69_${'Yz3q2m0bXl8T1c8o0Qd6f3Jm9kRk4n7sP2wV5xA1bC0'}`;
const MB = 1024 * 1024;

/** `unit` repeated to one megabyte. */
function megabyteOf(unit: string): string {
  return unit.repeat(Math.ceil(MB / unit.length)).slice(0, MB);
}

describe('redactSecretText', () => {
  it.each([
    // whole values, as before
    [JWT, REDACTED],
    [`tg_${'a'.repeat(30)}`, REDACTED],
    ['Bearer abcdefghijkl', REDACTED],
    ['Basic dXNlcjpzM2NyM3RwYXNz', REDACTED],
    // inside longer strings: the credential goes, the rest stays
    [`Authorization: Bearer ${JWT}`, `Authorization: ${REDACTED}`],
    ['Authorization: Bearer abcdefghij', `Authorization: ${REDACTED}`],
    [
      'curl -H "authorization: bearer abcdefghij" https://x',
      `curl -H "authorization: ${REDACTED}" https://x`,
    ],
    [`call with Bearer ${KEY} now`, `call with ${REDACTED} now`],
    ['Authorization: Basic dXNlcjpzM2NyM3RwYXNz', `Authorization: ${REDACTED}`],
    [`https://example.com/cb?token=${JWT}`, `https://example.com/cb?token=${REDACTED}`],
    [`use key tg_${'a'.repeat(24)} please`, `use key ${REDACTED} please`],
    [`use ${KEY}.`, `use ${REDACTED}.`],
    [`${JWT}\n`, `${REDACTED}\n`],
    [`jwe ${JWE} end`, `jwe ${REDACTED} end`],
    [
      'postgres://admin:s3cr3t-pw@db.internal:5432/prod',
      `postgres://admin:${REDACTED}@db.internal:5432/prod`,
    ],
    ['dsn=mysql://u:p@ss@h/db', `dsn=mysql://u:${REDACTED}@h/db`],
    ['https://x/a?access_token=abc123&max_tokens=5', `https://x/a?access_token=${REDACTED}&max_tokens=5`],
    ['grant_type=password&client_secret=xyz', `grant_type=password&client_secret=${REDACTED}`],
    ['https://s3/o?X-Amz-Signature=ab12&x=1', `https://s3/o?X-Amz-Signature=${REDACTED}&x=1`],
  ])('redacts %j', (text, expected) => {
    expect(redactSecretText(text)).toBe(expected);
    expect(isSecretValue(text)).toBe(true);
  });

  it.each([
    'tokenizer',
    'the bearer of this letter may collect the parcel',
    'pay the bearer immediately',
    'basic understanding of the ledger',
    'Basic auth is configured',
    'https://example.com:8443/orders?id=42#top',
    'https://user@example.com/path',
    'mailto:someone@example.com',
    'https://x/a?max_tokens=5&page=2',
    'select id from orders where status = $1',
    'eyJ',
    'eyJhbGciOiJIUzI1NiJ9',
    'tg_short',
    'Bearer short',
    '',
  ])('keeps %j as it is', (text) => {
    expect(redactSecretText(text)).toBe(text);
    expect(isSecretValue(text)).toBe(false);
  });

  it.each([
    ['plain words', megabyteOf('lorem ipsum dolor sit ')],
    ['one run of letters', 'a'.repeat(MB)],
    ['eyJ over and over', megabyteOf('eyJ')],
    ['JWT near-misses', megabyteOf(' eyJaaaa.bbbb')],
    ['dotted eyJ runs', megabyteOf('eyJaaaa.')],
    ['tg_ over and over', megabyteOf('tg_')],
    ['short tg_ words', megabyteOf(' tg_aaaa')],
    ['bearer words', megabyteOf('bearer ')],
    ['bearer and spaces', `bearer${' '.repeat(MB)}`],
    ['a long basic credential', `Basic ${'A'.repeat(MB)}`],
    ['schemes', megabyteOf('a://')],
    ['a long user', `a://${'b'.repeat(MB)}`],
    ['a password without @', `a://b:${'c'.repeat(MB)}`],
    ['colons', megabyteOf('a://b:c:')],
    ['a long scheme-like run', `${'a'.repeat(MB)}://`],
    ['parameters', megabyteOf('?a=')],
    ['long parameter names', megabyteOf(`?${'a'.repeat(70)}`)],
    ['equals signs', megabyteOf('=')],
    ['every anchor', megabyteOf('eyJa.b tg_x Bearer x a://b:c ?token basic ')],
    ['dense credentials', megabyteOf('&token=x Basic dTpw ')],
  ])('reads a megabyte of %s in linear time', (_, text) => {
    redactSecretText(text.slice(0, 4096)); // warm the expression up
    const started = performance.now();
    redactSecretText(text);
    expect(performance.now() - started).toBeLessThan(1500);
  });
});
