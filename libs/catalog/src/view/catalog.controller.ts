import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { RequirePolicy } from '@toolgate/policy';

import { CatalogListDto, CatalogQueryDto, CatalogToolDto } from '../dto/catalog.dto';
import { TOOL_ID_PATTERN } from '../dto/manifest.dto';
import { CatalogViewService } from './catalog-view.service';

export const TOOL_ID_PARAM = {
  name: 'toolId',
  description: 'Tool id, `<provider>:<name>`.',
  example: 'test:echo',
  schema: { type: 'string', maxLength: 200, pattern: TOOL_ID_PATTERN.source },
} as const;

@ApiTags('catalog')
@ApiBearerAuth('bearer')
@RequirePolicy('catalog:list')
@Controller('tool-catalog')
export class CatalogController {
  constructor(private readonly view: CatalogViewService) {}

  @Get()
  @ApiOperation({
    summary: 'The tools you may invoke',
    description:
      'Only tools the policy allows you to invoke (rules, required scopes, tenant), in tool id order, each ' +
      'marked when a confirmation or an approval stands in front of it. Filters combine.',
  })
  @ApiOkResponse({ type: CatalogListDto })
  @ApiUnprocessableEntityResponse({ description: 'A filter is too long or repeated.' })
  list(@CurrentPrincipal() principal: Principal, @Query() query: CatalogQueryDto): CatalogListDto {
    return { tools: this.view.list(principal, query) };
  }

  @Get(':toolId')
  @ApiOperation({
    summary: 'One tool you may invoke',
    description:
      "404 alike for an unknown or disabled tool, another tenant's tool and a tool you may not invoke, so " +
      'the answer reveals nothing about tools outside your catalog.',
  })
  @ApiParam(TOOL_ID_PARAM)
  @ApiOkResponse({ type: CatalogToolDto })
  @ApiNotFoundResponse({ description: 'No such tool in your catalog.' })
  get(@CurrentPrincipal() principal: Principal, @Param('toolId') toolId: string): CatalogToolDto {
    return this.view.get(principal, toolId);
  }
}
