import { Injectable, Module, Scope, type Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { type Principal } from '../auth/principal.types';
import { createDeadline } from './deadline.util';
import { type InvocationContext } from './invocation-context.types';
import { ProviderRegistryModule } from './provider-registry.module';
import { ProviderRegistry } from './provider-registry.service';
import { type ProviderDescription, type ProviderHealth, ToolProviderHost } from './tool-provider-host.types';
import { type ToolDefinition } from './tool-definition.types';
import { ToolProvider } from './tool-provider.decorator';

function hostClass(key: string, tools: ToolDefinition[] = [], version = 1) {
  class Host extends ToolProviderHost {
    describe(): ProviderDescription {
      return { key, name: key, description: `${key} provider`, contractVersion: version };
    }
    listTools(): ToolDefinition[] {
      return tools;
    }
    async check(): Promise<ProviderHealth> {
      return { status: 'up' };
    }
  }
  return Host;
}

const tool = (name: string, execute?: ToolDefinition['execute'], extra: Partial<ToolDefinition> = {}) => ({
  name,
  description: name,
  inputs: { type: 'object' },
  required_scopes: [],
  safety_tags: [],
  execute,
  ...extra,
});

@ToolProvider({ key: 'alpha', contractVersion: 1 })
class AlphaProvider extends hostClass('alpha', [
  tool('echo', async (input) => input),
  tool('hang', () => new Promise(() => undefined)),
  tool('crash', async () => {
    throw new Error('socket hang up at /srv/internal.ts');
  }),
]) {}

@ToolProvider({ key: 'alpha' })
class AlphaAgain extends hostClass('alpha') {}

@ToolProvider({ key: 'plain' })
class NotAHost {
  describe() {
    return { key: 'plain' };
  }
}

@Injectable({ scope: Scope.REQUEST })
@ToolProvider({ key: 'per-request' })
class RequestScoped extends hostClass('per-request') {}

@Injectable({ scope: Scope.TRANSIENT })
@ToolProvider({ key: 'transient' })
class Transient extends hostClass('transient') {}

@ToolProvider({ key: 'future', contractVersion: 2 })
class FutureVersion extends hostClass('future', [], 2) {}

@ToolProvider({ key: 'liar' })
class Liar extends hostClass('someone-else') {}

@ToolProvider({ key: 'sloppy' })
class Sloppy extends hostClass('sloppy', [tool('x', undefined, { toolId: 'other:x' })]) {}

async function boot(...providers: Type[]): Promise<ProviderRegistry> {
  @Module({ providers })
  class ProvidersModule {}
  const moduleRef = await Test.createTestingModule({
    imports: [ProviderRegistryModule, ProvidersModule],
  }).compile();
  await moduleRef.init();
  return moduleRef.get(ProviderRegistry);
}

const principal: Principal = { subject: 's', tenant: 'acme', roles: [], scopes: [], kind: 'jwt' };
const ctx = (toolId: string, ms = 1_000): InvocationContext => ({
  principal,
  requestId: 'r1',
  toolId,
  deadline: createDeadline(ms),
});

describe('ProviderRegistry', () => {
  describe('refuses to boot', () => {
    it('on a duplicate provider key', async () => {
      await expect(boot(AlphaProvider, AlphaAgain)).rejects.toThrow(
        /duplicate provider key "alpha" \(AlphaProvider and AlphaAgain\)/,
      );
    });

    it('on a class that does not extend ToolProviderHost', async () => {
      await expect(boot(NotAHost)).rejects.toThrow(/NotAHost \("plain"\) does not extend ToolProviderHost/);
    });

    it('on a request-scoped provider', async () => {
      await expect(boot(RequestScoped)).rejects.toThrow(
        /RequestScoped \("per-request"\) must be a singleton/,
      );
    });

    it('on a transient provider', async () => {
      await expect(boot(Transient)).rejects.toThrow(/Transient \("transient"\) must be a singleton/);
    });

    it('on an unsupported contract version', async () => {
      await expect(boot(FutureVersion)).rejects.toThrow(/declares contract version 2; supported: 1/);
    });

    it('when describe() disagrees with the decorator', async () => {
      await expect(boot(Liar)).rejects.toThrow(/decorated as "liar" v1 but describe\(\) says "someone-else"/);
    });

    it('on a tool id not namespaced by the provider key', async () => {
      await expect(boot(Sloppy)).rejects.toThrow(/tool id "other:x" is not namespaced by "sloppy:"/);
    });
  });

  describe('with valid providers', () => {
    let registry: ProviderRegistry;

    beforeAll(async () => {
      registry = await boot(AlphaProvider);
    });

    it('discovers them without any list', () => {
      expect(registry.keys()).toEqual(['alpha']);
      expect(registry.get('alpha')).toBeInstanceOf(AlphaProvider);
      expect(registry.tools().map((entry) => entry.toolId)).toEqual([
        'alpha:crash',
        'alpha:echo',
        'alpha:hang',
      ]);
      expect(registry.findTool('alpha:echo')?.providerKey).toBe('alpha');
      expect(registry.findTool('alpha:nope')).toBeUndefined();
    });

    it('invokes a tool through its execute', async () => {
      await expect(registry.invoke('alpha:echo', { a: 1 }, ctx('alpha:echo'))).resolves.toEqual({ a: 1 });
    });

    it('answers 504 at the deadline even when the provider never settles', async () => {
      const started = Date.now();
      await expect(registry.invoke('alpha:hang', {}, ctx('alpha:hang', 50))).rejects.toMatchObject({
        code: 'PROVIDER.TIMEOUT',
        status: 504,
      });
      expect(Date.now() - started).toBeLessThan(1_000);
    });

    it('wraps unexpected provider errors as 502 without their message', async () => {
      const error = await registry.invoke('alpha:crash', {}, ctx('alpha:crash')).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'PROVIDER.UPSTREAM_ERROR', status: 502 });
      expect((error as Error).message).not.toContain('/srv/internal');
    });

    it('rejects unknown tools and providers cleanly', async () => {
      await expect(registry.invoke('alpha:nope', {}, ctx('alpha:nope'))).rejects.toMatchObject({
        code: 'PROVIDER.UNKNOWN_TOOL',
        status: 404,
      });
      await expect(registry.invoke('ghost:x', {}, ctx('ghost:x'))).rejects.toMatchObject({
        code: 'PROVIDER.UNAVAILABLE',
        status: 503,
      });
    });

    it('reports the health of every provider', async () => {
      await expect(registry.checkAll()).resolves.toEqual({ alpha: { status: 'up' } });
    });
  });
});
