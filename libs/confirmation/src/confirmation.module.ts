import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ActionAuditService } from './action-audit.service';
import { ActionSweeperService } from './action-sweeper.service';
import { ActionsController } from './actions.controller';
import { ActionsService } from './actions.service';
import { confirmationConfig } from './confirmation.config';
import { ConfirmationService } from './confirmation.service';
import { PendingActionEntity } from './entities/pending-action.entity';
import { PendingActionStore } from './pending-action-store.service';

/**
 * Pending actions: holding tool calls that need confirmation (hashed single-use tokens bound to the exact
 * call), consuming them once, approvals by other principals, cancellation, expiry. Exports
 * `ConfirmationService` for the invoke/confirm use cases and the MCP server, and `ActionsService` (the MCP
 * server cancels an action its user declined).
 */
@Module({
  imports: [ConfigModule.forFeature(confirmationConfig), TypeOrmModule.forFeature([PendingActionEntity])],
  controllers: [ActionsController],
  providers: [
    PendingActionStore,
    ActionAuditService,
    ConfirmationService,
    ActionsService,
    ActionSweeperService,
  ],
  exports: [ConfirmationService, ActionsService],
})
export class ConfirmationModule {}
