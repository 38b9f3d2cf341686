/**
 * What the gateway's own database login may do to the audit trail beyond its grants: a superuser or a member
 * of the role owning `audit_events` can switch its append-only trigger off (`ALTER TABLE … DISABLE TRIGGER`;
 * a superuser also `session_replication_role = replica`) and drop it; one owning its schema can drop it. One
 * round trip, once at boot.
 */
export const AUDIT_LOGIN_SQL = `
SELECT current_user::text AS login,
       r.rolsuper AS superuser,
       coalesce(pg_catalog.pg_has_role(current_user, t.relowner, 'MEMBER'), false) AS owns_table,
       coalesce(pg_catalog.pg_has_role(current_user, n.nspowner, 'MEMBER'), false) AS owns_schema
FROM pg_catalog.pg_roles r
LEFT JOIN pg_catalog.pg_class t ON t.oid = pg_catalog.to_regclass('audit_events')
LEFT JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace
WHERE r.rolname = current_user`;

/** One row of `AUDIT_LOGIN_SQL`. */
export interface AuditLoginFacts {
  login: string;
  superuser: boolean;
  owns_table: boolean;
  owns_schema: boolean;
}

/** What to log once at boot, and what `/health` shows (no role names: the route is public). */
export interface AuditLoginVerdict {
  warning?: string;
  /** The embedded development database: its superuser login is expected, said once at `log` level. */
  note?: string;
  health: { warning?: string; note?: string };
}

function powersOf(facts: AuditLoginFacts): string[] {
  // A superuser has every other power too: naming that one is enough.
  if (facts.superuser)
    return [
      'is a superuser: it can switch off the append-only trigger of audit_events ' +
        '(ALTER TABLE … DISABLE TRIGGER, session_replication_role) and drop the table',
    ];
  return [
    ...(facts.owns_table ? ['owns audit_events: it can switch off its append-only trigger and drop it'] : []),
    ...(facts.owns_schema && !facts.owns_table
      ? ['owns the schema of audit_events: it can drop the table']
      : []),
  ];
}

/**
 * Warns when the gateway's login can undo the database's half of the audit trail's protection: the trail is
 * append-only against that login only if it neither is a superuser nor owns the table or its schema.
 * `embedded`: the embedded development database, whose only login is its superuser: expected there.
 */
export function judgeAuditLogin(facts: AuditLoginFacts, embedded: boolean): AuditLoginVerdict {
  const powers = powersOf(facts);
  if (!powers.length) return { health: {} };
  const what = `the gateway's database login ${powers.join('; it ')}`;
  if (embedded)
    return {
      note:
        `The embedded development database runs the gateway as its superuser, so ${what}. Expected for ` +
        'development; in production set DATABASE_URL to a login that is no superuser and owns neither ' +
        'audit_events nor its schema.',
      health: { note: `${what} (expected for the embedded development database)` },
    };
  return {
    warning:
      `Warning: the gateway's database login "${facts.login}" ${powers.join('; it ')}, so the database does not ` +
      'keep the audit trail append-only against the gateway itself. Run the gateway as a login that is no ' +
      'superuser and owns neither audit_events nor its schema (migrations as the owner: see docker-compose.yml).',
    health: { warning: what },
  };
}
