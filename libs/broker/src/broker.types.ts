/** What a provider asks the broker for, on behalf of one caller and one purpose (the tool id). */
export interface ExchangeRequest {
  scopes: string[];
  subject: string;
  tenant: string;
  purpose: string;
}

/** A credential issued for a provider; `access_token` never leaves the gateway. */
export interface IssuedCredential {
  token_type: string;
  access_token: string;
  /** Seconds the credential stays valid from issue time. */
  expires_in: number;
  scopes: string[];
}

/** What callers may see about the credential: no secret material. */
export interface TokenMeta {
  token_type: string;
  expires_in: number;
  scopes: string[];
}

/**
 * Where a provider's credentials come from (a static secret, an OAuth token endpoint…). `cacheKey` says
 * which requests can share a credential (e.g. per tenant when the upstream is tenant-scoped).
 */
export interface CredentialSource {
  issue(request: ExchangeRequest): Promise<IssuedCredential>;
  cacheKey?(request: ExchangeRequest): string;
}
