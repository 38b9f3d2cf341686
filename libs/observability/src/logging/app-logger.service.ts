import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import { type Level, type Logger as Pino } from 'pino';

/** The process's pino logger (see `createRootLogger`). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

const STACK_LINE = /\n\s*at /;

/**
 * Nest's `LoggerService` on pino: `new Logger('Context').warn(…)` anywhere in the app becomes one JSON
 * line with `context`. An object message is merged into the line (`msg` stays the message); an `Error`
 * goes under `err`. Nest's own exception handlers pass a stack as a second string, which becomes `err`.
 */
@Injectable()
export class AppLogger implements LoggerService {
  constructor(@Inject(ROOT_LOGGER) readonly pino: Pino) {}

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const line: Record<string, unknown> = {};
    // Nest passes the context last.
    const rest = params.length > 0 ? params.slice(0, -1) : params;
    if (params.length > 0) line.context = params[params.length - 1];
    if (message instanceof Error) {
      line.err = message;
      this.pino[level](line, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.pino[level](Object.assign(line, message));
    } else if (
      level === 'error' &&
      rest.length === 1 &&
      typeof rest[0] === 'string' &&
      STACK_LINE.test(rest[0])
    ) {
      line.err = { message: String(message), stack: rest[0] };
      this.pino[level](line, String(message));
    } else {
      this.pino[level](line, String(message), ...rest);
    }
  }
}
