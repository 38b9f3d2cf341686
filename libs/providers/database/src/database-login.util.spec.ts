import { type Pool } from 'pg';

import { judgeLogin, type LoginFacts, LoginChecks } from './database-login.util';

const facts = (overrides: Partial<LoginFacts> = {}): LoginFacts => ({
  superuser: false,
  bypassrls: false,
  server_roles: [],
  signal_backend: false,
  signal_functions: [],
  ...overrides,
});

const LOGIN = 'the reader login (DATABASE_TOOLS_URL)';

/** A pool whose sessions answer the login check with `answer` (or fail with it), counting checks. */
function fakePool(answer: () => LoginFacts) {
  let checks = 0;
  const pool = {
    connect: async () => ({
      query: async () => {
        checks += 1;
        return { rows: [answer()] };
      },
      release: () => undefined,
    }),
  } as unknown as Pool;
  return { pool, checks: () => checks };
}

describe('login checks', () => {
  it('accepts a plain login without a warning', () => {
    expect(judgeLogin(facts(), LOGIN)).toEqual({ warnings: [] });
  });

  it.each([
    [
      'superuser',
      { superuser: true, bypassrls: true, server_roles: ['pg_read_server_files'] },
      'it is a superuser, which',
    ],
    ['BYPASSRLS', { bypassrls: true }, 'it bypasses row-level security (BYPASSRLS)'],
    [
      'server program',
      { server_roles: ['pg_execute_server_program'] },
      'it is a member of pg_execute_server_program',
    ],
  ])('refuses a %s login, naming why and the variable', (_name, powers, reason) => {
    const verdict = judgeLogin(facts(powers), LOGIN);
    expect(verdict.refused).toContain(`refuse ${LOGIN}: ${reason}`);
    expect(verdict.warnings).toEqual([]);
  });

  it('warns of a login that may end other sessions', () => {
    const verdict = judgeLogin(
      facts({ signal_backend: true, signal_functions: ['pg_cancel_backend', 'pg_terminate_backend'] }),
      LOGIN,
    );
    expect(verdict.refused).toBeUndefined();
    expect(verdict.warnings).toEqual([
      expect.stringMatching(
        /is a member of pg_signal_backend and may execute pg_cancel_backend, pg_terminate_backend, so one caller/,
      ),
    ]);
  });

  it('checks a login once, shared by concurrent callers, and again after forget()', async () => {
    const fake = fakePool(() => facts());
    const checks = new LoginChecks<'reader'>(
      () => fake.pool,
      () => LOGIN,
    );
    await Promise.all([checks.verdict('reader'), checks.verdict('reader'), checks.verdict('reader')]);
    await checks.verdict('reader');
    expect(fake.checks()).toBe(1);
    checks.forget();
    await checks.verdict('reader');
    expect(fake.checks()).toBe(2);
  });

  it('retries a check that could not reach the server, and fails closed when the server refused it', async () => {
    let failure: Error = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const fake = fakePool(() => {
      throw failure;
    });
    const checks = new LoginChecks<'reader'>(
      () => fake.pool,
      () => LOGIN,
    );
    await expect(checks.verdict('reader')).rejects.toThrow('ECONNREFUSED');
    failure = Object.assign(new Error('permission denied for view pg_roles'), { code: '42501' });
    await expect(checks.verdict('reader')).resolves.toEqual({
      refused: expect.stringContaining(`could not check ${LOGIN}`),
      warnings: [],
    });
    await checks.verdict('reader');
    expect(fake.checks()).toBe(2);
  });
});
