export { LogCapture } from './log-capture.util';
export { createTestDatabase, runSql, testDatabaseUrl } from './test-database.util';
