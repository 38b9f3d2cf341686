import { type FieldDef } from 'pg';
import Cursor from 'pg-cursor';

interface CopyCapableConnection {
  sendCopyFail(message: string): void;
}

/**
 * A pg-cursor that survives `COPY`: plain pg-cursor has no COPY handlers, so `COPY … TO STDOUT` makes pg
 * call a missing method from a socket event (an uncaught exception that kills the process). COPY data is
 * dropped, `COPY … FROM STDIN` is failed at once, and `copyRefused` tells the caller to answer 422.
 */
export class SafeCursor extends Cursor<unknown[]> {
  copyRefused = false;

  constructor(text: string, values: unknown[]) {
    super(text, values, { rowMode: 'array' });
  }

  handleCopyInResponse(connection: CopyCapableConnection): void {
    this.copyRefused = true;
    connection.sendCopyFail('COPY is not supported by database:executeQuery');
  }

  handleCopyData(): void {
    this.copyRefused = true;
  }

  /** Column descriptions of the result (known once the server described it, even if reading failed later). */
  get fields(): FieldDef[] {
    return (this as unknown as { _result?: { fields?: FieldDef[] } })._result?.fields ?? [];
  }

  /** Reads up to `count` rows (promise form of `read`, typed). */
  readRows(count: number): Promise<unknown[][]> {
    return this.read(count);
  }
}
