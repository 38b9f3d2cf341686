import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * SHA-256 (hex) of the first `n` bytes of the file, for each `n` of `lengths` (one read of the file). A
 * length past the end of the file gets no digest.
 */
export async function prefixDigests(path: string, lengths: readonly number[]): Promise<Map<number, string>> {
  const wanted = [...new Set(lengths)].filter((n) => Number.isSafeInteger(n) && n >= 0).sort((a, b) => a - b);
  const digests = new Map<number, string>();
  const hash = createHash('sha256');
  let read = 0;
  let next = 0;
  const take = () => {
    while (next < wanted.length && wanted[next] === read)
      digests.set(wanted[next++], hash.copy().digest('hex'));
  };
  take();
  if (next === wanted.length) return digests;
  for await (const data of createReadStream(path)) {
    let chunk = data as Buffer;
    while (chunk.length > 0 && next < wanted.length) {
      const part = chunk.subarray(0, wanted[next] - read);
      hash.update(part);
      read += part.length;
      chunk = chunk.subarray(part.length);
      take();
    }
    if (next === wanted.length) break;
  }
  return digests;
}
