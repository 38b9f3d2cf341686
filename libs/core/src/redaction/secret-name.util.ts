/**
 * Member names that always hide their value, decided on the normalised name (`normalisedName`).
 * Joined or not, a name ending in one of these words is a secret: `access_token`, `accesstoken`,
 * `client_secret`, `db_password`, `pass_word` (`PassWord`), `apikey`, `aws_credentials`. Plurals are not
 * (`max_tokens`).
 */
const SECRET_ENDING = /(?:token|secret|pass_?(?:word|wd|phrase)|api_?key|private_?key|credentials?)$/;

/** Words too common inside other words to match joined: `db_pass`, `x_signature`, not `bypass`. */
const SECRET_WORD = /(?:^|_)(?:pass|pwd|signature|authorization|cookie)$/;

/** `secret_id`, `secret_access_key`… */
const SECRET_PREFIX = 'secret_';

/** Decisions are remembered for names up to this length, at most `MEMO_SIZE` of them (then forgotten). */
const MEMO_NAME_LENGTH = 128;
const MEMO_SIZE = 4096;
const decisions = new Map<string, boolean>();

/**
 * `name` in snake_case: a `_` at each camelCase / PascalCase boundary and after an acronym, lowercased,
 * every run of other characters (`-`, `.`, spaces) one `_`. `AccessToken` → `access_token`, `DBPassword` →
 * `db_password`, `accessTOKEN` → `access_token`, `X-Api-Key` → `x_api_key`.
 */
export function normalisedName(name: string): string {
  return name
    .replace(/([a-z0-9])(?=[A-Z])/g, '$1_')
    .replace(/([A-Z])(?=[A-Z][a-z])/g, '$1_')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}

/** Only this many characters at each end of a name decide (the patterns read no further). */
const DECIDING_LENGTH = 64;

function decide(name: string): boolean {
  const long = name.length > 2 * DECIDING_LENGTH;
  const head = normalisedName(long ? name.slice(0, DECIDING_LENGTH) : name);
  const tail = long ? normalisedName(name.slice(-DECIDING_LENGTH)) : head;
  return SECRET_ENDING.test(tail) || SECRET_WORD.test(tail) || head.startsWith(SECRET_PREFIX);
}

/**
 * True for a member name that always hides its value, whatever a manifest says: `password`, `DBPassword`,
 * `github_token`, `AccessToken`, `accesstoken`, `X-Api-Key`, `secret_id`, `SecretAccessKey`, `set-cookie`…
 * but not `maxTokens`, `token_count`, `token_type`, `tokenizer`, `bypass`, `passage` or `keys`.
 */
export function isSecretName(name: string): boolean {
  if (name.length > MEMO_NAME_LENGTH) return decide(name);
  let secret = decisions.get(name);
  if (secret === undefined) {
    secret = decide(name);
    if (decisions.size >= MEMO_SIZE) decisions.clear();
    decisions.set(name, secret);
  }
  return secret;
}
