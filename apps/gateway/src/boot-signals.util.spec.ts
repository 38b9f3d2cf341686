import { BootSignals } from './boot-signals.util';

describe('BootSignals', () => {
  let exit: jest.SpyInstance;
  let signals: BootSignals;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    signals = new BootSignals(['SIGTERM', 'SIGINT']);
  });
  afterEach(() => {
    signals.dispose();
    exit.mockRestore();
  });

  const send = (signal: NodeJS.Signals) => process.emit(signal, signal);

  it('remembers the first stop signal and takes its repeat within a second as the same Ctrl-C', () => {
    send('SIGINT');
    send('SIGINT'); // npm forwards the terminal's SIGINT to the gateway it exec'd
    expect(signals.received).toBe('SIGINT');
    expect(exit).not.toHaveBeenCalled();
  });

  it('exits at once on a second, different stop signal', () => {
    send('SIGINT');
    send('SIGTERM');
    expect(exit).toHaveBeenCalledWith(128 + 15);
  });

  it('exits at once when the same signal comes again later', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    send('SIGTERM');
    now.mockReturnValue(2_500);
    send('SIGTERM');
    expect(exit).toHaveBeenCalledWith(128 + 15);
    now.mockRestore();
  });
});
