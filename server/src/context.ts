/**
 * What use cases need from the running platform, built once in main.ts (or by the test harness) and passed to
 * services as their first argument. Holding it in one explicit object keeps services free of globals.
 */
import type { Config } from './config.ts';
import type { Db } from './platform/db/database.ts';
import type { Logger } from './platform/logger.ts';
import type { Publisher } from './platform/realtime.ts';

export type AppContext = {
  config: Config;
  db: Db;
  logger: Logger;
  /** Pushes to consoles; a no-op publisher in processes without the web role. */
  publish: Publisher;
  /** HMAC key for access tokens: JWT_SECRET, or one generated once and kept in the database. */
  jwtSecret: string;
};

export const silentPublisher: Publisher = { toUser() {}, toRole() {}, toDepartment() {} };
