import { type ConfigType } from '@nestjs/config';

import {
  type CredentialSource,
  CredentialTimeoutException,
  type IssuedCredential,
  TokenBroker,
} from '@toolgate/broker';
import {
  type AuditEventInput,
  type AuditSink,
  DomainException,
  type InvocationContext,
  markBeforeUpstream,
  type ProviderRegistry,
  ProviderTimeoutException,
  ProviderUnavailableException,
  ProviderUpstreamException,
  ToolProviderHost,
  UnknownToolException,
} from '@toolgate/core';
import { makeCatalogManifest, makePrincipal } from '@toolgate/testing';

import { type invocationConfig } from '../invocation.config';
import { type InvocationRequest } from '../invocation.types';
import { mayHaveRun } from './may-have-run.util';
import { CREDENTIAL_UNWIND_MS } from './provider-call.util';
import { ToolExecutorService } from './tool-executor.service';

class EchoHost extends ToolProviderHost {
  describe() {
    return { key: 'p', name: 'p', description: 'p', contractVersion: 1 };
  }
  listTools() {
    return [];
  }
  check() {
    return Promise.resolve({ status: 'up' as const });
  }
  override invoke() {
    return Promise.resolve({ ok: true });
  }
}

/** A credential source whose token request takes `delayMs`. */
function slowSource(delayMs: number): CredentialSource & { issued: number } {
  const source = {
    issued: 0,
    issue: () => {
      source.issued += 1;
      return new Promise<IssuedCredential>((resolve) =>
        setTimeout(
          () => resolve({ token_type: 'Bearer', access_token: 'secret', expires_in: 3600, scopes: [] }),
          delayMs,
        ).unref(),
      );
    },
  };
  return source;
}

class ForbiddenAccountException extends DomainException {
  constructor() {
    super('TEST.ACCOUNT_NOT_ALLOWED', 403, 'Forbidden', { detail: 'Not your account.' });
  }
}

const call: InvocationRequest = {
  toolId: 'p:x',
  manifestVersion: 1,
  providerId: 'p',
  tenant: 'acme',
  principal: makePrincipal(),
  requestId: 'req-1',
  correlationId: 'req-1',
  input: {},
  payloadDigest: 'digest',
  decision: {
    allowed: true,
    matched_rules: [],
    missing_scopes: [],
    require_confirmation: false,
    require_approval: null,
    policy_version: 'v1',
  },
  sensitiveFields: [],
};

/** The broker's 504 for a deadline passed while waiting for a credential: nothing sent, safe to retry. */
function expectSafeToRetry(error: unknown): void {
  expect(error).toBeInstanceOf(CredentialTimeoutException);
  expect(error).toMatchObject({
    status: 504,
    code: 'PROVIDER.TIMEOUT',
    detail: expect.stringMatching(/safe to retry/),
  });
  expect(mayHaveRun(error)).toBe(false);
}

describe('ToolExecutorService', () => {
  let broker: TokenBroker;
  let events: AuditEventInput[];
  let executor: ToolExecutorService;
  const manifest = makeCatalogManifest({ toolId: 'p:x', provider_id: 'p', timeout_ms: 100 });

  beforeEach(() => {
    broker = new TokenBroker();
    events = [];
    const host = new EchoHost();
    const registry = {
      get: () => host,
      findToolOf: (_provider: string, toolId: string) => {
        if (toolId === 'p:listed') return { definition: { ...manifest, name: 'listed', toolId } };
        if (toolId !== 'p:guarded') return undefined;
        const admit = (input: { account?: string }) => {
          if (input.account !== 'ours') throw new ForbiddenAccountException();
        };
        return { definition: { ...manifest, name: 'guarded', toolId, admit } };
      },
    } as unknown as ProviderRegistry;
    const audit: AuditSink = {
      record: (event: AuditEventInput) => {
        events.push(event);
        return Promise.resolve();
      },
    };
    const config = { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>;
    executor = new ToolExecutorService(registry, broker, config, audit);
  });

  it('answers 504 at the deadline when the credential exchange is slower than the tool may take', async () => {
    broker.register('p', slowSource(2_000));
    const started = Date.now();
    const late = await executor.execute(call, manifest).catch((error: unknown) => error);
    expectSafeToRetry(late);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(events.map((event) => event.status)).toEqual(['intent', 'error']);
    expect(events[1].details).toMatchObject({ http_status: 504, code: 'PROVIDER.TIMEOUT' });
  });

  describe('a provider renewing a credential its upstream refused', () => {
    /** A source that issues `t1` at once, then answers each later token request after `delayMs`. */
    const renewingSource = (delayMs: number): CredentialSource => {
      let issued = 0;
      return {
        issue: (request) => {
          issued += 1;
          const credential = {
            token_type: 'Bearer',
            access_token: `t${issued}`,
            expires_in: 60 * issued,
            scopes: [`s${issued}`],
          };
          if (issued === 1) return Promise.resolve(credential);
          return new Promise((resolve) =>
            setTimeout(
              () => resolve({ ...credential, scopes: [...request.scopes, `s${issued}`] }),
              delayMs,
            ).unref(),
          );
        },
      };
    };
    /** Calls its upstream with the token it was handed, is refused (401), renews it once and reports the new one. */
    class RenewingHost extends EchoHost {
      override async invoke(_tool?: unknown, _input?: unknown, ctx?: InvocationContext) {
        const request = { scopes: ['x'], subject: 's', tenant: 'acme', purpose: ctx!.toolId };
        const fresh = await broker.renew('p', ctx!.credentials!.access_token!, request, ctx!.deadline);
        ctx!.reportCredentials?.(fresh!);
        return { ok: true, used: fresh!.access_token };
      }
    }
    const renewing = () =>
      new ToolExecutorService(
        { get: () => new RenewingHost(), findToolOf: () => undefined } as unknown as ProviderRegistry,
        broker,
        { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
      );

    it('answers token_meta of the credential the call used, not of the one its upstream refused', async () => {
      broker.register('p', renewingSource(10));
      const answer = await renewing().execute(call, manifest);
      expect(JSON.parse(answer.body)).toMatchObject({
        result: { used: 't2' },
        token_meta: { token_type: 'Bearer', expires_in: 120, scopes: ['x', 's2'] },
      });
    });

    it('answers that 504 only once the provider has undone what it held for the call, for a moment at most', async () => {
      broker.register('p', renewingSource(2_000));
      /** Releases what it holds for the call when its renewal fails: `undoMs` later, or never. */
      const undoing = (undoMs: number | undefined, undone: string[]) =>
        class extends RenewingHost {
          override async invoke(tool?: unknown, input?: unknown, ctx?: InvocationContext) {
            try {
              return await super.invoke(tool, input, ctx);
            } catch (error) {
              if (undoMs === undefined) await new Promise(() => undefined);
              await new Promise((resolve) => setTimeout(resolve, undoMs));
              undone.push(ctx!.requestId);
              throw error;
            }
          }
        };
      const executor = (Host: new () => EchoHost) =>
        new ToolExecutorService(
          { get: () => new Host(), findToolOf: () => undefined } as unknown as ProviderRegistry,
          broker,
          { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
        );
      const undone: string[] = [];
      const late = await executor(undoing(150, undone))
        .execute(call, manifest)
        .catch((error: unknown) => error);
      expect(late).toBeInstanceOf(CredentialTimeoutException);
      expect(undone).toEqual([call.requestId]);
      // A provider that never finishes unwinding delays the answer by CREDENTIAL_UNWIND_MS, no more.
      const started = Date.now();
      const stuck = await executor(undoing(undefined, []))
        .execute(call, manifest)
        .catch((error: unknown) => error);
      expect(stuck).toBeInstanceOf(CredentialTimeoutException);
      expect(Date.now() - started).toBeLessThan((manifest.timeout_ms ?? 0) + CREDENTIAL_UNWIND_MS + 500);
    });

    it('answers a deadline that passed during the renewal as a 504 safe to retry, not as a call that may have run', async () => {
      broker.register('p', renewingSource(2_000));
      const late = await renewing()
        .execute(call, manifest)
        .catch((error: unknown) => error);
      expectSafeToRetry(late);
      // Any other deadline once the provider was called may follow an effect.
      class HangingHost extends EchoHost {
        override invoke() {
          return new Promise<never>(() => undefined);
        }
      }
      const hanging = await new ToolExecutorService(
        { get: () => new HangingHost(), findToolOf: () => undefined } as unknown as ProviderRegistry,
        new TokenBroker(),
        { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
      )
        .execute(call, manifest)
        .catch((error: unknown) => error);
      expect(hanging).toBeInstanceOf(ProviderTimeoutException);
      expect(mayHaveRun(hanging)).toBe(true);
    });
  });

  it("answers a deadline that passed while the provider waited for its own credential as the broker's 504, not as a call that may have run", async () => {
    // An HTTP API's or an MCP server's credential: the provider asks the broker itself, with the deadline.
    broker.register('p.own', slowSource(2_000));
    class OwnCredentialHost extends EchoHost {
      override async invoke(_tool?: unknown, _input?: unknown, ctx?: InvocationContext) {
        const request = { scopes: [], subject: 's', tenant: 'acme', purpose: ctx!.toolId };
        await broker.exchange('p.own', request, ctx!.deadline);
        return { ok: true };
      }
    }
    const started = Date.now();
    const late = await new ToolExecutorService(
      { get: () => new OwnCredentialHost(), findToolOf: () => undefined } as unknown as ProviderRegistry,
      broker,
      { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
    )
      .execute(call, manifest)
      .catch((error: unknown) => error);
    expect(late).toBeInstanceOf(CredentialTimeoutException);
    expect(late).toMatchObject({
      status: 504,
      code: 'PROVIDER.TIMEOUT',
      detail: expect.stringMatching(
        /credentials of provider p\.own, so it had no effect and is safe to retry/,
      ),
    });
    expect(mayHaveRun(late)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("runs the provider's own check before the credential exchange: a refused call needs no token", async () => {
    const source = slowSource(2_000);
    broker.register('p', source);
    const refused = executor.execute(
      { ...call, toolId: 'p:guarded', input: { account: 'theirs' } },
      manifest,
    );
    await expect(refused).rejects.toBeInstanceOf(ForbiddenAccountException);
    await expect(refused.catch((error: unknown) => mayHaveRun(error))).resolves.toBe(false);
    expect(source.issued).toBe(0);
    expect(events.map((event) => event.status)).toEqual(['intent', 'error']);
    expect(events[1].details).toMatchObject({ http_status: 403, code: 'TEST.ACCOUNT_NOT_ALLOWED' });
  });

  it("admits a call to be held only when the provider's own check passes, and records a refusal", async () => {
    const guarded = { ...call, toolId: 'p:guarded' };
    expect(() => executor.admit({ ...guarded, input: { account: 'ours' } })).not.toThrow();
    expect(() => executor.admit({ ...call, toolId: 'p:listed' })).not.toThrow();
    expect(() => executor.admit(call)).not.toThrow();
    expect(events).toEqual([]);
    expect(() => executor.admit({ ...guarded, input: { account: 'theirs' } })).toThrow(
      ForbiddenAccountException,
    );
    expect(events).toEqual([
      expect.objectContaining({
        event: 'tools.deny',
        decision: 'deny',
        status: '403',
        tool_id: 'p:guarded',
        correlation_id: 'req-1',
        details: { denied_by: 'provider', provider_id: 'p', code: 'TEST.ACCOUNT_NOT_ALLOWED' },
      }),
    ]);
  });

  it('marks errors from once the provider was called, so an Idempotency-Key is not freed for a rerun', async () => {
    const failing = (status: string) =>
      new ToolExecutorService(
        { get: () => new EchoHost(), findToolOf: () => undefined } as unknown as ProviderRegistry,
        broker,
        { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
        {
          record: (event: AuditEventInput) =>
            event.status === status ? Promise.reject(new Error('down')) : Promise.resolve(),
        },
      );
    const intentLost = await failing('intent')
      .execute(call, manifest)
      .catch((error: unknown) => error);
    expect(intentLost).toMatchObject({ status: 503 });
    expect(mayHaveRun(intentLost)).toBe(false);
    const outcomeLost = await failing('ok')
      .execute(call, manifest)
      .catch((error: unknown) => error);
    expect(outcomeLost).toMatchObject({ status: 503 });
    expect(mayHaveRun(outcomeLost)).toBe(true);
  });

  it('does not mark errors raised before the provider reached its upstream, nor a broken describe()', async () => {
    const failingWith = (fail: () => never, describeFails = false) => {
      class FailingHost extends EchoHost {
        override describe() {
          if (describeFails) throw new Error('describe broke');
          return super.describe();
        }
        override invoke(): Promise<{ ok: boolean }> {
          return Promise.resolve().then(fail);
        }
      }
      const host = new FailingHost();
      return new ToolExecutorService(
        { get: () => host, findToolOf: () => undefined } as unknown as ProviderRegistry,
        broker,
        { defaultTimeoutMs: 30_000 } as ConfigType<typeof invocationConfig>,
      )
        .execute(call, manifest)
        .catch((error: unknown) => error);
    };
    const unknownTool = await failingWith(() => {
      throw new UnknownToolException('p', 'p:x');
    });
    expect(unknownTool).toMatchObject({ status: 404, code: 'PROVIDER.UNKNOWN_TOOL' });
    expect(mayHaveRun(unknownTool)).toBe(false);
    const noCredential = await failingWith(() => {
      throw markBeforeUpstream(new ProviderUnavailableException('p', 'no credential'));
    });
    expect(noCredential).toMatchObject({ status: 503 });
    expect(mayHaveRun(noCredential)).toBe(false);
    const brokenDefinition = await failingWith(() => {
      throw markBeforeUpstream(new Error('definitions unreadable'));
    });
    expect(brokenDefinition).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(mayHaveRun(brokenDefinition)).toBe(false);
    const upstreamFailed = await failingWith(() => {
      throw new ProviderUpstreamException('p');
    });
    expect(mayHaveRun(upstreamFailed)).toBe(true);
    const describeBroke = await failingWith(() => {
      throw new Error('never called');
    }, true);
    expect(describeBroke).toBeInstanceOf(ProviderUpstreamException);
    expect(describeBroke).toMatchObject({ status: 502, code: 'PROVIDER.UPSTREAM_ERROR' });
    expect(mayHaveRun(describeBroke)).toBe(false);
  });

  it('runs the tool with a credential that arrives in time, then with the cached one', async () => {
    const source = slowSource(10);
    broker.register('p', source);
    for (let i = 0; i < 2; i += 1) {
      const answer = await executor.execute(call, manifest);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body)).toMatchObject({
        result: { ok: true },
        token_meta: { token_type: 'Bearer' },
      });
    }
    expect(source.issued).toBe(1);
  });

  it("runs a provider's own tool only under its public manifest, never under a tenant's row", async () => {
    const listed = { ...call, toolId: 'p:listed' };
    const tenantRow = makeCatalogManifest({ toolId: 'p:listed', provider_id: 'p', tenant: 'acme' });
    await expect(executor.execute(listed, tenantRow)).rejects.toMatchObject({
      status: 409,
      code: 'CATALOG.PROVIDER_TOOL',
    });
    expect(events.map((event) => event.status)).toEqual(['intent', 'error']);
    const publicRow = makeCatalogManifest({ toolId: 'p:listed', provider_id: 'p', tenant: 'public' });
    expect((await executor.execute(listed, publicRow)).status).toBe(200);
  });
});
