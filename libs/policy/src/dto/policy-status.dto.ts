import { ApiProperty } from '@nestjs/swagger';

import { stringArray } from './string-array.util';

export class PolicyLoadFailureDto {
  @ApiProperty({
    description: 'Summary of why the file was refused.',
    example:
      'Policy file refused: policies/policies.yml:12: rule "x", key "effect": must be "allow" or "deny" (got "permit")',
    maxLength: 4096,
  })
  message: string;

  @ApiProperty({
    description: 'One line per problem (file, line, rule, key).',
    ...stringArray(1000, 4096),
    example: ['policies/policies.yml:12: rule "x", key "effect": must be "allow" or "deny" (got "permit")'],
  })
  errors: string[];

  @ApiProperty({
    description: 'When the reload was refused.',
    example: '2026-11-21T10:30:45.123Z',
    format: 'date-time',
    maxLength: 40,
  })
  at: string;
}

export class PolicyStatusDto {
  @ApiProperty({ description: 'Hash of the active policy file.', example: '3f2a9c1b7d4e5f60', maxLength: 64 })
  version: string;

  @ApiProperty({
    description: 'Path of the policy file.',
    example: '/srv/toolgate/policies/policies.yml',
    maxLength: 4096,
  })
  file: string;

  @ApiProperty({
    description: 'When the active policy was loaded.',
    example: '2026-11-21T10:30:45.123Z',
    format: 'date-time',
    maxLength: 40,
  })
  loaded_at: string;

  @ApiProperty({
    description: 'The last refused reload, or null when the last load succeeded.',
    type: PolicyLoadFailureDto,
    nullable: true,
  })
  last_error: PolicyLoadFailureDto | null;

  @ApiProperty({
    description: 'Roles the policy defines.',
    example: ['finance-write', 'platform-admin'],
    ...stringArray(1000, 256),
  })
  roles: string[];

  @ApiProperty({
    description: 'Rule ids, in file order.',
    example: ['catalog-visibility', 'tenant-isolation'],
    ...stringArray(1000, 256),
  })
  rules: string[];
}
