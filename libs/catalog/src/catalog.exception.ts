import { DomainException, type ProblemViolation } from '@toolgate/core';

export { ToolNotFoundException } from '@toolgate/core';

/** No active manifest with this id in the caller's tenant (admin writes). */
export class ManifestNotFoundException extends DomainException {
  constructor(toolId: string, tenant: string) {
    super('CATALOG.MANIFEST_NOT_FOUND', 404, 'Not Found', {
      detail: `Tenant ${tenant} has no active manifest ${toolId}.`,
    });
  }
}

export class DuplicateManifestException extends DomainException {
  constructor(toolId: string, tenant: string) {
    super('CATALOG.DUPLICATE_TOOL', 409, 'Conflict', {
      detail: `A manifest ${toolId} is already active for tenant ${tenant}.`,
      extensions: { toolId, tenant },
    });
  }
}

export class InvalidManifestException extends DomainException {
  constructor(errors: ProblemViolation[]) {
    super('CATALOG.INVALID_MANIFEST', 422, 'Unprocessable Content', {
      detail: 'The manifest is not valid.',
      errors,
    });
  }
}

export class UnknownProviderException extends DomainException {
  constructor(providerId: string, known: string[]) {
    super('CATALOG.UNKNOWN_PROVIDER', 422, 'Unprocessable Content', {
      detail: `No tool provider is registered under "${providerId}".`,
      errors: [{ pointer: '/provider_id', detail: `must be one of: ${known.join(', ') || '(none)'}` }],
    });
  }
}

/** Admins write manifests of their own tenant only. */
export class ManifestTenantForbiddenException extends DomainException {
  constructor(tenant: string) {
    super('CATALOG.TENANT_FORBIDDEN', 403, 'Forbidden', {
      detail: `You may only write manifests of your own tenant (${tenant}).`,
    });
  }
}

/**
 * A manifest's input schema cannot validate arguments (it does not compile, or recurses without end): the
 * call is refused before anything runs. Only manifests stored before the current registration checks can
 * get here; an admin must correct the manifest.
 */
export class ToolSchemaUnusableException extends DomainException {
  constructor(toolId: string) {
    super('CATALOG.SCHEMA_UNUSABLE', 503, 'Service Unavailable', {
      detail: `The input schema of ${toolId} cannot be used to check arguments; an admin must correct the manifest.`,
    });
  }
}
