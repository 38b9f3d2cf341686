import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { type FastifyRequest } from 'fastify';

import { CurrentPrincipal, type Principal, principalOf } from '@toolgate/core';
import { type PolicyResource, RequirePolicy } from '@toolgate/policy';

import {
  ActionDto,
  ActionListDto,
  ActionQueryDto,
  ApproveActionDto,
  RejectActionDto,
} from '../dto/action.dto';
import { ActionsService, APPROVE_ACTION, CANCEL_ACTION } from './actions.service';

const ACTION_ID_PARAM = {
  name: 'id',
  description: 'The `action_id` from the 202 answer of an invoke.',
  example: '0b5f6a2e-8a55-4a8a-9d9b-4d8f3c1e2a77',
  schema: { type: 'string' as const, format: 'uuid', maxLength: 36 },
};

/** Decisions are audited before they count. */
const AUDIT_DOWN = {
  description:
    'The audit trail cannot be written (`AUDIT.UNAVAILABLE`): the decision did not take effect, the action is as it was; retry shortly.',
};

/** Guard-time resource of a cancel: the caller's own action (the service decides again on the real one). */
const ownAction = (request: FastifyRequest): PolicyResource | undefined => {
  const principal = principalOf(request);
  return principal && { tenant: principal.tenant, owner: principal.subject };
};

@ApiTags('actions')
@ApiBearerAuth('bearer')
@ApiNotFoundResponse({ description: 'No such action in your tenant.' })
@ApiForbiddenResponse({
  description:
    'The policy denies it, or you hold none of the approver roles, or you call with an API key (approvals and the views of held actions take a person), or it is your own request or one made with an API key you minted. Approve and reject also need one of the approver roles the current policy names for the call, when it still asks for an approval.',
})
@Controller('actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  @Get()
  @RequirePolicy(APPROVE_ACTION)
  @ApiOperation({
    summary: 'Actions awaiting your approval',
    description:
      'Held tool calls of your tenant that one of your roles may approve, newest first, by status as of now (an action past its expiry is listed as `expired`). Arguments are redacted.',
  })
  @ApiOkResponse({ type: ActionListDto })
  @ApiUnprocessableEntityResponse({ description: 'Unknown status or limit out of range.' })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query() query: ActionQueryDto,
  ): Promise<ActionListDto> {
    return { actions: await this.actions.list(principal, query) };
  }

  @Get(':id')
  @RequirePolicy(APPROVE_ACTION)
  @ApiOperation({
    summary: 'One action',
    description: 'Tool, redacted arguments, requester, the policy rule that asked for approval, expiry.',
  })
  @ApiParam(ACTION_ID_PARAM)
  @ApiOkResponse({ type: ActionDto })
  get(@CurrentPrincipal() principal: Principal, @Param('id') id: string): Promise<ActionDto> {
    return this.actions.get(principal, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @RequirePolicy(APPROVE_ACTION)
  @ApiOperation({
    summary: 'Approve an action',
    description:
      "Another principal of the requester's tenant holding one of the action's approver roles approves it; the requester's confirm may then run it. Never your own request, nor one made with an API key you minted (its view names the key and `key_created_by`).",
  })
  @ApiParam(ACTION_ID_PARAM)
  @ApiOkResponse({ type: ActionDto, description: 'Approved.' })
  @ApiConflictResponse({ description: 'The action is not pending (approved, rejected, consumed, expired…).' })
  @ApiUnprocessableEntityResponse({ description: 'Invalid body.' })
  @ApiServiceUnavailableResponse(AUDIT_DOWN)
  approve(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: ApproveActionDto,
    @Req() request: FastifyRequest,
  ): Promise<ActionDto> {
    return this.actions.approve(principal, id, body.reason ?? null, String(request.id));
  }

  @Post(':id/reject')
  @HttpCode(200)
  @RequirePolicy(APPROVE_ACTION)
  @ApiOperation({
    summary: 'Reject an action',
    description: 'As approve; the action can then never run. A reason is required.',
  })
  @ApiParam(ACTION_ID_PARAM)
  @ApiOkResponse({ type: ActionDto, description: 'Rejected.' })
  @ApiConflictResponse({ description: 'The action is not pending.' })
  @ApiUnprocessableEntityResponse({ description: 'Missing or too long reason.' })
  @ApiServiceUnavailableResponse(AUDIT_DOWN)
  reject(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Body() body: RejectActionDto,
    @Req() request: FastifyRequest,
  ): Promise<ActionDto> {
    return this.actions.reject(principal, id, body.reason, String(request.id));
  }

  @Delete(':id')
  @RequirePolicy(CANCEL_ACTION, ownAction)
  @ApiOperation({
    summary: 'Cancel your action',
    description: 'The requester withdraws a pending or approved action; it can then never run.',
  })
  @ApiParam(ACTION_ID_PARAM)
  @ApiOkResponse({ type: ActionDto, description: 'Cancelled.' })
  @ApiConflictResponse({ description: 'The action already ran, was rejected, cancelled or expired.' })
  @ApiServiceUnavailableResponse(AUDIT_DOWN)
  cancel(
    @CurrentPrincipal() principal: Principal,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<ActionDto> {
    return this.actions.cancel(principal, id, String(request.id));
  }
}
