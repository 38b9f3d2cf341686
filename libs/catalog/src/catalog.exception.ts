import { DomainException, type ProblemViolation } from '@toolgate/core';

import { PUBLIC_TENANT } from './manifest.types';

export { ToolNotFoundException } from '@toolgate/core';

/** No active manifest with this id in the caller's tenant (admin writes). */
export class ManifestNotFoundException extends DomainException {
  constructor(toolId: string, tenant: string) {
    super('CATALOG.MANIFEST_NOT_FOUND', 404, 'Not Found', {
      detail: `Tenant ${tenant} has no active manifest ${toolId}.`,
    });
  }
}

/**
 * The tool id is taken: active in the caller's tenant, or held by `public` (a tenant cannot shadow a shared
 * tool, even one the platform disabled).
 */
export class DuplicateManifestException extends DomainException {
  constructor(toolId: string, tenant: string, disabled = false) {
    super('CATALOG.DUPLICATE_TOOL', 409, 'Conflict', {
      detail: disabled
        ? `A manifest ${toolId} exists for tenant ${tenant} (disabled); its id cannot be registered in another tenant.`
        : `A manifest ${toolId} is already active for tenant ${tenant}.`,
      extensions: { toolId, tenant },
    });
  }
}

/**
 * The tool id is one a provider lists itself: it is the `public` manifest the boot sync writes, managed by
 * platform admins of `public` only, never registered or replaced in another tenant.
 */
export class ProviderToolManifestException extends DomainException {
  constructor(toolId: string, providerId: string) {
    super('CATALOG.PROVIDER_TOOL', 409, 'Conflict', {
      detail:
        `${toolId} is a tool of provider ${providerId}: its manifest belongs to tenant ${PUBLIC_TENANT} and ` +
        `only platform admins of ${PUBLIC_TENANT} may change it.`,
      extensions: { toolId, provider_id: providerId, tenant: PUBLIC_TENANT },
    });
  }
}

/** The tenant already holds as many enabled manifests as `CATALOG_MAX_TOOLS_PER_TENANT` allows. */
export class TooManyToolsException extends DomainException {
  constructor(tenant: string, limit: number, adding: number) {
    super('CATALOG.TOO_MANY_TOOLS', 409, 'Conflict', {
      detail:
        `Tenant ${tenant} may hold at most ${limit} enabled manifests (CATALOG_MAX_TOOLS_PER_TENANT); ` +
        `adding ${adding} would pass it. Disable tools it no longer needs first.`,
      extensions: { tenant, limit },
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
