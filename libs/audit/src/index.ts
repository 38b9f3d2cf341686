export { AuditModule } from './audit.module';
export { AuditService } from './audit.service';
export { auditConfig, type AuditConfig, AuditEnv, loadAuditConfig } from './audit.config';
export {
  AuditCursorInvalidException,
  AuditRangeInvalidException,
  AuditUnavailableException,
} from './audit.exception';
export {
  type AuditRecord,
  type AuditRecordBody,
  type ChainHead,
  type ChainReport,
  GATEWAY_TENANT,
  GENESIS_HASH,
} from './audit.types';
export { AuditEventEntity } from './entities/audit-event.entity';
export { canonicalAuditBody, hashAuditBody } from './chain/audit-hash.util';
export { ChainVerifier } from './chain/chain-verifier.util';
export { redactDetails } from './redaction/audit-redaction.util';
export { type FileReport, verifyJsonlFile } from './verify/jsonl-verifier.util';
export { type DayFilesReport, verifyDayFiles } from './verify/day-files-verifier.util';
export { chainTenants, type RowQuery, verifyStoredChain } from './verify/stored-chain.util';
export { checkExpectedHeads, latestAnchoredHead } from './verify/expected-heads.util';
export { ANCHOR_PUBLIC_KEY_FILE, readAnchorPublicKey } from './mirror/anchor.util';
export { anchorFileOf, dayFileName } from './mirror/jsonl-mirror.util';
