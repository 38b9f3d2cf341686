import { Body, Controller, Param, Post, Req, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiGatewayTimeoutResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  ApiBadGatewayResponse,
} from '@nestjs/swagger';
import { type FastifyReply, type FastifyRequest } from 'fastify';

import { RequirePolicy } from '@toolgate/policy';

import { InvokeToolService } from '../use-cases/invoke-tool.service';
import { type IdempotentAnswer } from '../use-cases/idempotent-run.service';
import { ConfirmationRequiredDto, InvokeResponseDto } from './invoke-response.dto';

export const TOOL_ID_PARAM = {
  name: 'toolId',
  example: 'database:executeQuery',
  schema: { type: 'string' as const, maxLength: 200, pattern: '^[A-Za-z0-9._:-]+$' },
};

export function sendAnswer(reply: FastifyReply, answer: IdempotentAnswer): void {
  if (answer.replayed) reply.header('idempotent-replayed', 'true');
  reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
}

@ApiTags('tools')
@ApiBearerAuth('bearer')
@Controller('tools')
export class ToolsController {
  constructor(private readonly invokeTool: InvokeToolService) {}

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
  @ApiNotFoundResponse({ description: 'Unknown tool, or not visible to the caller.' })
  @ApiConflictResponse({ description: 'A request with the same Idempotency-Key is still running.' })
  @ApiUnprocessableEntityResponse({
    description: 'Arguments violate the manifest, or the Idempotency-Key was used with another payload.',
  })
  @ApiTooManyRequestsResponse({ description: 'Rate limited.' })
  @ApiBadGatewayResponse({ description: 'The upstream failed.' })
  @ApiServiceUnavailableResponse({ description: 'The provider is unconfigured or down.' })
  @ApiGatewayTimeoutResponse({ description: 'The tool did not answer before its deadline.' })
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
}
