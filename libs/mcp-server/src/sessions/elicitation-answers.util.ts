import { type AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import {
  StreamableHTTPServerTransport,
  type StreamableHTTPServerTransportOptions,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import {
  isJSONRPCErrorResponse,
  isJSONRPCRequest,
  isJSONRPCResultResponse,
  type JSONRPCMessage,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * Who answered the elicitations of one session: the `authInfo` of the HTTP request that carried each
 * answer, by the client request (the `tools/call`) the elicitation was sent for. The SDK resolves
 * `elicitInput` without it; the transport sees both directions, so it records them here.
 */
export class ElicitationAnswers {
  /** Our `elicitation/create` id → the client request it was sent for. */
  private readonly asked = new Map<number, RequestId>();
  /** Client request id → `authInfo` of the request that carried the answer. */
  private readonly answered = new Map<RequestId, AuthInfo | undefined>();

  sent(message: JSONRPCMessage, relatedRequestId?: RequestId): void {
    if (
      isJSONRPCRequest(message) &&
      message.method === 'elicitation/create' &&
      relatedRequestId !== undefined
    )
      this.asked.set(Number(message.id), relatedRequestId);
  }

  /** Runs before the SDK resolves the pending request (it chains the transport's earlier `onmessage`). */
  received(message: JSONRPCMessage, extra?: MessageExtraInfo): void {
    if (!isJSONRPCResultResponse(message) && !isJSONRPCErrorResponse(message)) return;
    const id = Number(message.id);
    const call = this.asked.get(id);
    if (call === undefined) return;
    this.asked.delete(id);
    this.answered.set(call, extra?.authInfo);
  }

  /** The `authInfo` of the request that answered the elicitation of client request `call`. */
  answererOf(call: RequestId): AuthInfo | undefined {
    return this.answered.get(call);
  }

  /** Drops what is known of `call` (its elicitation answered, timed out or aborted). */
  forget(call: RequestId): void {
    this.answered.delete(call);
    for (const [id, related] of this.asked) if (related === call) this.asked.delete(id);
  }
}

/** The session transport, recording who answers elicitations (`answers`). */
export class AnsweringTransport extends StreamableHTTPServerTransport {
  readonly answers = new ElicitationAnswers();

  constructor(options: StreamableHTTPServerTransportOptions) {
    super(options);
    this.onmessage = (message, extra) => this.answers.received(message, extra);
  }

  override send(message: JSONRPCMessage, options?: { relatedRequestId?: RequestId }): Promise<void> {
    this.answers.sent(message, options?.relatedRequestId);
    return super.send(message, options);
  }
}
