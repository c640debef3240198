import { PgBoss, type ConstructorOptions } from 'pg-boss';
import type pg from 'pg';
import type { DatabaseHandle } from '../db/database.ts';
import { pgliteBossDb } from './pglite-adapter.ts';
import { setUpFollowupJobs } from './followup-jobs.ts';
import { setUpOutboxJobs } from './outbox-jobs.ts';

// Background jobs and schedules, with pg-boss in the database's `pgboss` schema (created and
// migrated on start). On PGlite pg-boss shares the application's instance through a small adapter
// (one process per data folder); on PostgreSQL it has a small pool of its own to the same database,
// so any number of processes can work the queues.

export const BOSS_SCHEMA = 'pgboss';
const BOSS_POOL_SIZE = 5;

export interface JobRunnerOptions {
  /** Keep time: sync the organisations' schedules now and send their jobs when due. */
  schedule: boolean;
  /** Work the queues in this process. */
  work: boolean;
  /** How often an idle worker looks for jobs (pg-boss's minimum is 0.5; default 2). */
  pollingSeconds?: number;
  /** Errors from pg-boss's background work (maintenance, polling); default: a line on stderr. */
  onError?: (error: Error) => void;
}

export interface JobRunner {
  boss: PgBoss;
  handle: DatabaseHandle;
  options: JobRunnerOptions;
  /** Aborted when stop() begins: long jobs (the outbox dispatch) end early and put back what they hold. */
  signal: AbortSignal;
  /** Stops polling and timekeeping, waits (up to 30 s) for jobs in hand, and closes pg-boss's own pool. */
  stop(): Promise<void>;
}

/** Starts pg-boss on the database, creates the queues, and schedules and/or works them as asked. */
export async function createJobRunner(handle: DatabaseHandle, options: JobRunnerOptions): Promise<JobRunner> {
  const boss = new PgBoss(bossConfig(handle, options));
  const onError = options.onError ?? ((error: Error) => console.error(`arflow jobs: ${error.message}`));
  boss.on('error', onError);
  await boss.start();
  let stopping: Promise<void> | null = null;
  const stopSignal = new AbortController();
  const runner: JobRunner = {
    boss,
    handle,
    options,
    signal: stopSignal.signal,
    stop: () => {
      stopSignal.abort();
      return (stopping ??= boss.stop({ graceful: true, timeout: 30_000, close: true }));
    },
  };
  try {
    await setUpFollowupJobs(runner);
    await setUpOutboxJobs(runner);
  } catch (e) {
    await runner.stop();
    throw e;
  }
  return runner;
}

function bossConfig(handle: DatabaseHandle, options: JobRunnerOptions): ConstructorOptions {
  const common: ConstructorOptions = {
    schema: BOSS_SCHEMA,
    migrate: true,
    supervise: true,
    schedule: options.schedule,
  };
  if (handle.kind === 'pglite') {
    if (!handle.pglite) throw new Error('The PGlite database handle has no PGlite instance.');
    return { ...common, backend: 'pglite', db: pgliteBossDb(handle.pglite) };
  }
  if (!handle.pool) throw new Error('The PostgreSQL database handle has no pool.');
  // NOTE: not the app's pool: it parses int8 as BigInt and dates as strings, which pg-boss does not expect.
  return { ...common, backend: 'postgres', ...connectionOf(handle.pool), max: BOSS_POOL_SIZE, application_name: 'arflow-jobs' };
}

/** The app pool's connection settings, without its type parsers. */
function connectionOf(pool: pg.Pool): ConstructorOptions {
  const o = pool.options;
  const out: ConstructorOptions = {};
  if (o.connectionString !== undefined) out.connectionString = o.connectionString;
  if (o.host !== undefined) out.host = o.host;
  if (o.port !== undefined) out.port = o.port;
  if (o.user !== undefined) out.user = o.user;
  if (o.password !== undefined) out.password = o.password;
  if (o.database !== undefined) out.database = o.database;
  if (o.ssl !== undefined) out.ssl = o.ssl;
  return out;
}
