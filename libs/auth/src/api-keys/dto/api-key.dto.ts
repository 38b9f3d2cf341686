import { ApiProperty } from '@nestjs/swagger';

const STRING_LIST = { type: 'string', minLength: 1, maxLength: 128 } as const;

/** An API key as listed: never the secret. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid', example: '0b6f4c8e-3f0e-4a57-9a39-2f1c5d4e6a7b', maxLength: 36 })
  id: string;

  @ApiProperty({ example: 'billing-sync worker', maxLength: 100 })
  name: string;

  @ApiProperty({
    description: 'Public start of the token, to recognise it (not enough to authenticate).',
    example: 'tg_3f9a0c1d2e4b5a69',
    maxLength: 19,
  })
  prefix: string;

  @ApiProperty({ example: 'svc-billing-sync', maxLength: 256 })
  subject: string;

  @ApiProperty({ example: 'acme', maxLength: 128 })
  tenant: string;

  @ApiProperty({ example: ['finance-write'], type: [String], maxItems: 64, items: STRING_LIST })
  roles: string[];

  @ApiProperty({ example: ['tools.invoke:write'], type: [String], maxItems: 128, items: STRING_LIST })
  scopes: string[];

  @ApiProperty({
    description:
      'Subject of the admin who created it; for a key created with another API key, that key’s own ' +
      '`created_by` (the person at the root of the chain).',
    example: 'admin-1',
    maxLength: 256,
  })
  created_by: string;

  @ApiProperty({
    description:
      'The API key this one was minted with (revoking that key revokes this one too); null when a person ' +
      'minted it.',
    format: 'uuid',
    example: null,
    nullable: true,
    type: String,
    maxLength: 36,
  })
  parent_key_id: string | null;

  @ApiProperty({ format: 'date-time', example: '2026-11-21T10:30:45.123Z', maxLength: 40 })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2027-02-19T10:30:45.123Z', maxLength: 40 })
  expires_at: string;

  @ApiProperty({
    format: 'date-time',
    example: null,
    nullable: true,
    type: String,
    maxLength: 40,
  })
  revoked_at: string | null;

  @ApiProperty({ enum: ['active', 'expired', 'revoked'], example: 'active' })
  status: 'active' | 'expired' | 'revoked';
}

/** The answer to a creation: the only time the secret is ever shown. */
export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({
    description:
      'The API key. Shown once: only its hash is stored. Send it as `Authorization: Bearer <key>`.',
    example: 'tg_3f9a0c1d2e4b5a69_Yz3q2m0bXl8T1c8o0Qd6f3Jm9kRk4n7sP2wV5xA1bC0',
    minLength: 63,
    maxLength: 63,
  })
  secret: string;
}

/** One page of `GET /api-keys`. */
export class ApiKeyListDto {
  @ApiProperty({
    description: 'Keys of the caller’s tenant, newest first (`limit` per page, at most 500).',
    type: [ApiKeyDto],
    maxItems: 500,
  })
  items: ApiKeyDto[];

  @ApiProperty({
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
    format: 'uuid',
    example: null,
    nullable: true,
    type: String,
    maxLength: 36,
  })
  next_cursor: string | null;
}
