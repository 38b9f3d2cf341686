import { DomainException } from '@toolgate/core';

/** 403: a key minted with an API key asked for roles or scopes the minting key does not hold. */
export class ApiKeyGrantExceedsCreatorException extends DomainException {
  constructor(roles: readonly string[], scopes: readonly string[]) {
    const named = [
      ...(roles.length > 0 ? [`roles ${roles.join(', ')}`] : []),
      ...(scopes.length > 0 ? [`scopes ${scopes.join(', ')}`] : []),
    ].join(' and ');
    super('API_KEYS.GRANT_EXCEEDS_CREATOR', 403, 'Forbidden', {
      detail: `A key minted with an API key can only hold what that key holds; it does not hold ${named}.`,
      errors: [
        ...roles.map((role) => ({ pointer: '/roles', detail: `${role} is not a role of the minting key` })),
        ...scopes.map((scope) => ({ pointer: '/scopes', detail: `${scope} is not held by the minting key` })),
      ],
      extensions: { excess_roles: [...roles], excess_scopes: [...scopes] },
    });
  }
}

/** 422: `cursor` of `GET /api-keys` is not the id of a key of the caller's tenant. */
export class ApiKeyCursorInvalidException extends DomainException {
  constructor() {
    super('API_KEYS.CURSOR_INVALID', 422, 'Unprocessable Entity', {
      detail: 'The cursor is not valid; use the next_cursor of a previous page.',
      errors: [{ pointer: '/cursor', detail: 'is not a next_cursor of this list' }],
    });
  }
}
