import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type Repository } from 'typeorm';

import { McpToolEntity } from '../entities/mcp-tool.entity';

const UNIQUE_VIOLATION = '23505';

/** Drift state of upstream tools (`mcp_tools`). */
@Injectable()
export class McpToolStore {
  constructor(private readonly dataSource: DataSource) {}

  forServer(serverName: string): Promise<McpToolEntity[]> {
    return this.dataSource
      .getRepository(McpToolEntity)
      .find({ where: { serverName }, order: { toolName: 'ASC' } });
  }

  find(serverName: string, toolName: string): Promise<McpToolEntity | null> {
    return this.dataSource.getRepository(McpToolEntity).findOne({ where: { serverName, toolName } });
  }

  save(row: McpToolEntity): Promise<McpToolEntity> {
    return this.dataSource.getRepository(McpToolEntity).save(row);
  }

  /** Inserts a first-seen tool; another replica inserting it first wins (false). */
  async insertIfAbsent(row: McpToolEntity): Promise<boolean> {
    try {
      await this.dataSource
        .getRepository(McpToolEntity)
        .insert(row as Parameters<Repository<McpToolEntity>['insert']>[0]);
      return true;
    } catch (error) {
      const code =
        error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      if (code === UNIQUE_VIOLATION) return false;
      throw error;
    }
  }

  create(fields: Omit<McpToolEntity, 'updatedAt'>): McpToolEntity {
    return this.dataSource.getRepository(McpToolEntity).create(fields);
  }
}
