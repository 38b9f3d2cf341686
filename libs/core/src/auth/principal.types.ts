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
  /** Seconds since epoch when the credential expires. */
  expiresAt?: number;
}

type RequestWithPrincipal = FastifyRequest & { principal?: Principal };

export function attachPrincipal(request: FastifyRequest, principal: Principal): void {
  (request as RequestWithPrincipal).principal = principal;
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return (request as RequestWithPrincipal).principal;
}
