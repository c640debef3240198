import { sql } from 'kysely';
import type { Job } from 'pg-boss';
import type { DatabaseHandle } from '../db/database.ts';
import { isAppError } from '../errors.ts';
import { getOrganisation } from '../modules/organisations/organisation-service.ts';
import { dispatchOutbox, type DispatchSummary } from '../modules/messaging/dispatch.ts';
import { transportsFor } from '../modules/messaging/transports-config.ts';
import type { JobRunner } from './boss.ts';

// The outbox dispatcher as jobs: clock → organisations → one dispatch job each. Every minute a tick
// job finds the organisations that have messages due and queues a dispatch job for each (one insert);
// the queue is exclusive per organisation, so none is queued again while its previous one waits or
// runs, and an organisation with nothing due costs no job at all. A dispatch job sends the
// organisation's due messages with the transports configured for it (transportsFor). Several worker
// processes share the jobs, and dispatchers of one organisation share its queue (SKIP LOCKED).

export const OUTBOX_DISPATCH_QUEUE = 'outbox-dispatch';
export const OUTBOX_TICK_QUEUE = 'outbox-dispatch-tick';
export const OUTBOX_TICK_CRON = '* * * * *';
/** A dispatch job stops claiming after this long and returns; the next tick queues the rest. */
const DISPATCH_BUDGET_MS = 10 * 60_000;

export interface OutboxJobData {
  orgId: string;
}

export interface OutboxJobOutput extends Partial<DispatchSummary> {
  orgId: string;
  skipped?: string;
}

export interface OutboxTickOutput {
  /** Organisations with messages due now. */
  due: number;
  /** Dispatch jobs queued (fewer when an organisation's previous job still waits or runs). */
  queued: number;
}

/** Creates the queues; schedules the tick and/or registers the workers as the runner's options say. */
export async function setUpOutboxJobs(runner: JobRunner): Promise<void> {
  const { boss, options } = runner;
  await boss.createQueue(OUTBOX_DISPATCH_QUEUE, { policy: 'exclusive', retryLimit: 1, retryDelay: 30, expireInSeconds: DISPATCH_BUDGET_MS / 1000 + 300 });
  await boss.createQueue(OUTBOX_TICK_QUEUE, { policy: 'exclusive', retryLimit: 0, expireInSeconds: 120 });
  if (options.schedule) await boss.schedule(OUTBOX_TICK_QUEUE, OUTBOX_TICK_CRON, {}, { tz: 'UTC' });
  if (options.work) {
    const polling = { pollingIntervalSeconds: options.pollingSeconds ?? 2, batchSize: 1 };
    // NOTE: two organisations at a time per process on PostgreSQL (a dispatcher holds at most two of the
    // app pool's ten connections: a claim and a write); PGlite is one connection, so one.
    const dispatching = { ...polling, localConcurrency: runner.handle.kind === 'postgres' ? 2 : 1 };
    await boss.work<OutboxJobData, OutboxJobOutput>(OUTBOX_DISPATCH_QUEUE, dispatching, async ([job]) => {
      if (!job) throw new Error('pg-boss handed the outbox worker no job.');
      return runOutboxDispatchJob(runner.handle, job, runner.signal);
    });
    await boss.work<object, OutboxTickOutput>(OUTBOX_TICK_QUEUE, polling, () => queueDueOutboxes(runner));
  }
}

/** Queues a dispatch job for every organisation with messages due now. */
export async function queueDueOutboxes(runner: JobRunner): Promise<OutboxTickOutput> {
  // NOTE: across organisations, as the owner (like listing them); one probe of the claim index each.
  const due = await sql<{ org_id: string }>`
    SELECT o.org_id FROM organisation o
    WHERE EXISTS (
      SELECT 1 FROM outbox_message m
      WHERE m.org_id = o.org_id AND m.status IN ('queued', 'sending') AND (m.next_attempt_at IS NULL OR m.next_attempt_at <= now()))
    ORDER BY o.org_id`.execute(runner.handle.db);
  if (due.rows.length === 0) return { due: 0, queued: 0 };
  const ids = await runner.boss.insert(
    OUTBOX_DISPATCH_QUEUE,
    due.rows.map((r) => ({ data: { orgId: r.org_id } satisfies OutboxJobData, singletonKey: r.org_id })),
    { returnId: true },
  );
  return { due: due.rows.length, queued: ids?.length ?? 0 };
}

/** Queues the dispatch of one organisation now; null when its previous job still waits or runs. */
export async function enqueueOutboxDispatch(runner: JobRunner, orgId: string): Promise<string | null> {
  return runner.boss.send(OUTBOX_DISPATCH_QUEUE, { orgId } satisfies OutboxJobData, { singletonKey: orgId });
}

async function runOutboxDispatchJob(handle: DatabaseHandle, job: Job<OutboxJobData>, stopping: AbortSignal): Promise<OutboxJobOutput> {
  const { orgId } = job.data;
  let org;
  try {
    org = await getOrganisation(handle.db, orgId);
  } catch (e) {
    if (isAppError(e) && e.code === 'organisation_not_found') return { orgId, skipped: 'no such organisation' };
    throw e;
  }
  const { transports, close } = transportsFor(org);
  try {
    // Stops when the process shuts down, pg-boss gives up on the job, or the budget is spent; the
    // messages claimed but not handed over go back to the queue.
    const signal = AbortSignal.any([stopping, job.signal, AbortSignal.timeout(DISPATCH_BUDGET_MS)]);
    const summary = await dispatchOutbox(handle.db, org, { ...transports, signal });
    return { orgId, ...summary };
  } finally {
    close();
  }
}
