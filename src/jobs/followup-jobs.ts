import type { Job, Schedule, ScheduleOptions } from 'pg-boss';
import type { DatabaseHandle } from '../db/database.ts';
import type { Organisation } from '../db/schema.ts';
import { isBusinessDate, todayIn } from '../core/dates.ts';
import { AppError, isAppError } from '../errors.ts';
import { getOrganisation, listOrganisations } from '../modules/organisations/organisation-service.ts';
import { runFollowup } from '../modules/followup/daily-run.ts';
import type { JobRunner } from './boss.ts';

// The daily follow-up run as jobs: one schedule per organisation, at 06:00 in its time zone, and
// "run now" jobs for one organisation and date. The run itself is idempotent (a step is executed
// once per invoice, under a per-organisation lock), so a job that runs twice, or a scheduled and a
// manual job for the same day, does the day's work once.

export const FOLLOWUP_QUEUE = 'followup-daily';
/** Re-reads the organisations into the schedules, so new ones and time-zone changes take effect. */
export const SCHEDULE_SYNC_QUEUE = 'followup-schedule-sync';
export const FOLLOWUP_CRON = '0 6 * * *';
const SCHEDULE_SYNC_CRON = '*/10 * * * *';

export interface FollowupJobData {
  orgId: string;
  /** The business date to run; absent for scheduled jobs, which run "today" in the organisation's zone. */
  date?: string;
  actor?: string;
}

export interface FollowupJobOutput {
  orgId: string;
  date: string | null;
  runId: string | null;
  skipped?: string;
  invoicesConsidered?: number;
  executed?: number;
  messages?: number;
  tasks?: number;
  charges?: number;
  handovers?: number;
}

/** Creates the queues; schedules and/or registers the workers as the runner's options say. */
export async function setUpFollowupJobs(runner: JobRunner): Promise<void> {
  const { boss, options } = runner;
  // `exclusive`: at most one job per singleton key waiting or running: a second "run now" for the
  // same organisation and date is refused while the first is pending, and a scheduled job is not
  // queued again while the organisation's previous one still waits (e.g. no worker was running).
  await boss.createQueue(FOLLOWUP_QUEUE, { policy: 'exclusive', retryLimit: 3, retryDelay: 60, retryBackoff: true, expireInSeconds: 3600 });
  await boss.createQueue(SCHEDULE_SYNC_QUEUE, { policy: 'exclusive', retryLimit: 1, expireInSeconds: 600 });
  if (options.schedule) {
    await syncSchedules(runner);
    await boss.schedule(SCHEDULE_SYNC_QUEUE, SCHEDULE_SYNC_CRON, {}, { tz: 'UTC' });
  }
  if (options.work) {
    const polling = { pollingIntervalSeconds: options.pollingSeconds ?? 2, batchSize: 1 };
    // batchSize 1: the handler gets one job, and its output is that job's.
    await boss.work<FollowupJobData, FollowupJobOutput>(FOLLOWUP_QUEUE, polling, async ([job]) => {
      if (!job) throw new Error('pg-boss handed the follow-up worker no job.');
      return runFollowupJob(runner.handle, job);
    });
    await boss.work<object, { scheduled: number; removed: number }>(SCHEDULE_SYNC_QUEUE, polling, () => syncSchedules(runner));
  }
}

async function runFollowupJob(handle: DatabaseHandle, job: Job<FollowupJobData>): Promise<FollowupJobOutput> {
  const { orgId, date } = job.data;
  let org: Organisation;
  try {
    org = await getOrganisation(handle.db, orgId);
  } catch (e) {
    // The organisation is gone: nothing to do, and nothing to retry.
    if (isAppError(e) && e.code === 'organisation_not_found') return { orgId, date: date ?? null, runId: null, skipped: 'no such organisation' };
    throw e;
  }
  if (date !== undefined && !isBusinessDate(date)) throw new Error(`The follow-up job has an invalid date "${date}".`);
  const runDate = date ?? todayIn(org.time_zone);
  const r = await runFollowup(handle.db, org, { date: runDate, actor: job.data.actor ?? 'scheduler' });
  // Counts only: the output is stored as JSON, and the run's amounts are BigInts.
  return {
    orgId, date: runDate, runId: r.runId, invoicesConsidered: r.invoicesConsidered, executed: r.executed, messages: r.messages.length,
    tasks: r.tasks.length, charges: r.charges.length, handovers: r.handovers.length,
  };
}

/**
 * Queues the follow-up run of one organisation for one date. Returns the job id, or null when a job
 * for that organisation and date is already waiting or running.
 */
export async function enqueueFollowupNow(runner: JobRunner, orgId: string, date: string, options: { actor?: string } = {}): Promise<string | null> {
  if (!isBusinessDate(date)) throw new AppError('bad_request', `"${date}" is not a date (YYYY-MM-DD).`);
  const data: FollowupJobData = { orgId, date, ...(options.actor ? { actor: options.actor } : {}) };
  return runner.boss.send(FOLLOWUP_QUEUE, data, { singletonKey: `${orgId}:${date}` });
}

function scheduleOptions(org: Organisation): ScheduleOptions {
  // `missed: 'once'`: when no process kept time at 06:00 (down, or between deploys), the next one
  // to start sends the day's job instead of skipping the day.
  return { tz: org.time_zone, key: org.slug, singletonKey: org.org_id, missed: 'once' };
}

function isCurrent(s: Schedule, org: Organisation): boolean {
  const data = s.data as Partial<FollowupJobData> | undefined;
  const wanted = scheduleOptions(org);
  return s.cron === FOLLOWUP_CRON && s.timezone === wanted.tz && data?.orgId === org.org_id
    && s.options?.singletonKey === wanted.singletonKey && s.options?.missed === wanted.missed;
}

/** The schedules as pg-boss holds them, every page. */
export async function listFollowupSchedules(runner: JobRunner): Promise<Schedule[]> {
  const all: Schedule[] = [];
  const limit = 1000;
  for (;;) {
    const last = all.at(-1);
    const page = await runner.boss.getSchedules(FOLLOWUP_QUEUE, undefined, { limit, ...(last ? { after: { name: last.name, key: last.key } } : {}) });
    all.push(...page);
    if (page.length < limit) return all;
  }
}

/**
 * Makes the follow-up schedules match the organisations: one per organisation (keyed by its slug)
 * at 06:00 in its time zone; schedules of organisations that are gone are removed. Runs at start,
 * every 10 minutes, and whenever called (after `init`, or a time-zone change).
 */
export async function syncSchedules(runner: JobRunner): Promise<{ scheduled: number; removed: number }> {
  const orgs = await listOrganisations(runner.handle.db);
  const existing = new Map((await listFollowupSchedules(runner)).map((s) => [s.key, s]));
  let scheduled = 0;
  let removed = 0;
  for (const org of orgs) {
    const current = existing.get(org.slug);
    existing.delete(org.slug);
    if (current && isCurrent(current, org)) continue;
    await runner.boss.schedule(FOLLOWUP_QUEUE, FOLLOWUP_CRON, { orgId: org.org_id } satisfies FollowupJobData, scheduleOptions(org));
    scheduled++;
  }
  for (const key of existing.keys()) {
    await runner.boss.unschedule(FOLLOWUP_QUEUE, key);
    removed++;
  }
  return { scheduled, removed };
}
