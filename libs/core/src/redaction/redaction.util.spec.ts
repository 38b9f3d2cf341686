import { canonicalJson } from '../json/canonical-json.util';
import { redactJson } from './redaction.util';
import { isSecretName } from './sensitive-data.util';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZ2VudCJ9.c2lnbmF0dXJlLWJ5dGVz';

describe('redactJson: the one redactor of tool arguments', () => {
  it("hides the manifest's bare names at any depth, keeping everything else and the input intact", () => {
    const input = {
      target: 'db-1',
      reason: 'customer asked',
      nested: { Reason: 'again', keep: 1, list: [{ reason: 'x', ok: true }] },
    };
    expect(redactJson(input, ['REASON'])).toEqual({
      target: 'db-1',
      reason: '[REDACTED]',
      nested: { Reason: '[REDACTED]', keep: 1, list: [{ reason: '[REDACTED]', ok: true }] },
    });
    expect(input.reason).toBe('customer asked');
  });

  it('hides dotted paths from the top of the arguments, through arrays, and the old audit form too', () => {
    const input = {
      card: { number: '4111', holder: 'Ann' },
      other: { card: { number: 'kept' } },
      items: [{ number: '1' }, { number: '2', x: 1 }],
    };
    expect(redactJson(input, ['card.number', 'items.number'])).toEqual({
      card: { holder: 'Ann', number: '[REDACTED]' },
      items: [{ number: '[REDACTED]' }, { number: '[REDACTED]', x: 1 }],
      other: { card: { number: 'kept' } },
    });
    expect(redactJson(input, ['arguments.card.number'])).toMatchObject({ card: { number: '[REDACTED]' } });
  });

  it('counts paths from `argumentsKey` when the arguments sit inside a larger value', () => {
    const details = { arguments: { card: { number: '4111' } }, card: { number: 'not an argument' } };
    expect(redactJson(details, ['card.number'], { argumentsKey: 'arguments' })).toEqual({
      arguments: { card: { number: '[REDACTED]' } },
      card: { number: 'not an argument' },
    });
  });

  it('always hides secret-like names and credential values', () => {
    expect(
      redactJson({
        Password: 'p',
        db_password: 'p',
        github_token: 't',
        accessToken: 't',
        api_key: 'k',
        apikey: 'k',
        'X-Api-Key': 'k',
        action_token: 'a',
        note: JWT,
        header: 'Bearer abcdefghijkl',
        key: `tg_${'a'.repeat(30)}`,
        max_tokens: 10,
        name: 'n',
      }),
    ).toEqual({
      Password: '[REDACTED]',
      'X-Api-Key': '[REDACTED]',
      accessToken: '[REDACTED]',
      action_token: '[REDACTED]',
      api_key: '[REDACTED]',
      apikey: '[REDACTED]',
      db_password: '[REDACTED]',
      github_token: '[REDACTED]',
      header: '[REDACTED]',
      key: '[REDACTED]',
      max_tokens: 10,
      name: 'n',
      note: '[REDACTED]',
    });
    for (const name of ['maxTokens', 'token_type', 'bypass', 'passage', 'keys']) {
      expect(isSecretName(name)).toBe(false);
    }
  });

  it.each([
    'AccessToken',
    'SessionToken',
    'SecretAccessKey',
    'ClientSecret',
    'DBPassword',
    'accesstoken',
    'clientsecret',
    'accessTOKEN',
    'AuthToken',
  ])('hides the value of %s, whatever its casing', (name) => {
    expect(redactJson({ nested: [{ [name]: 'hunter2' }] })).toEqual({ nested: [{ [name]: '[REDACTED]' }] });
  });

  it.each([
    [['Authorization: Bearer ' + JWT], ['Authorization: [REDACTED]']],
    [`https://x/cb?token=${JWT}`, 'https://x/cb?token=[REDACTED]'],
    [`use key tg_${'a'.repeat(24)} please`, 'use key [REDACTED] please'],
    [`${JWT}\n`, '[REDACTED]\n'],
    [
      ['Authorization', 'Basic dXNlcjpzM2NyM3RwYXNz'],
      ['Authorization', '[REDACTED]'],
    ],
    ['postgres://admin:s3cr3t-pw@db.internal:5432/prod', 'postgres://admin:[REDACTED]@db.internal:5432/prod'],
  ])('hides the credential inside %j and keeps the rest', (value, expected) => {
    expect(redactJson({ value })).toEqual({ value: expected });
  });

  it('leaves look-alikes of secrets as they are', () => {
    const input = {
      maxTokens: 256,
      token_count: 12,
      model: 'tokenizer',
      note: 'the bearer of this letter may collect the parcel',
      url: 'https://example.com:8443/orders?id=42',
    };
    expect(redactJson(input)).toEqual(input);
  });

  it('redacts a megabyte of near-misses in linear time', () => {
    const name = `${'aB'.repeat(250_000)}Token`;
    const input = { [name]: 'x', a: `eyJ${'a'.repeat(16)}.x `.repeat(20_000), b: 'bearer '.repeat(50_000) };
    redactJson({ a: input.a.slice(0, 100) });
    const started = performance.now();
    const out = redactJson(input);
    expect(performance.now() - started).toBeLessThan(1500);
    // Compared as booleans: a failure must not print megabytes.
    expect([out[name], out.a === input.a, out.b === input.b]).toEqual(['[REDACTED]', true, true]);
  });

  it('hides a credential before cutting it to the string limit', () => {
    const long = `eyJhbGciOiJSUzI1NiJ9.${'a'.repeat(2000)}.sig`;
    expect(redactJson({ v: long }, [], { limits: { string: 100 } })).toEqual({ v: '[REDACTED]' });
  });

  it('is canonical and jsonb-safe: names rewritten then sorted, collisions kept apart', () => {
    const out = redactJson({ 'a\u0001': 2, 'a\u0000': 1, b: 'x\u0000', ['k'.repeat(5) + 'z']: 1 }, [], {
      limits: { key: 5 },
    });
    expect(JSON.stringify(out)).toBe(canonicalJson(out));
    expect(out).toEqual({ 'a\u0001': 2, 'a\ufffd': 1, b: 'x\ufffd', 'kkkkk…[1 more]': 1 });
    const proto = redactJson(JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>);
    expect(Object.keys(proto)).toEqual(['__proto__']);
  });

  it('counts dropped members in a `…` member that cannot take a real name', () => {
    const out = redactJson({ a: 1, b: 2, '…': 3 }, [], { limits: { keys: 2 } });
    expect(out).toEqual({ a: 1, b: 2, '…': '[1 more keys]' });
    const taken = redactJson({ '…': 0, '~': 1 }, [], { limits: { keys: 1 } });
    expect(taken).toEqual({ '…': '[1 more keys]', '~': 1 });
  });
});
