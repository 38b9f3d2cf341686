import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { type ConfirmationConfig, confirmationConfig } from './confirmation.config';
import { ConfirmationService } from './confirmation.service';

/** Marks expired actions `expired` every CONFIRM_SWEEP_INTERVAL_SEC (reads compute expiry on their own). */
@Injectable()
export class ActionSweeperService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ActionSweeper');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly confirmation: ConfirmationService,
    @Inject(confirmationConfig.KEY) private readonly config: ConfirmationConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.config.sweepIntervalSec * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** One sweep; overlapping ticks are skipped. Returns how many actions expired. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    try {
      return await this.confirmation.sweepExpired();
    } catch (error) {
      this.logger.warn(`Sweep failed: ${String(error)}`);
      return 0;
    } finally {
      this.running = false;
    }
  }
}
