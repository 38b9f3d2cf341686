import { type AuditEventInput, type Principal } from '@toolgate/core';

import { frozen } from '../jwt/claims.util';
import { type ApiKeyEntity } from './api-key.entity';
import { API_KEY_TOKEN_PREFIX } from './api-key-token.util';
import { type ApiKeyDto } from './dto/api-key.dto';

/** An API key as the routes show it: never the secret. */
export function toDto(key: ApiKeyEntity, now = Date.now()): ApiKeyDto {
  const status = key.revokedAt ? 'revoked' : key.expiresAt.getTime() <= now ? 'expired' : 'active';
  return {
    id: key.id,
    name: key.name,
    prefix: `${API_KEY_TOKEN_PREFIX}${key.lookupId}`,
    subject: key.subject,
    tenant: key.tenant,
    roles: key.roles,
    scopes: key.scopes,
    created_by: key.createdBy,
    parent_key_id: key.parentKeyId ?? null,
    created_at: key.createdAt.toISOString(),
    expires_at: key.expiresAt.toISOString(),
    revoked_at: key.revokedAt ? key.revokedAt.toISOString() : null,
    status,
  };
}

/**
 * The person accountable for a key `creator` mints: the creator itself, or, when the creator is an API key,
 * that key's own creator. Each key stores its root, so a chain of keys of any length names the person at
 * its start, and the approval check (the minter never approves) cannot be dodged with a key in between.
 */
export function accountableCreatorOf(creator: Principal): string {
  return creator.kind === 'api_key' ? (creator.createdBy ?? creator.subject) : creator.subject;
}

/** The principal an API key authenticates as. */
export function principalOf(key: ApiKeyEntity): Principal {
  return Object.freeze({
    subject: key.subject,
    tenant: key.tenant,
    roles: frozen([...key.roles]),
    scopes: frozen([...key.scopes]),
    kind: 'api_key' as const,
    credentialId: key.id,
    createdBy: key.createdBy,
    expiresAt: Math.floor(key.expiresAt.getTime() / 1000),
  });
}

/** The fields of a key its `api_keys.create|revoke` events describe. */
export type AuditedKey = Pick<ApiKeyEntity, 'id' | 'name' | 'subject' | 'roles' | 'scopes' | 'expiresAt'>;

/** Details of an `api_keys.*` event: the key (never its secret) and how the actor authenticated. */
export function auditDetails(actor: Principal, key: AuditedKey): Record<string, unknown> {
  return {
    key_id: key.id,
    key_name: key.name,
    key_subject: key.subject,
    roles: key.roles,
    scopes: key.scopes,
    expires_at: key.expiresAt.toISOString(),
    ...actorDetails(actor),
  };
}

/**
 * The denial of an API key's revoke of `id`, a key of its tenant outside what it manages: answered 404 like
 * an unknown id, recorded with the calling key and the target id, nothing else of the target.
 */
export function refusedRevokeEvent(actor: Principal, id: string, requestId?: string): AuditEventInput {
  return {
    event: 'api_keys.revoke',
    tenant: actor.tenant,
    subject: actor.subject,
    decision: 'deny',
    status: '404',
    request_id: requestId,
    details: { key_id: id, reason: 'outside_caller_tree', ...actorDetails(actor) },
  };
}

/** How the actor of an `api_keys.*` event authenticated, and with which key. */
function actorDetails(actor: Principal): Record<string, unknown> {
  return {
    actor_kind: actor.kind,
    ...(actor.credentialId ? { actor_credential_id: actor.credentialId } : {}),
  };
}
