import { ApiProperty } from '@nestjs/swagger';

import { stringArray } from './string-array.util';

const ID_MAX = 128;

export class PolicyApprovalDto {
  @ApiProperty({
    description: 'Roles of which a different human principal must approve.',
    example: ['finance-approver'],
    ...stringArray(50, 256),
  })
  roles: string[];

  @ApiProperty({
    description: 'Rule that asked for the approval.',
    example: 'invoke-ads-create',
    maxLength: ID_MAX,
  })
  rule: string;
}

export class PolicyExplanationDto {
  @ApiProperty({ enum: ['allow', 'deny'], example: 'allow' })
  decision: 'allow' | 'deny';

  @ApiProperty({
    description: 'Ids of every rule whose conditions matched, in file order.',
    example: ['invoke-ads-create', 'safety-destroy-requires-confirm'],
    ...stringArray(1000, 256),
  })
  matched_rules: string[];

  @ApiProperty({
    description: 'Required scopes of the resource the principal does not hold.',
    example: [],
    ...stringArray(100, 256),
  })
  missing_scopes: string[];

  @ApiProperty({ description: 'Whether the call must be confirmed before it runs.', example: true })
  require_confirmation: boolean;

  @ApiProperty({
    description: 'Approval a matching rule asks for, or null.',
    type: PolicyApprovalDto,
    nullable: true,
  })
  require_approval: PolicyApprovalDto | null;

  @ApiProperty({
    description: 'Hash of the policy file that decided.',
    example: '3f2a9c1b7d4e5f60',
    maxLength: 64,
  })
  policy_version: string;

  @ApiProperty({
    description: 'Deny rule that won, `default-deny`, `missing-scopes`, or null when allowed.',
    example: null,
    nullable: true,
    type: String,
    maxLength: ID_MAX,
  })
  denied_by: string | null;

  @ApiProperty({
    description: 'Scopes the principal holds: token scopes plus role scopes.',
    example: ['ads.write', 'tools.invoke:write'],
    ...stringArray(1000, 256),
  })
  effective_scopes: string[];
}
