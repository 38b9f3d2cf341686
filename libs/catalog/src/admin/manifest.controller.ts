import { Body, Controller, Delete, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';

import { CurrentPrincipal, type Principal } from '@toolgate/core';
import { RequirePolicy } from '@toolgate/policy';

import { ManifestRecordDto, RegisterManifestDto, UpdateManifestDto } from '../dto/manifest.dto';
import { TOOL_ID_PARAM } from '../view/catalog.controller';
import { ManifestAdminService } from './manifest-admin.service';
import { manifestWriteResource } from './manifest-resource.util';

const WRITE_ACTION = 'manifests:write';

@ApiTags('manifests')
@ApiBearerAuth('bearer')
@ApiForbiddenResponse({ description: 'Not a platform admin, or another tenant named in the manifest.' })
@Controller('manifests')
export class ManifestController {
  constructor(private readonly admin: ManifestAdminService) {}

  @Post('register')
  @HttpCode(201)
  @RequirePolicy(WRITE_ACTION, manifestWriteResource)
  @ApiOperation({
    summary: 'Register a tool manifest in your tenant',
    description:
      'Platform admins only. The provider must be registered, the tool id namespaced by it and the schemas ' +
      "must compile (ajv strict). The manifest belongs to the caller's tenant; admins of `public` register " +
      'tools shared by every tenant.',
  })
  @ApiCreatedResponse({ type: ManifestRecordDto })
  @ApiConflictResponse({
    description:
      'The tool id is already active in your tenant, exists in `public` (even disabled), or is a tool a ' +
      'provider lists itself (managed in `public` only); or your tenant has `CATALOG_MAX_TOOLS_PER_TENANT` ' +
      'tools (`CATALOG.TOO_MANY_TOOLS`).',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'Invalid body, schema that does not compile, unknown provider, or `inputs`/`outputs` over 256 KiB ' +
      '(640 KiB for the whole manifest).',
  })
  register(
    @CurrentPrincipal() principal: Principal,
    @Body() body: RegisterManifestDto,
  ): Promise<ManifestRecordDto> {
    return this.admin.register(principal, body);
  }

  @Put(':toolId')
  @RequirePolicy(WRITE_ACTION, manifestWriteResource)
  @ApiOperation({
    summary: 'Replace a manifest of your tenant',
    description: 'Bumps the version when the content changes (an identical body changes nothing).',
  })
  @ApiParam(TOOL_ID_PARAM)
  @ApiOkResponse({ type: ManifestRecordDto })
  @ApiNotFoundResponse({ description: 'No active manifest with this id in your tenant.' })
  @ApiConflictResponse({
    description:
      'A tool a provider lists itself, outside `public` (its manifest is managed in `public` only).',
  })
  @ApiUnprocessableEntityResponse({
    description:
      'Invalid body, schema that does not compile, unknown provider, or `inputs`/`outputs` over 256 KiB ' +
      '(640 KiB for the whole manifest).',
  })
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('toolId') toolId: string,
    @Body() body: UpdateManifestDto,
  ): Promise<ManifestRecordDto> {
    return this.admin.update(principal, toolId, body);
  }

  @Delete(':toolId')
  @RequirePolicy(WRITE_ACTION, manifestWriteResource)
  @ApiOperation({
    summary: 'Disable a manifest of your tenant',
    description: 'The tool leaves every catalog at once; the manifest and its versions are kept.',
  })
  @ApiParam(TOOL_ID_PARAM)
  @ApiOkResponse({ type: ManifestRecordDto })
  @ApiNotFoundResponse({ description: 'No active manifest with this id in your tenant.' })
  remove(
    @CurrentPrincipal() principal: Principal,
    @Param('toolId') toolId: string,
  ): Promise<ManifestRecordDto> {
    return this.admin.disable(principal, toolId);
  }
}
