import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { AuditCursorInvalidException, AuditRangeInvalidException } from '../audit.exception';
import { type AuditRecord } from '../audit.types';
import { type AuditQueryDto, MAX_PAGE } from '../dto/audit-query.dto';
import { AUDIT_COLUMNS, type AuditRow, recordOfRow } from '../verify/stored-chain.util';

export interface AuditPage {
  events: AuditRecord[];
  next_cursor: string | null;
}

const DEFAULT_PAGE = 50;

export function encodeCursor(seq: number): string {
  return Buffer.from(`s:${seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^s:([1-9]\d{0,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AuditCursorInvalidException();
  return Number(match[1]);
}

/** Reads one tenant's events, newest first, with filters and keyset (seq) pagination. */
@Injectable()
export class AuditQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenant: string, query: AuditQueryDto): Promise<AuditPage> {
    if (query.from && query.to && Date.parse(query.from) > Date.parse(query.to)) {
      throw new AuditRangeInvalidException();
    }
    const limit = Math.min(query.limit ?? DEFAULT_PAGE, MAX_PAGE);
    const params: unknown[] = [tenant];
    const where = ['tenant = $1'];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (query.cursor) add('seq < ?', decodeCursor(query.cursor));
    if (query.subject !== undefined) add('subject = ?', query.subject);
    if (query.tool !== undefined) add('tool_id = ?', query.tool);
    if (query.event?.endsWith('.*'))
      add('event LIKE ?', `${query.event.slice(0, -1).replace(/[\\%_]/g, '\\$&')}%`);
    else if (query.event !== undefined) add('event = ?', query.event);
    if (query.from) add('ts >= ?', new Date(query.from));
    if (query.to) add('ts < ?', new Date(query.to));
    params.push(limit + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events WHERE ${where.join(' AND ')} ` +
        `ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    const events = rows.slice(0, limit).map(recordOfRow);
    const more = rows.length > limit;
    return { events, next_cursor: more ? encodeCursor(events[events.length - 1].seq) : null };
  }
}
