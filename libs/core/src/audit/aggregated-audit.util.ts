import { Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';

import { type AggregatedCount, type AggregationKey, type AggregationWindow } from './aggregation-window.util';
import { type AuditEventInput, type AuditSink } from './audit-sink.types';

/**
 * An auditor of floods (failed logins, refused requests) that the append-only trail must not record at the
 * sender's rate: the first occurrence of a key in each window is written on its own, the others only
 * counted, and when the window closes (and at shutdown) one event per key carries the count. Writes never
 * hold an answer back; a lost event is logged. Subclasses say what an event looks like.
 */
export abstract class AggregatedAuditor<K extends AggregationKey<K>>
  implements OnModuleInit, OnApplicationShutdown
{
  private readonly logger: Logger;
  private flusher?: NodeJS.Timeout;

  protected constructor(
    context: string,
    private readonly window: AggregationWindow<K>,
    private readonly windowMs: number,
    private readonly audit?: AuditSink,
  ) {
    this.logger = new Logger(context);
  }

  /** The event of the keys' occurrences that were only counted in the window that closed. */
  protected abstract countedEvent(counted: AggregatedCount<K>): AuditEventInput;

  onModuleInit(): void {
    this.flusher = setInterval(() => void this.flush(), this.windowMs);
    this.flusher.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flusher);
    await this.flush();
  }

  /** One event per key for the occurrences of the window that were only counted. */
  async flush(): Promise<void> {
    await Promise.all(this.window.drain().map((counted) => this.write(this.countedEvent(counted))));
  }

  /** Writes `event()` when `key`'s first occurrence in this window, otherwise only counts it. */
  protected occurred(key: K, event: () => AuditEventInput): void {
    if (!this.audit || !this.window.admit(key)) return;
    void this.write(event());
  }

  private async write(event: AuditEventInput): Promise<void> {
    await this.audit?.record(event).catch((error: unknown) =>
      this.logger.error({
        msg: 'audit event lost',
        event: event.event,
        request_id: event.request_id,
        err: String(error),
      }),
    );
  }
}
