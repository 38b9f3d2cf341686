import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class TokenMetaDto {
  @ApiProperty({
    example: 'Bearer',
    maxLength: 40,
    description: '`none` when the provider needs no credentials.',
  })
  token_type: string;

  @ApiProperty({
    example: 3540,
    minimum: 0,
    maximum: 86_400,
    format: 'int32',
    description: 'Seconds the credential stays valid.',
  })
  expires_in: number;

  @ApiProperty({
    example: ['ads.write'],
    type: 'array',
    items: { type: 'string', maxLength: 200 },
    maxItems: 100,
  })
  scopes: string[];
}

export class InvokeResponseDto {
  @ApiProperty({ example: 'database:executeQuery', maxLength: 200 })
  toolId: string;

  @ApiProperty({
    description: "The provider's result (any JSON).",
    example: { columns: ['id'], rows: [[1]], row_count: 1, truncated: false },
  })
  result: unknown;

  @ApiProperty({
    type: TokenMetaDto,
    description: 'Metadata of the brokered provider credential; never the credential.',
  })
  token_meta: TokenMetaDto;

  @ApiProperty({
    example: '2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a',
    format: 'uuid',
    maxLength: 36,
    description:
      "Joins the audit events of this call (and of its confirm). Made by the gateway, never the caller's " +
      'X-Request-Id, which the events keep as `request_id`.',
  })
  correlation_id: string;
}

export class ConfirmationRequiredDto {
  @ApiProperty({ example: true, enum: [true] })
  requires_confirmation: true;

  @ApiProperty({ example: '0b5f6a2e-8a55-4a8a-9d9b-4d8f3c1e2a77', format: 'uuid', maxLength: 36 })
  action_id: string;

  @ApiProperty({
    example: 'Zq3v…',
    maxLength: 200,
    description: 'Single-use token bound to this exact call; send it to /confirm.',
  })
  action_token: string;

  @ApiProperty({ example: '2026-11-21T10:35:45.123Z', format: 'date-time', maxLength: 40 })
  expires_at: string;

  @ApiPropertyOptional({
    example: false,
    description: 'True when a human approver must approve before confirm runs.',
  })
  requires_approval: boolean;

  @ApiProperty({
    example: '2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a',
    format: 'uuid',
    maxLength: 36,
    description:
      "Made by the gateway (never the caller's X-Request-Id); the confirm's 200 answers the same one.",
  })
  correlation_id: string;
}
