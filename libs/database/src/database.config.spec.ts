import { ConfigValidationError } from '@toolgate/config';

import { loadDatabaseConfig } from './database.config';

describe('loadDatabaseConfig', () => {
  it('refuses a DATABASE_URL that does not parse, naming the variable and never echoing it', () => {
    for (const url of [
      'postgres://toolgate:s3cret@db:99999/toolgate',
      'postgres://toolgate:s3cret@db host/toolgate',
      'mysql://toolgate:s3cret@db/toolgate',
      'not a url',
    ]) {
      const refused = (() => {
        try {
          loadDatabaseConfig({ DATABASE_URL: url });
        } catch (error) {
          return error;
        }
      })();
      expect(refused).toEqual(
        new ConfigValidationError(
          'Invalid configuration: DATABASE_URL must be a postgres:// or postgresql:// URL',
        ),
      );
    }
  });

  it('takes a postgres:// or postgresql:// URL', () => {
    for (const url of ['postgres://u:p@db:5432/toolgate', 'postgresql://u@[::1]/toolgate?sslmode=require'])
      expect(loadDatabaseConfig({ DATABASE_URL: url }).url).toBe(url);
  });
});
