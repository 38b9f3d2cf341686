import { EventEmitter } from 'node:events';

import { buildDataSourceOptions, keepErrorsFromCrashing } from './database.options';

describe('database options', () => {
  it("gives every pooled client an error listener of its own: a session ended between queries can't crash the process", () => {
    const client = new EventEmitter();
    keepErrorsFromCrashing(client);
    expect(() =>
      client.emit('error', new Error('terminating connection due to administrator command')),
    ).not.toThrow();
    const options = buildDataSourceOptions({ url: 'postgres://x', migrations: [] });
    expect((options.extra as { onConnect: unknown }).onConnect).toBe(keepErrorsFromCrashing);
  });
});
