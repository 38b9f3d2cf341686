import { Injectable, Logger } from '@nestjs/common';
import { type ValidateFunction } from 'ajv';

import {
  argumentsViolation,
  createJsonSchemaAjv,
  declaresSchemaId,
  MAX_ARGUMENT_DEPTH,
  PatternTextTooLongError,
  PatternTimeBudgetError,
  type ProblemViolation,
  RequestValidationException,
  toViolations,
  withMatchBudget,
} from '@toolgate/core';

import { ToolSchemaUnusableException } from '../catalog.exception';
import { CatalogService } from '../catalog.service';
import { type CatalogManifest } from '../manifest.types';
import { manifestVersionKey } from '../manifest/manifest.util';

/** A compiled schema, or why it cannot validate (remembered: it is not compiled again). */
type Compiled = { validate: ValidateFunction; shared: boolean } | { failure: string };

/**
 * Validates tool arguments against a manifest's `inputs` schema. Arguments nested deeper than
 * `MAX_ARGUMENT_DEPTH`, or holding a number out of JSON's range, are refused before anything else walks them. Each (tenant, toolId, version) is compiled
 * once (ajv, strict, allErrors, linear-time patterns) and reused; versions that left the catalog are dropped
 * after each reload. A string too long to match against a `pattern` within the match budget is a violation
 * like any other (422). A schema declaring a `$id` (stored before registration refused ids) is compiled in
 * an ajv of its own, so it cannot clash with or redirect any other schema. A schema that does not compile,
 * or recurses without end, answers 503 `CATALOG.SCHEMA_UNUSABLE` on every call.
 */
@Injectable()
export class SchemaValidatorService {
  private readonly logger = new Logger('SchemaValidator');
  private readonly ajv = createJsonSchemaAjv();
  private readonly compiled = new Map<string, Compiled>();

  constructor(catalog: CatalogService) {
    catalog.onReload((manifests) => this.prune(manifests));
  }

  /** Every violation of `input`, each with the JSON pointer of the offending value; empty when valid. */
  validate(manifest: CatalogManifest, input: unknown): ProblemViolation[] {
    const refused = argumentsViolation(input, MAX_ARGUMENT_DEPTH);
    if (refused) return [refused];
    const key = manifestVersionKey(manifest);
    const validateFn = this.validatorFor(key, manifest);
    try {
      return withMatchBudget(() => validateFn(input)) ? [] : toViolations(validateFn.errors);
    } catch (error) {
      if (error instanceof PatternTextTooLongError) return [error.violationIn(input)];
      if (error instanceof PatternTimeBudgetError) return [{ pointer: '', detail: error.message }];
      // Input depth is bounded: a stack overflow here is a schema that recurses without descending.
      if (error instanceof RangeError) this.fail(key, manifest, error);
      throw new ToolSchemaUnusableException(manifest.toolId);
    }
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

  private validatorFor(key: string, manifest: CatalogManifest): ValidateFunction {
    let entry = this.compiled.get(key);
    if (!entry) {
      entry = this.compile(key, manifest);
      this.compiled.set(key, entry);
    }
    if ('failure' in entry) throw new ToolSchemaUnusableException(manifest.toolId);
    return entry.validate;
  }

  private compile(key: string, manifest: CatalogManifest): Compiled {
    const shared = !declaresSchemaId(manifest.inputs);
    const ajv = shared ? this.ajv : createJsonSchemaAjv();
    try {
      return { validate: ajv.compile(manifest.inputs), shared };
    } catch (error) {
      if (shared) ajv.removeSchema(manifest.inputs);
      return this.fail(key, manifest, error);
    }
  }

  private fail(key: string, manifest: CatalogManifest, error: unknown): Compiled {
    const failure = error instanceof Error ? error.message : String(error);
    this.logger.warn({
      msg: 'input schema cannot validate arguments',
      tenant: manifest.tenant,
      tool_id: manifest.toolId,
      version: manifest.version,
      reason: failure,
    });
    const entry = { failure };
    this.compiled.set(key, entry);
    return entry;
  }

  private prune(current: readonly CatalogManifest[]): void {
    const live = new Set(current.map(manifestVersionKey));
    for (const [key, entry] of this.compiled) {
      if (live.has(key)) continue;
      this.compiled.delete(key);
      if ('validate' in entry && entry.shared) this.ajv.removeSchema(entry.validate.schema as object);
    }
  }
}
