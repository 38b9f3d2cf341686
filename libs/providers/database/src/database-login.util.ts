import { Logger } from '@nestjs/common';
import { type Pool } from 'pg';

import { isUnavailable, withinDeadline } from './database-guard.util';

/** Roles whose members read or write server files or run server programs: a login holding one is refused. */
export const SERVER_ROLES = ['pg_execute_server_program', 'pg_read_server_files', 'pg_write_server_files'];

/**
 * What a login can do beyond its grants, through itself or any role it is a member of (`MEMBER`: even
 * without INHERIT, it could `SET ROLE`). One round trip on a pooled session, once per configuration.
 */
export const LOGIN_CHECK_SQL = `
SELECT coalesce(bool_or(r.rolsuper), false) AS superuser,
       coalesce(bool_or(r.rolbypassrls), false) AS bypassrls,
       coalesce(array_agg(r.rolname::text ORDER BY r.rolname) FILTER (WHERE r.rolname = ANY ($1::text[])), '{}')
         AS server_roles,
       coalesce(bool_or(r.rolname = 'pg_signal_backend'), false) AS signal_backend,
       ARRAY(SELECT DISTINCT p.proname::text FROM pg_catalog.pg_proc p
             WHERE p.pronamespace = 'pg_catalog'::regnamespace
               AND p.proname IN ('pg_terminate_backend', 'pg_cancel_backend')
               AND has_function_privilege(p.oid, 'EXECUTE')
             ORDER BY 1) AS signal_functions
FROM pg_catalog.pg_roles r
WHERE pg_catalog.pg_has_role(session_user, r.oid, 'MEMBER')`;

/** One row of `LOGIN_CHECK_SQL`. */
export interface LoginFacts {
  superuser: boolean;
  bypassrls: boolean;
  server_roles: string[];
  signal_backend: boolean;
  signal_functions: string[];
}

/** Whether the tools may use a login (`refused` says why not, for callers and health) and what to warn about. */
export interface LoginVerdict {
  refused?: string;
  warnings: string[];
}

/**
 * Judges a login (`login` names it for people: "the reader login (DATABASE_TOOLS_URL)"). Refused: superuser,
 * BYPASSRLS or a server files/program role, which a read-only transaction does not contain (COPY TO PROGRAM,
 * pg_read_file). Warned: it may end other sessions of the same login, i.e. other callers' queries.
 */
export function judgeLogin(facts: LoginFacts, login: string): LoginVerdict {
  // A superuser has every other power too: naming that one is enough.
  const powers = facts.superuser
    ? ['is a superuser']
    : [
        ...(facts.bypassrls ? ['bypasses row-level security (BYPASSRLS)'] : []),
        ...(facts.server_roles.length ? [`is a member of ${facts.server_roles.join(', ')}`] : []),
      ];
  if (!powers.length) return { warnings: signalWarnings(facts, login) };
  return {
    refused:
      `The database tools refuse ${login}: it ${powers.join(' and ')}, which their walls (the read-only ` +
      "transaction, the login's grants) do not contain. Give them a login without SUPERUSER, BYPASSRLS and " +
      'the pg_*_server_* roles.',
    warnings: [],
  };
}

/** The warning for a login that may end other sessions of the same login, i.e. other callers' queries. */
function signalWarnings(facts: LoginFacts, login: string): string[] {
  const signals: string[] = [];
  const fixes: string[] = [];
  if (facts.signal_backend) {
    signals.push('is a member of pg_signal_backend');
    fixes.push('revoke pg_signal_backend from it');
  }
  if (facts.signal_functions.length) {
    signals.push(`may execute ${facts.signal_functions.join(', ')}`);
    fixes.push('REVOKE EXECUTE on those functions FROM PUBLIC in its database');
  }
  if (!signals.length) return [];
  return [
    `Warning: ${login} ${signals.join(' and ')}, so one caller can end other callers' queries ` +
      `(they share the login); ${fixes.join(' and ')}.`,
  ];
}

/**
 * Verdicts on the logins, one check per role and configuration, shared by concurrent callers; refusals and
 * warnings are logged once. A check that could not run (server unreachable) is forgotten, so the next call
 * tries again; one the server refused (the catalogs hidden) fails closed. The check runs on a session of the
 * client's pool that is not kept afterwards (it may be a refused login's).
 */
export class LoginChecks<Role extends string> {
  private readonly logger = new Logger('DatabaseTools');
  private readonly verdicts = new Map<Role, Promise<LoginVerdict>>();

  constructor(
    private readonly poolOf: (role: Role) => Pool,
    private readonly describe: (role: Role) => string,
  ) {}

  verdict(role: Role): Promise<LoginVerdict> {
    const known = this.verdicts.get(role);
    if (known) return known;
    const checking: Promise<LoginVerdict> = this.check(role).catch((error: unknown) => {
      if (this.verdicts.get(role) === checking) this.verdicts.delete(role);
      throw error;
    });
    this.verdicts.set(role, checking);
    return checking;
  }

  /** The verdicts on `roles` known within `ms`; those still unknown (or failing) are left out. */
  async settled(roles: Role[], ms: number): Promise<LoginVerdict[]> {
    const verdicts = await Promise.all(
      roles.map((role) => withinDeadline(this.verdict(role), ms, () => undefined).catch(() => undefined)),
    );
    return verdicts.filter((verdict): verdict is LoginVerdict => verdict !== undefined);
  }

  /** Forgets every verdict (new targets). */
  forget(): void {
    this.verdicts.clear();
  }

  private async check(role: Role): Promise<LoginVerdict> {
    const login = this.describe(role);
    let verdict: LoginVerdict;
    try {
      verdict = judgeLogin(await this.read(role), login);
    } catch (error) {
      if (isUnavailable(error)) throw error;
      this.logger.error(`Checking ${login} failed: ${(error as Error).message}`);
      return { refused: `The database tools could not check ${login}; see the gateway log.`, warnings: [] };
    }
    if (verdict.refused) this.logger.error(verdict.refused);
    for (const warning of verdict.warnings) this.logger.warn(warning);
    return verdict;
  }

  private async read(role: Role): Promise<LoginFacts> {
    const session = await this.poolOf(role).connect();
    try {
      return (await session.query<LoginFacts>(LOGIN_CHECK_SQL, [SERVER_ROLES])).rows[0];
    } finally {
      session.release(true);
    }
  }
}
