import { loadConfirmationConfig } from './confirmation.config';

describe('confirmation config', () => {
  it('keeps finished actions 30 days by default, or CONFIRM_RETENTION_DAYS', () => {
    expect(loadConfirmationConfig({}).retentionDays).toBe(30);
    expect(loadConfirmationConfig({ CONFIRM_RETENTION_DAYS: '7' }).retentionDays).toBe(7);
  });

  it('refuses to boot on a retention that is not a whole number of days from 1 to 3650, naming it', () => {
    for (const value of ['0', '-1', '1.5', 'abc', '3651']) {
      expect(() => loadConfirmationConfig({ CONFIRM_RETENTION_DAYS: value })).toThrow(
        /CONFIRM_RETENTION_DAYS/,
      );
    }
  });
});
