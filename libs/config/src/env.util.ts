import { type ClassConstructor, plainToInstance, Transform } from 'class-transformer';
import { validateSync, ValidateBy, type ValidationError, type ValidationOptions } from 'class-validator';

/** Raised when an environment variable is missing or malformed; its message is one line naming it. */
export class ConfigValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigValidationError';
  }
}

const SECRET_NAME = /SECRET|TOKEN|PASSWORD|KEY|URL/i;

function describe(error: ValidationError, raw: NodeJS.ProcessEnv): string {
  const variable = error.property;
  const messages = Object.values(error.constraints ?? {});
  // A value that did not parse only needs the type message, not the range checks that follow from it.
  const typeMessages = messages.filter((message) => /must be an? (integer|number|boolean)/.test(message));
  const problem = (Number.isNaN(error.value) && typeMessages.length ? typeMessages : messages).join('; ');
  const shown = SECRET_NAME.test(variable) ? '' : ` (got ${JSON.stringify(String(raw[variable]))})`;
  return `Invalid configuration: ${problem}${shown}`;
}

/**
 * Validates the environment against a class whose properties are the variable names (class-validator
 * decorators, defaults as initialisers). Empty strings count as unset. Throws one line naming the variable.
 */
export function validateEnv<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv): T {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const instance = plainToInstance(schema, present, { exposeDefaultValues: true });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors[0], env));
  return instance;
}

/** `"true"`/`"false"`/`"1"`/`"0"` to boolean; anything else stays as given so validation names it. */
export const EnvBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    if (['true', '1', 'yes'].includes(value.toLowerCase())) return true;
    if (['false', '0', 'no'].includes(value.toLowerCase())) return false;
    return value;
  });

/** Decimal integer strings to numbers; anything else becomes NaN so `@IsInt` names it. */
export const EnvInt = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? (/^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN) : value,
  );

/** Comma-separated list to a trimmed array without empty items. */
export const EnvList = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) =>
    typeof value === 'string'
      ? value
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean)
      : value,
  );

function parsedUrl(value: unknown): URL | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * A URL that parses (`new URL`: a port in range, no spaces) with one of `protocols` (`'postgres:'`), so a bad
 * one stops the boot naming its variable instead of failing later with a bare "Invalid URL".
 */
export const IsParsableUrl = (protocols: readonly string[], options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isParsableUrl',
      validator: {
        validate: (value: unknown) => protocols.includes(parsedUrl(value)?.protocol ?? ''),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must be a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`,
      },
    },
    options,
  );

/**
 * An http(s) origin exactly as a browser sends it in `Origin` (scheme, host, optional port; no path, no
 * trailing slash): anything else would never match one.
 */
export const IsOrigin = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isOrigin',
      validator: {
        validate: (value: unknown) => {
          const url = parsedUrl(value);
          return !!url && ['http:', 'https:'].includes(url.protocol) && url.origin === value;
        },
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must list origins such as https://app.example.com (scheme, host and optional port; ` +
          'no path, no trailing slash, lower case)',
      },
    },
    options,
  );
