import { Inject, Injectable, Logger, type OnModuleInit, Optional } from '@nestjs/common';
import { type Tool } from '@modelcontextprotocol/sdk/types.js';

import {
  CatalogEvents,
  type ManifestChangeEvent,
  manifestSizeProblems,
  type ToolManifest,
} from '@toolgate/catalog';
import { AUDIT_SINK, type AuditSink, type Principal } from '@toolgate/core';

import { type McpToolEntity } from '../entities/mcp-tool.entity';
import { type McpConfig, mcpConfig } from '../mcp.config';
import { type McpSyncReport, mcpToolId, parseMcpToolId } from '../mcp.types';
import { MCP_SYNC_PRINCIPAL, McpCatalogWriter } from './mcp-catalog-writer.service';
import { definitionHash, manifestFromDefinition, toolDefinitionOf } from './mcp-manifest.util';
import { sanitizeInputSchema, type SanitizedSchema } from './mcp-schema.util';
import { screenTools } from './mcp-tool-list.util';
import { McpToolStore } from './mcp-tool-store.service';

/** Tools whose sanitized input schema is kept: the cap of a few servers' worth of tools. */
const SCHEMA_CACHE_SIZE = 5_000;

/**
 * Turns an upstream's tool list into catalog manifests, with drift protection: a tool seen for the first
 * time is trusted as listed (its hash becomes the approved one); when its description, schemas or
 * annotations later change, it is disabled until a platform admin approves the new definition; a tool
 * that disappears upstream is disabled and comes back if it returns unchanged; a tool whose manifest an
 * admin disabled stays disabled. Every change is audited. Tools past `MCP_MAX_TOOLS_PER_SERVER` and names
 * listed twice are treated as not listed (see `screenTools`).
 */
@Injectable()
export class McpDiscoveryService implements OnModuleInit {
  private readonly logger = new Logger('McpDiscovery');
  /** Sanitized input schemas by approved definition hash (oldest evicted first). */
  private readonly schemas = new Map<string, SanitizedSchema>();
  /** The problems last logged per server: each is logged when it appears, not at every resync. */
  private readonly logged = new Map<string, string>();

  constructor(
    private readonly tools: McpToolStore,
    private readonly writer: McpCatalogWriter,
    private readonly events: CatalogEvents,
    @Inject(mcpConfig.KEY) private readonly config: McpConfig,
    @Optional() @Inject(AUDIT_SINK) private readonly audit?: AuditSink,
  ) {}

  onModuleInit(): void {
    this.events.subscribe((event) => this.onCatalogChange(event));
  }

  /** Syncs an upstream's tool list; answers how many tools were kept and why others were skipped. */
  async sync(server: string, upstream: Tool[]): Promise<McpSyncReport> {
    const { tools, unaddressable, problems } = screenTools(upstream, this.config.maxToolsPerServer);
    for (const tool of unaddressable)
      this.logger.warn({ msg: 'MCP tool skipped: name not addressable', server, tool });
    const rows = new Map((await this.tools.forServer(server)).map((row) => [row.toolName, row]));
    const publish: ToolManifest[] = [];
    const oversized: string[] = [];
    for (const tool of tools) {
      const row = await this.syncTool(server, tool, rows.get(tool.name));
      const manifest = row && this.manifestOf(row);
      // The catalog takes a batch whole or not at all: one tool over its size limits is left out alone.
      if (manifest && manifestSizeProblems(manifest).length > 0) oversized.push(tool.name);
      else if (manifest) publish.push(manifest);
    }
    if (oversized.length > 0)
      problems.push(`tools too large for the catalog, skipped: ${oversized.join(', ')}`);
    this.logProblems(server, problems);
    await this.writer.upsert(publish);
    const listed = new Set(tools.map(({ name }) => name));
    for (const row of rows.values()) {
      if (listed.has(row.toolName) || row.status === 'removed' || row.status === 'blocked') continue;
      await this.writer.disable(mcpToolId(server, row.toolName));
      row.status = 'removed';
      await this.tools.save(row);
      await this.record('mcp.tool.removed', MCP_SYNC_PRINCIPAL, row, {});
    }
    return { tools: tools.length, problems };
  }

  /** A platform admin approves the tool's current definition: it is enabled again, as it is now. */
  async approve(row: McpToolEntity, actor: Principal, addTags: string[]): Promise<McpToolEntity> {
    const previous = row.approvedHash;
    Object.assign(row, {
      status: 'active',
      approvedHash: row.currentHash,
      approvedDefinition: row.definition,
      adminTags: [...new Set([...row.adminTags, ...addTags])].sort(),
      approvedBy: actor.subject,
      approvedAt: new Date(),
    });
    const saved = await this.tools.save(row);
    await this.writer.upsert([this.manifestOf(saved)], actor);
    await this.record('mcp.tool.approved', actor, saved, {
      previous_hash: previous,
      definition_hash: saved.approvedHash,
      added_tags: addTags,
    });
    return saved;
  }

  /**
   * Disables every manifest of a deleted server. Its tools stay as tombstones (`removed`, `blocked` kept):
   * a tool listed again under that name comes back only with its approved definition; a changed one waits
   * for approval instead of being trusted as first seen.
   */
  async retire(server: string): Promise<void> {
    this.logged.delete(server);
    for (const row of await this.tools.forServer(server)) {
      await this.writer.disable(mcpToolId(server, row.toolName));
      if (row.status === 'removed' || row.status === 'blocked') continue;
      row.status = 'removed';
      await this.tools.save(row);
    }
  }

  /** Returns the row to publish, or undefined when the tool must stay disabled. */
  private async syncTool(server: string, tool: Tool, row: McpToolEntity | undefined) {
    const definition = toolDefinitionOf(tool);
    const hash = definitionHash(definition);
    if (!row) {
      const fresh = this.tools.create({
        serverName: server,
        toolName: tool.name,
        status: 'active',
        currentHash: hash,
        approvedHash: hash,
        definition,
        approvedDefinition: definition,
        adminTags: [],
        approvedBy: MCP_SYNC_PRINCIPAL.subject,
        approvedAt: new Date(),
      });
      // Another replica inserting it first publishes its own; what this one listed is checked next resync.
      if (!(await this.tools.insertIfAbsent(fresh))) return undefined;
      await this.record('mcp.tool.discovered', MCP_SYNC_PRINCIPAL, fresh, { definition_hash: hash });
      return fresh;
    }
    if (row.status === 'blocked') return undefined;
    if (hash === row.approvedHash) {
      if (row.status !== 'active' || row.currentHash !== hash) {
        Object.assign(row, { status: 'active', currentHash: hash, definition });
        await this.tools.save(row);
      }
      return row;
    }
    if (row.status === 'drifted' && row.currentHash === hash) return undefined;
    // Out of the catalog first: a tool is never reported drifted while it can still run.
    await this.writer.disable(mcpToolId(server, tool.name));
    Object.assign(row, { status: 'drifted', currentHash: hash, definition });
    await this.tools.save(row);
    await this.record('mcp.tool.drifted', MCP_SYNC_PRINCIPAL, row, {
      approved_hash: row.approvedHash,
      definition_hash: hash,
    });
    this.logger.warn({ msg: 'MCP tool changed upstream: disabled until approved', server, tool: tool.name });
    return undefined;
  }

  /** The manifest of the approved definition; tags already on the manifest or added by admins are kept. */
  private manifestOf(row: McpToolEntity): ToolManifest {
    const active = this.writer.active(mcpToolId(row.serverName, row.toolName));
    const keep = [...(active?.safety_tags ?? []), ...row.adminTags];
    const schema = this.schemaOf(row);
    const { manifest } = manifestFromDefinition(row.serverName, row.approvedDefinition, keep, schema);
    if (!active) return manifest;
    return {
      ...manifest,
      required_scopes: [...new Set([...manifest.required_scopes, ...active.required_scopes])],
      ...(active.timeout_ms !== undefined ? { timeout_ms: active.timeout_ms } : {}),
      ...(active.rate_limit ? { rate_limit: active.rate_limit } : {}),
      ...(active.sensitive_fields ? { sensitive_fields: active.sensitive_fields } : {}),
    };
  }

  /** The approved definition's input schema, sanitized once (checking it costs about a millisecond). */
  private schemaOf(row: McpToolEntity): SanitizedSchema {
    const cached = this.schemas.get(row.approvedHash);
    if (cached) return cached;
    const schema = sanitizeInputSchema(row.approvedDefinition.inputSchema);
    if (schema.changes.length > 0) {
      const toolId = mcpToolId(row.serverName, row.toolName);
      this.logger.debug({ msg: 'MCP input schema relaxed', toolId, changes: schema.changes });
    }
    const oldest = this.schemas.keys().next();
    if (this.schemas.size >= SCHEMA_CACHE_SIZE && !oldest.done) this.schemas.delete(oldest.value);
    this.schemas.set(row.approvedHash, schema);
    return schema;
  }

  private logProblems(server: string, problems: string[]): void {
    const text = problems.join('; ');
    if (text === (this.logged.get(server) ?? '')) return;
    if (text) this.logged.set(server, text);
    else this.logged.delete(server);
    if (text) this.logger.warn({ msg: 'MCP tools skipped', server, problems });
  }

  /** An admin disabled an MCP tool's manifest: keep it disabled across resyncs. */
  private async onCatalogChange(event: ManifestChangeEvent): Promise<void> {
    if (event.type !== 'manifest.disabled' || event.actor.subject === MCP_SYNC_PRINCIPAL.subject) return;
    const ref = parseMcpToolId(event.toolId);
    const row = ref && (await this.tools.find(ref.server, ref.tool));
    if (!row || row.status === 'blocked') return;
    row.status = 'blocked';
    await this.tools.save(row);
    await this.record('mcp.tool.blocked', { ...MCP_SYNC_PRINCIPAL, subject: event.actor.subject }, row, {});
  }

  private async record(
    event: string,
    actor: Principal,
    row: McpToolEntity,
    details: Record<string, unknown>,
  ) {
    await this.audit
      ?.record({
        event,
        tenant: 'public',
        subject: actor.subject,
        tool_id: mcpToolId(row.serverName, row.toolName),
        status: 'ok',
        details: { server: row.serverName, tool: row.toolName, ...details },
      })
      .catch((error: unknown) =>
        this.logger.error({ msg: 'audit of MCP discovery failed', event, err: String(error) }),
      );
  }
}
