import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@toolgate/core';

import { ExplainPolicyDto } from '../dto/explain-policy.dto';
import { PolicyExplanationDto } from '../dto/policy-explanation.dto';
import { PolicyProblemDto } from '../dto/policy-problem.dto';
import { PolicyStatusDto } from '../dto/policy-status.dto';
import { RequirePolicy } from '../guard/require-policy.decorator';
import { PolicyService } from '../policy.service';
import { explainGuardResource, PolicyExplainService } from './policy-explain.service';

@ApiTags('policy')
@ApiBearerAuth('bearer')
@ApiUnauthorizedResponse({ description: 'Missing or invalid credentials.', type: PolicyProblemDto })
@ApiForbiddenResponse({
  description: 'The policy denies this action (names the rule or the missing scopes).',
  type: PolicyProblemDto,
})
@Controller('policy')
export class PolicyController {
  constructor(
    private readonly policy: PolicyService,
    private readonly explainer: PolicyExplainService,
  ) {}

  @Get()
  @RequirePolicy('policy:read')
  @ApiOperation({
    summary: 'Active policy',
    description:
      'Version, load time, the last refused reload, roles and rule ids. Platform admins and auditors.',
  })
  @ApiOkResponse({ type: PolicyStatusDto })
  status(): PolicyStatusDto {
    return this.policy.status();
  }

  @Post('reload')
  @HttpCode(200)
  @RequirePolicy('policy:reload')
  @ApiOperation({
    summary: 'Reload the policy file',
    description:
      'Re-reads POLICY_FILE (as SIGHUP does). A refused file keeps the active policy. Platform admins.',
  })
  @ApiOkResponse({ type: PolicyStatusDto, description: 'The new policy is active.' })
  @ApiUnprocessableEntityResponse({
    description: 'The file was refused; each problem names file, rule and key.',
    type: PolicyProblemDto,
  })
  reload(@CurrentPrincipal() caller: Principal): Promise<PolicyStatusDto> {
    return this.policy.reload(caller);
  }

  @Post('explain')
  @HttpCode(200)
  @RequirePolicy('policy:explain', explainGuardResource)
  @ApiOperation({
    summary: 'Explain a decision',
    description:
      'Would this action be allowed, by which rules, what is missing. Agents explain for themselves; platform admins for any principal.',
  })
  @ApiOkResponse({ type: PolicyExplanationDto })
  @ApiNotFoundResponse({ description: 'The catalog does not know the tool.', type: PolicyProblemDto })
  @ApiUnprocessableEntityResponse({ description: 'The request body is not valid.', type: PolicyProblemDto })
  explain(
    @CurrentPrincipal() caller: Principal,
    @Body() body: ExplainPolicyDto,
  ): Promise<PolicyExplanationDto> {
    const { action, principal, resource } = body;
    return this.explainer.explain(caller, { action, principal, resource: resource && { ...resource } });
  }
}
