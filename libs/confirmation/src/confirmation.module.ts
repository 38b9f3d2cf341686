import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { CatalogModule } from '@toolgate/catalog';

import { ActionsController } from './actions/actions.controller';
import { ActionsService } from './actions/actions.service';
import { ActionAuditService } from './audit/action-audit.service';
import { confirmationConfig } from './confirmation.config';
import { ConfirmationService } from './confirmation.service';
import { PendingActionEntity } from './entities/pending-action.entity';
import { ActionRetentionService } from './jobs/action-retention.service';
import { ActionSweeperService } from './jobs/action-sweeper.service';
import { PendingActionStore } from './store/pending-action-store.service';

/**
 * Pending actions: holding tool calls that need confirmation (hashed single-use tokens bound to the exact
 * call), consuming them once, approvals by other principals, cancellation, expiry and retention. Exports
 * `ConfirmationService` for the invoke/confirm use cases and the MCP server, and `ActionsService` (the MCP
 * server cancels an action its user declined).
 */
@Module({
  imports: [
    ConfigModule.forFeature(confirmationConfig),
    TypeOrmModule.forFeature([PendingActionEntity]),
    // The policy's tool resolver: approvals are checked against the approver roles the policy names now.
    CatalogModule,
  ],
  controllers: [ActionsController],
  providers: [
    PendingActionStore,
    ActionAuditService,
    ConfirmationService,
    ActionsService,
    ActionRetentionService,
    ActionSweeperService,
  ],
  exports: [ConfirmationService, ActionsService],
})
export class ConfirmationModule {}
