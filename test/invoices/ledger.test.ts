import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { allocatePayment, reverseEntry, sumOfEntries } from '../../src/modules/invoices/ledger-service.ts';
import { getInvoice } from '../../src/modules/invoices/invoice-queries.ts';
import { AppError } from '../../src/errors.ts';

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb.close();
});

test('payments, partial payments and reversals: the open amount is always the sum of the entries', async () => {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'l.csv',
    content: csv(['invoice_number,debtor_number,issue_date,due_date,amount', 'L-1,D1,2026-10-01,2026-10-31,100.00', 'L-2,D1,2026-10-01,2026-10-31,50.00']),
    today: '2026-11-22',
  });
  await inOrg(tdb.db, org.org_id, async (trx) => {
    const l1 = await getInvoice(trx, 'L-1', '2026-11-22');
    assert.equal(l1.status, 'overdue');
    const part = await allocatePayment(trx, { invoiceId: l1.invoice_id, amount: 3050n, bookingDate: '2026-11-01', actor: 'test' });
    assert.equal((await getInvoice(trx, 'L-1', '2026-11-22')).open_amount, 6950n);
    await allocatePayment(trx, { invoiceId: l1.invoice_id, amount: 6950n, bookingDate: '2026-11-02', actor: 'test' });
    const paid = await getInvoice(trx, 'L-1', '2026-11-22');
    assert.equal(paid.status, 'paid');
    assert.equal(paid.open_amount, 0n);
    await reverseEntry(trx, { entryId: part, bookingDate: '2026-11-03', actor: 'test', reason: 'booked on the wrong invoice' });
    const reopened = await getInvoice(trx, 'L-1', '2026-11-22');
    assert.equal(reopened.open_amount, 3050n);
    assert.equal(reopened.status, 'overdue');
    assert.equal(await sumOfEntries(trx, l1.invoice_id), reopened.open_amount);
    await assert.rejects(reverseEntry(trx, { entryId: part, bookingDate: '2026-11-03', actor: 'test', reason: 'twice' }), (e: unknown) => e instanceof AppError && /already reversed/.test(e.message));
    await assert.rejects(allocatePayment(trx, { invoiceId: l1.invoice_id, amount: 0n, bookingDate: '2026-11-03', actor: 'test' }), AppError);
  });
  const mismatches = await inOrg(tdb.db, org.org_id, (trx) =>
    sql<{ n: bigint }>`SELECT count(*) AS n FROM invoice i WHERE i.open_amount <> (SELECT coalesce(sum(amount), 0) FROM ledger_entry e WHERE e.org_id = i.org_id AND e.invoice_id = i.invoice_id)`.execute(trx),
  );
  assert.equal(mismatches.rows[0]?.n, 0n);
});

test('a reversal carries the component of the entry it reverses (costs stay costs)', async () => {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, { fileName: 'c.csv', content: csv(['invoice_number,debtor_number,issue_date,due_date,amount', 'C-1,D1,2026-10-01,2026-10-31,100.00']), today: '2026-11-22' });
  await inOrg(tdb.db, org.org_id, async (trx) => {
    const c1 = await getInvoice(trx, 'C-1', '2026-11-22');
    const fee = await trx
      .insertInto('ledger_entry')
      .values({ org_id: org.org_id, entry_id: 'led_test_fee', invoice_id: c1.invoice_id, entry_type: 'fee_charged', amount: 4000n, currency: 'EUR', booking_date: '2026-11-15', reason: 'collection costs', created_by: 'test', component: 'costs' })
      .returning('entry_id')
      .executeTakeFirstOrThrow();
    const reversal = await reverseEntry(trx, { entryId: fee.entry_id, bookingDate: '2026-11-20', actor: 'test', reason: 'costs waived' });
    const row = await trx.selectFrom('ledger_entry').select(['component', 'amount']).where('entry_id', '=', reversal).executeTakeFirstOrThrow();
    assert.deepEqual(row, { component: 'costs', amount: -4000n });
    assert.equal((await getInvoice(trx, 'C-1', '2026-11-22')).open_amount, 10000n);
  });
});
