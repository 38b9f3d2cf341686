import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AUDIT_SINK } from '@toolgate/core';

import { AuditController } from './audit.controller';
import { auditConfig } from './audit.config';
import { AuditService } from './audit.service';
import { AuditEventEntity } from './entities/audit-event.entity';
import { AuditQueryService } from './query/audit-query.service';
import { AuditVerifierService } from './verify/audit-verifier.service';
import { AuditWriterService } from './writer/audit-writer.service';

/**
 * The audit trail: per-tenant hash chains in `audit_events` (group commit), the JSONL mirror with signed
 * anchors, `GET /audit` and `GET /audit/verify`. Global: it provides `AUDIT_SINK` to every lib, which
 * inject it with `@Optional() @Inject(AUDIT_SINK)`.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(auditConfig), TypeOrmModule.forFeature([AuditEventEntity])],
  controllers: [AuditController],
  providers: [
    AuditWriterService,
    AuditService,
    AuditQueryService,
    AuditVerifierService,
    { provide: AUDIT_SINK, useExisting: AuditService },
  ],
  exports: [AUDIT_SINK, AuditService],
})
export class AuditModule {}
