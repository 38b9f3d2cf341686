import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type Pool } from 'pg';
import { DataSource } from 'typeorm';

import { type AuditConfig, auditConfig } from '../audit.config';
import { type PendingAuditEvent } from '../audit.types';
import { loadOrCreateAnchorKey } from '../mirror/anchor.util';
import { JsonlMirror } from '../mirror/jsonl-mirror.util';
import { type ExpectedHead } from '../verify/expected-heads.util';
import { AUDIT_COLUMNS, type AuditRow, recordOfRow } from '../verify/stored-chain.util';
import { canonicalAuditBody } from '../chain/audit-hash.util';
import { GroupCommitWriter, type PooledSession } from './group-commit.util';
import { runBeforePoolEnds } from './pool-end.util';
import { appendUnwritten } from './unwritten-events.util';

/** The `pg` pool under TypeORM's Postgres driver (shared: no extra connections, closed with TypeORM). */
function poolOf(dataSource: DataSource): Pool {
  const master = (dataSource.driver as unknown as { master?: Pool }).master;
  if (typeof master?.connect !== 'function') throw new Error('The audit trail needs the Postgres driver');
  return master;
}

/**
 * A pooled client for one flush. Postgres may end its session between two statements (the chain
 * transaction's idle timeout); every pooled client has an error listener of its own
 * (`keepErrorsFromCrashing`, libs/database), so the pending or next query fails instead.
 */
async function checkOut(pool: Pool): Promise<PooledSession> {
  const client = await pool.connect();
  return {
    query: (text: string) => client.query(text),
    release: (destroy?: Error | boolean) => client.release(destroy),
  };
}

/** Request ids a log line names of the events it reports, at most. */
const LOGGED_REQUEST_IDS = 20;

/** Owns the group-commit writer and the JSONL mirror; writes nothing when `AUDIT_ENABLED=false`. */
@Injectable()
export class AuditWriterService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private writer?: GroupCommitWriter;
  private mirror?: JsonlMirror;

  constructor(
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
    private readonly dataSource: DataSource,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  async onModuleInit(): Promise<void> {
    if (!this.config.enabled) {
      this.logger.warn(
        '!!! AUDIT_ENABLED=false: NO AUDIT TRAIL IS WRITTEN. Tool calls, denials and admin changes go ' +
          'unrecorded. This setting exists for benchmarking only; never run it in production. !!!',
      );
      return;
    }
    const pool = poolOf(this.dataSource);
    const mirror = new JsonlMirror(
      this.config.wormDir,
      loadOrCreateAnchorKey(this.config.runtimeDir),
      { log: (message) => this.logger.log(message), error: (message) => this.logger.error(message) },
      (tenant, after, before) => this.committedLines(tenant, after, before),
    );
    await mirror.open();
    this.mirror = mirror;
    this.writer = new GroupCommitWriter({
      connect: () => checkOut(pool),
      committed: (tenant, events) => mirror.append(tenant, events),
      batchMax: this.config.batchMax,
      queueMax: this.config.queueMax,
      writeTimeoutMs: this.config.writeTimeoutMs,
      unwritten: (events, reason) => this.keepUnwritten(events, reason),
    });
    // Events queued after `beforeApplicationShutdown` (answers given while the server closes) are written
    // before the pool closes, whichever shutdown hook closes it.
    runBeforePoolEnds(pool, () => this.closeWriter());
    this.logger.log({ msg: 'audit trail on', worm_dir: this.config.wormDir });
  }

  /** Resolves once the event is committed (immediately when the audit trail is off). */
  append(event: PendingAuditEvent): Promise<void> {
    return this.writer ? this.writer.append(event) : Promise.resolve();
  }

  /** The last event this process committed on `tenant`'s chain: the stored chain must still reach it. */
  knownHead(tenant: string): ExpectedHead | null {
    const head = this.writer?.headOf(tenant);
    return head ? { ...head, source: "this gateway's last write" } : null;
  }

  /**
   * Writes what is queued while the pool is certainly open. Nest calls every module's
   * `beforeApplicationShutdown` before any `onApplicationShutdown`, where TypeORM destroys the pool and the
   * embedded Postgres stops (both before this global module's own `onApplicationShutdown`).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.writer?.settle();
  }

  /**
   * Anchors the day file once nothing writes any more. The writer closed when the pool did (after the events
   * queued while the server closed were written), so this normally finds nothing left.
   */
  async onApplicationShutdown(): Promise<void> {
    await this.closeWriter();
    await this.mirror?.close();
  }

  /** Writes what is queued for at most the write timeout; later events are kept as unwritten. */
  private closeWriter(): Promise<void> {
    return this.writer?.close(this.config.writeTimeoutMs) ?? Promise.resolve();
  }

  /** Events the database will not get: into the WORM directory, said so at error level. */
  private keepUnwritten(events: PendingAuditEvent[], reason: string): void {
    const summary = {
      events: events.length,
      event_names: [...new Set(events.map((event) => event.event))],
      request_ids: events.slice(0, LOGGED_REQUEST_IDS).map((event) => event.request_id),
      reason,
    };
    try {
      const file = appendUnwritten(this.config.wormDir, events, reason);
      this.logger.error({
        msg: 'audit events NOT in the database, kept in the WORM directory',
        file,
        ...summary,
      });
    } catch (error) {
      this.logger.error({
        msg: 'audit events lost: neither in the database nor on disk',
        err: String(error),
        ...summary,
      });
    }
  }

  /** Committed events the mirror lacks (`after < seq < before`), as JSONL lines. */
  private async committedLines(tenant: string, after: number, before: number): Promise<string[]> {
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE tenant = $1 AND seq > $2 AND seq < $3 ORDER BY seq LIMIT 5000`,
      [tenant, after, before],
    );
    return rows.map((row) => {
      const record = recordOfRow(row);
      return `{"hash":"${record.hash}",${canonicalAuditBody(record).slice(1)}`;
    });
  }
}
