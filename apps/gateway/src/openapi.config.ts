import { DocumentBuilder, type OpenAPIObject } from '@nestjs/swagger';

export function buildOpenApiConfig(): Omit<OpenAPIObject, 'paths'> {
  return new DocumentBuilder()
    .setTitle('Toolgate')
    .setDescription(
      'Governance gateway between AI agents and the tools they call: a per-caller tool catalog, RS256 JWT ' +
        'authentication, policy-based authorization, confirmation gates, token brokering, rate limits, ' +
        'idempotency and a hash-chained audit trail. Every error is RFC 9457 problem+json with a request id.',
    )
    .setVersion('0.1.0')
    .setLicense('Proprietary', 'https://toolgate.invalid/license')
    .addServer('/', 'This gateway')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'RS256/ES256 JWT or a tg_ API key',
    })
    .build();
}
