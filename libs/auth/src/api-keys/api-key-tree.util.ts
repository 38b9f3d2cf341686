import { type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';

import { type Principal } from '@toolgate/core';

import { ApiKeyEntity } from './api-key.entity';

// What a caller with `api-keys:manage` manages among the keys of its tenant. A person (JWT) manages every
// key of the tenant. An API key manages only itself and the keys minted below it (`parent_key_id`, at any
// depth), so a leaked key can neither list nor revoke the tenant's other keys.

/** `unknown`: no key with this id in the caller's tenant; `outside`: one the caller does not manage. */
export type KeyStanding = 'unknown' | 'outside' | 'managed';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The ids of the key `:root` and of every key below it (TypeORM parameters `:root`, `:tenant`). */
const TREE_IDS = `WITH RECURSIVE tree (id) AS (
    SELECT r.id FROM api_keys r WHERE r.id = :root AND r.tenant = :tenant
    UNION
    SELECT child.id FROM api_keys child JOIN tree ON child.parent_key_id = tree.id
     WHERE child.tenant = :tenant
  )
  SELECT tree.id FROM tree`;

/** The key at the top of what `caller` manages: undefined for a person; null for a key without a key id. */
function rootOf(caller: Principal): string | null | undefined {
  if (caller.kind !== 'api_key') return undefined;
  return caller.credentialId !== undefined && UUID.test(caller.credentialId) ? caller.credentialId : null;
}

/** The keys (alias `k`) `caller` manages. */
export function managedKeys(
  keys: Repository<ApiKeyEntity>,
  caller: Principal,
): SelectQueryBuilder<ApiKeyEntity> {
  const select = keys.createQueryBuilder('k').where('k.tenant = :tenant', { tenant: caller.tenant });
  const root = rootOf(caller);
  if (root === undefined) return select;
  return root === null ? select.andWhere('FALSE') : select.andWhere(`k.id IN (${TREE_IDS})`, { root });
}

/**
 * Where the key `id` stands for `caller`: not a key of its tenant, a key of its tenant outside what it
 * manages, or a key it manages. For an API key, one statement walks up from `id` through `parent_key_id`
 * looking for the caller's key (a chain is short; a tree below it may be wide), so an unknown id and a key
 * outside the tree cost the same round trips.
 */
export async function standingOf(em: EntityManager, caller: Principal, id: string): Promise<KeyStanding> {
  const root = rootOf(caller);
  if (root === undefined || root === null) {
    if (!(await em.existsBy(ApiKeyEntity, { id, tenant: caller.tenant }))) return 'unknown';
    return root === undefined ? 'managed' : 'outside';
  }
  const rows = (await em.query(
    `WITH RECURSIVE chain (id, parent_key_id) AS (
       SELECT id, parent_key_id FROM api_keys WHERE id = $1 AND tenant = $2
       UNION
       SELECT up.id, up.parent_key_id FROM api_keys up JOIN chain ON up.id = chain.parent_key_id
        WHERE up.tenant = $2
     )
     SELECT EXISTS (SELECT 1 FROM chain WHERE chain.id = $1) AS found,
            EXISTS (SELECT 1 FROM chain WHERE chain.id = $3) AS manages`,
    [id, caller.tenant, root],
  )) as { found: boolean; manages: boolean }[];
  if (rows[0]?.found !== true) return 'unknown';
  return rows[0].manages === true ? 'managed' : 'outside';
}
