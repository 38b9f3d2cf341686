import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { type AuditConfig, auditConfig } from '../audit.config';
import { type ChainReport } from '../audit.types';
import { ANCHOR_PUBLIC_KEY_FILE, readAnchorPublicKey } from '../mirror/anchor.util';
import { AuditWriterService } from '../writer/audit-writer.service';
import { checkExpectedHeads, type ExpectedHead, latestAnchoredHead } from './expected-heads.util';
import { type RowQuery, verifyStoredChain } from './stored-chain.util';

/**
 * `GET /audit/verify`: the tenant's stored chain from seq 1 to its head, then the heads it must still
 * reach: the latest signed anchor in the WORM directory and the last event this gateway wrote.
 */
@Injectable()
export class AuditVerifierService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly writer: AuditWriterService,
    @Inject(auditConfig.KEY) private readonly config: AuditConfig,
  ) {}

  async verify(tenant: string): Promise<ChainReport> {
    // Taken before reading the chain: the chain can only have grown past them since.
    const expected = [this.writer.knownHead(tenant), this.anchoredHead(tenant)];
    const query: RowQuery = (sql, params) => this.dataSource.query(sql, params);
    return checkExpectedHeads(query, tenant, await verifyStoredChain(query, tenant), expected);
  }

  private anchoredHead(tenant: string): ExpectedHead | null {
    const keyPath = join(this.config.runtimeDir, ANCHOR_PUBLIC_KEY_FILE);
    if (!existsSync(keyPath)) return null;
    return latestAnchoredHead(this.config.wormDir, readAnchorPublicKey(keyPath), tenant);
  }
}
