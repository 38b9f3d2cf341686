import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiGatewayTimeoutResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
  ApiUnsupportedMediaTypeResponse,
  ApiBadGatewayResponse,
} from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { RequirePolicy } from '@toolgate/policy';

import { ConfirmToolService } from '../use-cases/confirm-tool.service';
import { InvokeToolService } from '../use-cases/invoke-tool.service';
import { type IdempotentAnswer } from '../use-cases/idempotent-run.service';
import { ConfirmationRequiredDto, InvokeResponseDto } from './invoke-response.dto';

export const TOOL_ID_PARAM = {
  name: 'toolId',
  example: 'database:executeQuery',
  schema: { type: 'string' as const, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' },
};

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const UNSUPPORTED_MEDIA_TYPE =
  'The body is not JSON: only `application/json` and `application/*+json` are accepted ' +
  '(`REQUEST.UNSUPPORTED_MEDIA_TYPE`).';

export function sendAnswer(reply: FastifyReply, answer: IdempotentAnswer): void {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
}

@ApiTags('tools')
@ApiBearerAuth('bearer')
@Controller('tools')
export class ToolsController {
  constructor(
    private readonly invokeTool: InvokeToolService,
    private readonly confirmTool: ConfirmToolService,
  ) {}

  @Post(':toolId/invoke')
  @RequirePolicy.forTool('tools.invoke', 'toolId')
  @ApiOperation({
    summary: 'Invoke a tool',
    description:
      'Runs the tool through the governed pipeline: policy, rate limit, input validation against the manifest, ' +
      'Idempotency-Key, confirmation gate, brokered credentials, deadline, audit.',
  })
  @ApiParam(TOOL_ID_PARAM)
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeat-safe key (≤ 255 visible characters): a repeat replays the first response.',
    schema: { type: 'string', maxLength: 255 },
  })
  @ApiBody({
    description: 'Tool arguments (a JSON object matching the manifest `inputs`).',
    schema: { type: 'object', example: { sql: 'SELECT 1', params: [] } },
  })
  @ApiOkResponse({ type: InvokeResponseDto, description: 'The tool ran.' })
  @ApiAcceptedResponse({
    type: ConfirmationRequiredDto,
    description: 'Held for confirmation; nothing ran yet.',
  })
  @ApiForbiddenResponse({
    description:
      'Denied by policy (names the rule or the missing scopes), or, for a call that would be held, refused ' +
      'by the provider for these arguments (e.g. `ADS.CUSTOMER_NOT_ALLOWED`): nothing is held or run.',
  })
  @ApiNotFoundResponse({ description: 'Unknown tool, or not visible to the caller.' })
  @ApiConflictResponse({ description: 'A request with the same Idempotency-Key is still running.' })
  @ApiUnsupportedMediaTypeResponse({ description: UNSUPPORTED_MEDIA_TYPE })
  @ApiUnprocessableEntityResponse({
    description: 'Arguments violate the manifest, or the Idempotency-Key was used with another payload.',
  })
  @ApiTooManyRequestsResponse({ description: 'Rate limited.' })
  @ApiBadGatewayResponse({ description: 'The upstream failed.' })
  @ApiServiceUnavailableResponse({
    description:
      'The provider is unconfigured or down, or the audit trail cannot be written (`AUDIT.UNAVAILABLE`: nothing was held or run).',
  })
  @ApiGatewayTimeoutResponse({
    description:
      'The tool did not answer before its deadline (`PROVIDER.TIMEOUT`; replayed for its Idempotency-Key, the ' +
      'tool may have run). When the call was still waiting for its credentials, the detail says it had no ' +
      'effect and is safe to retry, and the Idempotency-Key is free for that retry.',
  })
  async invoke(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('toolId') toolId: string,
    @Body() body: unknown,
  ): Promise<void> {
    sendAnswer(
      reply,
      await this.invokeTool.invoke(request, toolId, body, request.headers['idempotency-key']),
    );
  }

  @Post(':toolId/confirm')
  @RequirePolicy.forTool('tools.invoke', 'toolId')
  @ApiOperation({
    summary: 'Confirm a held call',
    description:
      'Runs a call that invoke held (202). Authentication and policy are checked again; the body is the ' +
      '`action_token` plus the same arguments (key order and whitespace do not matter, values do). The ' +
      'token is single-use: of concurrent confirms exactly one runs the tool. Where policy asked for an ' +
      'approval, confirm runs only after another principal approved (`POST /actions/{id}/approve`).',
  })
  @ApiParam(TOOL_ID_PARAM)
  @ApiHeader({
    name: 'Action-Token',
    required: false,
    description:
      'The action token, for tools with an argument named `action_token`: the whole body is then the arguments.',
    schema: { type: 'string', maxLength: 86, pattern: '^[A-Za-z0-9_-]{22,86}$' },
  })
  @ApiBody({
    description:
      'The action token from the 202 answer and the same tool arguments (only the arguments with `Action-Token`).',
    schema: {
      type: 'object',
      required: ['action_token'],
      properties: { action_token: { type: 'string', maxLength: 86, pattern: '^[A-Za-z0-9_-]{22,86}$' } },
      example: { action_token: 'mJ0cQm2vX1s8r2w3Zc4nq5t6Yb7Lk8Pj', target: 'record-42' },
    },
  })
  @ApiOkResponse({
    type: InvokeResponseDto,
    description: 'The tool ran (same correlation_id as the invoke).',
  })
  @ApiUnauthorizedResponse({
    description: 'Unknown, malformed or expired token, or a token of another tool.',
  })
  @ApiForbiddenResponse({ description: 'The policy no longer allows you to invoke this tool.' })
  @ApiNotFoundResponse({ description: 'Unknown tool, or a token of another subject or tenant.' })
  @ApiConflictResponse({
    description:
      'Already confirmed, awaiting approval, rejected, cancelled, or the tool or policy changed since the invoke ' +
      '(`CONFIRMATION.POLICY_CHANGED`: the policy now asks for an approval, or no longer takes the approver ' +
      'this action had); invoke again.',
  })
  @ApiUnsupportedMediaTypeResponse({ description: UNSUPPORTED_MEDIA_TYPE })
  @ApiUnprocessableEntityResponse({ description: "No action_token, or arguments other than the invoke's." })
  @ApiTooManyRequestsResponse({ description: 'Rate limited.' })
  @ApiBadGatewayResponse({ description: 'The upstream failed.' })
  @ApiServiceUnavailableResponse({
    description:
      'The provider is unconfigured or down, or the audit trail cannot be written (`AUDIT.UNAVAILABLE`: ' +
      'nothing ran and the action is open again, so the same confirm can be retried).',
  })
  @ApiGatewayTimeoutResponse({
    description:
      'The tool did not answer before its deadline (`PROVIDER.TIMEOUT`). When the call was still waiting for ' +
      'its credentials, the detail says it had no effect: invoke it again.',
  })
  async confirm(
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
    @Param('toolId') toolId: string,
    @Body() body: unknown,
  ): Promise<void> {
    const answer = await this.confirmTool.confirm(request, toolId, body);
    sendAnswer(reply, { ...answer, contentType: JSON_CONTENT_TYPE, replayed: false });
  }
}
