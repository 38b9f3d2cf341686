/** What replaces every form of the API's secret in an upstream answer. */
export const REDACTED = '[redacted]';

/**
 * Secrets shorter than this are not searched for. _Decision:_ one to three characters are guessed in at
 * most a few hundred thousand tries, so blanking them protects nothing, while it would blank every such
 * run of ordinary text or digits in the answer (and break the JSON it sits in). Four and more are blanked.
 */
export const MIN_REDACTED_SECRET_CHARS = 4;

// The forms of the last secret asked for: an API's calls ask for the same one again and again.
let lastSecret: string | undefined;
let lastForms: string[] = [];

/**
 * The ways an upstream may echo the secret the gateway sent it, longest first: as sent in a header or JSON
 * (raw), in a URL (`encodeURIComponent`, or form-encoded as `URLSearchParams` writes the `query` auth
 * parameter: space as `+`, `!'()~` encoded; each also with lower-case hex digits), and inside a JSON string (escaped; with `\/` as PHP and others
 * write slashes). The URL forms hold nothing JSON escapes, so they are also their own JSON forms.
 */
export function secretForms(secret: string): string[] {
  if (secret === lastSecret) return lastForms;
  const json = JSON.stringify(secret).slice(1, -1);
  const encoded = [encodeURIComponent(secret), new URLSearchParams([['', secret]]).toString().slice(1)];
  // Percent-encoding is case-insensitive: some servers re-encode with lower-case hex digits.
  const lower = encoded.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase()));
  const forms = new Set([secret, ...encoded, ...lower, json, json.replaceAll('/', '\\/')]);
  lastForms = [...forms].sort((a, b) => b.length - a.length);
  lastSecret = secret;
  return lastForms;
}

/**
 * `body` with every form of `secret` (see `secretForms`) replaced by `[redacted]`, byte for byte, so it
 * works whatever the body is decoded as afterwards. Without a secret the body is returned as is; otherwise
 * each form costs one search of the bytes, and the body is copied only when one occurs.
 */
export function redactSecret(body: Buffer, secret?: string): Buffer {
  if (!secret || secret.length < MIN_REDACTED_SECRET_CHARS || body.length < secret.length) return body;
  let view: string | undefined;
  for (const form of secretForms(secret)) {
    if (!body.includes(form)) continue;
    // latin1 maps each byte to one character and back: the replacement leaves every other byte untouched.
    view = (view ?? body.toString('latin1')).replaceAll(Buffer.from(form).toString('latin1'), REDACTED);
  }
  return view === undefined ? body : Buffer.from(view, 'latin1');
}
