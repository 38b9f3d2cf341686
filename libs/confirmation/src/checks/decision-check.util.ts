import { type Principal } from '@toolgate/core';

import { ActionDecisionForbiddenException } from '../confirmation.exception';
import { type PendingAction } from '../confirmation.types';

/**
 * Why `principal` may not approve or reject `action` whatever the policy says (separation of duties), or
 * undefined: an API key never decides (an admin can mint one with any subject and roles), nor does the
 * requester, nor the subject who minted the API key the requester used (the same tenant: keys are minted in
 * their creator's tenant and actions are looked up in the caller's). A key minted by another key records the
 * person at the root of that chain as its creator, so a key in between hides no one (keys minted by a key
 * before that name the minting key's subject); actions held before creators were recorded have none.
 */
export function decisionRefusal(
  principal: Principal,
  action: PendingAction,
): ActionDecisionForbiddenException | undefined {
  const notAPerson = personRefusal(principal);
  if (notAPerson) return notAPerson;
  if (action.subject === principal.subject) {
    return new ActionDecisionForbiddenException('You cannot approve or reject your own request.');
  }
  if (action.requesterKeyCreatedBy !== null && action.requesterKeyCreatedBy === principal.subject) {
    const key = action.requesterKeyId
      ? `API key ${action.requesterKeyId}, which you minted`
      : 'an API key you minted';
    return new ActionDecisionForbiddenException(
      `This request was made with ${key}; another approver must decide it.`,
    );
  }
  return undefined;
}

/**
 * Why `principal` may not use the approval routes at all (reading held actions included): an API key, which
 * an admin can mint with any subject and roles, is not a person.
 */
export function personRefusal(principal: Principal): ActionDecisionForbiddenException | undefined {
  if (principal.kind === 'jwt') return undefined;
  return new ActionDecisionForbiddenException(
    'Approvals (reading held actions included) take a person signed in through the identity provider, not ' +
      'an API key.',
  );
}
