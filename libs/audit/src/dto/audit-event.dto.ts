import { ApiProperty } from '@nestjs/swagger';

const HASH_EXAMPLE = '9f2c4e1a7b3d5f60812a4c6e8b0d2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d';
const text = (example: string | null, maxLength: number, description?: string) => ({
  example,
  maxLength,
  nullable: true,
  type: String,
  ...(description ? { description } : {}),
});

/** One audit event as `GET /audit` answers it. */
export class AuditEventDto {
  @ApiProperty({ example: 'acme', maxLength: 128 })
  tenant: string;

  @ApiProperty({
    description: 'Position in the tenant chain (gap-free from 1).',
    example: 42,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
    type: 'integer',
  })
  seq: number;

  @ApiProperty({ example: '2026-11-21T10:15:30.123Z', format: 'date-time', maxLength: 40 })
  ts: string;

  @ApiProperty({
    description: '`tools.invoke`, `tools.deny`, `auth.failure`, `rate.limited`, `manifests.register`…',
    example: 'tools.invoke',
    maxLength: 64,
  })
  event: string;

  @ApiProperty(text('agent-7', 256))
  subject: string | null;

  @ApiProperty(text('test:echo', 256))
  tool_id: string | null;

  @ApiProperty(text('allow', 32, '`allow` or `deny` where a policy decided.'))
  decision: string | null;

  @ApiProperty(text('intent', 64, '`intent`, `ok`, `error`, or an HTTP status.'))
  status: string | null;

  @ApiProperty(text('2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a', 128))
  request_id: string | null;

  @ApiProperty(text('2f1c7a8e-3b8e-4d55-9a57-0f9b8f1d2c3a', 128, 'Joins the events of one call.'))
  correlation_id: string | null;

  @ApiProperty(text(HASH_EXAMPLE, 128, 'SHA-256 of the canonical JSON of the arguments.'))
  payload_digest: string | null;

  @ApiProperty(text('3f2a9c1b7d4e5f60', 128))
  policy_version: string | null;

  @ApiProperty({
    description: "Context, redacted: no secrets, no action tokens, the tool's sensitive fields masked.",
    type: 'object',
    additionalProperties: true,
    example: { arguments: { message: 'hello', password: '[REDACTED]' }, provider_id: 'test' },
  })
  details: Record<string, unknown>;

  @ApiProperty({
    description: 'Hash of the previous event (zeros for seq 1).',
    example: HASH_EXAMPLE,
    maxLength: 64,
    pattern: '^[0-9a-f]{64}$',
  })
  prev_hash: string;

  @ApiProperty({
    description: 'SHA-256 of the canonical event including prev_hash.',
    example: HASH_EXAMPLE,
    maxLength: 64,
    pattern: '^[0-9a-f]{64}$',
  })
  hash: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEventDto], maxItems: 200 })
  events: AuditEventDto[];

  @ApiProperty({
    description: 'Pass as `cursor` for the next (older) page; null on the last page.',
    example: 'czoxMjM',
    maxLength: 64,
    nullable: true,
    type: String,
  })
  next_cursor: string | null;
}

export class ChainHeadDto {
  @ApiProperty({
    example: 42,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
    type: 'integer',
  })
  seq: number;

  @ApiProperty({ example: HASH_EXAMPLE, maxLength: 64, pattern: '^[0-9a-f]{64}$' })
  hash: string;
}

/** `GET /audit/verify`: the caller's tenant chain checked from seq 1 to its head. */
export class AuditVerifyDto {
  @ApiProperty({ example: true })
  valid: boolean;

  @ApiProperty({
    example: 42,
    minimum: 0,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
    type: 'integer',
  })
  events_checked: number;

  @ApiProperty({
    description: 'First event that fails (null when valid).',
    example: null,
    minimum: 1,
    maximum: Number.MAX_SAFE_INTEGER,
    format: 'int64',
    type: 'integer',
    nullable: true,
  })
  first_invalid_seq: number | null;

  @ApiProperty({
    description: 'Why it fails (null when valid).',
    example: null,
    maxLength: 500,
    nullable: true,
    type: String,
  })
  reason: string | null;

  @ApiProperty({
    description: 'Last valid event (null for an empty chain).',
    type: ChainHeadDto,
    nullable: true,
  })
  head: ChainHeadDto | null;
}
