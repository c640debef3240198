import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { createJobRunner, type JobRunner } from '../../src/jobs/boss.ts';
import {
  OUTBOX_DISPATCH_QUEUE, OUTBOX_TICK_CRON, OUTBOX_TICK_QUEUE, enqueueOutboxDispatch, type OutboxJobData, type OutboxJobOutput, type OutboxTickOutput,
} from '../../src/jobs/outbox-jobs.ts';

// The outbox dispatcher as pg-boss jobs, on the test database, sending to a real SMTP server in
// this process: the organisation's SMTP settings (transportsFor) are used, a message arrives once.

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';

let tdb: TestDatabase;
let runner: JobRunner;
let sink: SmtpSink | undefined;
let smtpUrl: string;
const received: ParsedMail[] = [];
let withSmtp: Organisation;
let withoutSmtp: Organisation;
let idle: Organisation;
const savedSmtpUrl = process.env.ARFLOW_SMTP_URL;

async function withQueuedReminder(number: string): Promise<Organisation> {
  const org = await makeOrg(tdb.db, 'NL');
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv([HEADER, `${number},K1,Piet Klaassen,consumer,NL,piet@example.nl,Kerkweg 5,5678 CD,Utrecht,2026-01-05,2026-01-19,121.00`]),
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-01-22' });
  assert.equal(run.messages.length, 1);
  return org;
}

before(async () => {
  delete process.env.ARFLOW_SMTP_URL; // the organisation's own setting is what this test uses
  tdb = await createTestDatabase();
  sink = await startSmtpSink(received);
  smtpUrl = sink.url;
  withSmtp = await withQueuedReminder('O-1');
  await tdb.db.updateTable('organisation').set({ messaging: JSON.stringify({ smtp_url: smtpUrl, message_id_domain: 'jobs.arflow.test' }) }).where('org_id', '=', withSmtp.org_id).execute();
  withoutSmtp = await withQueuedReminder('O-2');
  idle = await makeOrg(tdb.db, 'BE');
  // No timekeeping here, so no cron tick lands between the test's own; the schedule is checked last.
  runner = await createJobRunner(tdb, { schedule: false, work: true, pollingSeconds: 0.5 });
});

after(async () => {
  await runner?.stop();
  await tdb?.close();
  await sink?.close();
  if (savedSmtpUrl !== undefined) process.env.ARFLOW_SMTP_URL = savedSmtpUrl;
});

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function settled<T>(queue: string, id: string): Promise<{ state: string; output: T }> {
  return until(`job ${id} on ${queue} to finish`, async () => {
    const [job] = await runner.boss.findJobs(queue, { id });
    if (!job || (job.state !== 'completed' && job.state !== 'failed')) return null;
    return { state: job.state, output: job.output as T };
  });
}

/** The dispatch jobs of one organisation, oldest first. */
async function dispatchJobs(org: Organisation): Promise<{ id: string; state: string; output: OutboxJobOutput }[]> {
  const jobs = await runner.boss.findJobs<OutboxJobData>(OUTBOX_DISPATCH_QUEUE, { key: org.org_id });
  return jobs.map((j) => ({ id: j.id, state: j.state, output: j.output as OutboxJobOutput }));
}

async function message(org: Organisation) {
  return inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['status', 'message_id_header', 'last_error', 'attempts', 'possible_duplicate']).executeTakeFirstOrThrow());
}

describe('outbox dispatch jobs', () => {
  test('a tick queues a job for each organisation with messages due; the message arrives once', async () => {
    const tick = await runner.boss.send(OUTBOX_TICK_QUEUE, {});
    assert.ok(tick);
    const done = await settled<OutboxTickOutput>(OUTBOX_TICK_QUEUE, tick);
    assert.equal(done.state, 'completed');
    assert.deepEqual(done.output, { due: 2, queued: 2 });
    assert.equal((await dispatchJobs(idle)).length, 0);

    const [job] = await until('the dispatch job of the organisation with SMTP', async () => {
      const jobs = (await dispatchJobs(withSmtp)).filter((j) => j.state === 'completed');
      return jobs.length > 0 ? jobs : null;
    });
    assert.deepEqual({ ...job!.output }, { orgId: withSmtp.org_id, sent: 1, failed: 0, waiting: 0, possibleDuplicates: 0 });
    assert.equal(received.length, 1, 'exactly one delivery');
    const stored = await message(withSmtp);
    assert.equal(stored.status, 'sent');
    assert.equal(received[0]!.messageId, stored.message_id_header);
    assert.match(stored.message_id_header ?? '', /@jobs\.arflow\.test>$/);
    assert.equal((received[0]!.to as { text: string }).text, 'piet@example.nl');

    // Without a transport the message waits with the reason; the jobs look again within the hour.
    await until('the dispatch job of the organisation without SMTP', async () => ((await dispatchJobs(withoutSmtp)).some((j) => j.state === 'completed') ? true : null));
    const waiting = await message(withoutSmtp);
    assert.deepEqual({ status: waiting.status, attempts: waiting.attempts }, { status: 'queued', attempts: 0 });
    assert.match(waiting.last_error ?? '', /no email transport/);
  });

  test('nothing due: the next tick queues nothing and nothing is sent again', async () => {
    const tick = await runner.boss.send(OUTBOX_TICK_QUEUE, {});
    assert.ok(tick);
    const done = await settled<OutboxTickOutput>(OUTBOX_TICK_QUEUE, tick);
    assert.deepEqual(done.output, { due: 0, queued: 0 });
    const again = await enqueueOutboxDispatch(runner, withSmtp.org_id);
    assert.ok(again);
    const rerun = await settled<OutboxJobOutput>(OUTBOX_DISPATCH_QUEUE, again);
    assert.deepEqual({ ...rerun.output }, { orgId: withSmtp.org_id, sent: 0, failed: 0, waiting: 0, possibleDuplicates: 0 });
    assert.equal(received.length, 1, 'still one delivery');
  });

  test('a job for an organisation that is gone completes without sending', async () => {
    const id = await enqueueOutboxDispatch(runner, 'org_gone');
    assert.ok(id);
    const done = await settled<OutboxJobOutput>(OUTBOX_DISPATCH_QUEUE, id);
    assert.equal(done.state, 'completed');
    assert.deepEqual(done.output, { orgId: 'org_gone', skipped: 'no such organisation' });
  });

  test('a runner that keeps time schedules the tick every minute, in UTC', async () => {
    assert.deepEqual(await runner.boss.getSchedules(OUTBOX_TICK_QUEUE), [], 'not without timekeeping');
    const clock = await createJobRunner(tdb, { schedule: true, work: false });
    try {
      const ticks = await clock.boss.getSchedules(OUTBOX_TICK_QUEUE);
      assert.equal(ticks.length, 1);
      assert.equal(ticks[0]!.cron, OUTBOX_TICK_CRON);
      assert.equal(OUTBOX_TICK_CRON, '* * * * *');
      assert.equal(ticks[0]!.timezone, 'UTC');
    } finally {
      await clock.stop();
    }
  });
});
