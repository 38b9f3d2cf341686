import { type ElicitResult } from '@modelcontextprotocol/sdk/types.js';

import { type ActionsService, type ConfirmationService, type HeldAction } from '@toolgate/confirmation';
import { type Principal } from '@toolgate/core';

import { McpRateLimitedException } from '../mcp-server.exception';
import { type ElicitAnswer, type McpCallContext } from '../mcp-server.types';
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

const ACCEPT: ElicitResult = { action: 'accept', content: { confirm: true } };

function setup(answer: ElicitResult, options: { principal?: Principal; answeredBy?: Principal } = {}) {
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
  const actions = { cancel: jest.fn().mockResolvedValue({ status: 'cancelled' }) };
  const service = new McpConfirmationService(
    calls as unknown as GovernedCallService,
    confirmation as unknown as ConfirmationService,
    actions as unknown as ActionsService,
  );
  const elicited: ElicitAnswer = {
    result: answer,
    ...(options.answeredBy ? { answeredBy: { principal: options.answeredBy, requestId: 'r-2' } } : {}),
  };
  const ctx: McpCallContext = {
    principal: options.principal ?? principal,
    requestId: 'r-1',
    held: new HeldCalls(),
    elicit: jest.fn().mockResolvedValue(elicited),
  };
  return { run: () => service.hold(ctx, authorized, 'wipe'), calls, confirmation, actions, ctx };
}

describe('McpConfirmationService elicitation answers', () => {
  it('runs the call on accept with confirm: true', async () => {
    const { run, calls, confirmation } = setup(ACCEPT);
    expect((await run()).isError).toBeFalsy();
    expect(confirmation.consume).toHaveBeenCalledTimes(1);
    expect(calls.execute).toHaveBeenCalledTimes(1);
  });

  it('re-checks the call as the principal of the request carrying the answer, without spending again', async () => {
    const fresh = { ...principal, scopes: ['fresh'], expiresAt: Date.now() / 1000 + 600 };
    const { run, calls } = setup(ACCEPT, { answeredBy: fresh });
    expect((await run()).isError).toBeFalsy();
    expect(calls.authorize).toHaveBeenCalledWith(
      expect.objectContaining({ principal: fresh }),
      'mcp.drift:wipe',
      { id: 'r1' },
      { correlationId: 'c-1', spend: false },
    );
  });

  it.each<[string, { principal?: Principal; answeredBy?: Principal }, number]>([
    ['the caller’s credential expired before the answer', { principal: { ...principal, expiresAt: 1 } }, 401],
    ['the answer came under an expired credential', { answeredBy: { ...principal, expiresAt: 1 } }, 401],
    ['the answer came from another subject', { answeredBy: { ...principal, subject: 'mallory' } }, 403],
  ])('refuses when %s: nothing consumed, the action token kept', async (_, options, status) => {
    const { run, calls, confirmation } = setup(ACCEPT, options);
    const result = await run();
    expect(result).toMatchObject({
      isError: true,
      structuredContent: { status, action_id: 'a-1', action_token: 't-1', confirm_with: 'toolgate_confirm' },
    });
    expect(calls.authorize).not.toHaveBeenCalled();
    expect(confirmation.consume).not.toHaveBeenCalled();
    expect(calls.execute).not.toHaveBeenCalled();
  });

  it('keeps the action token when the re-check after accept refuses (429): retry with toolgate_confirm', async () => {
    const { run, calls, confirmation, ctx } = setup(ACCEPT);
    calls.authorize.mockRejectedValueOnce(new McpRateLimitedException(3));
    const result = await run();
    expect(result).toMatchObject({
      isError: true,
      structuredContent: {
        code: 'RATE.LIMITED',
        status: 429,
        retry_after_seconds: 3,
        action_id: 'a-1',
        action_token: 't-1',
        expires_at: expect.any(String),
        tool_id: 'mcp.drift:wipe',
      },
    });
    expect(confirmation.consume).not.toHaveBeenCalled();
    expect(calls.execute).not.toHaveBeenCalled();
    expect(ctx.held.get('a-1')).toBeDefined();
  });

  it.each<[string, ElicitResult]>([
    ['accept without content', { action: 'accept' }],
    ['accept with empty content', { action: 'accept', content: {} }],
    ['accept with confirm: false', { action: 'accept', content: { confirm: false } }],
    ['accept with a truthy non-boolean confirm', { action: 'accept', content: { confirm: 'yes' } }],
    ['decline', { action: 'decline' }],
    ['cancel', { action: 'cancel' }],
  ])('declines on %s: nothing consumed, nothing ran, the action cancelled', async (_, answer) => {
    const { run, calls, confirmation, actions, ctx } = setup(answer);
    const result = await run();
    expect(result).toMatchObject({ isError: true, structuredContent: { code: 'CONFIRMATION.DECLINED' } });
    expect(confirmation.consume).not.toHaveBeenCalled();
    expect(calls.execute).not.toHaveBeenCalled();
    expect(ctx.held.get('a-1')).toBeUndefined();
    expect(actions.cancel).toHaveBeenCalledWith(ctx.principal, 'a-1', 'r-1');
  });

  it('still answers the decline when the action cannot be cancelled (left to expire)', async () => {
    const { run, actions } = setup({ action: 'decline' });
    actions.cancel.mockRejectedValue(new Error('policy'));
    expect(await run()).toMatchObject({ structuredContent: { code: 'CONFIRMATION.DECLINED' } });
  });
});
