import { AuthFailureWindow } from './auth-failure-window.util';

const key = (ip: string, reason = 'bad signature') => ({ ip, route: '/mcp', reason });

describe('AuthFailureWindow', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const clock = () => now;

  it('admits the first failure of a key and counts the following ones', () => {
    const window = new AuthFailureWindow(10, clock);
    expect(window.admit(key('10.0.0.1'))).toBe(true);
    for (let i = 0; i < 1999; i += 1) {
      now += 1;
      expect(window.admit(key('10.0.0.1'))).toBe(false);
    }
    expect(window.drain()).toEqual([
      {
        ...key('10.0.0.1'),
        count: 1999,
        first_at: '2026-01-01T00:00:00.001Z',
        last_at: '2026-01-01T00:00:01.999Z',
      },
    ]);
  });

  it('keeps keys apart (IP, route and reason) and starts a new window on drain', () => {
    const window = new AuthFailureWindow(10, clock);
    expect(window.admit(key('10.0.0.1'))).toBe(true);
    expect(window.admit(key('10.0.0.2'))).toBe(true);
    expect(window.admit(key('10.0.0.1', 'no credential'))).toBe(true);
    expect(window.admit({ ...key('10.0.0.1'), route: '/mcp/:server' })).toBe(true);
    expect(window.admit(key('10.0.0.2'))).toBe(false);
    expect(window.drain()).toEqual([expect.objectContaining({ ip: '10.0.0.2', count: 1 })]);
    expect(window.drain()).toEqual([]);
    expect(window.admit(key('10.0.0.2'))).toBe(true);
  });

  it('shares one `*` key beyond maxKeys, so the events per window stay bounded', () => {
    const window = new AuthFailureWindow(3, clock);
    const admitted = Array.from({ length: 100 }, (_, i) => window.admit(key(`10.0.1.${i}`)));
    expect(admitted.filter(Boolean)).toHaveLength(4);
    expect(window.drain()).toEqual([
      expect.objectContaining({ ip: '*', route: '*', reason: '*', count: 96 }),
    ]);
  });
});
