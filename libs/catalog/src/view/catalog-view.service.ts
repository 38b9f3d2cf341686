import { Injectable } from '@nestjs/common';

import { type Principal } from '@toolgate/core';
import { PolicyService } from '@toolgate/policy';

import { ToolNotFoundException } from '../catalog.exception';
import { CatalogService } from '../catalog.service';
import { type CatalogManifest } from '../manifest.types';
import { resourceFromManifest } from '../manifest/manifest.util';

export const INVOKE_ACTION = 'tools.invoke';

export interface CatalogFilter {
  /** Exact provider id. */
  provider?: string;
  /** Exact safety tag. */
  tag?: string;
  /** Case-insensitive substring of the tool id, name or description. */
  q?: string;
}

/** A manifest as one caller sees it in the catalog: may they call it directly, or only after a gate. */
export interface CatalogEntry extends CatalogManifest {
  requires_confirmation: boolean;
  requires_approval: boolean;
}

function matches(manifest: CatalogManifest, filter: CatalogFilter): boolean {
  if (filter.provider && manifest.provider_id !== filter.provider) return false;
  if (filter.tag && !manifest.safety_tags.includes(filter.tag)) return false;
  if (!filter.q) return true;
  const needle = filter.q.toLowerCase();
  return [manifest.toolId, manifest.name, manifest.description].some((text) =>
    text.toLowerCase().includes(needle),
  );
}

/**
 * The per-caller catalog: only the tools `tools.invoke` allows for this principal (policy rules, required
 * scopes, tenant), each marked with the gate the policy puts in front of it.
 */
@Injectable()
export class CatalogViewService {
  constructor(
    private readonly catalog: CatalogService,
    private readonly policy: PolicyService,
  ) {}

  list(principal: Principal, filter: CatalogFilter = {}): CatalogEntry[] {
    return this.catalog
      .visibleTo(principal)
      .filter((manifest) => matches(manifest, filter))
      .map((manifest) => this.entry(principal, manifest))
      .filter((entry): entry is CatalogEntry => entry !== undefined);
  }

  /** One tool; unknown, disabled, another tenant's and not invocable all answer the same 404. */
  get(principal: Principal, toolId: string): CatalogEntry {
    const manifest = this.catalog.resolve(toolId, principal);
    const entry = manifest ? this.entry(principal, manifest) : undefined;
    if (!entry) throw new ToolNotFoundException(toolId);
    return entry;
  }

  private entry(principal: Principal, manifest: CatalogManifest): CatalogEntry | undefined {
    const decision = this.policy.decide(principal, INVOKE_ACTION, resourceFromManifest(manifest));
    if (!decision.allowed) return undefined;
    return {
      ...manifest,
      requires_confirmation: decision.require_confirmation,
      requires_approval: decision.require_approval !== null,
    };
  }
}
