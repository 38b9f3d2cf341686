import { registerAs } from '@nestjs/config';
import { IsInt, Max, Min } from 'class-validator';

import { EnvInt, validateEnv } from '@toolgate/config';

export class CatalogEnv {
  /**
   * Enabled manifests one tenant may hold (`public`, written by platform admins, provider sync and MCP
   * discovery, has no cap); a write that would pass it answers 409 `CATALOG.TOO_MANY_TOOLS`.
   */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  CATALOG_MAX_TOOLS_PER_TENANT = 2_000;
}

export interface CatalogConfig {
  maxToolsPerTenant: number;
}

export function loadCatalogConfig(env: NodeJS.ProcessEnv = process.env): CatalogConfig {
  const e = validateEnv(CatalogEnv, env);
  return { maxToolsPerTenant: e.CATALOG_MAX_TOOLS_PER_TENANT };
}

export const catalogConfig = registerAs('catalog', () => loadCatalogConfig());
