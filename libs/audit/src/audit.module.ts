import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { AUDIT_SINK } from '@toolgate/core';
import { EmbeddedDatabaseModule } from '@toolgate/database';

import { AuditController } from './audit.controller';
import { auditConfig } from './audit.config';
import { AuditService } from './audit.service';
import { AuditEventEntity } from './entities/audit-event.entity';
import { AuditQueryService } from './query/audit-query.service';
import { AuditLoginService } from './storage/audit-login.service';
import { AuditVerifierService } from './verify/audit-verifier.service';
import { AuditWriterService } from './writer/audit-writer.service';

/**
 * The audit trail: per-tenant hash chains in `audit_events` (group commit), the JSONL mirror with signed
 * anchors, `GET /audit` and `GET /audit/verify`; a boot-time warning when the gateway's database login could
 * switch the trail's append-only trigger off. Global: it provides `AUDIT_SINK` to every lib, which
 * inject it with `@Optional() @Inject(AUDIT_SINK)`.
 */
@Global()
@Module({
  imports: [
    ConfigModule.forFeature(auditConfig),
    TypeOrmModule.forFeature([AuditEventEntity]),
    EmbeddedDatabaseModule,
  ],
  controllers: [AuditController],
  providers: [
    AuditWriterService,
    AuditService,
    AuditQueryService,
    AuditVerifierService,
    AuditLoginService,
    { provide: AUDIT_SINK, useExisting: AuditService },
  ],
  exports: [AUDIT_SINK, AuditService],
})
export class AuditModule {}
