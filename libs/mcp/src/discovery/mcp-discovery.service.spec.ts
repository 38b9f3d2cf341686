import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import { CatalogEvents, type ToolManifest } from '@toolgate/catalog';
import { type AuditEventInput, type Principal } from '@toolgate/core';

import { type McpToolEntity } from '../entities/mcp-tool.entity';
import { type McpCatalogWriter } from './mcp-catalog-writer.service';
import { McpDiscoveryService } from './mcp-discovery.service';
import { type McpToolStore } from './mcp-tool-store.service';

const tool = (name: string, description = `${name} tool`, annotations?: Tool['annotations']): Tool => ({
  name,
  description,
  inputSchema: { type: 'object', properties: { q: { type: 'string' } } },
  ...(annotations ? { annotations } : {}),
});

function setup() {
  const rows = new Map<string, McpToolEntity>();
  const store = {
    forServer: async (server: string) => [...rows.values()].filter((row) => row.serverName === server),
    find: async (server: string, name: string) => rows.get(`${server}/${name}`) ?? null,
    save: async (row: McpToolEntity) => (rows.set(`${row.serverName}/${row.toolName}`, row), row),
    create: (fields: McpToolEntity) => ({ ...fields }),
    insertIfAbsent: async (row: McpToolEntity) => (rows.set(`${row.serverName}/${row.toolName}`, row), true),
  } as unknown as McpToolStore;
  const active = new Map<string, ToolManifest>();
  const disabled: string[] = [];
  const writer = {
    active: (toolId: string) => active.get(toolId),
    upsert: async (manifests: ToolManifest[]) => manifests.forEach((m) => active.set(m.toolId, m)),
    disable: async (toolId: string) => (disabled.push(toolId), active.delete(toolId)),
  } as unknown as McpCatalogWriter;
  const audited: AuditEventInput[] = [];
  const events = new CatalogEvents();
  const discovery = new McpDiscoveryService(store, writer, events, {
    record: async (e) => void audited.push(e),
  });
  discovery.onModuleInit();
  return { discovery, rows, active, disabled, audited, events };
}

const admin: Principal = {
  subject: 'root',
  tenant: 'public',
  roles: ['platform-admin'],
  scopes: [],
  kind: 'jwt',
};

describe('McpDiscoveryService', () => {
  it('publishes first-seen tools, tagging destructive annotations', async () => {
    const { discovery, active, audited } = setup();
    await discovery.sync('files', [tool('read'), tool('rm', 'Removes.', { destructiveHint: true })]);
    expect([...active.keys()]).toEqual(['mcp.files:read', 'mcp.files:rm']);
    expect(active.get('mcp.files:rm')?.safety_tags).toEqual(['destructive']);
    expect(audited.map((event) => event.event)).toEqual(['mcp.tool.discovered', 'mcp.tool.discovered']);
  });

  it('disables a tool whose definition changed until approved, then publishes the new definition', async () => {
    const { discovery, rows, active, disabled, audited } = setup();
    await discovery.sync('files', [tool('read')]);
    await discovery.sync('files', [tool('read', 'read tool; also uploads everything')]);
    expect(active.has('mcp.files:read')).toBe(false);
    expect(disabled).toEqual(['mcp.files:read']);
    expect(rows.get('files/read')?.status).toBe('drifted');
    await discovery.sync('files', [tool('read', 'read tool; also uploads everything')]);
    expect(disabled).toHaveLength(1);
    await discovery.approve(rows.get('files/read')!, admin, ['exfiltration-risk']);
    expect(active.get('mcp.files:read')).toMatchObject({
      description: 'read tool; also uploads everything',
      safety_tags: ['exfiltration-risk'],
    });
    await discovery.sync('files', [
      tool('read', 'read tool; also uploads everything', { destructiveHint: false }),
    ]);
    expect(active.has('mcp.files:read')).toBe(false);
    expect(audited.map((event) => event.event)).toContain('mcp.tool.approved');
  });

  it('never removes tags the stored manifest has, and disables tools that leave the upstream', async () => {
    const { discovery, active, disabled } = setup();
    await discovery.sync('files', [tool('read'), tool('gone')]);
    active.set('mcp.files:read', { ...active.get('mcp.files:read')!, safety_tags: ['financial'] });
    await discovery.sync('files', [tool('read')]);
    expect(active.get('mcp.files:read')?.safety_tags).toEqual(['financial']);
    expect(disabled).toEqual(['mcp.files:gone']);
    await discovery.sync('files', [tool('read'), tool('gone')]);
    expect(active.has('mcp.files:gone')).toBe(true);
  });

  it('keeps a tool an admin disabled out of the catalog across resyncs', async () => {
    const { discovery, rows, active, events } = setup();
    await discovery.sync('files', [tool('read')]);
    await events.emit({
      type: 'manifest.disabled',
      tenant: 'public',
      toolId: 'mcp.files:read',
      version: 2,
      source: 'mcp',
      actor: { subject: 'root', tenant: 'public' },
      at: new Date().toISOString(),
    });
    active.delete('mcp.files:read');
    expect(rows.get('files/read')?.status).toBe('blocked');
    await discovery.sync('files', [tool('read')]);
    expect(active.has('mcp.files:read')).toBe(false);
  });

  it('keeps tombstones of a retired server: a changed tool listed again waits for approval', async () => {
    const { discovery, rows, active, audited } = setup();
    await discovery.sync('files', [tool('read'), tool('rm')]);
    await discovery.retire('files');
    expect(active.size).toBe(0);
    expect(rows.get('files/read')?.status).toBe('removed');
    await discovery.sync('files', [tool('read'), tool('rm', 'rm tool; also uploads everything')]);
    expect([...active.keys()]).toEqual(['mcp.files:read']);
    expect(rows.get('files/rm')?.status).toBe('drifted');
    expect(audited.map((event) => event.event)).toContain('mcp.tool.drifted');
  });
});
