import { type AuditEventInput, type Principal } from '@toolgate/core';
import { type PolicyService } from '@toolgate/policy';
import { type EntityManager, type Repository } from 'typeorm';

import { type ApiKeyEntity } from './api-key.entity';
import { generateApiKeyToken } from './api-key-token.util';
import { ApiKeysService } from './api-keys.service';

const ADMIN: Principal = {
  subject: 'alice',
  tenant: 'acme',
  roles: ['platform-admin'],
  scopes: [],
  kind: 'jwt',
};
const KEY_ID = '0b6f4c8e-3f0e-4a57-9a39-2f1c5d4e6a7b';
const PARENT_ID = '5c1d2e3f-4a5b-4c6d-8e7f-901a2b3c4d5e';
/** The active policy as the service sees it: these roles, no role scopes. */
const POLICY = {
  status: () => ({ roles: ['agent', 'platform-admin'] }),
  effectiveScopes: (principal: Principal) => principal.scopes,
} as unknown as PolicyService;

function makeRow(hash: Buffer, lookupId: string): ApiKeyEntity {
  return {
    id: KEY_ID,
    lookupId,
    secretHash: hash,
    name: 'worker',
    subject: 'svc',
    tenant: 'acme',
    roles: ['agent'],
    scopes: [],
    createdBy: 'alice',
    createdAt: new Date(),
    expiresAt: new Date(Date.now() + 3_600_000),
    revokedAt: null,
    parentKeyId: null,
  };
}

/** A repository double whose lookup SELECT can be held, to order it against a revoke. */
function setup() {
  const generated = generateApiKeyToken();
  const row = makeRow(generated.hash, generated.lookupId);
  let held: Promise<void> | undefined;
  let release = (): void => undefined;
  const save = async (value: ApiKeyEntity) => ({ ...value, id: KEY_ID, createdAt: new Date() });
  /** The key and the keys it was minted below: the API keys that manage it. */
  const chain = new Set([KEY_ID]);
  // The transaction's statements: the tenant lock, whether the key exists and an API key caller manages it
  // (a walk up its chain), the revocation of the key's tree, the notification.
  const em = {
    query: async (sql: string, params: unknown[] = []) => {
      if (sql.includes('AS manages')) {
        return [{ found: params[0] === KEY_ID, manages: chain.has(String(params[2])) }];
      }
      if (!sql.includes('WITH RECURSIVE')) return [];
      if (row.revokedAt) return [[], 0];
      row.revokedAt = new Date();
      const { id, name, subject, roles, scopes } = row;
      return [[{ id, lookup_id: row.lookupId, name, subject, roles, scopes, expires_at: row.expiresAt }], 1];
    },
    existsBy: async () => true,
    findOneBy: async () => ({ ...row, roles: ['agent', 'platform-admin'] }),
    create: (_target: unknown, value: ApiKeyEntity) => value,
    save,
  } as unknown as EntityManager;
  const repository = {
    create: (value: ApiKeyEntity) => value,
    save,
    findOneBy: async (where: { lookupId?: string }) => {
      const snapshot = { ...row };
      if (where.lookupId && held) await held;
      return snapshot;
    },
    manager: { transaction: (work: (manager: EntityManager) => unknown) => work(em) },
  } as unknown as Repository<ApiKeyEntity>;
  const audited: AuditEventInput[] = [];
  const sink = { record: async (event: AuditEventInput) => void audited.push(event) };
  const service = new ApiKeysService(repository, { apiKeyCacheTtlMs: 5_000 } as never, POLICY, sink);
  const holdLookups = () => {
    held = new Promise<void>((resolve) => (release = resolve));
  };
  return { service, token: generated.token, row, chain, audited, holdLookups, release: () => release() };
}

/** A platform-admin API key of acme (the key `PARENT_ID`, minted by alice) acting as `subject`. */
const adminKey = (subject: string): Principal => ({
  subject,
  tenant: 'acme',
  roles: ['platform-admin'],
  scopes: [],
  kind: 'api_key',
  credentialId: PARENT_ID,
  createdBy: 'alice',
});

describe('ApiKeysService', () => {
  it('does not let a lookup that read the row before a revoke cache the unrevoked key', async () => {
    const { service, token, holdLookups, release } = setup();
    holdLookups();
    const inFlight = service.authenticate(token);
    await new Promise((resolve) => setImmediate(resolve));
    await service.revoke(ADMIN, KEY_ID);
    release();
    await inFlight; // raced with the revoke: either answer is fair for this one
    await expect(service.authenticate(token)).rejects.toMatchObject({ reason: 'revoked api key' });
  });

  it('keeps real keys cached through a flood of made-up tokens', async () => {
    const generated = generateApiKeyToken();
    const row = makeRow(generated.hash, generated.lookupId);
    const looked: string[] = [];
    const repository = {
      findOneBy: async ({ lookupId }: { lookupId: string }) => {
        looked.push(lookupId);
        return lookupId === row.lookupId ? { ...row } : null;
      },
    } as unknown as Repository<ApiKeyEntity>;
    const service = new ApiKeysService(repository, { apiKeyCacheTtlMs: 60_000 } as never, POLICY);
    await service.authenticate(generated.token);
    for (let i = 0; i < 12_000; i += 1) {
      const madeUp = `tg_${i.toString(16).padStart(16, '0')}_${'A'.repeat(43)}`;
      await expect(service.authenticate(madeUp)).rejects.toMatchObject({ reason: 'unknown api key' });
    }
    looked.length = 0;
    await expect(service.authenticate(generated.token)).resolves.toMatchObject({ subject: 'svc' });
    expect(looked).toEqual([]);
    // The latest misses are remembered too: a repeated made-up token is not read again.
    await expect(
      service.authenticate(`tg_${(11_999).toString(16).padStart(16, '0')}_${'A'.repeat(43)}`),
    ).rejects.toThrow();
    expect(looked).toEqual([]);
  });

  it("authenticates as the key's subject and carries who minted it", async () => {
    const { service, token } = setup();
    await expect(service.authenticate(token)).resolves.toMatchObject({
      subject: 'svc',
      kind: 'api_key',
      credentialId: KEY_ID,
      createdBy: 'alice',
    });
  });

  it('records the person at the root of a chain of keys as the creator of a key minted by a key', async () => {
    const { service, audited } = setup();
    const keyOfAlice = adminKey('dave');
    const minted = await service.create(keyOfAlice, { name: 'svc', subject: 'svc', roles: ['agent'] });
    expect(minted.created_by).toBe('alice');
    const keyOfKey: Principal = {
      ...keyOfAlice,
      subject: 'svc',
      credentialId: minted.id,
      createdBy: minted.created_by,
    };
    const third = await service.create(keyOfKey, { name: 'svc-2', subject: 'svc-2', roles: ['agent'] });
    expect(third.created_by).toBe('alice');
    // The audit event still names the key that did it.
    expect(audited[0]).toMatchObject({
      subject: 'dave',
      details: expect.objectContaining({ actor_kind: 'api_key', actor_credential_id: PARENT_ID }),
    });
    const erin: Principal = { ...ADMIN, subject: 'erin' };
    expect((await service.create(erin, { name: 'p', subject: 'p', roles: [] })).created_by).toBe('erin');
  });

  it('audits creating and revoking with the admin as actor, once per revocation', async () => {
    const { service, audited } = setup();
    const created = await service.create(
      ADMIN,
      { name: 'worker', subject: 'svc', roles: ['agent'] },
      'req-1',
    );
    await service.revoke(ADMIN, created.id, 'req-2');
    await service.revoke(ADMIN, created.id, 'req-3');
    expect(audited).toEqual([
      expect.objectContaining({
        event: 'api_keys.create',
        tenant: 'acme',
        subject: 'alice',
        request_id: 'req-1',
        details: expect.objectContaining({ key_id: KEY_ID, key_subject: 'svc', roles: ['agent'] }),
      }),
      expect.objectContaining({ event: 'api_keys.revoke', subject: 'alice', request_id: 'req-2' }),
    ]);
    expect(JSON.stringify(audited)).not.toContain(created.secret);
  });

  it('lets an API key revoke only itself and the keys minted below it', async () => {
    const { service, row, chain, audited } = setup();
    const other = adminKey('svc-other');
    await expect(service.revoke(other, KEY_ID, 'req-1')).rejects.toMatchObject({ status: 404 });
    expect(row.revokedAt).toBeNull();

    chain.add(PARENT_ID); // the key was minted below the caller
    audited.length = 0;
    await service.revoke(other, KEY_ID, 'req-2');
    expect(row.revokedAt).not.toBeNull();
    expect(audited).toEqual([
      expect.objectContaining({
        event: 'api_keys.revoke',
        details: expect.objectContaining({ key_id: KEY_ID, actor_credential_id: PARENT_ID }),
      }),
    ]);
  });

  it('answers a key outside an API key caller’s tree exactly like an unknown id, and audits the denial', async () => {
    const { service, row, audited } = setup();
    const caller = adminKey('svc-other');
    const refusal = (id: string) =>
      service.revoke(caller, id, 'req-1').then(
        () => undefined,
        (error: unknown) => error,
      );
    const unknown = await refusal('9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a');
    expect(audited).toEqual([]); // an unknown id is no denial
    const outside = await refusal(KEY_ID);
    for (const answer of [unknown, outside]) {
      expect(answer).toMatchObject({ code: 'RESOURCE.NOT_FOUND', status: 404, title: 'Not Found' });
    }
    const shape = (error: unknown) => {
      const { code, status, title, detail, errors, extensions, headers } = error as Record<string, unknown>;
      return { code, status, title, detail, errors, extensions, headers, type: (error as Error).name };
    };
    expect(shape(outside)).toEqual(shape(unknown));
    expect(row.revokedAt).toBeNull();
    expect(audited).toEqual([
      {
        event: 'api_keys.revoke',
        tenant: 'acme',
        subject: 'svc-other',
        decision: 'deny',
        status: '404',
        request_id: 'req-1',
        details: {
          key_id: KEY_ID,
          reason: 'outside_caller_tree',
          actor_kind: 'api_key',
          actor_credential_id: PARENT_ID,
        },
      },
    ]);
  });

  it('lets an API key revoke itself, and a person any key of its tenant', async () => {
    const itself = setup();
    const key = await itself.service.authenticate(itself.token);
    await itself.service.revoke(key, KEY_ID);
    expect(itself.row.revokedAt).not.toBeNull();

    const byPerson = setup();
    byPerson.chain.clear(); // no key manages it: a person still does
    await byPerson.service.revoke(ADMIN, KEY_ID);
    expect(byPerson.row.revokedAt).not.toBeNull();
  });

  it('drops the cached keys of a tenant when told a key there was revoked, and only those', async () => {
    const generated = generateApiKeyToken();
    const acme = makeRow(generated.hash, generated.lookupId);
    const other = generateApiKeyToken();
    const globex = { ...makeRow(other.hash, other.lookupId), tenant: 'globex' };
    const looked: string[] = [];
    const repository = {
      findOneBy: async ({ lookupId }: { lookupId: string }) => {
        looked.push(lookupId);
        return { ...(lookupId === acme.lookupId ? acme : globex) };
      },
    } as unknown as Repository<ApiKeyEntity>;
    const service = new ApiKeysService(repository, { apiKeyCacheTtlMs: 60_000 } as never, POLICY);
    await service.authenticate(generated.token);
    await service.authenticate(other.token);
    acme.revokedAt = new Date(); // revoked by another replica
    await expect(service.authenticate(generated.token)).resolves.toMatchObject({ subject: 'svc' });
    service.forgetTenant('acme');
    looked.length = 0;
    await expect(service.authenticate(generated.token)).rejects.toMatchObject({ reason: 'revoked api key' });
    await expect(service.authenticate(other.token)).resolves.toMatchObject({ tenant: 'globex' });
    expect(looked).toEqual([acme.lookupId]);
  });
});
