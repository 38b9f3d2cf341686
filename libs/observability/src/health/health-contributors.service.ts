import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult } from '@nestjs/terminus';

export type HealthContributor = () => Promise<HealthIndicatorResult> | HealthIndicatorResult;

/**
 * Indicators other libs add to `/health` (MCP upstreams, policy, rate-limit storage). A contributor that
 * reports `down` makes the full report 503; readiness only depends on the database.
 */
@Injectable()
export class HealthContributors {
  private readonly contributors = new Map<string, HealthContributor>();

  register(name: string, contributor: HealthContributor): void {
    this.contributors.set(name, contributor);
  }

  all(): HealthContributor[] {
    return [...this.contributors.values()];
  }
}
