import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';

import { ApiKeyEntity } from './api-keys/api-key.entity';
import { ApiKeyRevocationListener } from './api-keys/api-key-listener.service';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { ApiKeysService } from './api-keys/api-keys.service';
import { authConfig } from './auth.config';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { AuthFailureAuditService } from './failures/auth-failure-audit.service';
import { JwksController } from './jwks/jwks.controller';
import { KeyStoreService } from './jwks/key-store.service';
import { JwtVerifierService } from './jwt/jwt-verifier.service';

/**
 * Authentication: the global guard (JWT or API key → Principal), the key store (dev keys or the IdP's
 * JWKS), API key management routes and the dev JWKS route. Import it before the policy module so its
 * guard runs first.
 */
@Module({
  imports: [ConfigModule.forFeature(authConfig), TypeOrmModule.forFeature([ApiKeyEntity])],
  controllers: [ApiKeysController, JwksController],
  providers: [
    KeyStoreService,
    JwtVerifierService,
    ApiKeysService,
    ApiKeyRevocationListener,
    AuthService,
    AuthFailureAuditService,
    AuthGuard,
    { provide: APP_GUARD, useExisting: AuthGuard },
  ],
  exports: [AuthService, AuthFailureAuditService, ApiKeysService, JwtVerifierService, KeyStoreService],
})
export class AuthModule {}
