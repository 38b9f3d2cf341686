import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

import { type ConfirmationConfig, confirmationConfig } from '../confirmation.config';
import { FINISHED_STATUSES } from '../store/pending-action-row.util';

const PURGE_BATCH = 1_000;
const MAX_BATCHES_PER_PURGE = 10;
const FINISHED = FINISHED_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * Retention of `pending_actions`: finished actions (consumed, rejected, cancelled, expired) are deleted
 * `CONFIRM_RETENTION_DAYS` after their expiry (every action is finished by then), in bounded batches so one
 * sweep never holds many rows at once. Their audit events stay in the audit trail.
 */
@Injectable()
export class ActionRetentionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(confirmationConfig.KEY) private readonly config: ConfirmationConfig,
  ) {}

  /** Deletes up to `maxBatches` batches of `batch` rows past retention; returns how many went. */
  async purge(batch = PURGE_BATCH, maxBatches = MAX_BATCHES_PER_PURGE): Promise<number> {
    let total = 0;
    for (let round = 0; round < maxBatches; round += 1) {
      const deleted = await this.purgeBatch(batch);
      total += deleted;
      if (deleted < batch) break;
    }
    return total;
  }

  private async purgeBatch(limit: number): Promise<number> {
    const [row]: { count: number }[] = await this.dataSource.query(
      `WITH purged AS (
         DELETE FROM pending_actions
          WHERE id IN (SELECT id FROM pending_actions
                        WHERE status IN (${FINISHED})
                          AND expires_at < now() - make_interval(days => $1)
                        ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
          RETURNING id)
       SELECT count(*)::int AS count FROM purged`,
      [this.config.retentionDays, limit],
    );
    return row.count;
  }
}
