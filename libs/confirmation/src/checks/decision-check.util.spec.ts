import { type Principal } from '@toolgate/core';

import { type PendingAction } from '../confirmation.types';
import { makePendingAction } from '../testing/pending-action.fixture';
import { decisionRefusal } from './decision-check.util';

const KEY_ID = '3f2b8c1d-6e4a-4f0b-9c7d-1a2b3c4d5e6f';
const person = (subject: string): Principal => ({
  subject,
  tenant: 'acme',
  roles: ['approver'],
  scopes: [],
  kind: 'jwt',
});

/** An action bot-7 requested with an API key alice minted. */
const makeAction = (overrides: Partial<PendingAction> = {}): PendingAction =>
  makePendingAction({
    subject: 'bot-7',
    requesterKind: 'api_key',
    requesterKeyId: KEY_ID,
    requesterKeyCreatedBy: 'alice',
    ...overrides,
  });

const refusal = (principal: Principal, action: PendingAction) => decisionRefusal(principal, action)?.detail;

describe('decisionRefusal (separation of duties)', () => {
  it('refuses the admin who minted the key the requester used, naming the key', () => {
    const refused = decisionRefusal(person('alice'), makeAction());
    expect(refused).toMatchObject({ status: 403, code: 'ACTIONS.FORBIDDEN' });
    expect(refused?.detail).toBe(
      `This request was made with API key ${KEY_ID}, which you minted; another approver must decide it.`,
    );
  });

  it('lets another person decide it', () => {
    expect(refusal(person('carol'), makeAction())).toBeUndefined();
  });

  it('refuses the requester itself and any API key', () => {
    expect(refusal(person('bot-7'), makeAction())).toMatch(/your own request/);
    const personRequest = makeAction({
      subject: 'bob',
      requesterKind: 'jwt',
      requesterKeyId: null,
      requesterKeyCreatedBy: null,
    });
    expect(refusal(person('bob'), personRequest)).toMatch(/your own request/);
    expect(refusal(person('alice'), personRequest)).toBeUndefined();
    const key: Principal = { ...person('carol'), kind: 'api_key', credentialId: 'k', createdBy: 'dave' };
    expect(refusal(key, makeAction())).toMatch(/not an API key/);
  });

  it("refuses whoever the hold recorded as the key's creator (an older key minted by a key names that key)", () => {
    const minted = makeAction({ requesterKeyCreatedBy: 'ops-bot' });
    expect(refusal(person('ops-bot'), minted)).toMatch(/API key .*you minted/);
    expect(refusal(person('alice'), minted)).toBeUndefined();
  });

  it('decides actions held before creators were recorded as before', () => {
    const old = makeAction({ requesterKind: null, requesterKeyId: null, requesterKeyCreatedBy: null });
    expect(refusal(person('alice'), old)).toBeUndefined();
    expect(refusal(person('bot-7'), old)).toMatch(/your own request/);
  });
});
