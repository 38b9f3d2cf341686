import { Controller, Get, Module, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryModule, DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';

import { IS_PUBLIC_KEY } from '@toolgate/core';
import { REQUIRE_POLICY_KEY } from '@toolgate/policy';

import { bearer, devToken, makeRuntimeDir } from './support/auth-fixtures';
import { startGateway, type TestGateway } from './support/gateway';

interface RouteHandler {
  route: string;
  handler: string;
  declared: 'public' | 'policy' | 'none';
}

const normalise = (path: string): string => path.replace(/\/+/g, '/').replace(/(.)\/$/, '$1');

/** Every HTTP handler of every controller Nest registered, with what it declares. */
function walkRoutes(app: NestFastifyApplication): RouteHandler[] {
  const discovery = app.get(DiscoveryService);
  const scanner = app.get(MetadataScanner);
  const reflector = app.get(Reflector);
  return discovery.getControllers().flatMap(({ metatype, instance }) => {
    if (!metatype || !instance) return [];
    const prototype = Object.getPrototypeOf(instance) as Record<string, unknown>;
    const base = String(Reflect.getMetadata(PATH_METADATA, metatype) ?? '');
    return scanner.getAllMethodNames(prototype).flatMap((name) => {
      const method = prototype[name] as (...args: unknown[]) => unknown;
      const path = Reflect.getMetadata(PATH_METADATA, method) as string | undefined;
      if (path === undefined) return [];
      const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, method) as RequestMethod];
      const targets = [method, metatype];
      const declared = reflector.getAllAndOverride<boolean>(IS_PUBLIC_KEY, targets)
        ? 'public'
        : reflector.getAllAndOverride(REQUIRE_POLICY_KEY, targets)
          ? 'policy'
          : 'none';
      return [
        {
          route: `${verb} ${normalise(`/${base}/${path}`)}`,
          handler: `${metatype.name}.${name}`,
          declared,
        },
      ];
    });
  });
}

/** Mounted beside the real app so the walker (DiscoveryService) is available to this spec. */
@Module({ imports: [DiscoveryModule] })
class RouteWalkerModule {}

@Controller('__forgotten')
class ForgottenController {
  @Get()
  leak(): { secret: string } {
    return { secret: 'should never be served' };
  }
}

@Module({ controllers: [ForgottenController] })
class ForgottenModule {}

describe('every route declares @Public() or @RequirePolicy() (e2e)', () => {
  describe('a handler that declares neither', () => {
    const runtime = makeRuntimeDir();
    let gw: TestGateway;

    beforeAll(async () => {
      gw = await startGateway({
        imports: [RouteWalkerModule, ForgottenModule],
        env: { RUNTIME_DIR: runtime.dir },
      });
    });
    afterAll(async () => {
      await gw.close();
      runtime.dispose();
    });

    it('is found by the walker', () => {
      expect(walkRoutes(gw.app).filter((route) => route.declared === 'none')).toEqual([
        { route: 'GET /__forgotten', handler: 'ForgottenController.leak', declared: 'none' },
      ]);
    });

    it('is denied at runtime, even to a platform admin, and the denial is logged', async () => {
      const token = await devToken(runtime.dir, {
        subject: 'root',
        tenant: 'acme',
        roles: ['platform-admin'],
      });
      const response = await gw.request('/__forgotten', { headers: bearer(token) });
      expect(response.status).toBe(403);
      const body = await response.json();
      expect(body).toMatchObject({ code: 'POLICY.DENIED', denied_by: 'undeclared-route' });
      expect(JSON.stringify(body)).not.toContain('should never be served');
      expect(gw.logs.lines).toContainEqual(
        expect.objectContaining({ handler: 'ForgottenController.leak', route: '/__forgotten' }),
      );
      expect((await gw.request('/__forgotten')).status).toBe(401);
    });
  });

  it('holds for every handler of the real gateway', async () => {
    const gw = await startGateway({ imports: [RouteWalkerModule] });
    try {
      const routes = walkRoutes(gw.app);
      expect(routes.map((route) => route.route)).toEqual(
        expect.arrayContaining(['GET /policy', 'POST /policy/reload', 'POST /policy/explain', 'GET /health']),
      );
      expect(routes.filter((route) => route.declared === 'none')).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});
