import { type TokenBroker } from '@toolgate/broker';
import { type CatalogService } from '@toolgate/catalog';
import { type HealthContributors } from '@toolgate/observability';

import { type McpDiscoveryService } from '../discovery/mcp-discovery.service';
import { loadMcpConfig } from '../mcp.config';
import { type McpServerSpec } from '../mcp.types';
import { type McpServerStore } from '../servers/mcp-server-store.service';
import { httpServerSpec } from '../testing/server-spec.util';
import { McpUpstreamsService } from './mcp-upstreams.service';

const spec = (name: string, registeredAt = '2026-01-01T00:00:00.000Z'): McpServerSpec =>
  httpServerSpec(name, { registeredAt });

/** The row of `name` deleted and registered again (same address, later row). */
const reregistered = (name: string) => spec(name, '2026-01-01T00:00:05.000Z');

function setup(registered: string[]) {
  const rows = new Map(registered.map((name) => [name, spec(name)]));
  const reloads: Array<() => void> = [];
  const synced: string[] = [];
  const retired: string[] = [];
  const store = {
    list: async () => [...rows.values()],
    find: async (name: string) => rows.get(name),
  } as unknown as McpServerStore;
  const discovery = {
    sync: async (server: string) => void synced.push(server),
    retire: async (server: string) => void retired.push(server),
  } as unknown as McpDiscoveryService;
  const upstreams = new McpUpstreamsService(
    { ...loadMcpConfig({}), discoveryBackoffMs: 60_000 },
    { register: () => undefined, unregister: () => undefined } as unknown as TokenBroker,
    discovery,
    store,
    { register: () => undefined } as unknown as HealthContributors,
    { onReload: (listener: () => void) => reloads.push(listener) } as unknown as CatalogService,
  );
  return { upstreams, rows, reloads, synced, retired };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('McpUpstreamsService', () => {
  it('drops the session of a server deleted on another replica at the next catalog reload', async () => {
    const { upstreams, rows, reloads, retired } = setup(['crm', 'kept']);
    await upstreams.onApplicationBootstrap();
    expect(upstreams.all().map(({ spec: { name } }) => name)).toEqual(['crm', 'kept']);
    rows.delete('crm');
    reloads.forEach((reload) => reload());
    await settle();
    expect(upstreams.all().map(({ spec: { name } }) => name)).toEqual(['kept']);
    expect(retired).toEqual(['crm']);
    expect(await upstreams.ensure('crm')).toBeUndefined();
    await upstreams.onApplicationShutdown();
  });

  it('publishes no tool list of a server whose row is gone, and retires it', async () => {
    const { upstreams, rows, synced, retired } = setup(['crm']);
    const client = (await upstreams.ensure('crm'))!;
    jest.spyOn(client, 'request').mockResolvedValue([]);
    await client.resync();
    expect(synced).toEqual(['crm']);
    rows.delete('crm');
    await client.resync();
    await settle();
    expect(synced).toEqual(['crm']);
    expect(retired).toEqual(['crm']);
    expect(upstreams.get('crm')).toBeUndefined();
    await upstreams.onApplicationShutdown();
  });

  it('replaces the session of a server deleted and registered again elsewhere at the next reload', async () => {
    const { upstreams, rows, reloads, retired } = setup(['crm']);
    await upstreams.onApplicationBootstrap();
    const old = upstreams.get('crm')!;
    rows.set('crm', reregistered('crm'));
    reloads.forEach((reload) => reload());
    await settle();
    expect(old.status.state).toBe('closed');
    expect(upstreams.get('crm')?.spec).toEqual(reregistered('crm'));
    expect(retired).toEqual([]);
    await upstreams.onApplicationShutdown();
  });

  it('publishes no tool list of a replaced registration, and loads the new one', async () => {
    const { upstreams, rows, synced, retired } = setup(['crm']);
    const old = (await upstreams.ensure('crm'))!;
    jest.spyOn(old, 'request').mockResolvedValue([]);
    rows.set('crm', reregistered('crm'));
    await old.resync();
    await settle();
    expect(synced).toEqual([]);
    expect(old.status.state).toBe('closed');
    expect(upstreams.get('crm')?.spec).toEqual(reregistered('crm'));
    expect(retired).toEqual([]);
    await upstreams.onApplicationShutdown();
  });
});
