import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { AuditQueryDto } from './audit-query.dto';

const problems = (query: Record<string, string>) =>
  validateSync(plainToInstance(AuditQueryDto, query)).map((error) => error.property);

describe('GET /audit filters', () => {
  it('accepts calendar dates and date-times', () => {
    for (const when of ['2026-11-21', '2026-11', '2026-11-21T10:00:00Z', '2026-11-21T10:00:00.123+01:00']) {
      expect(problems({ from: when, to: when })).toEqual([]);
    }
  });

  it('refuses week and ordinal dates, which name no instant the database can compare', () => {
    for (const when of ['2026-W01', '2026-W01-1', '2026-123', '20261121']) {
      expect(problems({ from: when })).toEqual(['from']);
      expect(problems({ to: when })).toEqual(['to']);
    }
  });

  it('refuses a NUL in subject or tool (Postgres cannot compare it)', () => {
    expect(problems({ subject: 'a\u0000', tool: 'a\u0000b' })).toEqual(['subject', 'tool']);
    expect(problems({ subject: 'agent-7', tool: 'test:echo' })).toEqual([]);
  });
});
