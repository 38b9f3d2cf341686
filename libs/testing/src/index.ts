export { makeCatalogManifest, makeManifest, makeManifestRow, makePrincipal } from './catalog-fixtures.util';
export { LogCapture } from './log-capture.util';
export { type ProviderFactory, runProviderContractSuite } from './provider-contract.util';
export { createTestDatabase, runSql, testDatabaseUrl } from './test-database.util';
export { TestProviderModule } from './test-provider/test-provider.module';
export { TestProviderService } from './test-provider/test-provider.service';
export { waitUntil } from './wait-until.util';
export { startCatalogModule } from './catalog-module.util';
