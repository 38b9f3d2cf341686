import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { type ConfirmationConfig, confirmationConfig } from '../confirmation.config';
import { ConfirmationService } from '../confirmation.service';
import { ActionRetentionService } from './action-retention.service';

/**
 * Every CONFIRM_SWEEP_INTERVAL_SEC: marks expired actions `expired` (reads compute expiry on their own),
 * then deletes finished ones past CONFIRM_RETENTION_DAYS.
 */
@Injectable()
export class ActionSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ActionSweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly confirmation: ConfirmationService,
    private readonly retention: ActionRetentionService,
    @Inject(confirmationConfig.KEY) private readonly config: ConfirmationConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalSec * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; overlapping ticks are skipped. Returns how many actions expired and how many were deleted. */
  async sweep(): Promise<{ expired: number; purged: number }> {
    if (this.running) return { expired: 0, purged: 0 };
    this.running = true;
    try {
      return {
        expired: await this.step('expiry', () => this.confirmation.sweepExpired()),
        purged: await this.step('retention', () => this.retention.purge()),
      };
    } finally {
      this.running = false;
    }
  }

  /** Runs one part of the sweep; a failure is logged and the other part still runs. */
  private async step(name: string, run: () => Promise<number>): Promise<number> {
    try {
      return await run();
    } catch (error) {
      this.logger.warn(`Sweep (${name}) failed: ${String(error)}`);
      return 0;
    }
  }
}
