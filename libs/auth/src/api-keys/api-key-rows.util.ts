import { type EntityManager } from 'typeorm';

import { type Principal } from '@toolgate/core';

import { type KeyStanding, standingOf } from './api-key-tree.util';

// Statements on `api_keys` inside the caller's transaction, for the changes that must see a consistent tree
// of keys: minting a key with a key, and revoking a key with every key below it.

/** The Postgres channel every replica LISTENs on; one notification per committed revocation. */
export const API_KEYS_CHANNEL = 'toolgate_api_keys';

/** A key a revocation just revoked, as the audit event describes it. */
export interface RevokedKey {
  id: string;
  lookupId: string;
  name: string;
  subject: string;
  roles: string[];
  scopes: string[];
  expiresAt: Date;
  createdAt: Date;
}

interface RevokedRow {
  id: string;
  lookup_id: string;
  name: string;
  subject: string;
  roles: string[];
  scopes: string[];
  expires_at: Date;
  created_at: Date;
}

/**
 * Serialises, per tenant and until the transaction ends, minting with a key and revoking: a key minted
 * while its parent is being revoked is either seen (and revoked) by the revocation, or sees the revoked
 * parent and is refused. Rare admin writes; authentication never takes it.
 */
export async function lockTenantKeys(em: EntityManager, tenant: string): Promise<void> {
  await em.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`toolgate.api_keys:${tenant}`]);
}

/** Revokes the key `id` and every key minted below it (still active ones); the keys it revoked. */
export async function revokeTree(em: EntityManager, tenant: string, id: string): Promise<RevokedKey[]> {
  const [rows] = (await em.query(
    `WITH RECURSIVE tree (id) AS (
       SELECT id FROM api_keys WHERE id = $1 AND tenant = $2
       UNION
       SELECT child.id FROM api_keys child JOIN tree ON child.parent_key_id = tree.id
        WHERE child.tenant = $2
     )
     UPDATE api_keys SET revoked_at = now()
      WHERE id IN (SELECT id FROM tree) AND revoked_at IS NULL
     RETURNING id, lookup_id, name, subject, roles, scopes, expires_at, created_at`,
    [id, tenant],
  )) as [RevokedRow[], number];
  return rows.map((row) => ({
    id: row.id,
    lookupId: row.lookup_id,
    name: row.name,
    subject: row.subject,
    roles: row.roles,
    scopes: row.scopes,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  }));
}

/** Tells every replica (once the transaction commits) to drop its cached keys of `tenant`. */
export async function notifyRevoked(em: EntityManager, tenant: string): Promise<void> {
  await em.query('SELECT pg_notify($1, $2)', [API_KEYS_CHANNEL, JSON.stringify({ tenant })]);
}

/**
 * In one transaction, under the tenant's lock: revokes the key `id` and the keys below it (notifying every
 * replica) when `actor` manages it; otherwise says where it stands for `actor`, unknown or outside.
 */
export async function revokeIfManaged(
  em: EntityManager,
  actor: Principal,
  id: string,
): Promise<RevokedKey[] | Exclude<KeyStanding, 'managed'>> {
  await lockTenantKeys(em, actor.tenant);
  const standing = await standingOf(em, actor, id);
  if (standing !== 'managed') return standing;
  const rows = await revokeTree(em, actor.tenant, id);
  if (rows.length > 0) await notifyRevoked(em, actor.tenant);
  return rows;
}
