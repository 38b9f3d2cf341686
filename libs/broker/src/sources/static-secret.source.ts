import { readSecretFromEnv } from '../broker.config';
import { CredentialUnavailableException } from '../broker.exception';
import { type CredentialSource, type ExchangeRequest, type IssuedCredential } from '../broker.types';

/**
 * A long-lived secret from an environment variable (API tokens such as Pipedrive's). Issued as a credential
 * that the broker re-reads every `ttlSeconds`, so a rotated variable is picked up without restart.
 */
export class StaticSecretSource implements CredentialSource {
  constructor(
    private readonly provider: string,
    private readonly secretEnv: string,
    private readonly tokenType = 'Bearer',
    private readonly ttlSeconds = 300,
  ) {}

  async issue(request: ExchangeRequest): Promise<IssuedCredential> {
    const secret = readSecretFromEnv(this.secretEnv);
    if (!secret) throw new CredentialUnavailableException(this.provider, `${this.secretEnv} is not set`);
    return {
      token_type: this.tokenType,
      access_token: secret,
      expires_in: this.ttlSeconds,
      scopes: request.scopes,
    };
  }
}
