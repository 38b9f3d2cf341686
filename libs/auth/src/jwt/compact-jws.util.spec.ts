import { createHmac, type KeyObject, sign } from 'node:crypto';

import { jwtVerify } from 'jose';

import { JWT_ALGORITHMS } from '../jwks/key-set.util';
import { createTestSigningKey, type TestSigningKey } from '../testing/test-keys.util';
import { jwsHeader, JwsError, type JwtCheck, verifyJwt } from './compact-jws.util';

const rsa = createTestSigningKey('RS256', 'rsa');
const ec = createTestSigningKey('ES256', 'ec');
const other = createTestSigningKey('RS256', 'other');
const KEYS = new Map([rsa, ec].map((key) => [key.kid, key]));
const CHECK: JwtCheck = {
  algorithms: JWT_ALGORITHMS,
  issuer: 'https://idp.local',
  audience: 'toolgate',
  clockToleranceSec: 60,
};
const NOW = 1_800_000_000;

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Signer = (input: string) => string;
const rs =
  (key: KeyObject, digest = 'sha256'): Signer =>
  (input) =>
    sign(digest, Buffer.from(input), key).toString('base64url');
const es =
  (key: KeyObject, dsaEncoding: 'ieee-p1363' | 'der' = 'ieee-p1363'): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding }).toString('base64url');

function craft(header: unknown, payload: unknown, signer?: Signer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer ? signer(input) : ''}`;
}

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: CHECK.issuer,
  aud: CHECK.audience,
  sub: 'agent',
  iat: NOW,
  exp: NOW + 600,
  ...extra,
});
const rsHeader = (extra: Record<string, unknown> = {}) => ({
  alg: 'RS256',
  kid: 'rsa',
  typ: 'JWT',
  ...extra,
});
const signedBy = (key: TestSigningKey) => (key.alg === 'RS256' ? rs(key.privateKey) : es(key.privateKey));

/** The key the gateway would pick: by kid only, bound to its algorithm. */
function keyOf(header: Record<string, unknown>): TestSigningKey {
  const key = typeof header.kid === 'string' ? KEYS.get(header.kid) : undefined;
  if (!key || key.alg !== header.alg) throw new JwsError('no key');
  return key;
}

function ours(token: string): boolean {
  try {
    const key = keyOf(jwsHeader(token, CHECK.algorithms));
    verifyJwt(token, key.alg, key.publicKey, CHECK, NOW);
    return true;
  } catch (error) {
    if (!(error instanceof JwsError)) throw error;
    return false;
  }
}

async function joses(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, async (header) => keyOf(header).publicKey, {
      algorithms: [...CHECK.algorithms],
      issuer: CHECK.issuer,
      audience: CHECK.audience,
      clockTolerance: CHECK.clockToleranceSec,
      requiredClaims: ['exp'],
      crit: {},
      currentDate: new Date(NOW * 1000),
    });
    return true;
  } catch {
    return false;
  }
}

const valid = craft(rsHeader(), claims(), rs(rsa.privateKey));

/** Tokens both verifiers must judge alike (name → token). */
const CORPUS: Array<[string, string]> = [
  ['valid RS256', valid],
  ['valid ES256', craft({ alg: 'ES256', kid: 'ec' }, claims(), signedBy(ec))],
  ['aud list containing us', craft(rsHeader(), claims({ aud: ['x', CHECK.audience] }), signedBy(rsa))],
  ['aud list without us', craft(rsHeader(), claims({ aud: ['x', 'y'] }), signedBy(rsa))],
  ['aud as a number', craft(rsHeader(), claims({ aud: 7 }), signedBy(rsa))],
  ['missing aud', craft(rsHeader(), claims({ aud: undefined }), signedBy(rsa))],
  ['wrong iss', craft(rsHeader(), claims({ iss: 'https://evil.example' }), signedBy(rsa))],
  ['iss as a list', craft(rsHeader(), claims({ iss: [CHECK.issuer] }), signedBy(rsa))],
  ['missing iss', craft(rsHeader(), claims({ iss: undefined }), signedBy(rsa))],
  ['missing exp', craft(rsHeader(), claims({ exp: undefined }), signedBy(rsa))],
  ['exp as a string', craft(rsHeader(), claims({ exp: String(NOW + 600) }), signedBy(rsa))],
  ['exp exactly at the tolerance', craft(rsHeader(), claims({ exp: NOW - 60 }), signedBy(rsa))],
  ['exp one second inside the tolerance', craft(rsHeader(), claims({ exp: NOW - 59 }), signedBy(rsa))],
  ['exp null', craft(rsHeader(), claims({ exp: null }), signedBy(rsa))],
  ['nbf exactly at the tolerance', craft(rsHeader(), claims({ nbf: NOW + 60 }), signedBy(rsa))],
  ['nbf one second beyond the tolerance', craft(rsHeader(), claims({ nbf: NOW + 61 }), signedBy(rsa))],
  ['nbf as a string', craft(rsHeader(), claims({ nbf: String(NOW) }), signedBy(rsa))],
  ['iat as a string', craft(rsHeader(), claims({ iat: String(NOW) }), signedBy(rsa))],
  ['payload is a JSON array', craft(rsHeader(), [claims()], signedBy(rsa))],
  ['payload is JSON null', craft(rsHeader(), 'null', signedBy(rsa))],
  ['payload is not JSON', craft(rsHeader(), '{"iss":', signedBy(rsa))],
  [
    'payload with invalid UTF-8',
    `${b64(rsHeader())}.${Buffer.from([0x7b, 0xff, 0x7d]).toString('base64url')}`,
  ],
  ['header is not an object', craft('"RS256"', claims(), signedBy(rsa))],
  ['header is an array', craft([rsHeader()], claims(), signedBy(rsa))],
  ['header is not JSON', craft('{"alg":"RS256","kid":', claims(), signedBy(rsa))],
  ['header without alg', craft({ kid: 'rsa' }, claims(), signedBy(rsa))],
  ['alg none', craft(rsHeader({ alg: 'none' }), claims())],
  ['alg as a list', craft(rsHeader({ alg: ['RS256'] }), claims(), signedBy(rsa))],
  [
    'HS256 keyed with the public key PEM',
    craft(rsHeader({ alg: 'HS256' }), claims(), (input) =>
      createHmac('sha256', rsa.publicKey.export({ type: 'spki', format: 'pem' }))
        .update(input)
        .digest('base64url'),
    ),
  ],
  ['RS512 signature', craft(rsHeader({ alg: 'RS512' }), claims(), rs(rsa.privateKey, 'sha512'))],
  ['RS256 header, SHA-512 signature', craft(rsHeader(), claims(), rs(rsa.privateKey, 'sha512'))],
  ['ES256 header on the RSA kid', craft(rsHeader({ alg: 'ES256' }), claims(), signedBy(rsa))],
  ['RS256 header on the EC kid', craft({ alg: 'RS256', kid: 'ec' }, claims(), signedBy(ec))],
  ['ES256 with a DER signature', craft({ alg: 'ES256', kid: 'ec' }, claims(), es(ec.privateKey, 'der'))],
  ['signed by another key under our kid', craft(rsHeader(), claims(), signedBy(other))],
  [
    'crit with an unknown extension',
    craft(rsHeader({ crit: ['urn:x'], 'urn:x': 1 }), claims(), signedBy(rsa)),
  ],
  ['crit as an empty list', craft(rsHeader({ crit: [] }), claims(), signedBy(rsa))],
  ['b64 false without crit', craft(rsHeader({ b64: false }), claims(), signedBy(rsa))],
  [
    'jku and jwk ignored',
    craft(rsHeader({ jku: 'http://127.0.0.1:9/', jwk: other.publicJwk }), claims(), signedBy(rsa)),
  ],
  ['empty signature', `${valid.slice(0, valid.lastIndexOf('.'))}.`],
  ['signature with one character more', `${valid}A`],
  ['signature with one character less', valid.slice(0, -1)],
  ['signature truncated by four characters', valid.slice(0, -4)],
  ['four segments', `${valid}.AAAA`],
  ['two segments', valid.slice(0, valid.lastIndexOf('.'))],
  ['garbage segments', 'a.b.c'],
];

/** Where this verifier is stricter than jose by design (jose would accept). */
const STRICTER: Array<[string, string]> = [
  ['padding in the signature', `${valid}==`],
  [
    'crit b64 true (an extension jose understands)',
    craft(rsHeader({ b64: true, crit: ['b64'] }), claims(), signedBy(rsa)),
  ],
  [
    'exp of 1e309 (Infinity)',
    craft(rsHeader(), JSON.stringify(claims({ exp: 0 })).replace('"exp":0', '"exp":1e309'), signedBy(rsa)),
  ],
];

/** Deterministic single-character mutations of a valid token: every one must be judged alike. */
function mutations(token: string, count: number): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const out: string[] = [];
  let seed = 7;
  const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
  while (out.length < count) {
    const at = next() % token.length;
    if (token[at] === '.') continue;
    const replacement = alphabet[next() % alphabet.length];
    if (replacement !== token[at]) out.push(`${token.slice(0, at)}${replacement}${token.slice(at + 1)}`);
  }
  return out;
}

describe('verifyJwt (synchronous compact JWS) against jose', () => {
  it.each(CORPUS)('judges "%s" as jose does', async (_name, token) => {
    expect(ours(token)).toBe(await joses(token));
  });

  it('accepts the valid tokens and rejects the others of the corpus', () => {
    const accepted = CORPUS.filter(([, token]) => ours(token)).map(([name]) => name);
    expect(accepted.sort()).toEqual(
      [
        'valid RS256',
        'valid ES256',
        'aud list containing us',
        'exp one second inside the tolerance',
        'nbf exactly at the tolerance',
        'jku and jwk ignored',
        'b64 false without crit',
      ].sort(),
    );
  });

  it.each(STRICTER)('refuses "%s", which jose would accept', async (_name, token) => {
    expect(await joses(token)).toBe(true);
    expect(ours(token)).toBe(false);
  });

  it('agrees with jose on 300 single-character mutations of valid RS256 and ES256 tokens', async () => {
    const es256 = craft({ alg: 'ES256', kid: 'ec' }, claims(), signedBy(ec));
    const disagreements: string[] = [];
    for (const token of [...mutations(valid, 150), ...mutations(es256, 150)]) {
      if (ours(token) !== (await joses(token))) disagreements.push(token);
    }
    expect(disagreements).toEqual([]);
  });

  it('returns the payload and names the failed check', () => {
    const key = keyOf(jwsHeader(valid, CHECK.algorithms));
    expect(verifyJwt(valid, 'RS256', key.publicKey, CHECK, NOW)).toMatchObject({ sub: 'agent' });
    const expired = craft(rsHeader(), claims({ exp: NOW - 3600 }), signedBy(rsa));
    expect(() => verifyJwt(expired, 'RS256', key.publicKey, CHECK, NOW)).toThrow('token expired');
    expect(() =>
      jwsHeader(craft(rsHeader({ alg: 'none' }), claims(), signedBy(rsa)), CHECK.algorithms),
    ).toThrow('alg not allowed');
    expect(() => verifyJwt(valid, 'RS256', other.publicKey, CHECK, NOW)).toThrow(
      'signature verification failed',
    );
  });

  it('never verifies an RS256 signature with an EC key or an ES256 one with an RSA key', () => {
    const es256 = craft({ alg: 'ES256', kid: 'ec' }, claims(), signedBy(ec));
    expect(() => verifyJwt(valid, 'RS256', ec.publicKey, CHECK, NOW)).toThrow(JwsError);
    expect(() => verifyJwt(es256, 'ES256', rsa.publicKey, CHECK, NOW)).toThrow(JwsError);
  });
});
