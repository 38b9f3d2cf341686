import { createHmac, type KeyObject, sign } from 'node:crypto';

import { createTestSigningKey, type PublicJwk } from '@toolgate/auth';

import { type HeaderLines } from './raw-request';

export interface SigningContext {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicJwk: PublicJwk;
  issuer: string;
  audience: string;
}

export interface HostileCase {
  name: string;
  headers: HeaderLines;
  /** Path to request instead of the guarded probe path (query-string tokens). */
  query?: string;
  /** `missing` when no credential reached the server (challenge without an error attribute). */
  expect: 'invalid' | 'missing';
}

const b64 = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

type Signer = (input: string) => string;

const rs256 =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), key).toString('base64url');
const es256 =
  (key: KeyObject): Signer =>
  (input) =>
    sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
const hs256 =
  (secret: Buffer | string): Signer =>
  (input) =>
    createHmac('sha256', secret).update(input).digest('base64url');

/** Builds a compact JWS from raw header and payload (either may be a string to inject broken JSON). */
export function craft(header: unknown, payload: unknown, signer?: Signer): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${signer ? signer(input) : ''}`;
}

const bearer = (token: string): HeaderLines => ({ authorization: `Bearer ${token}` });

function flipLastSignatureBit(token: string): string {
  const [header, payload, signature] = token.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[bytes.length - 1] ^= 0x01;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}

/** At least 25 hostile credentials, each of which the gateway must answer 401 (never 5xx). */
export function buildHostileCorpus(ctx: SigningContext): HostileCase[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    iss: ctx.issuer,
    aud: ctx.audience,
    sub: 'mallory',
    tenant: 'public',
    roles: ['platform-admin'],
    iat: now,
    exp: now + 600,
  };
  const header = { alg: 'RS256', kid: ctx.kid, typ: 'JWT' };
  const dev = rs256(ctx.privateKey);
  const valid = craft(header, claims, dev);
  const attacker = createTestSigningKey('RS256', 'attacker-key');
  const attackerEc = createTestSigningKey('ES256', 'attacker-ec');
  const attackerSigned = (extra: Record<string, unknown>) =>
    craft({ ...header, ...extra }, claims, rs256(attacker.privateKey));
  const publicPem = ctx.publicKey.export({ type: 'spki', format: 'pem' });
  const cases: Array<[string, string, HostileCase['expect']?]> = [
    ...['none', 'None', 'NONE', 'nOnE'].map((alg): [string, string] => [
      `alg ${alg}`,
      craft({ alg, kid: ctx.kid, typ: 'JWT' }, claims),
    ]),
    ['HS256 keyed with the public key PEM', craft({ ...header, alg: 'HS256' }, claims, hs256(publicPem))],
    [
      'HS256 keyed with the public JWK bytes',
      craft({ ...header, alg: 'HS256' }, claims, hs256(JSON.stringify(ctx.publicJwk))),
    ],
    ['unknown kid', craft({ ...header, kid: 'no-such-key' }, claims, dev)],
    ['kid with path traversal', craft({ ...header, kid: '../../../../etc/passwd' }, claims, dev)],
    ['kid with SQL', craft({ ...header, kid: "' OR '1'='1'; DROP TABLE api_keys; --" }, claims, dev)],
    ['kid as an object', craft({ ...header, kid: { $ne: null } }, claims, dev)],
    ['kid of 5000 characters', craft({ ...header, kid: 'k'.repeat(5000) }, claims, dev)],
    ['missing kid', craft({ alg: 'RS256', typ: 'JWT' }, claims, dev)],
    ['missing exp', craft(header, { ...claims, exp: undefined }, dev)],
    ['past exp', craft(header, { ...claims, exp: now - 86_400 }, dev)],
    ['exp beyond the clock skew', craft(header, { ...claims, exp: now - 310 }, dev)],
    ['exp as a string', craft(header, { ...claims, exp: String(now + 600) }, dev)],
    ['nbf beyond the clock skew', craft(header, { ...claims, nbf: now + 400 }, dev)],
    ['iat beyond the clock skew', craft(header, { ...claims, iat: now + 400 }, dev)],
    ['wrong iss', craft(header, { ...claims, iss: 'https://evil.example' }, dev)],
    ['wrong aud', craft(header, { ...claims, aud: 'someone-else' }, dev)],
    ['aud list without us', craft(header, { ...claims, aud: ['a', 'b'] }, dev)],
    ['missing tenant', craft(header, { ...claims, tenant: undefined }, dev)],
    ['tenant as an object', craft(header, { ...claims, tenant: { id: 'public' } }, dev)],
    ['roles as an object', craft(header, { ...claims, roles: { admin: true } }, dev)],
    ['500 roles', craft(header, { ...claims, roles: Array.from({ length: 500 }, (_, i) => `r${i}`) }, dev)],
    ['missing sub', craft(header, { ...claims, sub: undefined }, dev)],
    ['payload is a JSON array', craft(header, [claims], dev)],
    [
      'exp of 1e309 (Infinity)',
      craft(header, JSON.stringify({ ...claims, exp: 0 }).replace('"exp":0', '"exp":1e309'), dev),
    ],
    ['deeply nested payload', craft(header, `{"sub":"x","a":${'['.repeat(2000)}${']'.repeat(2000)}}`, dev)],
    ['jku to an attacker JWKS', attackerSigned({ kid: attacker.kid, jku: 'http://127.0.0.1:9/jwks.json' })],
    ['x5u to an attacker cert', attackerSigned({ kid: attacker.kid, x5u: 'http://127.0.0.1:9/cert.pem' })],
    ['embedded attacker jwk', attackerSigned({ jwk: attacker.publicJwk })],
    [
      'embedded attacker x5c',
      attackerSigned({
        x5c: [attacker.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')],
      }),
    ],
    ['truncated signature', valid.slice(0, -10)],
    ['bit-flipped signature', flipLastSignatureBit(valid)],
    ['empty signature', `${valid.split('.').slice(0, 2).join('.')}.`],
    ['four segments', `${valid}.AAAA`],
    ['token over 8 KiB', craft(header, { ...claims, pad: 'x'.repeat(9000) }, dev)],
    ['garbage base64', 'Zm9v!!!.YmFy$$$.YmF6###'],
    ['garbage segments', 'a.b.c'],
    ['JSON-invalid header', craft('{"alg":"RS256","kid":', claims, dev)],
    ['header is not an object', craft('"RS256"', claims, dev)],
    ['crit with an unknown extension', craft({ ...header, crit: ['urn:evil'], 'urn:evil': 1 }, claims, dev)],
    ['unencoded payload (b64 false)', craft({ ...header, b64: false, crit: ['b64'] }, claims, dev)],
    [
      'ES256 signed by an unknown key',
      craft({ alg: 'ES256', kid: attackerEc.kid }, claims, es256(attackerEc.privateKey)),
    ],
    ['ES256 header on the RS256 dev kid', craft({ ...header, alg: 'ES256' }, claims, dev)],
    ['RS512 header on an RS256 signature', craft({ ...header, alg: 'RS512' }, claims, dev)],
    ['PS256 header on the dev kid', craft({ ...header, alg: 'PS256' }, claims, dev)],
    ['unknown tg_ API key', `tg_${'0'.repeat(16)}_${'A'.repeat(43)}`],
    ['malformed tg_ API key', "tg_' OR 1=1 --"],
  ];
  return [
    ...cases.map(([name, token, expected]) => ({
      name,
      headers: bearer(token),
      expect: expected ?? ('invalid' as const),
    })),
    {
      name: 'two Authorization headers',
      headers: { authorization: [`Bearer ${valid}`, `Bearer ${valid}`] },
      expect: 'invalid',
    },
    {
      name: 'token in the query string only',
      headers: {},
      query: `?access_token=${valid}`,
      expect: 'missing',
    },
    { name: 'Basic scheme', headers: { authorization: 'Basic bWFsbG9yeTpodW50ZXIy' }, expect: 'invalid' },
    { name: 'empty bearer', headers: { authorization: 'Bearer ' }, expect: 'invalid' },
    { name: 'scheme without token', headers: { authorization: 'Bearer' }, expect: 'invalid' },
    { name: 'token without scheme', headers: { authorization: valid }, expect: 'invalid' },
    {
      name: 'two tokens in one header',
      headers: { authorization: `Bearer ${valid}, Bearer ${valid}` },
      expect: 'invalid',
    },
    { name: 'no Authorization header', headers: {}, expect: 'missing' },
    {
      name: 'latin-1 bytes in the token',
      headers: { authorization: 'Bearer \u00ff\u00fe.\u00e9.x' },
      expect: 'invalid',
    },
  ];
}
