import { isSecretName } from './secret-name.util';

/** What replaces a hidden value, or a credential inside a longer string. */
export const REDACTED = '[REDACTED]';

/** A whole value that is a credential: a JWT, a `tg_` API key, a bearer header. It becomes `REDACTED`. */
const WHOLE = /^(?:eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*|tg_[\w-]{16,}|bearer\s+\S{8,})$/i;

/**
 * What every match of `SCAN` holds: a string without any (most strings: prose, identifiers, SQL, URLs
 * without userinfo or query) costs this one test. Linear: the runs after `://` end at the next `/`.
 */
const HINT = /eyJ|tg_|bearer|basic|:\/\/[^\s/?#]*@|[?&;][A-Za-z]|^[A-Za-z][\w.~-]{0,63}=/i;

function anyCase(word: string): string {
  return [...word].map((c) => `[${c.toUpperCase()}${c}]`).join('');
}

/** HTTP authentication schemes, in any case. */
const AUTH_SCHEMES = `${anyCase('bearer')}|${anyCase('basic')}`;

/**
 * Credentials inside a string. Linear on any input: a branch starts only at the beginning of a word (the
 * lookbehinds), after `://` or after a parameter separator, never once per character of a long run; and no
 * two quantifiers of a branch can take the same characters, so a failed attempt backtracks at most over the
 * runs it read.
 */
const SCAN = new RegExp(
  [
    // A JWS (three parts) or JWE (five parts) in compact form.
    String.raw`(?<![\w-])eyJ[\w-]{4,}\.[\w-]*\.[\w-]*(?:\.[\w-]+\.[\w-]+)?`,
    String.raw`(?<![\w-])tg_[\w-]{16,}`,
    String.raw`(?<![\w-])(?<scheme>${AUTH_SCHEMES})\s+(?<credential>[\w~+/.-]{4,}=*)`,
    // URL userinfo: `scheme://user:password@` (the runs after `://` end at the next `/`).
    String.raw`:\/\/[^\s/?#@:]*:(?<password>[^\s/?#]+)@`,
    // A query or form parameter `name=`; its value is hidden when the name is a secret's.
    String.raw`(?:^|[?&;])(?<parameter>[A-Za-z][\w.~-]{0,63})=`,
  ].join('|'),
  'g',
);

const PARAMETER_VALUE = /[^&;#\s"'<>]*/y;
const BASE64 = /^[A-Za-z0-9+/]+=*$/;
const AUTHORIZATION_BEFORE = /authorization["']?\s*[:=]\s*["']?$/i;

/** A part of a string to hide: `[start, end)`. */
type Cut = readonly [start: number, end: number];

/** `Basic` credentials: base64 of `user-id:password`, the user-id printable ASCII. */
function isBasicCredential(credential: string): boolean {
  if (!BASE64.test(credential)) return false;
  const decoded = Buffer.from(credential, 'base64');
  const colon = decoded.indexOf(0x3a);
  return colon >= 0 && decoded.subarray(0, colon).every((byte) => byte > 0x20 && byte < 0x7f);
}

/**
 * Whether `Bearer <credential>` at `start` is one. A word of letters only is taken for one only as a header
 * value (at the start of the string or after `Authorization:`): "the bearer presented…" stays readable.
 */
function isBearerCredential(credential: string, text: string, start: number): boolean {
  if (credential.length < 8) return false;
  if (/[^A-Za-z]/.test(credential)) return true;
  const from = Math.max(0, start - 32);
  const before = text.slice(from, start);
  return (from === 0 && before.trim() === '') || AUTHORIZATION_BEFORE.test(before);
}

function parameterValueCut(text: string, from: number): Cut | undefined {
  PARAMETER_VALUE.lastIndex = from;
  PARAMETER_VALUE.exec(text);
  return PARAMETER_VALUE.lastIndex > from ? [from, PARAMETER_VALUE.lastIndex] : undefined;
}

/** The part of `text` that `match` shows to be a credential, or undefined when it is not one. */
function cutOf(match: RegExpExecArray, text: string): Cut | undefined {
  const { scheme, credential, password, parameter } = match.groups ?? {};
  const start = match.index;
  const end = start + match[0].length;
  if (parameter !== undefined) return isSecretName(parameter) ? parameterValueCut(text, end) : undefined;
  if (password !== undefined) return [end - 1 - password.length, end - 1];
  if (scheme === undefined) return [start, end];
  const basic = scheme.toLowerCase() === 'basic';
  const secret = basic ? isBasicCredential(credential) : isBearerCredential(credential, text, start);
  if (!secret) SCAN.lastIndex = end - credential.length; // read what followed the scheme again
  return secret ? [start, end] : undefined;
}

/**
 * `text` with every credential in it replaced by `REDACTED`, the rest kept for the reader: a JWT, a `tg_`
 * API key, `Bearer <token>` and `Basic <base64 user:password>` (scheme included), the password of URL
 * userinfo (`postgres://admin:[REDACTED]@db/app`), and the value of a query or form parameter named like a
 * secret (`?access_token=[REDACTED]`). A string that is a credential as a whole becomes `REDACTED`. Linear
 * time; a string holding none of the patterns' anchors is returned after one cheap test.
 */
export function redactSecretText(text: string): string {
  if (WHOLE.test(text)) return REDACTED;
  if (!HINT.test(text)) return text;
  const parts: string[] = [];
  let kept = 0;
  SCAN.lastIndex = 0;
  for (let match = SCAN.exec(text); match !== null; match = SCAN.exec(text)) {
    const cut = cutOf(match, text);
    if (cut === undefined) continue;
    parts.push(text.slice(kept, cut[0]), REDACTED);
    kept = cut[1];
    SCAN.lastIndex = Math.max(SCAN.lastIndex, kept);
  }
  if (parts.length === 0) return text;
  parts.push(text.slice(kept));
  return parts.join('');
}

/** True for a string that is or holds a credential (see `redactSecretText`). */
export function isSecretValue(value: string): boolean {
  return redactSecretText(value) !== value;
}
