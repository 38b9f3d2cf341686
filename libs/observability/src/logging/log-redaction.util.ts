/** Field names whose values never reach a log line, at any of the first three levels of an object. */
const SECRET_FIELDS = [
  'authorization',
  'cookie',
  'password',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'action_token',
  'api_key',
  'apiKey',
  'client_secret',
  'private_key',
  'privateKey',
  'secret_key',
  'x-api-key',
];

/** The same mask as the audit trail and the approval view. */
export { REDACTED } from '@toolgate/core';

export const REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  ...SECRET_FIELDS.flatMap((field) => {
    const key = /^[A-Za-z_]\w*$/.test(field) ? `.${field}` : `["${field}"]`;
    return [...(key.startsWith('.') ? [field] : []), `*${key}`, `*.*${key}`];
  }),
];
