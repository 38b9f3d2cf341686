import { type FastifyRequest } from 'fastify';

/** Who is calling, as authentication established it (JWT or API key). */
export interface Principal {
  subject: string;
  tenant: string;
  roles: string[];
  /** Scopes carried by the credential itself (role scopes are added by the policy engine). */
  scopes: string[];
  kind: 'jwt' | 'api_key';
  /** Key id or token id, for audit. Never the credential itself. */
  credentialId?: string;
  /**
   * An API key's creator: the person accountable for it, in the same tenant. The subject of the principal
   * that minted it; for a key minted by another key, that key's own creator (the person at the start of the
   * chain; keys minted by a key before this rule record that key's subject). Unset for a JWT.
   */
  createdBy?: string;
  /** Seconds since epoch when the credential expires. */
  expiresAt?: number;
}

/**
 * How a principal authenticated, for audit details: `{ credential_kind, credential_id? }` (an API key's id,
 * or a JWT's `jti`). An API key's id leads to its `api_keys.create` event, and so to the admin who minted
 * it, whatever subject the key carries.
 */
export function credentialOf(principal: Principal): { credential_kind: string; credential_id?: string } {
  return principal.credentialId
    ? { credential_kind: principal.kind, credential_id: principal.credentialId }
    : { credential_kind: principal.kind };
}

type RequestWithPrincipal = FastifyRequest & { principal?: Principal };

export function attachPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as RequestWithPrincipal).principal = principal;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as RequestWithPrincipal).principal;
}
