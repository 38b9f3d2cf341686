import { Injectable } from '@nestjs/common';

import { type AuditEventInput, type AuditSink } from '@toolgate/core';

import { toPendingEvent } from './audit-event.util';
import { AuditUnavailableException } from './audit.exception';
import { AuditWriterService } from './writer/audit-writer.service';

/**
 * The application's `AUDIT_SINK`: normalizes and redacts an event, appends it to its tenant's chain and
 * resolves once it is committed (group commit). Rejects with `AuditUnavailableException` (503) when the
 * event cannot be written.
 */
@Injectable()
export class AuditService implements AuditSink {
  constructor(private readonly writer: AuditWriterService) {}

  record(event: AuditEventInput): Promise<void> {
    if (!this.writer.enabled) return Promise.resolve();
    try {
      return this.writer.append(toPendingEvent(event)).catch((error: unknown) => {
        throw new AuditUnavailableException(error);
      });
    } catch (error) {
      return Promise.reject(new AuditUnavailableException(error));
    }
  }
}
