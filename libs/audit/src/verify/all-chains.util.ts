import { type ChainReport } from '../audit.types';
import { checkExpectedHeads, type ExpectedHead } from './expected-heads.util';
import { chainTenants, type RowQuery, verifyStoredChain } from './stored-chain.util';

/**
 * `npm run audit:verify` over the database: each chain from seq 1, then against its latest signed
 * anchored head. Without `tenant`, the chains verified are those of the database **and** those the signed
 * anchors name: a chain deleted whole has no row left to be listed by, but its anchors still name it, and
 * it is reported invalid (removed).
 */
export async function verifyChains(
  query: RowQuery,
  anchored: ReadonlyMap<string, ExpectedHead>,
  tenant?: string,
): Promise<Record<string, ChainReport>> {
  const names =
    tenant !== undefined
      ? [tenant]
      : [...new Set([...(await chainTenants(query)), ...anchored.keys()])].sort();
  const reports: [string, ChainReport][] = [];
  for (const name of names) {
    const report = await verifyStoredChain(query, name);
    reports.push([name, await checkExpectedHeads(query, name, report, [anchored.get(name)])]);
  }
  return Object.fromEntries(reports);
}
