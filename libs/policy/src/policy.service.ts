import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
  Optional,
} from '@nestjs/common';
import { type HealthIndicatorResult } from '@nestjs/terminus';

import { AUDIT_SINK, type AuditSink, type Principal } from '@toolgate/core';
import { HealthContributors } from '@toolgate/observability';

import { CompiledPolicy } from './engine/compiled-policy.util';
import { formatIssue } from './loader/policy-document.types';
import { type LoadedPolicy, PolicyLoadError, readPolicyFile } from './loader/policy-file.util';
import { type PolicyConfig, policyConfig } from './policy.config';
import { PolicyInvalidException } from './policy.exception';
import {
  type PolicyDecision,
  type PolicyLoadFailure,
  type PolicyResource,
  type PolicyStatus,
} from './policy.types';

/**
 * Holds the active policy and decides with it. Loads `POLICY_FILE` at boot (a bad file stops the boot),
 * reloads on SIGHUP and on demand; a refused reload keeps the last good policy and reports the error.
 */
@Injectable()
export class PolicyService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Policy');
  private active: CompiledPolicy;
  private lastError: PolicyLoadFailure | null = null;
  private reloads: Promise<unknown> = Promise.resolve();
  private readonly onSighup = (): void => {
    this.logger.log({ msg: 'SIGHUP received: reloading the policy', file: this.config.file });
    // A refused file is logged by the reload itself; anything else would otherwise vanish here.
    this.reload().catch((error: unknown) => {
      if (!(error instanceof PolicyInvalidException))
        this.logger.error({ msg: 'policy reload failed', file: this.config.file, err: String(error) });
    });
  };

  constructor(
    @Inject(policyConfig.KEY) private readonly config: PolicyConfig,
    @Optional() private readonly health?: HealthContributors,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  async onModuleInit(): Promise<void> {
    try {
      this.activate(await readPolicyFile(this.config.file), 'policy loaded');
    } catch (error) {
      if (error instanceof PolicyLoadError) this.logIssues(error);
      throw error;
    }
    this.health?.register('policy', () => this.healthIndicator());
    process.on('SIGHUP', this.onSighup);
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onSighup);
  }

  /** Hash of the active policy file. */
  get version(): string {
    return this.active.version;
  }

  /** Decides `action` on `resource` (default: the caller's own tenant) for the caller. */
  decide(principal: Principal, action: string, resource?: PolicyResource): PolicyDecision {
    return this.active.decide(principal, action, resource ?? { tenant: principal.tenant });
  }

  /** Token scopes plus the scopes of the caller's roles, sorted. */
  effectiveScopes(principal: Principal): string[] {
    return [...this.active.effectiveScopes(principal)];
  }

  /**
   * Re-reads the policy file. Throws `PolicyInvalidException` (and keeps the active policy) when refused.
   * Either way the attempt is audited (`policy.reload`, gateway chain) before this resolves.
   */
  reload(actor?: Principal): Promise<PolicyStatus> {
    const next = this.reloads.then(() => this.reloadNow(actor));
    this.reloads = next.catch(() => undefined);
    return next;
  }

  status(): PolicyStatus {
    const { document } = this.active;
    return {
      version: this.active.version,
      file: this.active.file,
      loaded_at: this.active.loadedAt.toISOString(),
      last_error: this.lastError,
      roles: Object.keys(document.roles),
      rules: document.rules.map((rule) => rule.id),
    };
  }

  private async reloadNow(actor?: Principal): Promise<PolicyStatus> {
    const previous = this.active.version;
    try {
      this.activate(await readPolicyFile(this.config.file), 'policy reloaded');
      await this.auditReload(actor, 'ok', { previous_version: previous });
      return this.status();
    } catch (error) {
      if (!(error instanceof PolicyLoadError)) throw error;
      this.lastError = {
        message: error.message,
        errors: error.issues.map(formatIssue),
        at: new Date().toISOString(),
      };
      this.logIssues(error);
      await this.auditReload(actor, 'refused', { errors: this.lastError.errors.slice(0, 20) });
      throw new PolicyInvalidException(error.issues, this.active.version);
    }
  }

  /** Policy is gateway-wide: reloads go to the gateway's chain (`_gateway`), the caller's tenant in details. */
  private async auditReload(actor: Principal | undefined, status: string, details: Record<string, unknown>) {
    try {
      await this.audit?.record({
        event: 'policy.reload',
        tenant: '_gateway',
        subject: actor?.subject ?? 'SIGHUP',
        status,
        policy_version: this.active.version,
        details: { ...details, actor_tenant: actor?.tenant ?? null, trigger: actor ? 'api' : 'signal' },
      });
    } catch (error) {
      this.logger.error({ msg: 'audit event lost', event: 'policy.reload', err: String(error) });
    }
  }

  private activate(loaded: LoadedPolicy, message: string): void {
    const previous = this.active?.version;
    this.active = new CompiledPolicy(loaded);
    this.lastError = null;
    const { roles, rules } = loaded.document;
    this.logger.log({
      msg: message,
      file: loaded.file,
      policy_version: loaded.version,
      previous_version: previous,
      roles: Object.keys(roles).length,
      rules: rules.length,
    });
  }

  private logIssues(error: PolicyLoadError): void {
    this.logger.error({
      msg: 'policy file refused',
      file: error.file,
      active_version: this.active?.version ?? null,
      errors: error.issues.map(formatIssue),
    });
  }

  /**
   * For the public `/health`: state and versions only. Why a file was refused (its path, rule names, YAML
   * fragments) is for `GET /policy` and the logs, not for anyone who can reach the probe.
   */
  private healthIndicator(): HealthIndicatorResult {
    const details = { version: this.active.version, loaded_at: this.active.loadedAt.toISOString() };
    if (!this.lastError) return { policy: { status: 'up', ...details } };
    return {
      policy: {
        status: 'down',
        ...details,
        last_error: `policy file refused at ${this.lastError.at}; GET /policy shows why`,
      },
    };
  }
}
