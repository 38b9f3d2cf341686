import { type Options } from 'ajv';
import { RE2JS } from 're2js';

type RegExpEngine = NonNullable<NonNullable<Options['code']>['regExp']>;

/** Compiles a JSON Schema `pattern` (ECMAScript syntax) to RE2: matching time is linear in the input. */
function compileLinear(pattern: string): RE2JS {
  try {
    return RE2JS.compile(RE2JS.translateRegExp(pattern));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `pattern ${JSON.stringify(pattern)} is not supported (RE2 syntax, linear time): ${reason}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * The regular-expression engine of the catalog's ajv (`code.regExp`): `pattern` and `patternProperties`
 * match in linear time whatever the pattern, so no schema can stall the event loop (ReDoS). RE2 has no
 * lookaround and no backreferences and caps repeat counts at 1000; such patterns fail to compile. The
 * `u` flag ajv passes is implied (RE2 matches code points).
 */
export const linearRegExp: RegExpEngine = Object.assign((pattern: string) => compileLinear(pattern), {
  // Only read when ajv generates standalone code, which the gateway never does.
  code: 'linearRegExp',
});

/** Why `pattern` cannot be used by the catalog's engine, or undefined when it can. */
export function unsupportedPatternReason(pattern: string): string | undefined {
  try {
    compileLinear(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
