import { markBeforeUpstream, raisedBeforeUpstream } from './before-upstream.util';
import { createDeadline } from './deadline.util';
import { type InvocationContext } from './invocation-context.types';
import { invokeWithDeadline } from './provider-invoke.util';
import { ProviderTimeoutException, ProviderUpstreamException } from './provider.exception';
import { type ToolDefinition } from './tool-definition.types';
import { ToolProviderHost } from './tool-provider-host.types';

class Host extends ToolProviderHost {
  constructor(
    private readonly run: () => Promise<unknown>,
    private readonly describeFails = false,
  ) {
    super();
  }
  describe() {
    if (this.describeFails) throw new Error('describe broke: internal detail');
    return { key: 'p', name: 'p', description: 'p', contractVersion: 1 };
  }
  listTools() {
    return [];
  }
  check() {
    return Promise.resolve({ status: 'up' as const });
  }
  override invoke() {
    return this.run();
  }
}

const tool = { name: 'x', toolId: 'p:x' } as ToolDefinition;
const ctx = (ms = 5_000) =>
  ({ toolId: 'p.api:x', requestId: 'r', deadline: createDeadline(ms) }) as unknown as InvocationContext;
const failure = (host: Host, context = ctx()) =>
  invokeWithDeadline(host, tool, {}, context).catch((error: unknown) => error);

describe('invokeWithDeadline', () => {
  it('maps a describe() that throws to the provider problem (502, no message), nothing invoked', async () => {
    const run = jest.fn(() => Promise.resolve('ran'));
    const error = await failure(new Host(run, true));
    expect(error).toBeInstanceOf(ProviderUpstreamException);
    expect(error).toMatchObject({ status: 502, extensions: { provider: 'p' } });
    expect((error as Error).message).not.toContain('internal detail');
    expect(raisedBeforeUpstream(error)).toBe(true);
    expect(run).not.toHaveBeenCalled();
  });

  it('answers 504 without invoking when the deadline has passed, marked as raised before the upstream', async () => {
    const run = jest.fn(() => Promise.resolve('ran'));
    const context = ctx(1);
    await new Promise((done) => setTimeout(done, 5));
    const error = await failure(new Host(run), context);
    expect(error).toBeInstanceOf(ProviderTimeoutException);
    expect(raisedBeforeUpstream(error)).toBe(true);
    expect(run).not.toHaveBeenCalled();
  });

  it("keeps a provider's before-upstream mark when a non-domain error becomes a 502", async () => {
    const marked = await failure(new Host(() => Promise.reject(markBeforeUpstream(new Error('db down')))));
    expect(marked).toMatchObject({ status: 502 });
    expect(raisedBeforeUpstream(marked)).toBe(true);
    const unmarked = await failure(new Host(() => Promise.reject(new Error('socket hang up'))));
    expect(unmarked).toMatchObject({ status: 502 });
    expect(raisedBeforeUpstream(unmarked)).toBe(false);
  });
});
