import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

import { IsStorableText, PageLimit } from '@toolgate/core';

import { ACTION_STATUSES, type ActionStatus } from '../confirmation.types';

const roles = (example: string[]) => ({
  type: 'array' as const,
  items: { type: 'string' as const, maxLength: 128 },
  maxItems: 100,
  example,
});

export class ActionRequesterDto {
  @ApiProperty({ example: 'agent-7', maxLength: 256 })
  subject: string;

  @ApiProperty(roles(['finance-write']))
  roles: string[];

  @ApiProperty({
    enum: ['jwt', 'api_key'],
    nullable: true,
    example: 'api_key',
    description: 'How the requester authenticated (null on actions held before this was recorded).',
  })
  credential_kind: 'jwt' | 'api_key' | null;

  @ApiProperty({
    example: '3f2b8c1d-6e4a-4f0b-9c7d-1a2b3c4d5e6f',
    format: 'uuid',
    maxLength: 36,
    nullable: true,
    type: String,
    description: 'The API key the requester used, if any.',
  })
  key_id: string | null;

  @ApiProperty({
    example: 'alice',
    maxLength: 256,
    nullable: true,
    type: String,
    description:
      'Who minted that API key (the person behind the request); that subject may not approve or reject it.',
  })
  key_created_by: string | null;
}

/** A held tool call as an approver (or its requester) sees it; arguments are redacted. */
export class ActionDto {
  @ApiProperty({ example: '0b5f6a2e-8a55-4a8a-9d9b-4d8f3c1e2a77', format: 'uuid', maxLength: 36 })
  action_id: string;

  @ApiProperty({ example: 'ads:createCampaign', maxLength: 200 })
  toolId: string;

  @ApiProperty({ enum: ACTION_STATUSES, example: 'pending', description: 'As of now (expiry applied).' })
  status: ActionStatus;

  @ApiProperty({
    type: Object,
    description: "The call's arguments; the tool's `sensitive_fields` and secret-like names are redacted.",
    example: { name: 'LaunchX', budget: 1200, api_key: '[REDACTED]' },
  })
  arguments: Record<string, unknown>;

  @ApiProperty({ type: ActionRequesterDto })
  requester: ActionRequesterDto;

  @ApiProperty({ example: true })
  requires_approval: boolean;

  @ApiProperty(roles(['finance-approver']))
  approver_roles: string[];

  @ApiProperty({ example: 'invoke-ads-create', maxLength: 256, nullable: true, type: String })
  policy_rule: string | null;

  @ApiProperty({ example: 3, minimum: 1, maximum: 2_147_483_647, format: 'int32' })
  manifest_version: number;

  @ApiProperty({ example: '2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a', maxLength: 128 })
  correlation_id: string;

  @ApiProperty({ example: '2026-11-21T10:30:45.123Z', format: 'date-time', maxLength: 40 })
  created_at: string;

  @ApiProperty({ example: '2026-11-21T10:35:45.123Z', format: 'date-time', maxLength: 40 })
  expires_at: string;

  @ApiProperty({ example: 'approver-2', maxLength: 256, nullable: true, type: String })
  decided_by: string | null;

  @ApiProperty({ example: 'Budget checked.', maxLength: 1000, nullable: true, type: String })
  decision_reason: string | null;

  @ApiProperty({ example: null, format: 'date-time', maxLength: 40, nullable: true, type: String })
  decided_at: string | null;

  @ApiProperty({ example: null, format: 'date-time', maxLength: 40, nullable: true, type: String })
  consumed_at: string | null;
}

export class ActionListDto {
  @ApiProperty({ type: [ActionDto], maxItems: 100 })
  actions: ActionDto[];
}

export class ActionQueryDto {
  @ApiPropertyOptional({ enum: ACTION_STATUSES, default: 'pending', example: 'pending' })
  @IsOptional()
  @IsIn(ACTION_STATUSES)
  status: ActionStatus = 'pending';

  @PageLimit({ max: 100, default: 50 })
  limit: number = 50;
}

export class ApproveActionDto {
  @ApiPropertyOptional({ example: 'Budget checked with finance.', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @IsStorableText()
  reason?: string;
}

export class RejectActionDto {
  @ApiProperty({ example: 'Not in this quarter’s plan.', minLength: 1, maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @IsStorableText()
  reason: string;
}
