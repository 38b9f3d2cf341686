import { type Dispatcher } from 'undici';

import { readSecretFromEnv } from '../broker.config';
import { CredentialUnavailableException } from '../broker.exception';
import { type CredentialSource, type ExchangeRequest, type IssuedCredential } from '../broker.types';
import { requestOAuthToken } from './oauth-token.client';

export interface ClientCredentialsOptions {
  provider: string;
  tokenUrl: string;
  clientId: string;
  /** Variable holding the client secret. */
  secretEnv: string;
  scopes?: string[];
  /** Connection policy for the token endpoint (the SSRF guard when an admin registered it). */
  dispatcher?: Dispatcher;
}

export interface RefreshTokenOptions {
  provider: string;
  tokenUrl: string;
  clientIdEnv: string;
  clientSecretEnv: string;
  refreshTokenEnv: string;
}

function requireSecret(provider: string, name: string): string {
  const value = readSecretFromEnv(name);
  if (!value) throw new CredentialUnavailableException(provider, `${name} is not set`);
  return value;
}

/** OAuth 2.0 client credentials grant (machine-to-machine upstreams such as MCP servers). */
export class ClientCredentialsSource implements CredentialSource {
  constructor(private readonly options: ClientCredentialsOptions) {}

  async issue(request: ExchangeRequest): Promise<IssuedCredential> {
    const { provider, tokenUrl, clientId, secretEnv, scopes, dispatcher } = this.options;
    const granted = await requestOAuthToken(
      provider,
      tokenUrl,
      {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: requireSecret(provider, secretEnv),
        ...(scopes?.length ? { scope: scopes.join(' ') } : {}),
      },
      dispatcher,
    );
    return {
      token_type: granted.token_type,
      access_token: granted.access_token,
      expires_in: granted.expires_in,
      scopes: granted.scope ? granted.scope.split(' ') : (scopes ?? request.scopes),
    };
  }
}

/** OAuth 2.0 refresh-token grant (Google Ads: a stored refresh token exchanged for access tokens). */
export class RefreshTokenSource implements CredentialSource {
  constructor(private readonly options: RefreshTokenOptions) {}

  async issue(request: ExchangeRequest): Promise<IssuedCredential> {
    const { provider, tokenUrl, clientIdEnv, clientSecretEnv, refreshTokenEnv } = this.options;
    const granted = await requestOAuthToken(provider, tokenUrl, {
      grant_type: 'refresh_token',
      client_id: requireSecret(provider, clientIdEnv),
      client_secret: requireSecret(provider, clientSecretEnv),
      refresh_token: requireSecret(provider, refreshTokenEnv),
    });
    return {
      token_type: granted.token_type,
      access_token: granted.access_token,
      expires_in: granted.expires_in,
      scopes: granted.scope ? granted.scope.split(' ') : request.scopes,
    };
  }
}
