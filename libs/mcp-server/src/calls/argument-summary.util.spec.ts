import { summarizeArguments } from './argument-summary.util';

describe('summarizeArguments', () => {
  it('masks what the approval view and the audit trail mask, at any depth', () => {
    const summary = summarizeArguments(
      {
        target: 'db-1',
        db_password: 'hunter2',
        config: { accessToken: 'abc', region: 'eu' },
        card: { number: '4111111111111111' },
        auth: 'Bearer abcdefghijkl',
      },
      ['card.number'],
    );
    expect(summary).toBe(
      'auth=[REDACTED], card={"number":"[REDACTED]"}, config={"accessToken":"[REDACTED]","region":"eu"}, ' +
        'db_password=[REDACTED], target="db-1"',
    );
    for (const secret of ['hunter2', 'abc"', '4111', 'abcdefghijkl']) expect(summary).not.toContain(secret);
  });

  it('shortens long values and the whole line', () => {
    expect(summarizeArguments({}, [])).toBe('(no arguments)');
    expect(summarizeArguments({ note: 'x'.repeat(200) }, [])).toMatch(/^note="x{78}…$/);
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'value']));
    expect(summarizeArguments(many, []).length).toBe(600);
  });
});
