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
import { runFollowup, runInTransaction, forecastFollowup, type RunResult } from '../../src/modules/followup/daily-run.ts';
import { completeTask, resolveDispute } from '../../src/modules/followup/task-service.ts';
import { ensureDefaultSegments, saveWorkflow } from '../../src/modules/followup/segments.ts';
import type { WorkflowStep } from '../../src/modules/followup/workflow.ts';
import { fourteenDayLetterDeadline, nlStatutoryInterest, wikCollectionCosts } from '../../src/core/law/nl.ts';

// Debtors played day by day from the invoice date to hand-over, every step, date and amount asserted.

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb.close();
});

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';

async function setup(rows: string[], country: 'NL' | 'BE' = 'NL'): Promise<Organisation> {
  const org = await makeOrg(tdb.db, country);
  await importInvoiceFile(tdb.db, org, { fileName: 'f.csv', content: csv([HEADER, ...rows]), today: '2026-01-05' });
  return org;
}

type Happening = [date: string, what: string];

/** Runs every day from..to; returns what happened per day as [date, 'kind:detail'] pairs. */
async function play(org: Organisation, from: string, to: string, each?: (date: string) => Promise<void>): Promise<Happening[]> {
  const out: Happening[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) {
    if (each) await each(d);
    const r = await runFollowup(tdb.db, org, { date: d });
    out.push(...describeRun(r));
  }
  return out;
}

function describeRun(r: RunResult): Happening[] {
  return [
    ...r.messages.map((m): Happening => [r.date, `message:${m.stepKey}:${[...m.invoices].sort().join('+')}`]),
    ...r.tasks.map((t): Happening => [r.date, `task:${t.kind}:${t.invoices.join('+')}`]),
    ...r.charges.map((c): Happening => [r.date, `charge:${c.invoiceNumber}:${c.costs}:${c.interest}`]),
    ...r.handovers.map((h): Happening => [r.date, `handover:${h}`]),
  ];
}

describe('follow-up scenarios', () => {
  test('a Dutch consumer, from invoice date to hand-over', async () => {
    const org = await setup(['C-1,K1,Piet Klaassen,consumer,NL,piet@example.nl,Kerkweg 5,5678 CD,Utrecht,2026-01-05,2026-01-19,121.00']);
    const happened = await play(org, '2026-01-05', '2026-04-30');
    const letter = fourteenDayLetterDeadline('2026-02-09');
    const interest = nlStatutoryInterest({ principal: 12100n, from: '2026-01-20', to: '2026-03-02', kind: 'statutory' }).interest;
    assert.deepEqual(happened, [
      ['2026-01-16', 'message:pre_due:C-1'], // due −3, a Friday
      ['2026-01-22', 'message:reminder_1:C-1'], // due +3
      ['2026-02-02', 'message:reminder_2:C-1'], // due +14
      ['2026-02-09', 'message:fourteen_day_letter:C-1'], // due +21
      ['2026-03-02', `charge:C-1:4000:${interest}`], // due +42, after the letter's deadline; WIK minimum €40
      ['2026-03-20', 'task:handover:C-1'], // due +60: hand-over, a task to send the dossier
      ['2026-03-20', 'handover:C-1'],
    ]);
    assert.ok(letter.deadline < '2026-03-02', `the costs come after the letter's deadline ${letter.deadline}`);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const msg = await trx.selectFrom('outbox_message').select(['data', 'template', 'channels']).where('step_key', '=', 'fourteen_day_letter').executeTakeFirstOrThrow();
      const data = msg.data as { deadline: string; stated_costs: string };
      assert.equal(data.deadline, letter.deadline);
      assert.equal(data.stated_costs, wikCollectionCosts(12100n).total.toString(), 'the letter states the exact costs');
      assert.deepEqual(msg.channels, ['letter']);
      const inv = await trx.selectFrom('invoice').select(['open_amount', 'collection_status']).executeTakeFirstOrThrow();
      assert.equal(inv.collection_status, 'in_collection');
      assert.equal(inv.open_amount, 12100n + 4000n + interest);
    });
  });
});

describe('more follow-up scenarios', () => {
  test('a Dutch business debtor: reminders on business days, call, formal notice and charges, hand-over', async () => {
    const org = await setup(['B-1,Z1,Jansen B.V.,business,NL,info@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,2026-01-05,2026-02-04,1210.00']);
    const happened = await play(org, '2026-01-05', '2026-04-30');
    const interest = nlStatutoryInterest({ principal: 121000n, from: '2026-02-05', to: '2026-03-04', kind: 'commercial' }).interest;
    assert.deepEqual(happened, [
      ['2026-01-30', 'message:pre_due:B-1'], // due −5 (over €1,000)
      ['2026-02-09', 'message:reminder_1:B-1'], // due +3 is Saturday 7 Feb: the next business day
      ['2026-02-18', 'message:reminder_2:B-1'],
      ['2026-02-25', 'task:call:B-1'],
      ['2026-03-04', 'message:formal_notice:B-1'], // formal notice and charge on the same day: both
      ['2026-03-04', `charge:B-1:${wikCollectionCosts(121000n).total}:${interest}`],
      ['2026-04-01', 'task:handover:B-1'], // due +56
      ['2026-04-01', 'handover:B-1'],
    ]);
  });

  test('the same day twice, or a run that dies halfway, creates no duplicate step', async () => {
    const org = await setup(['D-1,Z2,De Vries VOF,business,NL,dv@example.nl,Laan 1,1000 AA,Amsterdam,2026-01-05,2026-02-04,1500.00']);
    const first = await runFollowup(tdb.db, org, { date: '2026-02-09' });
    assert.equal(first.messages.length, 1);
    const again = await runFollowup(tdb.db, org, { date: '2026-02-09' });
    assert.deepEqual([again.executed, again.messages.length], [0, 0]);
    // A run that dies after doing its work but before committing leaves nothing behind.
    await assert.rejects(
      inOrg(tdb.db, org.org_id, async (trx) => {
        const r = await runInTransaction(trx, org, { date: '2026-02-18' });
        assert.equal(r.messages.length, 1);
        throw new Error('killed');
      }),
      /killed/,
    );
    const rerun = await runFollowup(tdb.db, org, { date: '2026-02-18' });
    assert.equal(rerun.messages.length, 1);
    const counts = await inOrg(tdb.db, org.org_id, (trx) => sql<{ e: bigint; m: bigint }>`SELECT (SELECT count(*) FROM followup_execution) AS e, (SELECT count(*) FROM outbox_message) AS m`.execute(trx));
    assert.deepEqual(counts.rows[0], { e: 3n, m: 2n }, 'pre-due superseded by reminder 1 (skipped), reminder 1, reminder 2; two messages');
  });

  test('a week without runs catches up with one message per debtor, listing every invoice at that level', async () => {
    const org = await setup([
      'W-1,Z3,Bakker B.V.,business,NL,b@bakker.nl,Weg 1,1000 AA,Amsterdam,2026-01-05,2026-02-04,800.00',
      'W-2,Z3,Bakker B.V.,business,NL,b@bakker.nl,Weg 1,1000 AA,Amsterdam,2026-01-06,2026-02-05,200.00',
    ]);
    const r = await runFollowup(tdb.db, org, { date: '2026-02-20' });
    assert.deepEqual(r.messages.map((m) => [m.stepKey, m.invoices.sort()]), [['reminder_2', ['W-1', 'W-2']]]);
    assert.equal(r.skipped, 2, 'reminder 1 of both invoices superseded');
    const next = await runFollowup(tdb.db, org, { date: '2026-02-21' });
    assert.equal(next.messages.length, 0);
  });

  test('a promise kept, a promise broken, a partial payment and a dispute', async () => {
    const org = await setup([
      'P-1,Z4,Kees B.V.,business,NL,k@kees.nl,Weg 2,1000 AA,Amsterdam,2026-01-05,2026-02-04,400.00',
      'P-2,Z5,Henk B.V.,business,NL,h@henk.nl,Weg 3,1000 AA,Amsterdam,2026-01-05,2026-02-04,600.00',
      'P-3,Z6,Anna VOF,business,NL,a@anna.nl,Weg 4,1000 AA,Amsterdam,2026-01-05,2026-02-04,300.00',
    ]);
    await runFollowup(tdb.db, org, { date: '2026-02-25' }); // call tasks for all three (due +21)
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const tasks = await trx.selectFrom('task').innerJoin('debtor', 'debtor.debtor_id', 'task.debtor_id').select(['task_id', 'debtor.number']).where('task.kind', '=', 'call').execute();
      const task = (n: string) => tasks.find((t) => t.number === n)!.task_id;
      await completeTask(trx, org.org_id, task('Z4'), { outcome: 'expected_payment_date', date: '2026-03-10' }, 'test', '2026-02-25');
      await completeTask(trx, org.org_id, task('Z5'), { outcome: 'expected_payment_date', date: '2026-03-10' }, 'test', '2026-02-25');
      await completeTask(trx, org.org_id, task('Z6'), { outcome: 'dispute', reason: 'goods damaged' }, 'test', '2026-02-25');
      const p1 = await trx.selectFrom('invoice').select('invoice_id').where('number', '=', 'P-1').executeTakeFirstOrThrow();
      await allocatePayment(trx, { invoiceId: p1.invoice_id, amount: 40000n, bookingDate: '2026-03-09', actor: 'test' });
      const p2 = await trx.selectFrom('invoice').select('invoice_id').where('number', '=', 'P-2').executeTakeFirstOrThrow();
      await allocatePayment(trx, { invoiceId: p2.invoice_id, amount: 10000n, bookingDate: '2026-03-09', actor: 'test' }); // a partial payment
    });
    // While the promises run, nothing happens to P-1 and P-2; the disputed P-3 is out of the follow-up.
    const during = await runFollowup(tdb.db, org, { date: '2026-03-04' });
    assert.deepEqual(during.messages, []);
    assert.equal(during.invoicesConsidered, 0);
    // After date + grace (3 days): P-1 paid, promise kept; P-2 broken: a task, and the workflow resumes on what is open.
    const after = await runFollowup(tdb.db, org, { date: '2026-03-14' });
    assert.deepEqual([after.promisesKept, after.promisesBroken], [1, 1]);
    assert.deepEqual(after.tasks.filter((t) => t.kind === 'promise_broken').map((t) => [t.debtorNumber, t.invoices]), [['Z5', ['P-2']]]);
    const resumed = after.messages.find((m) => m.debtorNumber === 'Z5');
    assert.deepEqual([resumed?.stepKey, resumed?.amount], ['formal_notice', 50000n], 'the formal notice for what is still open');
    assert.ok(!after.messages.some((m) => m.debtorNumber === 'Z6'), 'disputed: no message');
    // The dispute is resolved: P-3 comes back in the follow-up.
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const d = await trx.selectFrom('dispute').select('dispute_id').executeTakeFirstOrThrow();
      await resolveDispute(trx, org.org_id, d.dispute_id, 'credit note refused: goods were fine', 'test');
    });
    const back = await runFollowup(tdb.db, org, { date: '2026-03-16' });
    assert.ok(back.messages.some((m) => m.debtorNumber === 'Z6'));
  });

  test('a forecast shows the coming days and changes nothing', async () => {
    const org = await setup(['F-1,Z7,Frits B.V.,business,NL,f@frits.nl,Weg 5,1000 AA,Amsterdam,2026-01-05,2026-02-04,1500.00']);
    const days = await forecastFollowup(tdb.db, org, { from: '2026-01-28', to: '2026-02-20' });
    assert.deepEqual(days.flatMap(describeRun), [
      ['2026-01-30', 'message:pre_due:F-1'], ['2026-02-09', 'message:reminder_1:F-1'], ['2026-02-18', 'message:reminder_2:F-1'],
    ]);
    const left = await inOrg(tdb.db, org.org_id, (trx) => sql<{ n: bigint }>`SELECT (SELECT count(*) FROM followup_execution) + (SELECT count(*) FROM outbox_message) AS n`.execute(trx));
    assert.equal(left.rows[0]?.n, 0n);
  });
});

describe('the 14-day letter and its costs', () => {
  test('costs are those the letter stated, charged once for all its invoices', async () => {
    const org = await setup([
      'L-1,K9,Sanne de Boer,consumer,NL,s@example.nl,Laan 3,1000 AA,Amsterdam,2026-01-05,2026-01-19,50.00',
      'L-2,K9,Sanne de Boer,consumer,NL,s@example.nl,Laan 3,1000 AA,Amsterdam,2026-01-05,2026-01-19,50.00',
    ]);
    const happened = await play(org, '2026-01-05', '2026-03-10');
    const letterDay = happened.find((h) => h[1].startsWith('message:fourteen_day_letter'));
    assert.deepEqual(letterDay, ['2026-02-09', 'message:fourteen_day_letter:L-1+L-2']);
    const charges = happened.filter((h) => h[1].startsWith('charge:')).map((h) => h[1].split(':').slice(1, 3));
    // WIK on the letter's principal of €100: the €40 minimum, once, not €40 per invoice.
    assert.deepEqual(charges.map(([, costs]) => costs).sort(), ['0', String(wikCollectionCosts(10000n).total)]);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const stated = await trx.selectFrom('outbox_message').select('data').where('step_key', '=', 'fourteen_day_letter').executeTakeFirstOrThrow();
      const fees = await sql<{ total: bigint }>`SELECT coalesce(sum(amount), 0)::int8 AS total FROM ledger_entry WHERE entry_type = 'fee_charged'`.execute(trx);
      assert.equal(fees.rows[0]?.total.toString(), (stated.data as { stated_costs: string }).stated_costs);
    });
  });
});

describe('interest charged again as it accrues', () => {
  // A business workflow with a charge, a later interest-only charge, and a monthly repeating one.
  const steps: WorkflowStep[] = [
    { key: 'charge', type: 'charge', anchor: 'due_date', offsetDays: 28, charge: { costs: true, interest: true } },
    { key: 'charge_2', type: 'charge', anchor: 'due_date', offsetDays: 45, charge: { costs: false, interest: true } },
    { key: 'interest', type: 'charge', anchor: 'due_date', offsetDays: 60, repeatEveryDays: 30, charge: { costs: true, interest: true } },
  ];
  async function withSteps(rows: string[]): Promise<Organisation> {
    const org = await setup(rows);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await ensureDefaultSegments(trx, org.org_id);
      await saveWorkflow(trx, org.org_id, 'business', steps, 'test');
    });
    return org;
  }
  const ledger = (org: Organisation, number: string) =>
    inOrg(tdb.db, org.org_id, async (trx) => {
      const r = await sql<{ costs: bigint; interest: bigint; keys: string[] }>`
        SELECT coalesce(sum(e.amount) FILTER (WHERE e.entry_type = 'fee_charged'), 0)::int8 AS costs,
          coalesce(sum(e.amount) FILTER (WHERE e.entry_type = 'interest_charged'), 0)::int8 AS interest,
          (SELECT array_agg(x.step_key ORDER BY x.step_key) FROM followup_execution x WHERE x.invoice_id = i.invoice_id) AS keys
        FROM invoice i JOIN ledger_entry e ON e.invoice_id = i.invoice_id WHERE i.number = ${number} GROUP BY i.invoice_id`.execute(trx);
      return r.rows[0]!;
    });

  test('each charge books only the interest accrued since the last one, never less than zero; costs once', async () => {
    const org = await withSteps([
      'I-1,Y1,Ijzer B.V.,business,NL,i@ijzer.nl,Weg 1,1000 AA,Amsterdam,2026-01-05,2026-02-04,1210.00',
      'I-2,Y2,Haan B.V.,business,NL,h@haan.nl,Weg 2,1000 AA,Amsterdam,2026-01-05,2026-02-04,1210.00',
    ]);
    const happened = await play(org, '2026-02-20', '2026-07-10', async (d) => {
      if (d !== '2026-03-10') return;
      await inOrg(tdb.db, org.org_id, async (trx) => {
        const i2 = await trx.selectFrom('invoice').select('invoice_id').where('number', '=', 'I-2').executeTakeFirstOrThrow();
        await allocatePayment(trx, { invoiceId: i2.invoice_id, amount: 60500n, bookingDate: d, actor: 'test' }); // half the principal
      });
    });
    // Statutory commercial interest 10.15% on €1,210.00 from 5 February 2026: €9.08 to 4 March, €14.81 to
    // 21 March, €19.85 to 5 April, €29.95 to 5 May, €40.04 to 4 June, €50.14 to 4 July (a new rate
    // period from 1 July). On €605.00: €7.40, €9.93, €14.97, €20.02, €25.06.
    assert.deepEqual(happened.sort((a, b) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`)), [
      ['2026-03-04', 'charge:I-1:18150:908'], ['2026-03-04', 'charge:I-2:18150:908'], // due + 28: WIK costs €181.50 and the interest to date
      ['2026-03-21', 'charge:I-1:0:573'], // due + 45: 14.81 − 9.08
      ['2026-03-21', 'charge:I-2:0:0'], // half paid on 10 March: 7.40 to date on what is open, 9.08 charged before: nothing, not a negative charge
      ['2026-04-05', 'charge:I-1:0:504'], ['2026-04-05', 'charge:I-2:0:85'], // due + 60: 19.85 − 14.81; 9.93 − 9.08
      ['2026-05-05', 'charge:I-1:0:1010'], ['2026-05-05', 'charge:I-2:0:504'], // + 30 days: 29.95 − 19.85; 14.97 − 9.93
      ['2026-06-04', 'charge:I-1:0:1009'], ['2026-06-04', 'charge:I-2:0:505'],
      ['2026-07-04', 'charge:I-1:0:1010'], ['2026-07-04', 'charge:I-2:0:504'],
    ]);
    const i1 = await ledger(org, 'I-1');
    assert.deepEqual([i1.costs, i1.interest], [18150n, nlStatutoryInterest({ principal: 121000n, from: '2026-02-05', to: '2026-07-04', kind: 'commercial' }).interest]);
    assert.equal(i1.interest, 5014n);
    assert.deepEqual(i1.keys, ['charge', 'charge_2', 'interest', 'interest#1', 'interest#2', 'interest#3']);
    const i2 = await ledger(org, 'I-2');
    assert.deepEqual([i2.costs, i2.interest], [18150n, 2506n], 'what is charged equals the interest to date on what is open');
  });

  test('after weeks without a run the latest occurrence charges everything accrued, once; a rerun books nothing', async () => {
    const org = await withSteps(['I-3,Y3,Kalk B.V.,business,NL,k@kalk.nl,Weg 3,1000 AA,Amsterdam,2026-01-05,2026-02-04,1210.00']);
    const first = await runFollowup(tdb.db, org, { date: '2026-03-04' });
    assert.deepEqual(describeRun(first), [['2026-03-04', 'charge:I-3:18150:908']]);
    const late = await runFollowup(tdb.db, org, { date: '2026-06-10' }); // charge_2 (21 March) and the third interest date (4 June) due together
    assert.deepEqual(describeRun(late), [['2026-06-10', 'charge:I-3:0:3298'], ['2026-06-10', 'charge:I-3:0:0']]); // 42.06 − 9.08, then nothing left
    assert.deepEqual(describeRun(await runFollowup(tdb.db, org, { date: '2026-06-10' })), []);
    assert.deepEqual(describeRun(await runFollowup(tdb.db, org, { date: '2026-07-03' })), []);
    assert.deepEqual(describeRun(await runFollowup(tdb.db, org, { date: '2026-07-04' })), [['2026-07-04', 'charge:I-3:0:808']]); // 50.14 − 42.06
    const i3 = await ledger(org, 'I-3');
    assert.deepEqual(i3.keys, ['charge', 'charge_2', 'interest#2', 'interest#3']);
    assert.equal(i3.interest, 5014n);
  });

  test('only a charge step repeats', async () => {
    const org = await setup([]);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await ensureDefaultSegments(trx, org.org_id);
      await assert.rejects(
        saveWorkflow(trx, org.org_id, 'business', [{ key: 'nag', type: 'message', anchor: 'due_date', offsetDays: 3, repeatEveryDays: 7, message: { template: 'reminder_1', channels: ['email'] } }], 'test'),
        /step 1 \(nag\): only a charge step can repeat/,
      );
    });
  });
});
