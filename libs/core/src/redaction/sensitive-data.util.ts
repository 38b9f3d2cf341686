/** What replaces a hidden value. */
export const REDACTED = '[REDACTED]';

const SECRET_WORD =
  '(pass(word|wd|phrase)?|pwd|secret|token|api[-_]?key|private[-_]?key|credentials?|signature|authorization|cookie)';

/** `password`, `github_token`, `X-Api-Key`, `secret_id`… (case-insensitive). */
const SECRET_NAME = new RegExp(`^((.*[-_])?${SECRET_WORD}|secret[-_].*|set-cookie|x-api-key)$`, 'i');

/** camelCase: `dbPassword`, `accessToken`, `clientSecret`, `apiKey`… */
const SECRET_CAMEL_NAME =
  /^[a-z][A-Za-z0-9]*(Pass(word|wd|phrase)?|Secret|Token|ApiKey|PrivateKey|Credentials?)$/;

/** Values that are credentials whatever they are called: JWTs, `tg_` API keys, bearer headers. */
const SECRET_VALUE = /^(eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*|tg_[\w-]{16,}|bearer\s+\S{8,})$/i;

/** True for a member name that always hides its value, whatever a manifest says. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) || SECRET_CAMEL_NAME.test(name);
}

/** True for a string that is a credential whatever it is called. */
export function isSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

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
