const MAX_HELD = 100;

export interface HeldCall {
  toolId: string;
  input: Record<string, unknown>;
  expiresAt: number;
}

/**
 * Calls one MCP session held for confirmation, by action id, so `toolgate_confirm` needs only the action
 * id and token in that session. Bounded; expired entries are dropped.
 */
export class HeldCalls {
  private readonly calls = new Map<string, HeldCall>();

  remember(actionId: string, call: HeldCall): void {
    this.prune();
    if (this.calls.size >= MAX_HELD) this.calls.delete(this.calls.keys().next().value as string);
    this.calls.set(actionId, call);
  }

  get(actionId: string): HeldCall | undefined {
    const call = this.calls.get(actionId);
    return call && call.expiresAt > Date.now() ? call : undefined;
  }

  forget(actionId: string): void {
    this.calls.delete(actionId);
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, call] of this.calls) if (call.expiresAt <= now) this.calls.delete(id);
  }
}
