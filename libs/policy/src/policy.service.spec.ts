import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Logger } from '@nestjs/common';

import { type HealthContributor, HealthContributors } from '@toolgate/observability';

import { PolicyInvalidException } from './policy.exception';
import { PolicyService } from './policy.service';

const GOOD = `
roles:
  reader: ["docs.read"]
rules:
  - id: read-docs
    effect: allow
    when: { action: docs:read, subject.roles: [reader] }
`;
const reader = { subject: 's', tenant: 't', roles: ['reader'], scopes: [], kind: 'jwt' as const };

describe('PolicyService', () => {
  let dir: string;
  let file: string;
  let health: HealthContributors;
  let service: PolicyService;

  const indicator = async () => {
    const [policy] = health.all() as HealthContributor[];
    return (await policy()).policy;
  };

  beforeAll(() => Logger.overrideLogger(false));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-service-'));
    file = join(dir, 'policies.yml');
    writeFileSync(file, GOOD);
    health = new HealthContributors();
    service = new PolicyService({ file }, health);
    await service.onModuleInit();
  });
  afterEach(() => {
    service.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the file at init and reports it as up', async () => {
    expect(service.decide(reader, 'docs:read').allowed).toBe(true);
    expect(service.status()).toMatchObject({
      file,
      last_error: null,
      roles: ['reader'],
      rules: ['read-docs'],
    });
    expect(await indicator()).toMatchObject({ status: 'up', version: service.version });
  });

  it('refuses to start on a bad file', async () => {
    writeFileSync(file, 'roles: {}\nrules:\n  - { id: x, effect: maybe, when: { action: a } }\n');
    const broken = new PolicyService({ file });
    await expect(broken.onModuleInit()).rejects.toThrow(/rule "x", key "effect"/);
  });

  it('applies a changed file on reload and drops the cached abilities', async () => {
    const before = service.version;
    expect(service.decide(reader, 'docs:read').allowed).toBe(true);
    writeFileSync(file, GOOD.replace('effect: allow', 'effect: deny'));
    const status = await service.reload();
    expect(status.version).not.toBe(before);
    expect(service.decide(reader, 'docs:read')).toMatchObject({
      allowed: false,
      denied_by: 'read-docs',
      policy_version: status.version,
    });
  });

  it('keeps the last good policy when a reload is refused, and reports it down', async () => {
    const good = service.version;
    writeFileSync(file, GOOD.replace('subject.roles: [reader]', 'subject.roles: [writer]'));
    const error = await service.reload().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyInvalidException);
    expect((error as PolicyInvalidException).errors?.[0]).toMatchObject({
      pointer: '/rules/0/when/subject.roles',
      detail: expect.stringContaining('rule "read-docs", key "when.subject.roles": unknown role "writer"'),
    });
    expect(service.version).toBe(good);
    expect(service.decide(reader, 'docs:read').allowed).toBe(true);
    expect(service.status().last_error?.errors[0]).toContain('unknown role "writer"');
    expect(await indicator()).toMatchObject({ status: 'down', version: good });

    writeFileSync(file, GOOD);
    await service.reload();
    expect(service.status().last_error).toBeNull();
    expect(await indicator()).toMatchObject({ status: 'up' });
  });

  it('reloads on SIGHUP and stops listening once destroyed', async () => {
    writeFileSync(file, `${GOOD}\n# edited\n`);
    const before = service.version;
    const reload = jest.spyOn(service, 'reload');
    process.emit('SIGHUP', 'SIGHUP');
    expect(reload).toHaveBeenCalledTimes(1);
    // Awaits the very reload the signal started: no dependence on how long reading the file takes.
    await reload.mock.results[0].value;
    expect(service.version).not.toBe(before);

    service.onModuleDestroy();
    const after = service.version;
    writeFileSync(file, `${GOOD}\n# edited again\n`);
    const listener = () => undefined;
    process.on('SIGHUP', listener);
    process.emit('SIGHUP', 'SIGHUP');
    process.off('SIGHUP', listener);
    expect(reload).toHaveBeenCalledTimes(1);
    expect(service.version).toBe(after);
    reload.mockRestore();
  });
});
