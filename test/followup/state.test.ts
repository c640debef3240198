import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { addDays } from '../../src/core/dates.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { allocatePayment } from '../../src/modules/invoices/ledger-service.ts';
import { runFollowup, type RunResult } from '../../src/modules/followup/daily-run.ts';
import { ensureDefaultSegments, saveWorkflow } from '../../src/modules/followup/segments.ts';

// The follow-up state (migration 0010) only spares the run reading invoices: a run with it does
// exactly what a run reading every invoice in full does, through payments, a new workflow version,
// amount conditions and catching up.

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb.close();
});

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';
const ROWS = [
  'S-1,Z1,Jansen B.V.,business,NL,info@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,2026-01-05,2026-02-04,1210.00',
  'S-2,Z2,Smit B.V.,business,NL,info@smit.nl,Dorpsstraat 2,1234 AB,Amsterdam,2026-01-05,2026-02-04,600.00', // no pre-due notice (under €1,000)
  'S-3,Z3,Visser VOF,business,NL,info@visser.nl,Dorpsstraat 3,1234 AB,Amsterdam,2026-01-06,2026-02-05,300.00', // paid down under €250: no call
  'S-4,K1,Piet Klaassen,consumer,NL,piet@example.nl,Kerkweg 5,5678 CD,Utrecht,2026-01-05,2026-01-19,121.00',
  'S-5,K2,Els de Boer,consumer,NL,els@example.nl,Kerkweg 6,5678 CD,Utrecht,2026-01-12,2026-01-26,80.00',
];

const happenings = (r: RunResult): string[] => [
  ...r.messages.map((m) => `${r.date} message:${m.stepKey}:${[...m.invoices].sort().join('+')}:${m.amount}`),
  ...r.tasks.map((t) => `${r.date} task:${t.kind}:${[...t.invoices].sort().join('+')}`),
  ...r.charges.map((c) => `${r.date} charge:${c.invoiceNumber}:${c.costs}:${c.interest}`),
  ...r.handovers.map((h) => `${r.date} handover:${h}`),
  `${r.date} executed ${r.executed}, skipped ${r.skipped}, deferred ${r.deferred}`,
];

/** Every day from..to with the same happenings on the way; `stale` makes every state say "read me" before each run. */
async function play(org: Organisation, stale: boolean, quietDay: (date: string) => Promise<void>): Promise<string[]> {
  const out: string[] = [];
  for (let d = '2026-01-05'; d <= '2026-04-15'; d = addDays(d, 1)) {
    if (d === '2026-02-10') {
      // A new version of the business workflow: a step under a new key whose date has passed, one key kept, one moved.
      await inOrg(tdb.db, org.org_id, (trx) =>
        saveWorkflow(trx, org.org_id, 'business', [
          { key: 'reminder_1', type: 'message', anchor: 'due_date', offsetDays: 3, message: { template: 'reminder_1', channels: ['email'] } },
          { key: 'late_call', type: 'task', anchor: 'due_date', offsetDays: 4, task: { kind: 'call', assignee: 'credit_controller' } },
          { key: 'reminder_2', type: 'message', anchor: 'due_date', offsetDays: 20, message: { template: 'reminder_2', channels: ['email'] } },
          { key: 'call', type: 'task', anchor: 'due_date', offsetDays: 25, task: { kind: 'call', assignee: 'credit_controller' }, conditions: { minOpenAmount: '250.00' } },
          { key: 'handover', type: 'handover', anchor: 'due_date', offsetDays: 50 },
        ], 'test'),
      );
    }
    if (d === '2026-02-12') {
      await inOrg(tdb.db, org.org_id, async (trx) => {
        const s3 = await trx.selectFrom('invoice').select('invoice_id').where('number', '=', 'S-3').executeTakeFirstOrThrow();
        await allocatePayment(trx, { invoiceId: s3.invoice_id, amount: 10000n, bookingDate: d, actor: 'test' });
      });
    }
    if (stale) await inOrg(tdb.db, org.org_id, (trx) => sql`UPDATE followup_state SET next_date = '1900-01-01'`.execute(trx));
    // Days without a run: the run after them catches up.
    if (d >= '2026-03-02' && d <= '2026-03-08') continue;
    await quietDay(d);
    out.push(...happenings(await runFollowup(tdb.db, org, { date: d })));
  }
  return out;
}

describe('the follow-up state', () => {
  test('a run with the state does what a run reading every invoice does; a quiet day does not read an invoice whose next step is later', async () => {
    const orgs: Organisation[] = [];
    for (let i = 0; i < 2; i++) {
      const org = await makeOrg(tdb.db, 'NL');
      await importInvoiceFile(tdb.db, org, { fileName: 'f.csv', content: csv([HEADER, ...ROWS]), today: '2026-01-05' });
      await inOrg(tdb.db, org.org_id, (trx) => ensureDefaultSegments(trx, org.org_id));
      orgs.push(org);
    }
    const [withState, full] = orgs as [Organisation, Organisation];
    const stateOf = (number: string) =>
      inOrg(tdb.db, withState.org_id, async (trx) => {
        const r = await sql<{ next_date: string | null; updated_at: Date }>`
          SELECT s.next_date::text AS next_date, s.updated_at FROM followup_state s JOIN invoice i ON i.invoice_id = s.invoice_id WHERE i.number = ${number}`.execute(trx);
        return r.rows[0];
      });
    let before: { next_date: string | null; updated_at: Date } | undefined;
    let checked = false;
    const a = await play(withState, false, async (d) => {
      // S-1 had its pre-due notice on 30 January; its next step, reminder 1, is dated 7 February.
      if (d === '2026-02-02') {
        before = await stateOf('S-1');
        assert.equal(before?.next_date, '2026-02-07');
      }
      // Nothing was due for S-1 on 2 February: the run did not read it, its state is as it was.
      if (d === '2026-02-03') {
        assert.deepEqual(await stateOf('S-1'), before, 'S-1 was not read');
        checked = true;
      }
    });
    const b = await play(full, true, async () => {});
    assert.ok(checked);
    // NOTE: the order within a day follows the generated debtor ids, which differ between the organisations.
    assert.deepEqual([...a].sort(), [...b].sort());
    assert.ok(a.includes('2026-02-10 task:call:S-1'), 'the new version\'s step under a new key ran at once');
    assert.ok(a.includes('2026-02-10 message:reminder_1:S-4:12100') || a.some((h) => h.includes('fourteen_day_letter:S-4')));
  });
});
