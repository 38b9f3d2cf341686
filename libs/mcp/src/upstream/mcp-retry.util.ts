import { type McpConfig } from '../mcp.config';

type RetryConfig = Pick<McpConfig, 'discoveryRetries' | 'discoveryBackoffMs' | 'reconnectMaxMs'>;

/**
 * When an upstream session tries again: `MCP_DISCOVERY_BACKOFF_MS` after a first failure, doubling with each
 * further one up to `MCP_RECONNECT_MAX_MS`, until `succeeded()`. One attempt is due at a time; none after
 * `stop()`.
 */
export class McpRetry {
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly config: RetryConfig,
    private readonly attempt: () => void,
    /** Called once the configured retries (`MCP_DISCOVERY_RETRIES`) are spent; attempts go on. */
    private readonly onRetriesSpent: (retries: number) => void,
  ) {}

  /** Counts a failure; the attempt runs after the backoff delay, instead of any attempt due. */
  failed(): void {
    if (this.stopped) return;
    this.failures += 1;
    const { discoveryRetries, discoveryBackoffMs, reconnectMaxMs } = this.config;
    if (this.failures === discoveryRetries + 1) this.onRetriesSpent(discoveryRetries);
    this.at(Math.min(discoveryBackoffMs * 2 ** (this.failures - 1), reconnectMaxMs));
  }

  /** The attempt runs in `delayMs`, instead of any attempt due. */
  at(delayMs: number): void {
    this.cancel();
    if (this.stopped) return;
    this.timer = setTimeout(this.attempt, delayMs);
    this.timer.unref();
  }

  /** The attempt due, if any, will not run. */
  cancel(): void {
    clearTimeout(this.timer);
  }

  /** The next failure waits the initial delay again. */
  succeeded(): void {
    this.failures = 0;
  }

  stop(): void {
    this.stopped = true;
    this.cancel();
  }
}
