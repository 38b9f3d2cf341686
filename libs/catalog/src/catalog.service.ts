import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { type Principal } from '@toolgate/core';

import { type ManifestEntity } from './entities/manifest.entity';
import { type CatalogManifest, PUBLIC_TENANT } from './manifest.types';
import { ManifestStore } from './store/manifest-store.service';

/** Backoff of a failed notified reload: 1 s, doubling, at most 30 s, until one succeeds. */
export const RELOAD_RETRY_MIN_MS = 1_000;
export const RELOAD_RETRY_MAX_MS = 30_000;

type Snapshot = ReadonlyMap<string, ReadonlyMap<string, CatalogManifest>>;
export type CatalogReloadListener = (manifests: readonly CatalogManifest[]) => void;

function toCatalogManifest(row: ManifestEntity): CatalogManifest {
  return Object.freeze({
    ...row.manifest,
    toolId: row.toolId,
    tenant: row.tenant,
    version: row.version,
    source: row.source,
  });
}

function buildSnapshot(rows: ManifestEntity[]): Snapshot {
  const byTenant = new Map<string, Map<string, CatalogManifest>>();
  for (const row of rows) {
    const tenant = byTenant.get(row.tenant) ?? new Map<string, CatalogManifest>();
    tenant.set(row.toolId, toCatalogManifest(row));
    byTenant.set(row.tenant, tenant);
  }
  return byTenant;
}

/**
 * The enabled manifests of every tenant, held in memory so the invoke hot path never queries. Loaded at
 * bootstrap and reloaded whole after any change (this replica's writes, or a NOTIFY from another one);
 * concurrent reload requests coalesce into one more load.
 */
@Injectable()
export class CatalogService implements OnModuleDestroy {
  private readonly logger = new Logger('Catalog');
  private snapshot: Snapshot = new Map();
  private loading?: Promise<void>;
  private reloadAgain = false;
  private retryTimer?: NodeJS.Timeout;
  private retryDelayMs = RELOAD_RETRY_MIN_MS;
  private destroyed = false;
  private readonly listeners = new Set<CatalogReloadListener>();
  /** Incremented after each completed load (tests and metrics). */
  generation = 0;

  constructor(private readonly store: ManifestStore) {}

  /**
   * The manifest `toolId` as `principal` may see it: its own tenant's, else the shared `public` one.
   * Unknown, disabled and other tenants' tools are `undefined`. Never touches the database.
   */
  resolve(toolId: string, principal: Pick<Principal, 'tenant'>): CatalogManifest | undefined {
    return this.snapshot.get(principal.tenant)?.get(toolId) ?? this.snapshot.get(PUBLIC_TENANT)?.get(toolId);
  }

  /** Every manifest visible to the caller's tenant (own ones shadow `public` ones), in tool id order. */
  visibleTo(principal: Pick<Principal, 'tenant'>): CatalogManifest[] {
    const merged = new Map(this.snapshot.get(PUBLIC_TENANT) ?? []);
    for (const [toolId, manifest] of this.snapshot.get(principal.tenant) ?? []) merged.set(toolId, manifest);
    return [...merged.values()].sort((a, b) => (a.toolId < b.toolId ? -1 : a.toolId > b.toolId ? 1 : 0));
  }

  /** Called with the new manifests after every reload (the schema validator prunes stale versions). */
  onReload(listener: CatalogReloadListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Loads the catalog again; resolves once a load that started after this call has completed. */
  reload(): Promise<void> {
    if (this.loading) {
      this.reloadAgain = true;
      return this.loading;
    }
    this.loading = this.loadLoop();
    return this.loading;
  }

  /**
   * Fire-and-forget reload (notification handler). A failure (the database briefly unreachable) is logged
   * and retried with backoff until a load succeeds: waiting for the next change would leave this replica
   * serving a tool another one disabled.
   */
  scheduleReload(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.reload().then(
      () => {
        this.retryDelayMs = RELOAD_RETRY_MIN_MS;
      },
      (error: unknown) => {
        this.logger.error({
          msg: 'catalog reload failed',
          retry_in_ms: this.retryDelayMs,
          err: error instanceof Error ? error.stack : error,
        });
        if (this.destroyed || this.retryTimer) return;
        this.retryTimer = setTimeout(() => {
          this.retryTimer = undefined;
          this.scheduleReload();
        }, this.retryDelayMs);
        this.retryTimer.unref();
        this.retryDelayMs = Math.min(this.retryDelayMs * 2, RELOAD_RETRY_MAX_MS);
      },
    );
  }

  onModuleDestroy(): void {
    this.destroyed = true;
    clearTimeout(this.retryTimer);
  }

  private async loadLoop(): Promise<void> {
    try {
      do {
        this.reloadAgain = false;
        await this.loadOnce();
      } while (this.reloadAgain);
    } finally {
      this.loading = undefined;
    }
  }

  private async loadOnce(): Promise<void> {
    this.snapshot = buildSnapshot(await this.store.loadActive());
    this.generation += 1;
    const manifests = [...this.snapshot.values()].flatMap((tenant) => [...tenant.values()]);
    for (const listener of this.listeners) listener(manifests);
  }
}
