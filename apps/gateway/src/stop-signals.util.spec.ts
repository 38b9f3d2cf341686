import { INSIST_AFTER_MS, StopSignals } from './stop-signals.util';

describe('StopSignals', () => {
  let exit: jest.SpyInstance;
  let kill: jest.SpyInstance;
  let lines: string[];
  let finishClose: () => void;
  let signals: StopSignals;

  beforeEach(() => {
    exit = jest.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    kill = jest.spyOn(process, 'kill').mockImplementation(() => true);
    lines = [];
    const closing = new Promise<void>((done) => (finishClose = done));
    signals = new StopSignals(
      () => closing,
      (line) => lines.push(line),
      ['SIGTERM', 'SIGINT'],
    );
  });
  afterEach(() => {
    signals.dispose();
    exit.mockRestore();
    kill.mockRestore();
  });

  const send = (signal: NodeJS.Signals) => process.emit(signal, signal);

  it('logs a second stop signal while closing and exits on a third', () => {
    send('SIGTERM');
    send('SIGTERM');
    expect(lines).toEqual(['SIGTERM: already stopping; another stop signal exits at once']);
    expect(exit).not.toHaveBeenCalled();
    send('SIGINT');
    expect(exit).toHaveBeenCalledWith(128 + 2);
  });

  it('exits when the first signal comes again after a while', () => {
    const now = jest.spyOn(Date, 'now').mockReturnValue(1_000);
    void signals.begin('SIGINT'); // received while booting
    now.mockReturnValue(1_000 + INSIST_AFTER_MS);
    send('SIGINT');
    expect(exit).toHaveBeenCalledWith(128 + 2);
    now.mockRestore();
  });

  it('once closed, lets the signal that ends the process take its default action', async () => {
    send('SIGTERM');
    finishClose();
    await new Promise((done) => setImmediate(done));
    send('SIGTERM'); // Nest re-raising it
    expect(kill).toHaveBeenCalledWith(process.pid, 'SIGTERM');
    expect(process.listeners('SIGTERM')).toEqual([]);
    expect(exit).not.toHaveBeenCalled();
  });
});
