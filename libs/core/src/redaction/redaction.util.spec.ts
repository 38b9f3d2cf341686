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
