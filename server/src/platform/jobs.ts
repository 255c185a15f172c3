/**
 * Background jobs on PostgreSQL (graphile-worker). A job is enqueued with `addJob` inside the transaction of the
 * state change that causes it, so it exists exactly when the change does. Payloads are validated with zod when
 * the job runs (a job payload is an edge like any other).
 */
import { sql } from 'kysely';
import { Logger as WorkerLogger, parseCronItems, run, runMigrations, type Runner, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import type * as z from 'zod';
import type { Executor } from './db/database.ts';
import type { Logger } from './logger.ts';

export type JobDefinition<S extends z.ZodType = z.ZodType> = {
  /** Imperative, namespaced: `surveys.call-caller`, `auth.purge-expired-sessions`. */
  name: string;
  payload: S;
  run(payload: z.infer<S>, context: { logger: Logger; attempt: number; jobId: string }): Promise<void>;
};

export function defineJob<S extends z.ZodType>(job: JobDefinition<S>): JobDefinition<S> {
  return job;
}

export type AddJobOptions = {
  /** Replaces a pending job with the same key (a moved deadline replaces its reminder). */
  jobKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
};

/** Enqueues a job in the caller's transaction. */
export async function addJob<S extends z.ZodType>(
  executor: Executor,
  job: JobDefinition<S> | string,
  payload: z.input<S>,
  options: AddJobOptions = {},
): Promise<void> {
  const name = typeof job === 'string' ? job : job.name;
  await sql`select graphile_worker.add_job(
    ${name}::text,
    ${JSON.stringify(payload)}::json,
    run_at => ${options.runAt ?? null}::timestamptz,
    max_attempts => ${options.maxAttempts ?? null}::int,
    job_key => ${options.jobKey ?? null}::text,
    priority => ${options.priority ?? null}::int,
    job_key_mode => 'replace'
  )`.execute(executor);
}

/** Removes a pending job by key (the reminder of a deadline that no longer applies). */
export async function removeJob(executor: Executor, jobKey: string): Promise<void> {
  await sql`select graphile_worker.remove_job(${jobKey}::text)`.execute(executor);
}

/** Creates or upgrades graphile-worker's own schema. */
export async function migrateJobQueue(pool: pg.Pool, logger: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: workerLogger(logger) });
}

/** Sends graphile-worker's own log lines to pino, at the same levels. */
function workerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : level === 'info' ? 'debug' : 'trace';
    logger[method]({ worker: scope, ...meta }, message);
  });
}

export type Worker = { stop(): Promise<void>; isRunning(): boolean };

/** Starts the worker with every job definition and the recurring schedule. */
export async function startWorker(options: {
  pool: pg.Pool;
  jobs: JobDefinition[];
  concurrency: number;
  logger: Logger;
  /** Recurring jobs, e.g. `{ job: 'auth.purge-expired-tokens', cron: '0 3 * * *' }` (server time zone). */
  schedule?: { job: string; cron: string }[];
}): Promise<Worker> {
  const { logger } = options;
  const taskList: TaskList = {};
  for (const job of options.jobs) {
    const task: Task = async (raw, helpers) => {
      const parsed = job.payload.safeParse(raw);
      if (!parsed.success) {
        // A payload that can never be valid must not be retried forever; it is logged and dropped.
        logger.error({ job: job.name, jobId: helpers.job.id, issues: parsed.error.issues }, 'job payload is invalid; dropped');
        return;
      }
      await job.run(parsed.data, { logger: logger.child({ job: job.name, jobId: helpers.job.id }), attempt: helpers.job.attempts, jobId: helpers.job.id });
    };
    taskList[job.name] = task;
  }
  let running = true;
  const runner: Runner = await run({
    pgPool: options.pool,
    taskList,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    parsedCronItems: parseCronItems((options.schedule ?? []).map((s) => ({ task: s.job, match: s.cron, identifier: s.job }))),
    logger: workerLogger(logger),
  });
  runner.promise.then(
    () => (running = false),
    (error: unknown) => {
      running = false;
      logger.error({ err: error }, 'job worker stopped with an error');
    },
  );
  return {
    isRunning: () => running,
    stop: async () => {
      if (!running) return;
      await runner.stop();
      running = false;
    },
  };
}
