import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { allocatePayment } from '../../src/modules/invoices/ledger-service.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
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
