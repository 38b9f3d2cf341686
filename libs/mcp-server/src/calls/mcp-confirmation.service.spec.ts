import { type ElicitResult } from '@modelcontextprotocol/sdk/types.js';

import { type ConfirmationService, type HeldAction } from '@toolgate/confirmation';
import { type Principal } from '@toolgate/core';

import { type McpCallContext } from '../mcp-server.types';
import { HeldCalls } from './held-calls.util';
import { type AuthorizedCall, type GovernedCallService } from './governed-call.service';
import { McpConfirmationService } from './mcp-confirmation.service';

const principal = { tenant: 'acme', subject: 'agent', roles: [], scopes: [] } as unknown as Principal;

function makeAuthorized(): AuthorizedCall {
  return {
    manifest: { name: 'wipe', version: 1, safety_tags: ['destructive'] },
    call: {
      principal,
      toolId: 'mcp.drift:wipe',
      manifestVersion: 1,
      input: { id: 'r1' },
      sensitiveFields: [],
      decision: { policy_version: 'v1', require_approval: false },
      correlationId: 'c-1',
      requestId: 'r-1',
    },
  } as unknown as AuthorizedCall;
}

function setup(answer: ElicitResult) {
  const held: HeldAction = {
    requires_confirmation: true,
    action_id: 'a-1',
    action_token: 't-1',
    expires_at: new Date(Date.now() + 60_000).toISOString(),
    requires_approval: false,
    correlation_id: 'c-1',
  };
  const authorized = makeAuthorized();
  const calls = {
    authorize: jest.fn().mockResolvedValue(authorized),
    execute: jest.fn().mockResolvedValue({ content: [{ type: 'text', text: 'ran' }] }),
  };
  const confirmation = {
    hold: jest.fn().mockResolvedValue(held),
    consume: jest.fn().mockResolvedValue({ correlationId: 'c-1' }),
  };
  const service = new McpConfirmationService(
    calls as unknown as GovernedCallService,
    confirmation as unknown as ConfirmationService,
  );
  const ctx: McpCallContext = {
    principal,
    requestId: 'r-1',
    held: new HeldCalls(),
    elicit: jest.fn().mockResolvedValue(answer),
  };
  return { run: () => service.hold(ctx, authorized, 'wipe'), calls, confirmation, ctx };
}

describe('McpConfirmationService elicitation answers', () => {
  it('runs the call on accept with confirm: true', async () => {
    const { run, calls, confirmation } = setup({ action: 'accept', content: { confirm: true } });
    expect((await run()).isError).toBeFalsy();
    expect(confirmation.consume).toHaveBeenCalledTimes(1);
    expect(calls.execute).toHaveBeenCalledTimes(1);
  });

  it.each<[string, ElicitResult]>([
    ['accept without content', { action: 'accept' }],
    ['accept with empty content', { action: 'accept', content: {} }],
    ['accept with confirm: false', { action: 'accept', content: { confirm: false } }],
    ['accept with a truthy non-boolean confirm', { action: 'accept', content: { confirm: 'yes' } }],
    ['decline', { action: 'decline' }],
    ['cancel', { action: 'cancel' }],
  ])('declines on %s: nothing consumed, nothing ran', async (_, answer) => {
    const { run, calls, confirmation, ctx } = setup(answer);
    const result = await run();
    expect(result).toMatchObject({ isError: true, structuredContent: { code: 'CONFIRMATION.DECLINED' } });
    expect(confirmation.consume).not.toHaveBeenCalled();
    expect(calls.execute).not.toHaveBeenCalled();
    expect(ctx.held.get('a-1')).toBeUndefined();
  });
});
