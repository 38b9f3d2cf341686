import { type AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';

import { ElicitationAnswers } from './elicitation-answers.util';

const authOf = (subject: string): AuthInfo => ({ token: '', clientId: subject, scopes: [] });
const elicitation = (id: number) =>
  ({ jsonrpc: '2.0', id, method: 'elicitation/create', params: {} }) as const;
const answer = (id: number | string) =>
  ({ jsonrpc: '2.0', id, result: { action: 'accept', content: { confirm: true } } }) as const;

describe('ElicitationAnswers', () => {
  it('records who carried the answer to the elicitation of each tools/call', () => {
    const answers = new ElicitationAnswers();
    answers.sent(elicitation(0), 'call-a');
    answers.sent(elicitation(1), 'call-b');
    answers.received(answer(1), { authInfo: authOf('fresh-b') });
    answers.received(answer(0), { authInfo: authOf('fresh-a') });
    expect(answers.answererOf('call-a')?.clientId).toBe('fresh-a');
    expect(answers.answererOf('call-b')?.clientId).toBe('fresh-b');
  });

  it('ignores answers to requests it did not ask for, and forgets a call entirely', () => {
    const answers = new ElicitationAnswers();
    answers.sent({ jsonrpc: '2.0', id: 0, method: 'roots/list' }, 'call-a');
    answers.received(answer(0), { authInfo: authOf('x') });
    expect(answers.answererOf('call-a')).toBeUndefined();
    answers.sent(elicitation(1), 'call-a');
    answers.forget('call-a');
    answers.received(answer(1), { authInfo: authOf('late') });
    expect(answers.answererOf('call-a')).toBeUndefined();
  });
});
