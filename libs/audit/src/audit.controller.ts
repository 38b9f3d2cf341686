import { Controller, Get, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { RequirePolicy } from '@toolgate/policy';

import { AuditPageDto, AuditVerifyDto } from './dto/audit-event.dto';
import { AuditQueryDto } from './dto/audit-query.dto';
import { AuditQueryService } from './query/audit-query.service';
import { AuditVerifierService } from './verify/audit-verifier.service';

@ApiTags('audit')
@ApiBearerAuth('bearer')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly events: AuditQueryService,
    private readonly verifier: AuditVerifierService,
  ) {}

  @Get()
  @RequirePolicy('audit:read')
  @ApiOperation({
    summary: 'Audit events of your tenant',
    description:
      "Newest first, filtered by subject, tool, event type and time; other tenants' events are never " +
      'visible. Follow `next_cursor` for older pages. Auditors and platform admins.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiBadRequestResponse({ description: 'The cursor was not issued by this gateway.' })
  @ApiUnprocessableEntityResponse({ description: 'A filter is malformed, or `from` is after `to`.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: AuditQueryDto): Promise<AuditPageDto> {
    return this.events.list(principal.tenant, query);
  }

  @Get('verify')
  @RequirePolicy('audit:read')
  @ApiOperation({
    summary: "Verify your tenant's hash chain",
    description:
      'Recomputes every hash from seq 1 to the head, checks that seq has no gap and each prev_hash links, ' +
      "and that the chain still reaches the latest signed anchor and this gateway's last write (a removed " +
      'tail is detected). Auditors and platform admins.',
  })
  @ApiOkResponse({ type: AuditVerifyDto })
  verify(@CurrentPrincipal() principal: Principal): Promise<AuditVerifyDto> {
    return this.verifier.verify(principal.tenant);
  }
}
