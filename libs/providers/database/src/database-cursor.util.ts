import { type FieldDef } from 'pg';
import Cursor from 'pg-cursor';

import { type RowCollector } from './database-guard.util';
import { RESULT_TYPES, typeName } from './database-values.util';
import { type ResultColumn } from './database.types';

interface CopyCapableConnection {
  sendCopyFail(message: string): void;
}

/** The parts of pg's result object the cursors read (pg-cursor's types do not expose it). */
interface CursorResult {
  fields?: FieldDef[];
  command?: string | null;
  rowCount?: number | null;
  parseRow(fields: unknown[]): unknown[];
}

/**
 * A pg-cursor that survives `COPY`: plain pg-cursor has no COPY handlers, so `COPY … TO STDOUT` makes pg
 * call a missing method from a socket event (an uncaught exception that kills the process). COPY data is
 * dropped, `COPY … FROM STDIN` is failed at once, and `copyRefused` tells the caller to answer 422.
 */
export class SafeCursor extends Cursor<unknown[]> {
  copyRefused = false;

  constructor(text: string, values: unknown[]) {
    super(text, values, { rowMode: 'array', types: RESULT_TYPES });
  }

  handleCopyInResponse(connection: CopyCapableConnection): void {
    this.copyRefused = true;
    connection.sendCopyFail('COPY is not supported by the database tools');
  }

  handleCopyData(): void {
    this.copyRefused = true;
  }

  /** Column descriptions of the result (known once the server described it, even if reading failed later). */
  get fields(): FieldDef[] {
    return this.result.fields ?? [];
  }

  /** The result's columns as the tools answer them. */
  get columns(): ResultColumn[] {
    return this.fields.map((field) => ({ name: field.name, data_type: typeName(field.dataTypeID) }));
  }

  /** Reads up to `count` rows (promise form of `read`, typed). */
  readRows(count: number): Promise<unknown[][]> {
    return this.read(count);
  }

  protected get result(): CursorResult {
    return (this as unknown as { _result: CursorResult })._result;
  }
}

/**
 * A cursor for a statement run for its effect: one Execute without a row limit (so the statement timeout
 * covers the whole statement), the first returned rows kept by `kept` under its caps, every later row dropped
 * as it arrives instead of being buffered. The command tag gives the command and the affected row count.
 */
export class StatementCursor extends SafeCursor {
  constructor(
    text: string,
    values: unknown[],
    readonly kept: RowCollector,
  ) {
    super(text, values);
  }

  handleDataRow(message: { fields: unknown[] }): void {
    if (this.kept.open) this.kept.add(this.result.parseRow(message.fields));
  }

  /** Runs the statement to its end (resolves once the server is ready for the next one). */
  async run(): Promise<void> {
    await this.read(0);
  }

  get command(): string {
    return this.result.command ?? '';
  }

  get rowCount(): number {
    return this.result.rowCount ?? 0;
  }
}
