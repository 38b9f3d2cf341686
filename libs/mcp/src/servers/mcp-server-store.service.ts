import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError } from 'typeorm';

import { CATALOG_CHANNEL } from '@toolgate/catalog';

import { McpServerEntity } from '../entities/mcp-server.entity';
import { McpServerExistsException } from '../mcp.exception';
import { type McpServerSpec } from '../mcp.types';

const UNIQUE_VIOLATION = '23505';

/** Upstreams registered through the API (`mcp_servers`). Secrets are never in a row, only their names. */
@Injectable()
export class McpServerStore {
  constructor(private readonly dataSource: DataSource) {}

  async list(): Promise<McpServerSpec[]> {
    const rows = await this.dataSource.getRepository(McpServerEntity).find({ order: { name: 'ASC' } });
    return rows.map(specOf);
  }

  async find(name: string): Promise<McpServerSpec | undefined> {
    const row = await this.dataSource.getRepository(McpServerEntity).findOne({ where: { name } });
    return row ? specOf(row) : undefined;
  }

  /** Stores a registration; answers it as stored (with `registeredAt`, as `find` and `list` read it). */
  async insert(spec: McpServerSpec, createdBy: string): Promise<McpServerSpec> {
    const repository = this.dataSource.getRepository(McpServerEntity);
    const row = repository.create({
      name: spec.name,
      transport: spec.transport,
      url: spec.url ?? null,
      command: spec.command ?? null,
      args: spec.args,
      env: spec.env,
      auth: spec.auth,
      createdBy,
    });
    try {
      const result = await repository.insert(row);
      return specOf({ ...row, ...(result.generatedMaps[0] as Pick<McpServerEntity, 'createdAt'>) });
    } catch (error) {
      const code =
        error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      if (code === UNIQUE_VIOLATION) throw new McpServerExistsException(spec.name, 'api');
      throw error;
    }
  }

  /**
   * Deletes the row; false when there was none. NOTIFYs the catalog channel in the same transaction, so
   * every replica reloads and drops its session with that server (even one with no tool in the catalog).
   */
  async delete(name: string): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const result = await em.getRepository(McpServerEntity).delete({ name });
      if ((result.affected ?? 0) === 0) return false;
      const payload = JSON.stringify({ source: 'mcp', server: name, change: 'mcp-server.deleted' });
      await em.query('SELECT pg_notify($1, $2)', [CATALOG_CHANNEL, payload]);
      return true;
    });
  }
}

function specOf(row: McpServerEntity): McpServerSpec {
  return {
    name: row.name,
    source: 'api',
    transport: row.transport,
    ...(row.url ? { url: row.url } : {}),
    ...(row.command ? { command: row.command } : {}),
    args: row.args,
    env: row.env,
    auth: row.auth,
    registeredAt: row.createdAt.toISOString(),
  };
}
