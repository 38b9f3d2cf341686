import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, Repository } from 'typeorm';

import {
  AUDIT_SINK,
  type AuditEventInput,
  type AuditSink,
  type Principal,
  ResourceNotFoundException,
} from '@toolgate/core';
import { PolicyService } from '@toolgate/policy';

import { authConfig } from '../auth.config';
import { AuthUnavailableException, InvalidTokenException } from '../auth.exception';
import { ApiKeyEntity } from './api-key.entity';
import { assertKnownRoles, assertWithinCreator, expiryUnderParent } from './api-key-grant.util';
import { lockTenantKeys, revokeIfManaged } from './api-key-rows.util';
import { apiKeyMatches, generateApiKeyToken, parseApiKeyToken } from './api-key-token.util';
import { managedKeys } from './api-key-tree.util';
import {
  accountableCreatorOf,
  type AuditedKey,
  auditDetails,
  principalOf,
  refusedRevokeEvent,
  toDto,
} from './api-key-view.util';
import { ApiKeyCursorInvalidException } from './api-keys.exception';
import { type ApiKeyListDto, type CreatedApiKeyDto } from './dto/api-key.dto';
import { API_KEY_DEFAULT_TTL_SEC, type CreateApiKeyDto } from './dto/create-api-key.dto';
import { API_KEY_PAGE_MAX, type ListApiKeysQueryDto } from './dto/list-api-keys-query.dto';

const CACHE_MAX_ENTRIES = 10_000;
/** Unknown lookup ids are remembered apart, so a flood of made-up tokens never pushes real keys out. */
const MISS_CACHE_MAX_ENTRIES = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CachedKey {
  entity: ApiKeyEntity | null;
  principal?: Principal;
  loadedAt: number;
}

/**
 * API keys of service clients: created by an admin of a tenant (secret shown once, stored as SHA-256),
 * listed and revoked within that tenant, and accepted as `Bearer tg_…`. A key minted with another key is
 * linked to it, holds no role or scope it lacks and does not outlive it; revoking a key revokes every key
 * below it. A person lists and revokes every key of its tenant, an API key only itself and the keys below it
 * (`api-key-tree.util`): any other key of the tenant is, to it, not found. Lookups are cached for at most `API_KEY_CACHE_TTL_SEC`; a revocation drops the
 * cached keys of its tenant on every replica through LISTEN/NOTIFY (`ApiKeyRevocationListener`). Creating
 * and revoking are audited (`api_keys.create|revoke`) with the admin who did it; a key minted with another
 * key records that key's own `created_by` (the person at the root of the chain) as its creator.
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
    private readonly policy: PolicyService,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  /**
   * Mints a key. Roles must be defined by the active policy (422). A person (JWT) is the trust root and may
   * grant any of them; a key may grant only its own roles and scopes (403), until its own expiry (422).
   */
  async create(creator: Principal, input: CreateApiKeyDto, requestId?: string): Promise<CreatedApiKeyDto> {
    const roles = [...new Set(input.roles)];
    const scopes = [...new Set(input.scopes ?? [])];
    assertKnownRoles(roles, this.policy.status().roles);
    const generated = generateApiKeyToken();
    const now = Date.now();
    const values: Partial<ApiKeyEntity> = {
      lookupId: generated.lookupId,
      secretHash: generated.hash,
      name: input.name,
      subject: input.subject,
      tenant: creator.tenant,
      roles,
      scopes,
      createdBy: accountableCreatorOf(creator),
      expiresAt: new Date(now + (input.expires_in_seconds ?? API_KEY_DEFAULT_TTL_SEC) * 1000),
      revokedAt: null,
      parentKeyId: null,
    };
    const saved =
      creator.kind === 'api_key'
        ? await this.keys.manager.transaction((em) => this.createUnderKey(em, creator, input, values, now))
        : await this.keys.save(this.keys.create(values));
    this.forget(saved.lookupId);
    await this.record('api_keys.create', creator, saved, requestId);
    return { ...toDto(saved), secret: generated.token };
  }

  /** Keys `caller` manages, newest first, a page at a time; `next_cursor` is the last key's id. */
  async list(caller: Principal, query: ListApiKeysQueryDto = {}): Promise<ApiKeyListDto> {
    const limit = query.limit ?? API_KEY_PAGE_MAX;
    const select = managedKeys(this.keys, caller)
      .orderBy('k.created_at', 'DESC')
      .addOrderBy('k.id', 'DESC')
      .limit(limit + 1);
    if (query.cursor !== undefined) {
      const cursor = managedKeys(this.keys, caller).andWhere('k.id = :cursor', { cursor: query.cursor });
      if (!(await cursor.getExists())) throw new ApiKeyCursorInvalidException();
      select.andWhere(
        '(k.created_at, k.id) < (SELECT c.created_at, c.id FROM api_keys c WHERE c.id = :cursor)',
        { cursor: query.cursor },
      );
    }
    const rows = await select.getMany();
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const now = Date.now();
    return {
      items: page.map((row) => toDto(row, now)),
      next_cursor: more ? page[page.length - 1].id : null,
    };
  }

  /**
   * Revokes a key of the tenant and every key minted below it (idempotent: revoking a revoked key still
   * revokes what is active below it), each audited; another tenant's key is reported as not found. An API
   * key may revoke only itself and the keys below it: any other key of the tenant is reported as not found
   * too, exactly like an unknown id (so a key cannot probe which ids exist), and the refusal is audited as a
   * denial, not awaited (its write would otherwise tell the two apart by latency).
   */
  async revoke(actor: Principal, id: string, requestId?: string): Promise<void> {
    const revoked = UUID.test(id)
      ? await this.keys.manager.transaction((em) => revokeIfManaged(em, actor, id))
      : 'unknown';
    if (revoked === 'outside') void this.write(refusedRevokeEvent(actor, id, requestId), id);
    if (!Array.isArray(revoked))
      throw new ResourceNotFoundException('No API key with this id in your tenant.');
    for (const key of revoked) this.forget(key.lookupId);
    // The key asked for first, then the keys below it, oldest first.
    revoked.sort((a, b) => Number(b.id === id) - Number(a.id === id) || +a.createdAt - +b.createdAt);
    for (const key of revoked) {
      await this.record('api_keys.revoke', actor, key, requestId, key.id === id ? {} : { revoked_with: id });
    }
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

  /** Drops the cached keys of `tenant`: a key there was revoked, maybe by another replica. */
  forgetTenant(tenant: string): void {
    this.changes += 1;
    for (const [lookupId, entry] of this.cache) {
      if (entry.entity?.tenant === tenant) this.cache.delete(lookupId);
    }
  }

  /** Drops every cached lookup (news of revocations may have been missed). */
  forgetAll(): void {
    this.changes += 1;
    this.cache.clear();
    this.misses.clear();
  }

  /** Mints under the key `creator`, its tree locked: the parent must still be valid when the child exists. */
  private async createUnderKey(
    em: EntityManager,
    creator: Principal,
    input: CreateApiKeyDto,
    values: Partial<ApiKeyEntity>,
    now: number,
  ): Promise<ApiKeyEntity> {
    await lockTenantKeys(em, creator.tenant);
    const id = creator.credentialId ?? '';
    const parent = UUID.test(id) ? await em.findOneBy(ApiKeyEntity, { id, tenant: creator.tenant }) : null;
    if (!parent || parent.revokedAt) throw new InvalidTokenException('revoked api key');
    if (parent.expiresAt.getTime() <= now) throw new InvalidTokenException('expired api key');
    const grant = { roles: values.roles ?? [], scopes: values.scopes ?? [] };
    assertWithinCreator(grant, parent.roles, this.policy.effectiveScopes(principalOf(parent)));
    const expiresAt = expiryUnderParent(
      now,
      input.expires_in_seconds,
      API_KEY_DEFAULT_TTL_SEC,
      parent.expiresAt,
    );
    return em.save(em.create(ApiKeyEntity, { ...values, expiresAt, parentKeyId: parent.id }));
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
  private async record(event: string, actor: Principal, key: AuditedKey, requestId?: string, extra = {}) {
    const details = { ...auditDetails(actor, key), ...extra };
    const input = {
      event,
      tenant: actor.tenant,
      subject: actor.subject,
      status: 'ok',
      request_id: requestId,
    };
    await this.write({ ...input, details }, key.id);
  }

  private async write(event: AuditEventInput, keyId: string): Promise<void> {
    try {
      await this.audit?.record(event);
    } catch (error) {
      this.logger.error({ msg: 'audit event lost', event: event.event, key_id: keyId, err: String(error) });
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
