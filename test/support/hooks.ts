/** Mocha root hooks: the run's PostgreSQL starts before the first file and stops after the last. */
import { startTestCluster, stopTestCluster } from './database.ts';

export async function mochaGlobalSetup(): Promise<void> {
  await startTestCluster();
}

export async function mochaGlobalTeardown(): Promise<void> {
  await stopTestCluster();
}
