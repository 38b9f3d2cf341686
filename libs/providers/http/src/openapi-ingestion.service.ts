import { Inject, Injectable } from '@nestjs/common';
import { type ConfigType } from '@nestjs/config';

import { readSecretFromEnv } from '@toolgate/broker';
import { CatalogService, ManifestAdminService, ManifestNotFoundException } from '@toolgate/catalog';
import { canonicalJson, type Principal, RequestValidationException, sha256Hex } from '@toolgate/core';

import { type IngestOpenApiDto, type IngestOpenApiResultDto } from './dto/ingest-openapi.dto';
import { HttpApiClient } from './http-api.client';
import { HttpApiRegistry } from './http-api-registry.service';
import { secretEnvViolation } from './http-api-secret.util';
import { type HttpApiAuth, HTTP_PROVIDER_KEY } from './http-api.types';
import { httpProviderConfig } from './http-provider.config';
import { planIngestion } from './openapi/openapi-ingest.util';

/**
 * `POST /manifests/openapi`: checks the secret's variable is in the tenant's `HTTP_API_` namespace and the
 * base URL (SSRF guard), turns the document into tools (all or nothing), writes the manifests in the admin's
 * tenant (`source: openapi`), then stores the API definition, and disables the tools of operations the
 * document no longer has.
 */
@Injectable()
export class OpenApiIngestionService {
  constructor(
    @Inject(httpProviderConfig.KEY) private readonly config: ConfigType<typeof httpProviderConfig>,
    private readonly client: HttpApiClient,
    private readonly registry: HttpApiRegistry,
    private readonly admin: ManifestAdminService,
    private readonly catalog: CatalogService,
  ) {}

  async ingest(principal: Principal, body: IngestOpenApiDto): Promise<IngestOpenApiResultDto> {
    const violation = body.auth && secretEnvViolation(principal.tenant, body.auth.secret_env);
    if (violation) throw new RequestValidationException([{ pointer: '/auth/secret_env', detail: violation }]);
    const baseUrl = await this.client.checkBaseUrl(body.base_url);
    const auth: HttpApiAuth | undefined = body.auth && {
      type: body.auth.type,
      secret_env: body.auth.secret_env,
      ...(body.auth.type !== 'bearer' && body.auth.name ? { name: body.auth.name } : {}),
    };
    const plan = planIngestion(body.spec, body.name, {
      maxSpecBytes: this.config.maxSpecBytes,
      maxOperations: this.config.maxOperations,
      extraReservedHeaders: auth?.type === 'header' && auth.name ? [auth.name] : [],
    });
    // The API row only once the catalog took the manifests: a refused ingestion (a shared tool's id: 409)
    // must not leave a definition behind.
    const records = await this.admin.upsertMany(principal, plan.manifests, 'openapi');
    const api = await this.registry.save({
      tenant: principal.tenant,
      name: body.name,
      baseUrl,
      auth,
      operations: plan.operations,
      specHash: sha256Hex(canonicalJson(body.spec)),
      actor: principal.subject,
    });
    const disabled = await this.disableRemoved(principal, body.name, new Set(records.map((r) => r.toolId)));
    return {
      name: api.name,
      tenant: api.tenant,
      base_url: api.baseUrl,
      version: api.version,
      ...(auth ? { auth: { ...auth, configured: readSecretFromEnv(auth.secret_env) !== undefined } } : {}),
      tools: records.map(({ toolId, version, safety_tags }) => ({ toolId, version, safety_tags })),
      disabled,
      skipped: plan.skipped,
    };
  }

  /** Disables this API's `openapi` tools in the caller's tenant that the new document no longer has. */
  private async disableRemoved(
    principal: Principal,
    api: string,
    keep: ReadonlySet<string>,
  ): Promise<string[]> {
    const prefix = `${HTTP_PROVIDER_KEY}.${api}:`;
    const stale = this.catalog
      .visibleTo(principal)
      .filter((m) => m.tenant === principal.tenant && m.source === 'openapi' && m.toolId.startsWith(prefix))
      .filter((m) => !keep.has(m.toolId));
    const disabled: string[] = [];
    for (const manifest of stale) {
      try {
        await this.admin.disable(principal, manifest.toolId);
        disabled.push(manifest.toolId);
      } catch (error) {
        if (!(error instanceof ManifestNotFoundException)) throw error; // disabled meanwhile
      }
    }
    return disabled;
  }
}
