export { BrokerModule } from './broker.module';
export { CredentialTimeoutException, CredentialUnavailableException } from './broker.exception';
export { readSecretFromEnv } from './broker.config';
export {
  type CredentialSource,
  type ExchangeRequest,
  type IssuedCredential,
  type TokenMeta,
} from './broker.types';
export { StaticSecretSource } from './sources/static-secret.source';
export {
  ClientCredentialsSource,
  type ClientCredentialsOptions,
  RefreshTokenSource,
  type RefreshTokenOptions,
} from './sources/oauth.source';
export { TokenBroker, tokenMetaOf } from './token-broker.service';
