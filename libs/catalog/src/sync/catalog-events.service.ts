import { Inject, Injectable, Logger, Optional } from '@nestjs/common';

import { AUDIT_SINK, type AuditSink } from '@toolgate/core';

import { type ManifestActor, type ManifestSource } from '../manifest.types';

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

const AUDIT_EVENTS: Record<ManifestChangeType, string> = {
  'manifest.registered': 'manifests.register',
  'manifest.updated': 'manifests.update',
  'manifest.disabled': 'manifests.disable',
  'manifest.synced': 'manifests.sync',
};

export type ManifestChangeListener = (event: ManifestChangeEvent) => void | Promise<void>;

/**
 * Every committed catalog change: first recorded in the audit trail (`manifests.register|update|disable|
 * sync`, awaited so the admin's answer follows its audit row), then handed to subscribed listeners in
 * order. An audit or listener failure is logged and does not undo the change or fail the request.
 */
@Injectable()
export class CatalogEvents {
  private readonly logger = new Logger('CatalogEvents');
  private readonly listeners = new Set<ManifestChangeListener>();

  constructor(@Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink) {}

  subscribe(listener: ManifestChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async emit(event: ManifestChangeEvent): Promise<void> {
    await this.record(event);
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

  private async record(event: ManifestChangeEvent): Promise<void> {
    try {
      await this.audit?.record({
        event: AUDIT_EVENTS[event.type],
        tenant: event.tenant,
        subject: event.actor.subject,
        tool_id: event.toolId,
        status: 'ok',
        details: {
          version: event.version,
          source: event.source,
          actor_tenant: event.actor.tenant,
          at: event.at,
        },
      });
    } catch (error) {
      this.logger.error({
        msg: 'audit event lost',
        event: AUDIT_EVENTS[event.type],
        toolId: event.toolId,
        err: String(error),
      });
    }
  }
}
