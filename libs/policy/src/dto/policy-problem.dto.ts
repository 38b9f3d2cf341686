import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { stringArray } from './string-array.util';

export class PolicyProblemViolationDto {
  @ApiProperty({
    description: 'JSON pointer into the request body or the policy file.',
    example: '/rules/3/effect',
    maxLength: 1024,
  })
  pointer: string;

  @ApiProperty({
    example: 'policies/policies.yml:31: rule "x", key "effect": must be "allow" or "deny"',
    maxLength: 4096,
  })
  detail: string;
}

/** RFC 9457 problem body as answered by the policy routes (401, 403, 404, 422). */
export class PolicyProblemDto {
  @ApiProperty({ example: 'urn:toolgate:problem:policy-denied', maxLength: 200 })
  type: string;

  @ApiProperty({ example: 'Forbidden', maxLength: 200 })
  title: string;

  @ApiProperty({ example: 403, minimum: 400, maximum: 599, format: 'int32' })
  status: number;

  @ApiProperty({
    example: 'No policy rule allows "policy:reload" on this resource (default-deny).',
    maxLength: 4096,
  })
  detail: string;

  @ApiProperty({ example: '/policy/reload', maxLength: 2048 })
  instance: string;

  @ApiProperty({ example: '0f8fad5b-d9cb-469f-a165-70867728950e', maxLength: 128 })
  request_id: string;

  @ApiProperty({ example: 'POLICY.DENIED', maxLength: 100 })
  code: string;

  @ApiPropertyOptional({
    description: 'Deny rule that won, `default-deny` or `missing-scopes` (403).',
    example: 'default-deny',
    maxLength: 128,
  })
  denied_by?: string;

  @ApiPropertyOptional({
    description: 'Rules that matched (403).',
    example: [],
    ...stringArray(1000, 256),
  })
  matched_rules?: string[];

  @ApiPropertyOptional({
    description: 'Scopes the caller lacks (403).',
    example: [],
    ...stringArray(100, 256),
  })
  missing_scopes?: string[];

  @ApiPropertyOptional({
    description: 'Policy version that decided (403).',
    example: '3f2a9c1b7d4e5f60',
    maxLength: 64,
  })
  policy_version?: string;

  @ApiPropertyOptional({
    description: 'Each violation (422).',
    type: [PolicyProblemViolationDto],
    maxItems: 1000,
  })
  errors?: PolicyProblemViolationDto[];
}
