import pino, { type DestinationStream, type Logger } from 'pino';

import { REDACT_PATHS, REDACTED } from './log-redaction.util';

/** The one pino instance of the process: JSON lines, secrets redacted, errors serialised with their stack. */
export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
