import { redactArguments } from './argument-redaction.util';

describe('argument redaction (approver view)', () => {
  it("replaces the manifest's sensitive fields at any depth, keeping everything else", () => {
    const input = {
      target: 'db-1',
      reason: 'customer asked',
      nested: { reason: 'again', keep: 1, list: [{ reason: 'x', ok: true }] },
    };
    expect(redactArguments(input, ['reason'])).toEqual({
      target: 'db-1',
      reason: '[REDACTED]',
      nested: { reason: '[REDACTED]', keep: 1, list: [{ reason: '[REDACTED]', ok: true }] },
    });
    expect(input.reason).toBe('customer asked');
  });

  it('always redacts secret-like names, case-insensitively', () => {
    expect(
      redactArguments({ Password: 'p', api_key: 'k', token: 't', action_token: 'a', name: 'n' }, []),
    ).toEqual({
      Password: '[REDACTED]',
      api_key: '[REDACTED]',
      token: '[REDACTED]',
      action_token: '[REDACTED]',
      name: 'n',
    });
  });

  it('matches sensitive field names case-insensitively and leaves values that merely look alike', () => {
    expect(redactArguments({ SSN: '123', note: 'ssn' }, ['ssn'])).toEqual({ SSN: '[REDACTED]', note: 'ssn' });
  });
});
