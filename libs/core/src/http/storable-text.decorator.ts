import { ValidateBy, type ValidationOptions } from 'class-validator';

import { hasUnstorableText } from '../json/storable-json.util';

/**
 * A string Postgres can store and compare: no NUL, no lone surrogate (otherwise a 422 naming the
 * property, rather than a database error). Each item when `each` is set; non-strings are left to
 * `@IsString()`.
 */
export function IsStorableText(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isStorableText',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || !hasUnstorableText(value),
        defaultMessage: (args) =>
          `${args?.property ?? 'value'} must not contain a NUL character or an unpaired UTF-16 surrogate`,
      },
    },
    options,
  );
}
