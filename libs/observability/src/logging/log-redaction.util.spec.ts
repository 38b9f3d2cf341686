import pino from 'pino';

import { REDACT_PATHS } from './log-redaction.util';
import { LogCapture } from '@toolgate/testing';

describe('log redaction', () => {
  it('hides secret-named fields at the first three levels and auth headers', () => {
    const capture = new LogCapture();
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[REDACTED]' } }, capture);
    logger.info({
      token: 't0',
      upstream: { access_token: 't1', nested: { client_secret: 't2', password: 't3' } },
      req: { headers: { authorization: 'Bearer t4', cookie: 'sid=t5' } },
      keep: 'visible',
    });
    const text = capture.text();
    for (const secret of ['t0', 't1', 't2', 't3', 't4', 't5']) expect(text).not.toContain(`"${secret}"`);
    expect(text).not.toContain('Bearer t4');
    expect(text).toContain('visible');
  });
});
