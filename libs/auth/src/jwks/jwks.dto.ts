import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class JwkDto {
  @ApiProperty({ enum: ['RSA', 'EC'], example: 'RSA' })
  kty: string;

  @ApiProperty({ description: 'Key id (RFC 7638 thumbprint).', example: 'Yb3w…', maxLength: 256 })
  kid: string;

  @ApiProperty({ enum: ['RS256', 'ES256'], example: 'RS256' })
  alg: string;

  @ApiProperty({ enum: ['sig'], example: 'sig' })
  use: string;

  @ApiPropertyOptional({ description: 'RSA modulus (base64url).', example: 'sXch…', maxLength: 2048 })
  n?: string;

  @ApiPropertyOptional({ description: 'RSA exponent (base64url).', example: 'AQAB', maxLength: 16 })
  e?: string;

  @ApiPropertyOptional({ enum: ['P-256'], example: 'P-256' })
  crv?: string;

  @ApiPropertyOptional({ example: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', maxLength: 64 })
  x?: string;

  @ApiPropertyOptional({ example: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0', maxLength: 64 })
  y?: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto], maxItems: 100 })
  keys: JwkDto[];
}
