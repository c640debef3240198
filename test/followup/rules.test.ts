import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { allocatePayment } from '../../src/modules/invoices/ledger-service.ts';
import { addDays } from '../../src/core/dates.ts';
import { nlStatutoryInterest, wikCollectionCosts } from '../../src/core/law/nl.ts';
import { runFollowup, type RunResult } from '../../src/modules/followup/daily-run.ts';
import { setNoSendDays } from '../../src/modules/followup/no-send-days.ts';
import { getOrganisation } from '../../src/modules/organisations/organisation-service.ts';
import { registerMandate, revokeMandate } from '../../src/modules/mandates/mandate-service.ts';
import { ensureDefaultSegments, saveSegment } from '../../src/modules/followup/segments.ts';

// Segment rules and step conditions beyond the defaults: payment behaviour, closing days, mandates.

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb.close();
});

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';
const row = (n: string, debtor: string, issue: string, due: string, amount: string) => `${n},${debtor},Debtor ${debtor} B.V.,business,NL,${debtor.toLowerCase()}@example.nl,Weg 1,1000 AA,Amsterdam,${issue},${due},${amount}`;

async function setup(rows: string[]): Promise<Organisation> {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, { fileName: 'f.csv', content: csv([HEADER, ...rows]), today: '2026-01-05' });
  return org;
}

async function pay(org: Organisation, number: string, amount: bigint, date: string): Promise<void> {
  await inOrg(tdb.db, org.org_id, async (trx) => {
    const inv = await trx.selectFrom('invoice').select('invoice_id').where('number', '=', number).executeTakeFirstOrThrow();
    await allocatePayment(trx, { invoiceId: inv.invoice_id, amount, bookingDate: date, actor: 'test' });
  });
}

describe('segments by payment behaviour', () => {
  test('late payers and good payers get a workflow of their own; debtors without recent payments fall through', async () => {
    const org = await setup([
      // A: two invoices paid in the last 12 months, one 40 days late (in two parts), one on time: 20 days late on average, 50% late.
      row('H-A1', 'A', '2025-09-01', '2025-10-01', '100.00'), row('H-A2', 'A', '2025-10-01', '2025-11-01', '100.00'),
      // B: paid three days early. C: paid late, but more than 12 months ago. E: paid 5 days late (avg 5: neither late nor good payer).
      row('H-B1', 'B', '2025-09-01', '2025-10-01', '100.00'), row('H-C1', 'C', '2024-09-01', '2024-10-01', '100.00'), row('H-E1', 'E', '2025-09-01', '2025-10-01', '100.00'),
      // F: one invoice paid late but only after the run date: not counted.
      row('H-F1', 'F', '2025-09-01', '2025-10-01', '100.00'),
      // The open invoices the run looks at, all due 4 February 2026 (a Wednesday).
      ...['A', 'B', 'C', 'E', 'F'].map((d) => row(`N-${d}`, d, '2026-01-05', '2026-02-04', '500.00')),
    ]);
    await pay(org, 'H-A1', 4000n, '2025-10-15');
    await pay(org, 'H-A1', 6000n, '2025-11-10');
    await pay(org, 'H-A2', 10000n, '2025-11-01');
    await pay(org, 'H-B1', 10000n, '2025-09-28');
    await pay(org, 'H-C1', 10000n, '2024-12-01');
    await pay(org, 'H-E1', 10000n, '2025-10-06');
    await pay(org, 'H-F1', 10000n, '2026-03-01');
    const early = { type: 'task' as const, anchor: 'due_date' as const, offsetDays: -3 };
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await ensureDefaultSegments(trx, org.org_id);
      await saveSegment(trx, org.org_id, 'late-payers', {
        name: 'Late payers', position: 45, rules: { kind: 'business', paymentBehaviour: { minAvgDaysLate: 10, minSharePaidLate: 50 } },
        steps: [{ key: 'early_call', ...early, task: { kind: 'call', assignee: 'credit_controller', title: 'Late payer: call before the due date' } }],
      }, 'test', org.currency);
      await saveSegment(trx, org.org_id, 'good-payers', {
        name: 'Good payers', position: 46, rules: { paymentBehaviour: { months: 6, maxAvgDaysLate: 2 } },
        steps: [{ key: 'thank_you', ...early, task: { kind: 'review', assignee: 'account_manager', title: 'Good payer: nothing to chase' } }],
      }, 'test', org.currency);
    });
    const r = await runFollowup(tdb.db, org, { date: '2026-02-01' });
    assert.deepEqual(r.tasks.map((t) => [t.debtorNumber, t.kind, t.invoices]).sort(), [['A', 'call', ['N-A']], ['B', 'review', ['N-B']]]);
    const segmentOf = async (debtor: string) =>
      inOrg(tdb.db, org.org_id, async (trx) => {
        const e = await trx.selectFrom('followup_execution').innerJoin('invoice', 'invoice.invoice_id', 'followup_execution.invoice_id').select('step_key').where('invoice.number', '=', `N-${debtor}`).execute();
        return e.map((x) => x.step_key);
      });
    assert.deepEqual(await segmentOf('C'), [], 'C: its late payment is older than 12 months; a business debtor below €1,000 has no step before the due date');
    assert.deepEqual(await segmentOf('E'), []);
    assert.deepEqual(await segmentOf('F'), [], 'F: paid after the run date');
    // The history's other invoices are paid: none of them is in the follow-up.
    assert.equal(r.invoicesConsidered, 5);
  });

  test('bad rules are refused with the field named', async () => {
    const org = await makeOrg(tdb.db);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await ensureDefaultSegments(trx, org.org_id);
      await assert.rejects(saveSegment(trx, org.org_id, 'x', { name: 'X', rules: { paymentBehaviour: { minAvgDaysLate: 30, maxAvgDaysLate: 10 } } }, 'test', 'EUR'), /minAvgDaysLate \(30\) is above maxAvgDaysLate \(10\)/);
      await assert.rejects(saveSegment(trx, org.org_id, 'x', { name: 'X', rules: { paymentBehaviour: {} } }, 'test', 'EUR'), /give at least one of/);
      await assert.rejects(saveSegment(trx, org.org_id, 'y', { rules: {} }, 'test', 'EUR'), /name: a new segment y needs a name/);
    });
  });
});

function describeRun(r: RunResult): [string, string][] {
  return [
    ...r.messages.map((m): [string, string] => [r.date, `message:${m.stepKey}:${[...m.invoices].sort().join('+')}`]),
    ...r.tasks.map((t): [string, string] => [r.date, `task:${t.kind}:${t.invoices.join('+')}`]),
    ...r.charges.map((c): [string, string] => [r.date, `charge:${c.invoiceNumber}:${c.costs}:${c.interest}`]),
  ];
}

async function play(org: Organisation, from: string, to: string): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(...describeRun(await runFollowup(tdb.db, org, { date: d })));
  return out;
}

describe('days without sending', () => {
  test('a message due on a closed day goes out on the next open business day, once; tasks and charges keep their dates', async () => {
    let org = await setup([row('S-1', 'S', '2026-01-05', '2026-02-04', '1210.00')]);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      // Closed on Friday 30 January and on Monday and Tuesday 9–10 February; no post on Wednesdays.
      await setNoSendDays(trx, org, { weekdays: [3], dates: ['2026-02-10', '2026-01-30', '2026-02-09'] }, 'test');
    });
    org = await getOrganisation(tdb.db, org.org_id);
    const happened = await play(org, '2026-01-26', '2026-03-08');
    const interest = nlStatutoryInterest({ principal: 121000n, from: '2026-02-05', to: '2026-03-04', kind: 'commercial' }).interest;
    assert.deepEqual(happened, [
      ['2026-02-02', 'message:pre_due:S-1'], // due −5 is Friday 30 January, closed: the next open business day
      ['2026-02-12', 'message:reminder_1:S-1'], // due +3 is Saturday 7 February: Monday and Tuesday closed, no post on Wednesday
      ['2026-02-19', 'message:reminder_2:S-1'], // due +14 is a Wednesday
      ['2026-02-25', 'task:call:S-1'], // a Wednesday: a task is no message
      ['2026-03-04', `charge:S-1:${wikCollectionCosts(121000n).total}:${interest}`], // the charge keeps its Wednesday …
      ['2026-03-05', 'message:formal_notice:S-1'], // … the formal notice goes out on Thursday
    ]);
    const events = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('event').select('data').where('type', '=', 'organisation.no_send_days_changed').execute());
    assert.deepEqual(events.map((e) => (e.data as { after: unknown }).after), [{ weekdays: [3], dates: ['2026-01-30', '2026-02-09', '2026-02-10'] }]);
  });

  test('after days without a run, a message is not sent on a closed day but on the next open one', async () => {
    let org = await setup([row('S-2', 'T', '2026-01-05', '2026-02-04', '500.00')]);
    await inOrg(tdb.db, org.org_id, (trx) => setNoSendDays(trx, org, { weekdays: [], dates: ['2026-02-13'] }, 'test'));
    org = await getOrganisation(tdb.db, org.org_id);
    const closed = await runFollowup(tdb.db, org, { date: '2026-02-13' }); // reminder 1 (9 February) was never run
    assert.deepEqual(closed.messages, []);
    const open = await runFollowup(tdb.db, org, { date: '2026-02-16' });
    assert.deepEqual(open.messages.map((m) => m.stepKey), ['reminder_1']);
  });

  test('two messages pushed onto one day by a closing period: the higher goes, the lower is superseded, not sent later', async () => {
    let org = await setup([row('S-3', 'U', '2026-01-05', '2026-02-04', '500.00')]);
    const closed = Array.from({ length: 10 }, (_, i) => addDays('2026-02-09', i)); // 9–18 February
    await inOrg(tdb.db, org.org_id, (trx) => setNoSendDays(trx, org, { weekdays: [], dates: closed }, 'test'));
    org = await getOrganisation(tdb.db, org.org_id);
    const happened = await play(org, '2026-02-05', '2026-02-27');
    assert.deepEqual(happened, [['2026-02-19', 'message:reminder_2:S-3'], ['2026-02-25', 'task:call:S-3']]);
    const skipped = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('followup_execution').select(['step_key', 'status', 'due_date']).where('status', '=', 'skipped').execute());
    assert.deepEqual(skipped, [{ step_key: 'reminder_1', status: 'skipped', due_date: '2026-02-19' }]);
  });

  test('every working weekday closed, or a bad date, is refused', async () => {
    const org = await makeOrg(tdb.db);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await assert.rejects(setNoSendDays(trx, org, { weekdays: [1, 2, 3, 4, 5], dates: [] }, 'test'), /at least one of Monday to Friday/);
      await assert.rejects(setNoSendDays(trx, org, { weekdays: [], dates: ['2026-02-30'] }, 'test'), /dates\[0\]: "2026-02-30" is not a date/);
    });
  });
});

describe('direct-debit mandates', () => {
  test('the default business workflow sends no pre-due notice or first reminder while a mandate is in force; from the second reminder on it does', async () => {
    const org = await setup([row('M-1', 'M', '2026-01-05', '2026-02-04', '1210.00'), row('N-1', 'N', '2026-01-05', '2026-02-04', '1210.00'), row('R-1', 'R', '2026-01-05', '2026-02-04', '1210.00')]);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      await registerMandate(trx, org.org_id, 'M', { reference: 'ARFLOW-M-0001', iban: 'NL91 ABNA 0417 1643 00', signedOn: '2026-01-10' }, 'test', '2026-01-10');
      const r = await registerMandate(trx, org.org_id, 'R', { reference: 'ARFLOW-R-0001', iban: 'NL02ABNA0123456789', signedOn: '2026-01-10' }, 'test', '2026-01-10');
      // R revokes its mandate on 5 February: from then on it is followed up like anyone.
      await revokeMandate(trx, org.org_id, r.mandate_id, { revokedOn: '2026-02-05' }, 'test');
    });
    const happened = await play(org, '2026-01-26', '2026-02-18');
    assert.deepEqual(happened.map(([d, w]) => `${d} ${w}`).sort(), [
      '2026-01-30 message:pre_due:N-1',
      '2026-02-09 message:reminder_1:N-1',
      '2026-02-09 message:reminder_1:R-1', // R's pre-due notice fell while its mandate was in force
      '2026-02-18 message:reminder_2:M-1', // due + 14 and still open: the collection failed, the follow-up goes on
      '2026-02-18 message:reminder_2:N-1',
      '2026-02-18 message:reminder_2:R-1',
    ]);
    const executions = await inOrg(tdb.db, org.org_id, (trx) =>
      trx.selectFrom('followup_execution').innerJoin('invoice', 'invoice.invoice_id', 'followup_execution.invoice_id')
        .select(['invoice.number', 'step_key', 'status', 'detail']).where('status', '=', 'skipped').orderBy('invoice.number').orderBy('step_key').execute());
    assert.deepEqual(executions.map((e) => [e.number, e.step_key, e.status, e.detail]), [
      ['M-1', 'pre_due', 'skipped', 'the debtor has a direct-debit mandate in force'],
      ['M-1', 'reminder_1', 'skipped', 'the debtor has a direct-debit mandate in force'],
      ['R-1', 'pre_due', 'skipped', 'the debtor has a direct-debit mandate in force'],
    ]);
  });

  test('a bad mandate is refused with the field named; a revoked one cannot be revoked again', async () => {
    const org = await setup([row('Q-1', 'Q', '2026-01-05', '2026-02-04', '100.00')]);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const ok = { reference: 'Q-1', iban: 'NL91ABNA0417164300', signedOn: '2026-01-10' };
      await assert.rejects(registerMandate(trx, org.org_id, 'Q', { ...ok, iban: 'NL91ABNA0417164301' }, 'test', '2026-01-10'), /iban: "NL91ABNA0417164301" is not valid/);
      await assert.rejects(registerMandate(trx, org.org_id, 'Q', { ...ok, reference: 'Q_1' }, 'test', '2026-01-10'), /reference: "Q_1" is no mandate reference/);
      await assert.rejects(registerMandate(trx, org.org_id, 'Q', { ...ok, signedOn: '2026-01-11' }, 'test', '2026-01-10'), /signed_on: 2026-01-11 is after today/);
      await assert.rejects(registerMandate(trx, org.org_id, 'X', ok, 'test', '2026-01-10'), /No debtor X/);
      const m = await registerMandate(trx, org.org_id, 'Q', ok, 'test', '2026-01-10');
      assert.equal(m.iban, 'NL91ABNA0417164300');
      await assert.rejects(registerMandate(trx, org.org_id, 'Q', ok, 'test', '2026-01-10'), /mandate Q-1 is registered already/);
      await assert.rejects(revokeMandate(trx, org.org_id, m.mandate_id, { revokedOn: '2026-01-09' }, 'test'), /before the mandate was signed/);
      await revokeMandate(trx, org.org_id, m.mandate_id, { revokedOn: '2026-01-20' }, 'test');
      await assert.rejects(revokeMandate(trx, org.org_id, m.mandate_id, { revokedOn: '2026-01-21' }, 'test'), /revoked on 2026-01-20 already/);
      const events = await trx.selectFrom('event').select('type').where('type', 'like', 'mandate.%').orderBy('occurred_at').orderBy('event_id').execute();
      assert.deepEqual(events.map((e) => e.type), ['mandate.registered', 'mandate.revoked']);
    });
  });
});

describe('never a step backwards', () => {
  test('a pre-due notice whose condition only holds after the due date is not sent late, nor after a reminder', async () => {
    // Due Wednesday 4 February 2026; 900.00 open is below the pre-due notice's minimum of 1,000.00.
    const org = await setup([row('B-1', 'K', '2026-01-05', '2026-02-04', '900.00')]);
    const sent: string[] = [];
    for (let d = '2026-01-26'; d <= '2026-02-10'; d = addDays(d, 1)) sent.push(...(await runFollowup(tdb.db, org, { date: d })).messages.map((m) => `${d} ${m.stepKey}`));
    assert.deepEqual(sent, ['2026-02-09 reminder_1']);
    // The ERP corrects the amount upwards: now the pre-due notice's minimum holds, its date long past.
    await importInvoiceFile(tdb.db, org, { fileName: 'g.csv', content: csv([HEADER, row('B-1', 'K', '2026-01-05', '2026-02-04', '1500.00')]), today: '2026-02-11' });
    const next = await runFollowup(tdb.db, org, { date: '2026-02-11' });
    assert.deepEqual(next.messages, [], 'no pre-due notice after the due date and after the first reminder');
    const pre = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('followup_execution').select(['status', 'detail']).where('step_key', '=', 'pre_due').executeTakeFirstOrThrow());
    assert.equal(pre.status, 'skipped');
    assert.match(pre.detail ?? '', /due date has passed/);
    assert.deepEqual((await runFollowup(tdb.db, org, { date: '2026-02-12' })).messages, [], 'and never later either');
  });
});
