import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { todayIn } from '../../src/core/dates.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { createJobRunner, BOSS_SCHEMA, type JobRunner } from '../../src/jobs/boss.ts';
import { pgliteBossDb } from '../../src/jobs/pglite-adapter.ts';
import {
  enqueueFollowupNow, listFollowupSchedules, syncSchedules, FOLLOWUP_CRON, FOLLOWUP_QUEUE, SCHEDULE_SYNC_QUEUE,
  type FollowupJobData, type FollowupJobOutput,
} from '../../src/jobs/followup-jobs.ts';

// pg-boss on the test database (PGlite, or PostgreSQL with DATABASE_URL): the runner installs its
// schema, schedules every organisation's daily run and works the "run now" jobs.

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';
const RUN_DATE = '2026-01-22'; // due + 3: the first reminder

let tdb: TestDatabase;
let runner: JobRunner;
let withInvoice: Organisation;
let empty: Organisation;

before(async () => {
  tdb = await createTestDatabase();
  withInvoice = await makeOrg(tdb.db, 'NL');
  empty = await makeOrg(tdb.db, 'BE');
  await importInvoiceFile(tdb.db, withInvoice, {
    fileName: 'f.csv',
    content: csv([HEADER, 'J-1,K1,Piet Klaassen,consumer,NL,piet@example.nl,Kerkweg 5,5678 CD,Utrecht,2026-01-05,2026-01-19,121.00']),
    today: '2026-01-05',
  });
  runner = await createJobRunner(tdb, { schedule: true, work: true, pollingSeconds: 0.5 });
});

after(async () => {
  await runner?.stop();
  await tdb?.close();
});

async function until<T>(what: string, probe: () => Promise<T | null | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function settled(id: string): Promise<{ state: string; output: FollowupJobOutput }> {
  return until(`job ${id} to finish`, async () => {
    const [job] = await runner.boss.findJobs<FollowupJobData>(FOLLOWUP_QUEUE, { id });
    if (!job || (job.state !== 'completed' && job.state !== 'failed')) return null;
    return { state: job.state, output: job.output as FollowupJobOutput };
  });
}

async function counts(org: Organisation): Promise<{ messages: number; runs: { run_date: string }[] }> {
  return inOrg(tdb.db, org.org_id, async (trx) => {
    const m = await trx.selectFrom('outbox_message').select(sql<bigint>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const runs = await trx.selectFrom('followup_run').select('run_date').orderBy('started_at').execute();
    return { messages: Number(m.n), runs };
  });
}

describe('job runner', () => {
  test('installs pg-boss in its own schema, with the queues', async () => {
    const schema = await sql<{ n: bigint }>`SELECT count(*) AS n FROM information_schema.schemata WHERE schema_name = ${BOSS_SCHEMA}`.execute(tdb.db);
    assert.equal(Number(schema.rows[0]!.n), 1);
    assert.ok(await runner.boss.getQueue(FOLLOWUP_QUEUE));
    assert.ok(await runner.boss.getQueue(SCHEDULE_SYNC_QUEUE));
    assert.ok((await runner.boss.schemaVersion()) !== null);
  });

  test('schedules each organisation at 06:00 in its time zone', async () => {
    const schedules = await runner.boss.getSchedules(FOLLOWUP_QUEUE);
    for (const org of [withInvoice, empty]) {
      const s = schedules.find((x) => x.key === org.slug);
      assert.ok(s, `a schedule for ${org.slug}`);
      assert.equal(s.cron, FOLLOWUP_CRON);
      assert.equal(s.cron, '0 6 * * *');
      assert.equal(s.timezone, org.time_zone);
      assert.deepEqual(s.data, { orgId: org.org_id });
    }
    assert.equal(withInvoice.time_zone, 'Europe/Amsterdam');
    assert.equal(empty.time_zone, 'Europe/Brussels');
    const sync = await runner.boss.getSchedules(SCHEDULE_SYNC_QUEUE);
    assert.equal(sync.length, 1);
  });

  test('syncSchedules follows new organisations, time-zone changes and removals', async () => {
    assert.deepEqual(await syncSchedules(runner), { scheduled: 0, removed: 0 }, 'nothing changed');
    const added = await makeOrg(tdb.db, 'NL');
    await tdb.db.updateTable('organisation').set({ time_zone: 'Europe/London' }).where('org_id', '=', empty.org_id).execute();
    await runner.boss.schedule(FOLLOWUP_QUEUE, FOLLOWUP_CRON, { orgId: 'org_gone' }, { key: 'gone-org', tz: 'UTC' });
    assert.deepEqual(await syncSchedules(runner), { scheduled: 2, removed: 1 });
    const byKey = new Map((await listFollowupSchedules(runner)).map((s) => [s.key, s]));
    assert.equal(byKey.get(empty.slug)?.timezone, 'Europe/London');
    assert.equal(byKey.get(added.slug)?.timezone, 'Europe/Amsterdam');
    assert.equal(byKey.has('gone-org'), false);
    await tdb.db.updateTable('organisation').set({ time_zone: 'Europe/Brussels' }).where('org_id', '=', empty.org_id).execute();
    await syncSchedules(runner);
  });

  test('a "run now" job runs the follow-up; a second one for the same day sends nothing twice', async () => {
    const [first, second] = await Promise.all([
      enqueueFollowupNow(runner, withInvoice.org_id, RUN_DATE),
      enqueueFollowupNow(runner, withInvoice.org_id, RUN_DATE),
    ]);
    const ids = [first, second].filter((x) => x !== null);
    assert.equal(ids.length, 1, 'one job per organisation and date while it is pending');
    const id = ids[0]!;
    await until('the reminder in the outbox', async () => ((await counts(withInvoice)).messages > 0 ? true : null));
    const done = await settled(id);
    assert.equal(done.state, 'completed');
    assert.equal(done.output.date, RUN_DATE);
    assert.equal(done.output.messages, 1);
    assert.deepEqual(await counts(withInvoice), { messages: 1, runs: [{ run_date: RUN_DATE }] });

    // Once the first has run, the same day can be queued again (e.g. after an import); it finds the work done.
    const again = await enqueueFollowupNow(runner, withInvoice.org_id, RUN_DATE);
    assert.ok(again);
    const rerun = await settled(again);
    assert.equal(rerun.state, 'completed');
    assert.equal(rerun.output.messages, 0);
    assert.deepEqual(await counts(withInvoice), { messages: 1, runs: [{ run_date: RUN_DATE }, { run_date: RUN_DATE }] });
  });

  test('a scheduled job (no date) runs today in the organisation\'s time zone', async () => {
    const id = await runner.boss.send(FOLLOWUP_QUEUE, { orgId: empty.org_id } satisfies FollowupJobData, { singletonKey: empty.org_id });
    assert.ok(id);
    const done = await settled(id);
    assert.equal(done.state, 'completed');
    assert.equal(done.output.date, todayIn(empty.time_zone));
    assert.deepEqual((await counts(empty)).runs, [{ run_date: todayIn(empty.time_zone) }]);
  });

  test('a job for an organisation that is gone completes without running', async () => {
    const id = await enqueueFollowupNow(runner, 'org_gone', RUN_DATE);
    assert.ok(id);
    const done = await settled(id);
    assert.equal(done.state, 'completed');
    assert.equal(done.output.skipped, 'no such organisation');
  });

  test('"run now" refuses a date that is not one', async () => {
    await assert.rejects(enqueueFollowupNow(runner, withInvoice.org_id, '2026-02-30'), /is not a date/);
  });

  test('the PGlite adapter: scripts, a failed transaction, stock parsing', { skip: process.env.DATABASE_URL !== undefined }, async () => {
    const db = pgliteBossDb(tdb.pglite!);
    const script = await db.executeSql('BEGIN; CREATE TEMP TABLE boss_probe (x int8); INSERT INTO boss_probe VALUES (7) RETURNING x, DATE \'2026-01-02\' AS d; COMMIT;');
    assert.deepEqual(script.rows, [{ x: 7, d: new Date('2026-01-02T00:00:00.000Z') }], 'the RETURNING rows, numbers and dates as pg-boss expects');
    await assert.rejects(db.executeSql('BEGIN; INSERT INTO boss_probe VALUES (8); SELECT 1/0; COMMIT;'), /division by zero/);
    // The session is not left in an aborted transaction: the app's next statement works, the insert was undone.
    const after = await sql<{ n: bigint }>`SELECT count(*) AS n FROM boss_probe`.execute(tdb.db);
    assert.equal(after.rows[0]!.n, 1n, 'the app keeps its own BigInt parsing');
    const params = await db.executeSql('SELECT $1::int8 + 1 AS n', [41]);
    assert.deepEqual(params.rows, [{ n: 42 }]);
  });

  test('stop() ends the runner; a second stop() is harmless', async () => {
    const extra = await createJobRunner(tdb, { schedule: false, work: true, pollingSeconds: 0.5 });
    await extra.stop();
    await extra.stop();
  });
});
