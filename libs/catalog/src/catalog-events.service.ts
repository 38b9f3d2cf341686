import { Injectable, Logger } from '@nestjs/common';

import { type ManifestActor, type ManifestSource } from './manifest.types';

export type ManifestChangeType =
  'manifest.registered' | 'manifest.updated' | 'manifest.disabled' | 'manifest.synced';

/** One committed catalog change, for the audit trail (issue 5) and anything else that cares. */
export interface ManifestChangeEvent {
  type: ManifestChangeType;
  tenant: string;
  toolId: string;
  version: number;
  source: ManifestSource;
  actor: ManifestActor;
  /** ISO timestamp of the commit. */
  at: string;
}

export type ManifestChangeListener = (event: ManifestChangeEvent) => void | Promise<void>;

/**
 * The hook for auditing catalog changes: subscribe a listener (the audit lib will) and it receives every
 * committed change. Listeners run in order after the commit; one that fails is logged and does not undo
 * the change or fail the request.
 */
@Injectable()
export class CatalogEvents {
  private readonly logger = new Logger('CatalogEvents');
  private readonly listeners = new Set<ManifestChangeListener>();

  subscribe(listener: ManifestChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: ManifestChangeEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error({
          msg: 'catalog change listener failed',
          event: event.type,
          toolId: event.toolId,
          err: error instanceof Error ? error.stack : String(error),
        });
      }
    }
  }
}
