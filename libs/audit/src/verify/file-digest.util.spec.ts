import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { prefixDigests } from './file-digest.util';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('prefixDigests', () => {
  it('hashes each requested prefix in one read; none past the end', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'digest-'));
    try {
      const data = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
      const file = join(dir, 'f');
      writeFileSync(file, data);
      const digests = await prefixDigests(file, [0, 1, 65_536, 65_537, 200_000, 200_001, 5]);
      for (const n of [0, 1, 5, 65_536, 65_537, 200_000])
        expect(digests.get(n)).toBe(sha256(data.subarray(0, n)));
      expect(digests.has(200_001)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
