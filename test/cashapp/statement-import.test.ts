import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { camt053, type CamtEntry } from '../support/camt.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { importStatementFile } from '../../src/modules/cashapp/statement-import.ts';
import { getInvoice } from '../../src/modules/invoices/invoice-queries.ts';
import { acceptSuggestion, bookManually, rejectTransaction, reverseAllocation } from '../../src/modules/cashapp/review-service.ts';
import { exportAllocations, exportMutations, pendingForErp } from '../../src/modules/cashapp/exports.ts';
import { AppError } from '../../src/errors.ts';

let tdb: TestDatabase;
let org: Organisation;
const OWN = 'NL91ABNA0417164300';
const PAYER = 'NL44RABO0123456789';
const OTHER = 'NL69INGB0123456789';

before(async () => {
  tdb = await createTestDatabase();
  org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'inv.csv',
    today: '2026-11-01',
    content: csv([
      'invoice_number,debtor_number,debtor_name,issue_date,due_date,amount,payment_reference',
      'F2026-0001,D1,Jansen B.V.,2026-09-01,2026-10-01,121.00,5000000020250042',
      'F2026-0002,D1,Jansen B.V.,2026-09-15,2026-10-15,242.00,',
      'F2026-0003,D2,De Vries VOF,2026-10-01,2026-10-31,100.00,',
      'F2026-0004,D2,De Vries VOF,2026-10-02,2026-11-01,50.00,',
      'F2026-0005,D3,Bakker,2026-10-05,2026-11-04,77.77,',
    ]),
  });
});
after(async () => {
  await tdb.close();
});

const E: Record<string, CamtEntry> = {
  byReference: { amount: '121.00', credit: true, bookingDate: '2026-11-02', bankRef: 'B1', name: 'JANSEN BV', iban: PAYER, strdRef: '5000000020250042' },
  byNumberShort: { amount: '200.00', credit: true, bookingDate: '2026-11-02', bankRef: 'B2', name: 'JANSEN BV', iban: PAYER, ustrd: 'factuur 2026/0002 min korting' },
  multi: { amount: '150.00', credit: true, bookingDate: '2026-11-02', bankRef: 'B3', name: 'DE VRIES', iban: OTHER, ustrd: 'F2026-3 en F2026-4' },
  costs: { amount: '4.50', credit: false, bookingDate: '2026-11-02', bankRef: 'B4', name: 'ABN AMRO', ustrd: 'kosten betalingsverkeer' },
  unknown: { amount: '33.00', credit: true, bookingDate: '2026-11-02', bankRef: 'B5', name: 'ONBEKEND', iban: 'NL18RABO0123459876', ustrd: 'gift' },
};

const first = () => camt053({ id: 'S1', iban: OWN, opening: '1000.00', closing: '1599.50', from: '2026-11-01', to: '2026-11-02', entries: [E.byReference!, E.byNumberShort!, E.multi!, E.costs!, E.unknown!] });

describe('statement import and cash application', () => {
  test('matches and books credits; the paid invoice is paid when the import returns; debits are kept, never matched', async () => {
    const s = await importStatementFile(tdb.db, org, { fileName: 's1.xml', content: Buffer.from(first()), today: '2026-11-02' });
    assert.deepEqual([s.format, s.transactions, s.newTransactions, s.credits, s.debits, s.booked, s.review], ['camt.053', 5, 5, 4, 1, 3, 1]);
    assert.equal(s.statements[0]?.continuity, 'first');
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const paid = await getInvoice(trx, 'F2026-0001', '2026-11-02');
      assert.equal(paid.status, 'paid');
      const short = await getInvoice(trx, 'F2026-0002', '2026-11-02');
      assert.equal(short.open_amount, 4200n, 'a short payment leaves the rest open');
      assert.equal((await getInvoice(trx, 'F2026-0003', '2026-11-02')).status, 'paid');
      assert.equal((await getInvoice(trx, 'F2026-0004', '2026-11-02')).status, 'paid');
      const costs = await trx.selectFrom('bank_transaction').select(['kind', 'amount']).where('bank_reference', '=', 'B4').executeTakeFirstOrThrow();
      assert.deepEqual(costs, { kind: 'debit', amount: -450n });
      const debitAllocations = await sql<{ n: bigint }>`SELECT count(*) AS n FROM allocation a JOIN bank_transaction t ON t.transaction_id = a.transaction_id WHERE t.kind <> 'credit'`.execute(trx);
      assert.equal(debitAllocations.rows[0]?.n, 0n);
      const learned = await trx.selectFrom('debtor_bank_account').innerJoin('debtor', 'debtor.debtor_id', 'debtor_bank_account.debtor_id').select(['debtor.number', 'iban', 'holder_name', 'source']).orderBy('debtor.number').execute();
      assert.deepEqual(learned, [
        { number: 'D1', iban: PAYER, holder_name: 'JANSEN BV', source: 'learned' },
        { number: 'D2', iban: OTHER, holder_name: 'DE VRIES', source: 'learned' },
      ]);
    });
  });

  test('the same statement again changes nothing; an overlapping one adds only the new lines', async () => {
    const again = await importStatementFile(tdb.db, org, { fileName: 's1.xml', content: Buffer.from(first()), today: '2026-11-02' });
    assert.deepEqual([again.newTransactions, again.booked, again.batchId], [0, 0, null]);
    assert.equal(again.statements[0]?.known, 5);
    const overlap = camt053({
      id: 'S2', iban: OWN, opening: '1000.00', closing: '1642.50', from: '2026-11-01', to: '2026-11-03',
      entries: [E.byReference!, E.byNumberShort!, E.multi!, E.costs!, E.unknown!, { amount: '42.00', credit: true, bookingDate: '2026-11-03', bankRef: 'B6', name: 'JANSEN BV', iban: PAYER, ustrd: 'restant' }, { amount: '1.00', credit: true, bookingDate: '2026-11-03', bankRef: 'B7', name: 'X', ustrd: 'x' }],
    });
    const s = await importStatementFile(tdb.db, org, { fileName: 's2.xml', content: Buffer.from(overlap), today: '2026-11-03' });
    assert.deepEqual([s.newTransactions, s.statements[0]?.known, s.statements[0]?.continuity], [2, 5, 'overlap']);
    // The known payer pays the rest of F2026-0002 without a reference: found by IBAN and amount.
    await inOrg(tdb.db, org.org_id, async (trx) => assert.equal((await getInvoice(trx, 'F2026-0002', '2026-11-03')).status, 'paid'));
  });

  test('a gap in the balances is reported', async () => {
    const next = camt053({ id: 'S3', iban: OWN, opening: '2000.00', closing: '2077.77', from: '2026-11-05', to: '2026-11-05', entries: [{ amount: '77.77', credit: true, bookingDate: '2026-11-05', bankRef: 'B8', name: 'BAKKER', ustrd: 'F2026-0005' }] });
    const s = await importStatementFile(tdb.db, org, { fileName: 's3.xml', content: Buffer.from(next), today: '2026-11-05' });
    assert.equal(s.statements[0]?.continuity, 'gap');
    assert.match(s.warnings.join('\n'), /does not follow the closing balance 1642\.50/);
    assert.equal(s.booked, 1);
  });

  test('review: accept, split, reject; every booking can be reversed', async () => {
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const open = await trx.selectFrom('transaction_review').innerJoin('bank_transaction', 'bank_transaction.transaction_id', 'transaction_review.transaction_id').select(['bank_transaction.transaction_id', 'bank_reference', 'suggestions']).where('resolved_at', 'is', null).orderBy('bank_reference').execute();
      assert.deepEqual(open.map((o) => o.bank_reference), ['B5', 'B7']);
      const [gift, small] = open as [(typeof open)[0], (typeof open)[0]];
      await assert.rejects(acceptSuggestion(trx, org, gift.transaction_id, 0, 'test'), AppError, 'no suggestion for an amount nobody owes');
      await rejectTransaction(trx, org.org_id, gift.transaction_id, 'a gift, not a payment', 'test');
      await assert.rejects(bookManually(trx, org, small.transaction_id, [{ invoice: 'F2026-0005', amount: 200n }], 'split', 'test'), /add up to 200 but 100/);
      const [allocationId] = await bookManually(trx, org, small.transaction_id, [{ invoice: null, debtor: 'D3', amount: 100n }], 'split', 'test');
      const reversal = await reverseAllocation(trx, org, allocationId!, 'wrong debtor', 'test', '2026-11-06');
      assert.ok(reversal.startsWith('alc_'));
      await assert.rejects(reverseAllocation(trx, org, allocationId!, 'twice', 'test', '2026-11-06'), /already reversed/);
      const back = await trx.selectFrom('transaction_review').select('resolved_at').where('transaction_id', '=', small.transaction_id).executeTakeFirstOrThrow();
      assert.equal(back.resolved_at, null, 'a reversed transaction is back in the queue');
      // Reverse an automatic booking: the invoice opens again by exactly that amount.
      const auto = await trx.selectFrom('allocation').innerJoin('invoice', 'invoice.invoice_id', 'allocation.invoice_id').select(['allocation_id', 'allocation.amount']).where('invoice.number', '=', 'F2026-0001').executeTakeFirstOrThrow();
      await reverseAllocation(trx, org, auto.allocation_id, 'booked on the wrong invoice', 'test', '2026-11-06');
      const reopened = await getInvoice(trx, 'F2026-0001', '2026-11-06');
      assert.equal(reopened.open_amount, auto.amount);
    });
  });

  test('exports: allocations with the contract columns; mutations once each, again on request', async () => {
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const rows = await exportAllocations(trx, { from: '2026-11-01', to: '2026-11-30' });
      const byRef = rows.find((r) => r.bank_reference === 'B1')!;
      assert.deepEqual(Object.keys(byRef), ['allocation_id', 'bank_reference', 'booking_date', 'counterparty_iban', 'counterparty_name', 'transaction_amount', 'invoice_number', 'debtor_number', 'allocated_amount', 'rule', 'confidence', 'created_at']);
      assert.deepEqual([byRef.booking_date, byRef.counterparty_iban, byRef.transaction_amount, byRef.invoice_number, byRef.debtor_number, byRef.allocated_amount, byRef.rule], ['2026-11-02', PAYER, '121.00', 'F2026-0001', 'D1', '121.00', 'reference']);
      const pending = await pendingForErp(trx);
      assert.ok(pending.entries > 0);
      const firstRun = await exportMutations(trx, {});
      assert.equal(firstRun.length, pending.entries);
      assert.equal((await exportMutations(trx, {})).length, 0, 'each entry is handed over once');
      assert.equal((await exportMutations(trx, { all: true })).length, firstRun.length, 're-export on request');
      assert.equal((await pendingForErp(trx)).entries, 0);
    });
  });
});
