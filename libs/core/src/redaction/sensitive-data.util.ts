import { isSecretName } from './secret-name.util';

export { isSecretName } from './secret-name.util';
export { isSecretValue, REDACTED, redactSecretText } from './secret-value.util';

/** How the audit trail once read dotted paths: from the top of an event's `details`. */
const LEGACY_PREFIX = 'arguments.';

/**
 * A manifest's `sensitive_fields`, compared case-insensitively. A name without a dot (`email`) hides a
 * member of that name at any depth; a dotted path (`card.number`) hides the member at that path from the
 * top of the tool arguments, arrays being transparent (`items.number` is `number` in every item). A path
 * written the old audit way (`arguments.card.number`) also hides `card.number`.
 */
export class SensitiveFields {
  private readonly names = new Set<string>();
  private readonly paths = new Set<string>();

  constructor(fields: readonly string[] = []) {
    for (const field of fields.map((name) => name.toLowerCase())) {
      if (!field.includes('.')) this.names.add(field);
      else {
        this.paths.add(field);
        if (field.startsWith(LEGACY_PREFIX)) this.paths.add(field.slice(LEGACY_PREFIX.length));
      }
    }
  }

  /**
   * Whether the member `key` is hidden. `path` is its lowercased dotted path from the top of the tool
   * arguments, or null outside them.
   */
  hides(key: string, path: string | null): boolean {
    return isSecretName(key) || this.names.has(key.toLowerCase()) || (path !== null && this.paths.has(path));
  }
}
