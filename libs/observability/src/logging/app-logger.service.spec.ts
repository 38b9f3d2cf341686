import { LogCapture } from '@toolgate/testing';

import { AppLogger } from './app-logger.service';
import { createRootLogger } from './root-logger';

describe('AppLogger', () => {
  const setup = (level = 'trace') => {
    const capture = new LogCapture();
    return { capture, logger: new AppLogger(createRootLogger(level, capture)) };
  };

  it('writes a string message with its context', () => {
    const { capture, logger } = setup();
    logger.log('ready', 'Bootstrap');
    expect(capture.lines).toEqual([
      expect.objectContaining({ level: 30, msg: 'ready', context: 'Bootstrap' }),
    ]);
  });

  it('merges an object message into the line', () => {
    const { capture, logger } = setup();
    logger.warn({ msg: 'audit event lost', request_id: 'r1' }, 'Audit');
    expect(capture.lines[0]).toMatchObject({
      level: 40,
      msg: 'audit event lost',
      request_id: 'r1',
      context: 'Audit',
    });
  });

  it('puts an Error under err with its stack', () => {
    const { capture, logger } = setup();
    logger.error(new Error('boom'), 'X');
    expect(capture.lines[0]).toMatchObject({ level: 50, msg: 'boom', err: { message: 'boom' } });
    expect(String((capture.lines[0].err as { stack: string }).stack)).toContain('at ');
  });

  it("turns Nest's (message, stack, context) error contract into err", () => {
    const { capture, logger } = setup();
    logger.error('Unhandled', 'Error: x\n    at somewhere (file.js:1:1)', 'ExceptionsHandler');
    expect(capture.lines[0]).toMatchObject({
      msg: 'Unhandled',
      context: 'ExceptionsHandler',
      err: { stack: expect.stringContaining('at somewhere') },
    });
  });

  it('maps verbose to trace and writes nothing below the level', () => {
    const { capture, logger } = setup('info');
    logger.verbose('hidden');
    logger.debug('hidden');
    logger.fatal('shown');
    expect(capture.lines.map((line) => line.msg)).toEqual(['shown']);
    const all = setup('trace');
    all.logger.verbose('v');
    expect(all.capture.lines[0]).toMatchObject({ level: 10, msg: 'v' });
  });

  it('redacts secrets in merged objects', () => {
    const { capture, logger } = setup();
    logger.log({ msg: 'x', headers: { authorization: 'Bearer abc.def' }, token: 't0ps3cret' });
    expect(capture.text()).not.toContain('t0ps3cret');
    expect(capture.text()).not.toContain('abc.def');
  });
});
