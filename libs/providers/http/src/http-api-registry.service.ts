import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';

import { StaticSecretSource, TokenBroker } from '@toolgate/broker';
import { CATALOG_CHANNEL, CatalogService } from '@toolgate/catalog';

import { HttpApiEntity } from './entities/http-api.entity';
import { refusedSecretSource, secretEnvViolation } from './http-api-secret.util';
import { type HttpApiAuth, type HttpApiDefinition, type HttpOperation } from './http-api.types';

/** How long a replica trusts its copy of an API definition (catalog changes drop it at once). */
const CACHE_TTL_MS = 5_000;
const MAX_CACHED = 1_000;

export interface SaveApiInput {
  tenant: string;
  name: string;
  baseUrl: string;
  auth?: HttpApiAuth;
  operations: HttpOperation[];
  specHash: string;
  actor: string;
}

const TOKEN_TYPES: Record<HttpApiAuth['type'], string> = {
  bearer: 'Bearer',
  header: 'api_key',
  query: 'api_key',
};

function definitionOf(row: HttpApiEntity): HttpApiDefinition {
  return {
    tenant: row.tenant,
    name: row.name,
    baseUrl: row.baseUrl,
    ...(row.auth ? { auth: row.auth } : {}),
    operations: row.operations,
    version: row.version,
  };
}

/**
 * Ingested API definitions (`http_apis`), so any replica can invoke after a restart. Each replica caches
 * definitions briefly and drops the cache on every catalog reload (ingestion changes manifests, which every
 * replica hears through LISTEN/NOTIFY). Registers one broker credential source per API with auth.
 */
@Injectable()
export class HttpApiRegistry implements OnModuleInit {
  private readonly cache = new Map<string, { api?: HttpApiDefinition; at: number }>();
  /** One database read per definition at a time: a burst of calls on a cold cache shares it. */
  private readonly loading = new Map<string, Promise<HttpApiDefinition | undefined>>();
  /** Moves on every change this replica hears of: a read that started before it is not cached. */
  private generation = 0;
  private readonly sources = new Map<string, string>();
  private readonly logger = new Logger(HttpApiRegistry.name);

  constructor(
    @InjectRepository(HttpApiEntity) private readonly repository: Repository<HttpApiEntity>,
    private readonly broker: TokenBroker,
    private readonly catalog: CatalogService,
  ) {}

  onModuleInit(): void {
    this.catalog.onReload(() => this.forgetAll());
  }

  /**
   * Creates or replaces an API; the version moves only when something changed. The same statement NOTIFYs
   * the catalog channel, so every replica drops its cached copy once the row is committed (ingestion
   * writes it after the manifests, whose own notifications may arrive first).
   */
  async save(input: SaveApiInput): Promise<HttpApiDefinition> {
    const rows = (await this.repository.query(
      `WITH "saved" AS (
         INSERT INTO "http_apis" ("tenant", "name", "base_url", "auth", "operations", "spec_hash", "version", "updated_by")
         VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, 1, $7)
         ON CONFLICT ON CONSTRAINT "UQ_http_apis_tenant_name" DO UPDATE SET
           "version" = "http_apis"."version" + CASE WHEN ("http_apis"."base_url", "http_apis"."auth",
             "http_apis"."operations", "http_apis"."spec_hash") IS DISTINCT FROM (EXCLUDED."base_url",
             EXCLUDED."auth", EXCLUDED."operations", EXCLUDED."spec_hash") THEN 1 ELSE 0 END,
           "base_url" = EXCLUDED."base_url", "auth" = EXCLUDED."auth", "operations" = EXCLUDED."operations",
           "spec_hash" = EXCLUDED."spec_hash", "updated_by" = EXCLUDED."updated_by", "updated_at" = now()
         RETURNING "version")
       SELECT "version", pg_notify($8, $9) FROM "saved"`,
      [
        input.tenant,
        input.name,
        input.baseUrl,
        input.auth ? JSON.stringify(input.auth) : null,
        JSON.stringify(input.operations),
        input.specHash,
        input.actor,
        CATALOG_CHANNEL,
        JSON.stringify({
          source: 'openapi',
          tenant: input.tenant,
          api: input.name,
          change: 'http-api.saved',
        }),
      ],
    )) as { version: number }[];
    this.forgetAll();
    const { tenant, name, baseUrl, auth, operations } = input;
    return { tenant, name, baseUrl, ...(auth ? { auth } : {}), operations, version: rows[0].version };
  }

  /**
   * The API `name` of tenant `owner` and its operation behind a tool id. `owner` is the tenant of the
   * manifest the call resolved to, never a guess: looking in the caller's tenant first would let a row the
   * tenant stored (even by an ingestion that then failed) take over a shared tool of the same name.
   */
  async resolve(
    owner: string,
    name: string,
    toolId: string,
  ): Promise<{ api: HttpApiDefinition; operation: HttpOperation } | undefined> {
    const api = await this.find(owner, name);
    const operation = api?.operations.find((candidate) => candidate.toolId === toolId);
    return api && operation ? { api, operation } : undefined;
  }

  /**
   * The broker key of an API's credential source, registering (or re-registering) the source as needed. A
   * stored API whose variable is outside its tenant's `HTTP_API_` namespace (stored before the rule) never
   * reads it: its calls answer 503 as for an unset variable.
   */
  credentialSource(api: HttpApiDefinition): string | undefined {
    if (!api.auth) return undefined;
    const key = `http:${api.tenant}/${api.name}`;
    const signature = `${api.auth.type}\u0000${api.auth.secret_env}`;
    if (this.sources.get(key) !== signature) {
      const violation = secretEnvViolation(api.tenant, api.auth.secret_env);
      if (violation) {
        this.logger.warn(`API ${api.name} of tenant ${api.tenant} gets no credential: ${violation}`);
      }
      this.broker.register(
        key,
        violation
          ? refusedSecretSource(key, `${api.auth.secret_env} is outside this API's namespace`)
          : new StaticSecretSource(key, api.auth.secret_env, TOKEN_TYPES[api.auth.type]),
      );
      this.sources.set(key, signature);
    }
    return key;
  }

  private async find(tenant: string, name: string): Promise<HttpApiDefinition | undefined> {
    const key = this.key(tenant, name);
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.api;
    const held = this.loading.get(key);
    if (held) return held;
    const pending: Promise<HttpApiDefinition | undefined> = this.load(tenant, name, key).finally(() => {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    });
    this.loading.set(key, pending);
    return pending;
  }

  private async load(tenant: string, name: string, key: string): Promise<HttpApiDefinition | undefined> {
    const generation = this.generation;
    const row = await this.repository.findOne({ where: { tenant, name } });
    const api = row ? definitionOf(row) : undefined;
    if (generation === this.generation) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, { api, at: Date.now() });
    }
    return api;
  }

  private forgetAll(): void {
    this.generation += 1;
    this.cache.clear();
    this.loading.clear();
  }

  private key(tenant: string, name: string): string {
    return `${tenant}\u0000${name}`;
  }
}
