/**
 * Every migration, in order. Listed statically (not discovered on disk) so a typo fails type-checking
 * and the set is the same however the server is started.
 */
import type { Migration } from 'kysely/migration';
import * as m0001 from './0001_platform.ts';

export const migrations: Record<string, Migration> = {
  '0001_platform': m0001,
};
