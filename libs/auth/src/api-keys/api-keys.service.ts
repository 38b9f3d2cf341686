import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';

import { AUDIT_SINK, type AuditSink, type Principal, ResourceNotFoundException } from '@toolgate/core';

import { authConfig } from '../auth.config';
import { AuthUnavailableException, InvalidTokenException } from '../auth.exception';
import { frozen } from '../jwt/claims.util';
import { ApiKeyEntity } from './api-key.entity';
import {
  apiKeyMatches,
  API_KEY_TOKEN_PREFIX,
  generateApiKeyToken,
  parseApiKeyToken,
} from './api-key-token.util';
import { type ApiKeyDto, type CreatedApiKeyDto } from './dto/api-key.dto';
import { API_KEY_DEFAULT_TTL_SEC, type CreateApiKeyDto } from './dto/create-api-key.dto';

const LIST_LIMIT = 500;
const CACHE_MAX_ENTRIES = 10_000;
/** Unknown lookup ids are remembered apart, so a flood of made-up tokens never pushes real keys out. */
const MISS_CACHE_MAX_ENTRIES = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CachedKey {
  entity: ApiKeyEntity | null;
  principal?: Principal;
  loadedAt: number;
}

function toDto(key: ApiKeyEntity, now = Date.now()): ApiKeyDto {
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
function accountableCreatorOf(creator: Principal): string {
  return creator.kind === 'api_key' ? (creator.createdBy ?? creator.subject) : creator.subject;
}

function principalOf(key: ApiKeyEntity): Principal {
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

/**
 * API keys of service clients: created by an admin of a tenant (secret shown once, stored as SHA-256),
 * listed and revoked within that tenant, and accepted as `Bearer tg_…`. Lookups are cached for at most
 * `API_KEY_CACHE_TTL_SEC` (a revocation on another replica takes effect within it; on this one at once).
 * Creating and revoking are audited (`api_keys.create|revoke`) with the admin who did it, so a key's
 * activity under its own subject leads back to the person who minted it. A key minted with another key
 * records that key's own `created_by` (the person at the root of the chain) as its creator.
 */
@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly cache = new Map<string, CachedKey>();
  private readonly misses = new Map<string, CachedKey>();
  /** Bumped by every change of a key; a lookup that read the row before a change does not cache it. */
  private changes = 0;

  constructor(
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
    @Inject(authConfig.KEY) private readonly config: ConfigType<typeof authConfig>,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async create(creator: Principal, input: CreateApiKeyDto, requestId?: string): Promise<CreatedApiKeyDto> {
    const generated = generateApiKeyToken();
    const ttl = input.expires_in_seconds ?? API_KEY_DEFAULT_TTL_SEC;
    const saved = await this.keys.save(
      this.keys.create({
        lookupId: generated.lookupId,
        secretHash: generated.hash,
        name: input.name,
        subject: input.subject,
        tenant: creator.tenant,
        roles: [...new Set(input.roles)],
        scopes: [...new Set(input.scopes ?? [])],
        createdBy: accountableCreatorOf(creator),
        expiresAt: new Date(Date.now() + ttl * 1000),
        revokedAt: null,
      }),
    );
    this.forget(saved.lookupId);
    await this.record('api_keys.create', creator, saved, requestId);
    return { ...toDto(saved), secret: generated.token };
  }

  async list(tenant: string): Promise<ApiKeyDto[]> {
    const rows = await this.keys.find({ where: { tenant }, order: { createdAt: 'DESC' }, take: LIST_LIMIT });
    const now = Date.now();
    return rows.map((row) => toDto(row, now));
  }

  /** Revokes a key of the tenant (idempotent); another tenant's key is reported as not found. */
  async revoke(actor: Principal, id: string, requestId?: string): Promise<void> {
    const { tenant } = actor;
    const key = UUID.test(id) ? await this.keys.findOneBy({ id, tenant }) : null;
    if (!key) throw new ResourceNotFoundException('No API key with this id in your tenant.');
    const result = await this.keys.update({ id, tenant, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    this.forget(key.lookupId);
    if (result.affected) await this.record('api_keys.revoke', actor, key, requestId);
  }

  /** The principal of a valid, unexpired, unrevoked API key token. */
  async authenticate(token: string): Promise<Principal> {
    const lookupId = parseApiKeyToken(token);
    if (!lookupId) throw new InvalidTokenException('malformed api key');
    const cached = await this.lookup(lookupId);
    const key = cached.entity;
    if (!key || !apiKeyMatches(token, key.secretHash)) throw new InvalidTokenException('unknown api key');
    if (key.revokedAt) throw new InvalidTokenException('revoked api key');
    if (key.expiresAt.getTime() <= Date.now()) throw new InvalidTokenException('expired api key');
    cached.principal ??= principalOf(key);
    return cached.principal;
  }

  private async lookup(lookupId: string): Promise<CachedKey> {
    const now = Date.now();
    const hit = this.cache.get(lookupId) ?? this.misses.get(lookupId);
    if (hit && now - hit.loadedAt < this.config.apiKeyCacheTtlMs) return hit;
    const changes = this.changes;
    let entity: ApiKeyEntity | null;
    try {
      entity = await this.keys.findOneBy({ lookupId });
    } catch (error) {
      throw new AuthUnavailableException(error);
    }
    const entry: CachedKey = { entity, loadedAt: now };
    // A revoke that ran while this row was read must not be undone by caching the row it replaced.
    if (this.config.apiKeyCacheTtlMs > 0 && changes === this.changes) {
      if (entity) remember(this.cache, CACHE_MAX_ENTRIES, lookupId, entry);
      else remember(this.misses, MISS_CACHE_MAX_ENTRIES, lookupId, entry);
    }
    return entry;
  }

  /** The key is already stored or revoked: a lost audit event is logged, not turned into an error. */
  private async record(event: string, actor: Principal, key: ApiKeyEntity, requestId?: string) {
    try {
      await this.audit?.record({
        event,
        tenant: actor.tenant,
        subject: actor.subject,
        status: 'ok',
        request_id: requestId,
        details: {
          key_id: key.id,
          key_name: key.name,
          key_subject: key.subject,
          roles: key.roles,
          scopes: key.scopes,
          expires_at: key.expiresAt.toISOString(),
          actor_kind: actor.kind,
          ...(actor.credentialId ? { actor_credential_id: actor.credentialId } : {}),
        },
      });
    } catch (error) {
      this.logger.error({ msg: 'audit event lost', event, key_id: key.id, err: String(error) });
    }
  }

  private forget(lookupId: string): void {
    this.changes += 1;
    this.cache.delete(lookupId);
    this.misses.delete(lookupId);
  }
}

/** Puts `entry` last in a FIFO of at most `max` entries. */
function remember(cache: Map<string, CachedKey>, max: number, lookupId: string, entry: CachedKey): void {
  cache.delete(lookupId);
  if (cache.size >= max) cache.delete(cache.keys().next().value as string);
  cache.set(lookupId, entry);
}
