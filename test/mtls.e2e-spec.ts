import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigValidationError, loadAppConfig } from '@toolgate/config';

import { startGateway, type TestGateway } from './support/gateway';

function openssl(cwd: string, ...args: string[]): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr}`);
}

/** A CA, a server certificate for 127.0.0.1, a client certificate it signed, and a rogue CA's client. */
function makePki(dir: string): void {
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  const key = (name: string) =>
    openssl(dir, 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`);
  for (const ca of ['ca', 'rogue-ca']) {
    key(ca);
    openssl(
      dir,
      'req',
      '-x509',
      '-new',
      '-key',
      `${ca}.key`,
      '-out',
      `${ca}.crt`,
      '-days',
      '1',
      '-subj',
      `/CN=${ca}`,
    );
  }
  const issue = (name: string, ca: string, cn: string, ext: string) => {
    key(name);
    openssl(dir, 'req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
    openssl(
      dir,
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${ca}.crt`,
      '-CAkey',
      `${ca}.key`,
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      ext,
    );
  };
  issue('server', 'ca', '127.0.0.1', 'server.ext');
  issue('client', 'ca', 'agent-1', 'client.ext');
  issue('rogue', 'rogue-ca', 'mallory', 'client.ext');
}

describe('mutual TLS (e2e over HTTPS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'toolgate-mtls-'));
  const file = (name: string) => join(dir, name);
  let gw: TestGateway;
  let port: number;

  function liveness(client?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const request = get(
        {
          host: '127.0.0.1',
          port,
          path: '/health/live',
          ca: readFileSync(file('ca.crt')),
          ...(client
            ? { cert: readFileSync(file(`${client}.crt`)), key: readFileSync(file(`${client}.key`)) }
            : {}),
          agent: false,
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode ?? 0));
        },
      );
      request.on('error', reject);
      request.setTimeout(5_000, () => request.destroy(new Error('timeout')));
    });
  }

  beforeAll(async () => {
    makePki(dir);
    gw = await startGateway({
      env: {
        RUNTIME_DIR: join(dir, 'runtime'),
        TLS_CERT_FILE: file('server.crt'),
        TLS_KEY_FILE: file('server.key'),
        TLS_CA_FILE: file('ca.crt'),
        REQUIRE_MTLS: 'true',
      },
    });
    port = (gw.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a client presenting a certificate signed by the configured CA', async () => {
    expect(await liveness('client')).toBe(200);
  });

  it('refuses a client without a certificate', async () => {
    await expect(liveness()).rejects.toThrow();
  });

  it('refuses a client whose certificate another CA signed', async () => {
    await expect(liveness('rogue')).rejects.toThrow();
  });

  it('refuses to start with REQUIRE_MTLS=true but no CA, naming the variable', () => {
    const env = { REQUIRE_MTLS: 'true', TLS_CERT_FILE: file('server.crt'), TLS_KEY_FILE: file('server.key') };
    expect(() => loadAppConfig(env)).toThrow(ConfigValidationError);
    expect(() => loadAppConfig(env)).toThrow(/REQUIRE_MTLS/);
    expect(() => loadAppConfig({ REQUIRE_MTLS: 'true', TLS_CA_FILE: file('ca.crt') })).toThrow(
      /REQUIRE_MTLS/,
    );
  });
});
