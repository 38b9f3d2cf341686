import { Injectable } from '@nestjs/common';
import { type ValidateFunction } from 'ajv';

import {
  createJsonSchemaAjv,
  type ProblemViolation,
  RequestValidationException,
  toViolations,
} from '@toolgate/core';

import { CatalogService } from './catalog.service';
import { manifestVersionKey } from './manifest.util';
import { type CatalogManifest } from './manifest.types';

/**
 * Validates tool arguments against a manifest's `inputs` schema. Each (tenant, toolId, version) is compiled
 * once (ajv, strict, allErrors) and reused; versions that left the catalog are dropped after each reload.
 */
@Injectable()
export class SchemaValidatorService {
  private readonly ajv = createJsonSchemaAjv();
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(catalog: CatalogService) {
    catalog.onReload((manifests) => this.prune(manifests));
  }

  /** Every violation of `input`, each with the JSON pointer of the offending value; empty when valid. */
  validate(manifest: CatalogManifest, input: unknown): ProblemViolation[] {
    const validateFn = this.validatorFor(manifest);
    return validateFn(input) ? [] : toViolations(validateFn.errors);
  }

  /** Throws the 422 problem listing every violation. */
  assertValid(manifest: CatalogManifest, input: unknown): void {
    const violations = this.validate(manifest, input);
    if (violations.length > 0) {
      throw new RequestValidationException(
        violations,
        `The arguments do not match ${manifest.toolId}'s input schema.`,
      );
    }
  }

  /** How many compiled validators are cached (tests). */
  get size(): number {
    return this.compiled.size;
  }

  private validatorFor(manifest: CatalogManifest): ValidateFunction {
    const key = manifestVersionKey(manifest);
    let validateFn = this.compiled.get(key);
    if (!validateFn) {
      validateFn = this.compile(manifest.inputs);
      this.compiled.set(key, validateFn);
    }
    return validateFn;
  }

  private compile(schema: Record<string, unknown>): ValidateFunction {
    // A schema `$id` is registered globally in ajv: drop an older version's registration first.
    if (typeof schema.$id === 'string') this.ajv.removeSchema(schema.$id);
    return this.ajv.compile(schema);
  }

  private prune(current: readonly CatalogManifest[]): void {
    const live = new Set(current.map(manifestVersionKey));
    for (const [key, validateFn] of this.compiled) {
      if (live.has(key)) continue;
      this.compiled.delete(key);
      this.ajv.removeSchema(validateFn.schema as object);
    }
  }
}
