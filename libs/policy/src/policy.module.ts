import { Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';

import { PolicyGuard } from './guard/policy.guard';
import { PolicyExplainService } from './http/policy-explain.service';
import { PolicyController } from './http/policy.controller';
import { policyConfig } from './policy.config';
import { PolicyService } from './policy.service';
import { ToolResourceService } from './resource/tool-resource.service';

/**
 * The policy engine, its admin routes and the global policy guard. Import it after the auth module: global
 * guards run in module order, and the policy guard needs the principal the auth guard attaches. Global, so
 * any lib can inject `PolicyService`.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(policyConfig)],
  controllers: [PolicyController],
  providers: [
    PolicyService,
    ToolResourceService,
    PolicyExplainService,
    { provide: APP_GUARD, useClass: PolicyGuard },
  ],
  exports: [PolicyService],
})
export class PolicyModule {}
