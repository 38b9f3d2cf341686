import { TokenBroker } from '@toolgate/broker';
import {
  createDeadline,
  type InvocationContext,
  ProviderRegistry,
  ProviderRegistryModule,
} from '@toolgate/core';
import { Test } from '@nestjs/testing';

import { runProviderContractSuite } from '../provider-contract.util';
import { TestProviderModule } from './test-provider.module';
import { TestProviderService } from './test-provider.service';

const ctx = (toolId: string, ms = 1_000): InvocationContext => ({
  principal: { subject: 's', tenant: 'public', roles: [], scopes: [], kind: 'jwt' },
  requestId: 'r',
  toolId,
  deadline: createDeadline(ms),
});

runProviderContractSuite(() => new TestProviderService(new TokenBroker()), 'test provider: contract');

describe('test provider: tools', () => {
  let registry: ProviderRegistry;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ProviderRegistryModule, TestProviderModule],
    }).compile();
    await moduleRef.init();
    registry = moduleRef.get(ProviderRegistry);
  });

  it('is discovered under the key "test" with its five tools', () => {
    expect(registry.keys()).toEqual(['test']);
    expect(registry.tools().map((tool) => tool.toolId)).toEqual([
      'test:destroy',
      'test:echo',
      'test:fail',
      'test:fetch',
      'test:slow',
    ]);
    expect(registry.findTool('test:destroy')?.definition.safety_tags).toEqual(['destructive']);
  });

  it('echo returns its input', async () => {
    await expect(registry.invoke('test:echo', { message: 'hi' }, ctx('test:echo'))).resolves.toEqual({
      message: 'hi',
    });
  });

  it('slow finishes within its deadline and stops at it otherwise', async () => {
    await expect(registry.invoke('test:slow', { ms: 5 }, ctx('test:slow'))).resolves.toEqual({ slept_ms: 5 });
    const started = Date.now();
    await expect(registry.invoke('test:slow', { ms: 5_000 }, ctx('test:slow', 50))).rejects.toMatchObject({
      code: 'PROVIDER.TIMEOUT',
    });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('fail answers an upstream error', async () => {
    await expect(registry.invoke('test:fail', {}, ctx('test:fail'))).rejects.toMatchObject({
      code: 'PROVIDER.UPSTREAM_ERROR',
      status: 502,
    });
  });
});
