export { AuthModule } from './auth.module';
export { AuthGuard } from './auth.guard';
export { AuthService } from './auth.service';
export { AUTH_FAILURE_TENANT, AuthFailureAuditService } from './failures/auth-failure-audit.service';
export { authConfig, type AuthConfig, AuthEnv, type ClaimNames, loadAuthConfig } from './auth.config';
export {
  AUTH_REALM,
  AuthUnavailableException,
  InvalidTokenException,
  MissingTokenException,
} from './auth.exception';
export { extractBearerToken, MAX_TOKEN_LENGTH } from './bearer-token.util';
export { ApiKeysService } from './api-keys/api-keys.service';
export { ApiKeyEntity } from './api-keys/api-key.entity';
export { API_KEY_TOKEN_PREFIX } from './api-keys/api-key-token.util';
export { type ApiKeyDto, type CreatedApiKeyDto } from './api-keys/dto/api-key.dto';
export { type CreateApiKeyDto } from './api-keys/dto/create-api-key.dto';
export { JwtVerifierService } from './jwt/jwt-verifier.service';
export { type DevTokenOptions, signDevToken } from './jwt/dev-token.util';
export { KeyStoreService } from './jwks/key-store.service';
export { DEV_JWKS_FILE, DEV_PRIVATE_KEY_FILE, loadOrCreateDevKeys } from './jwks/dev-keys.util';
export {
  JWT_ALGORITHMS,
  type JwtAlgorithm,
  type PublicJwk,
  type PublicJwks,
  type VerificationKey,
} from './jwks/key-set.util';
export {
  buildTestJwks,
  createTestSigningKey,
  signWithTestKey,
  type TestSigningKey,
  type TestTokenOptions,
} from './testing/test-keys.util';
