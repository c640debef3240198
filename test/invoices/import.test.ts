import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, corporaDir, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { agingReport } from '../../src/modules/reporting/reports.ts';
import { AppError } from '../../src/errors.ts';
import { validateBetalingskenmerk, validateOgm } from '../../src/core/references.ts';

let tdb: TestDatabase;
before(async () => {
  tdb = await createTestDatabase();
});
after(async () => {
  await tdb.close();
});

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,email,phone,address,postal_code,city,country,issue_date,due_date,amount,vat_amount,po_number';
const BASIC = [
  HEADER,
  'F-001,D1,Bakkerij Jansen BV,business,info@jansen.nl,06-12345678,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-09-01,2026-10-01,1210.00,210.00,PO-1',
  'F-002,D2,Piet Klaassen,consumer,piet@example.nl,,Kerkweg 5,5678CD,Utrecht,NL,2026-10-15,2026-11-14,121.00,21.00,',
  'F-003,D1,Bakkerij Jansen BV,business,info@jansen.nl,,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-11-01,2026-12-01,605.00,105.00,',
];

async function snapshot(orgId: string) {
  return inOrg(tdb.db, orgId, async (trx) => ({
    ledger: await trx.selectFrom('ledger_entry').select(['entry_id', 'invoice_id', 'entry_type', 'amount']).orderBy('entry_id').execute(),
    invoices: await trx.selectFrom('invoice').select(['invoice_id', 'number', 'amount_total', 'open_amount', 'due_date', 'updated_at']).orderBy('invoice_id').execute(),
    debtors: await trx.selectFrom('debtor').selectAll().orderBy('debtor_id').execute(),
    events: await trx.selectFrom('event').select('event_id').orderBy('event_id').execute(),
    batches: await trx.selectFrom('import_batch').select('batch_id').execute(),
  }));
}

describe('invoice CSV import', () => {
  test('creates debtors, invoices and issued ledger entries with national references', async () => {
    const org = await makeOrg(tdb.db);
    const s = await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    assert.equal(s.created, 3);
    assert.equal(s.debtorsCreated, 2);
    assert.equal(s.rejected, 0);
    const snap = await snapshot(org.org_id);
    assert.equal(snap.ledger.length, 3);
    assert.deepEqual(snap.ledger.map((e) => e.entry_type), ['issued', 'issued', 'issued']);
    const byNumber = new Map(snap.invoices.map((i) => [i.number, i]));
    assert.equal(byNumber.get('F-001')?.open_amount, 121000n);
    assert.equal(byNumber.get('F-002')?.amount_total, 12100n);
    const refs = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('invoice').select('payment_reference').execute());
    for (const r of refs) assert.ok(r.payment_reference && validateBetalingskenmerk(r.payment_reference), `valid kenmerk: ${r.payment_reference}`);
    const contact = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('debtor_contact').innerJoin('debtor', 'debtor.debtor_id', 'debtor_contact.debtor_id').select(['debtor.number', 'email', 'phone', 'purpose']).where('debtor.number', '=', 'D1').executeTakeFirstOrThrow());
    assert.deepEqual(contact, { number: 'D1', email: 'info@jansen.nl', phone: '+31612345678', purpose: 'invoice' });
  });

  test('the same file twice changes nothing: the ledger stays identical', async () => {
    const org = await makeOrg(tdb.db);
    await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    const before = await snapshot(org.org_id);
    const second = await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    assert.deepEqual(
      { created: second.created, updated: second.updated, unchanged: second.unchanged, batch: second.batchId, debtorsUpdated: second.debtorsUpdated },
      { created: 0, updated: 0, unchanged: 3, batch: null, debtorsUpdated: 0 },
    );
    assert.deepEqual(await snapshot(org.org_id), before);
  });

  test('a Dutch Excel export (semicolons, decimal comma, DD-MM-YYYY) imports the right amounts', async () => {
    const org = await makeOrg(tdb.db);
    const text = '\ufeffinvoice_number;debtor_number;debtor_name;issue_date;due_date;amount;vat_amount\r\n' +
      '2026-100;K-7;"Café ""De Hoek"" VOF";01-10-2026;31-10-2026;1.234,56;214,26\r\n' +
      '2026-101;K-7;"Café ""De Hoek"" VOF";02-10-2026;01-11-2026;99,5;\r\n';
    const s = await importInvoiceFile(tdb.db, org, { fileName: 'excel.csv', content: Buffer.from(text, 'utf8'), today: '2026-11-22' });
    assert.equal(s.created, 2);
    const rows = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('invoice').innerJoin('debtor', 'debtor.debtor_id', 'invoice.debtor_id').select(['invoice.number', 'amount_total', 'vat_amount', 'issue_date', 'due_date', 'debtor.name']).orderBy('invoice.number').execute());
    assert.deepEqual(rows, [
      { number: '2026-100', amount_total: 123456n, vat_amount: 21426n, issue_date: '2026-10-01', due_date: '2026-10-31', name: 'Café "De Hoek" VOF' },
      { number: '2026-101', amount_total: 9950n, vat_amount: null, issue_date: '2026-10-02', due_date: '2026-11-01', name: 'Café "De Hoek" VOF' },
    ]);
  });

  test('a changed amount becomes a correcting entry with an event, never an overwrite of the ledger', async () => {
    const org = await makeOrg(tdb.db);
    await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    const changed = BASIC.map((l) => (l.startsWith('F-001') ? l.replace('1210.00,210.00', '1452.00,252.00').replace('2026-10-01', '2026-10-15') : l));
    const s = await importInvoiceFile(tdb.db, org, { fileName: 'changed.csv', content: csv(changed), today: '2026-11-22' });
    assert.equal(s.updated, 1);
    assert.equal(s.unchanged, 2);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const inv = await trx.selectFrom('invoice').selectAll().where('number', '=', 'F-001').executeTakeFirstOrThrow();
      assert.equal(inv.open_amount, 145200n);
      assert.equal(inv.due_date, '2026-10-15');
      const entries = await trx.selectFrom('ledger_entry').select(['entry_type', 'amount', 'booking_date']).where('invoice_id', '=', inv.invoice_id).orderBy('entry_id').execute();
      assert.deepEqual(entries, [
        { entry_type: 'issued', amount: 121000n, booking_date: '2026-09-01' },
        { entry_type: 'corrected', amount: 24200n, booking_date: '2026-11-22' },
      ]);
      const events = await trx.selectFrom('event').select(['type', 'data']).where('subject_id', '=', inv.invoice_id).execute();
      assert.equal(events.length, 1);
      assert.equal(events[0]!.type, 'invoice.corrected');
      const data = events[0]!.data as { changes: Record<string, unknown> };
      assert.deepEqual(data.changes.amount, ['121000', '145200']);
      assert.deepEqual(data.changes.due_date, ['2026-10-01', '2026-10-15']);
    });
  });

  test('a file with a bad row is rejected whole, naming file, line and column; --skip-invalid lands the good rows', async () => {
    const org = await makeOrg(tdb.db);
    const bad = [...BASIC.slice(0, 2), 'F-009,D3,X,business,,,,,,NL,2026-02-31,2026-03-31,12.00,,', BASIC[3]!];
    await assert.rejects(importInvoiceFile(tdb.db, org, { fileName: 'bad.csv', content: csv(bad), today: '2026-11-22' }), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'import_rejected');
      assert.match(e.message, /bad\.csv:3 \[issue_date\]/);
      return true;
    });
    assert.equal((await snapshot(org.org_id)).invoices.length, 0);
    const s = await importInvoiceFile(tdb.db, org, { fileName: 'bad.csv', content: csv(bad), today: '2026-11-22', skipInvalid: true });
    assert.equal(s.created, 2);
    assert.equal(s.rejected, 1);
    assert.equal(s.errors[0]?.line, 3);
    assert.equal(s.errors[0]?.column, 'issue_date');
  });

  test('a wrong file gets one clear sentence', async () => {
    const org = await makeOrg(tdb.db);
    const cases: [Buffer, RegExp][] = [
      [Buffer.alloc(0), /empty/],
      [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), /x\.bin/],
      [csv(['name,total', 'a,1']), /lacks the required columns/],
    ];
    for (const [content, pattern] of cases) {
      await assert.rejects(importInvoiceFile(tdb.db, org, { fileName: 'x.bin', content, today: '2026-11-22' }), (e: unknown) => {
        assert.ok(e instanceof AppError);
        assert.equal(e.code, 'invalid_file');
        assert.match(e.message, pattern);
        return true;
      });
    }
  });

  test('a changed amount on a settled invoice, or another debtor, is refused', async () => {
    const org = await makeOrg(tdb.db);
    await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const inv = await trx.selectFrom('invoice').select(['invoice_id', 'currency']).where('number', '=', 'F-002').executeTakeFirstOrThrow();
      await sql`INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, created_by)
        VALUES (${org.org_id}, arflow_id('led'), ${inv.invoice_id}, 'payment_allocated', -12100, 'EUR', '2026-11-10', 'test')`.execute(trx);
    });
    const changed = BASIC.map((l) => (l.startsWith('F-002') ? l.replace('121.00,21.00', '130.00,21.00') : l.startsWith('F-003') ? l.replace(',D1,', ',D2,') : l));
    await assert.rejects(importInvoiceFile(tdb.db, org, { fileName: 'c.csv', content: csv(changed), today: '2026-11-22' }), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.match(e.message, /c\.csv:3 \[amount\]: invoice F-002 is settled/);
      assert.match(e.message, /c\.csv:4 \[debtor_number\]: invoice F-003 belongs to debtor D1/);
      return true;
    });
  });

  test('a credit note in the same file is applied to the invoice it credits', async () => {
    const org = await makeOrg(tdb.db, 'BE');
    const lines = [
      'invoice_number,debtor_number,debtor_name,issue_date,due_date,amount,type,related_invoice',
      'INV-1,B1,Brouwerij Peeters NV,2026-10-01,2026-10-31,500.00,invoice,',
      'CN-1,B1,Brouwerij Peeters NV,2026-10-05,2026-10-05,200.00,credit_note,INV-1',
      'CN-2,B1,Brouwerij Peeters NV,2026-10-06,2026-10-06,-400.00,credit_note,INV-1',
    ];
    await importInvoiceFile(tdb.db, org, { fileName: 'cn.csv', content: csv(lines), today: '2026-11-22' });
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const rows = await trx.selectFrom('invoice').select(['number', 'open_amount', 'payment_reference']).orderBy('number').execute();
      // INV-1: 500 - 200 - 300 (only what was open); CN-2 keeps 100 of credit open on the debtor.
      assert.deepEqual(rows.map((r) => [r.number, r.open_amount]), [['CN-1', 0n], ['CN-2', -10000n], ['INV-1', 0n]]);
      for (const r of rows) assert.ok(validateOgm(r.payment_reference ?? ''), `OGM for a Belgian organisation: ${r.payment_reference}`);
    });
  });

  test('aging totals equal the sum of open ledger amounts, to the cent', async () => {
    const org = await makeOrg(tdb.db);
    await importInvoiceFile(tdb.db, org, { fileName: 'basic.csv', content: csv(BASIC), today: '2026-11-22' });
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const report = await agingReport(trx, '2026-11-22');
      const sum = await sql<{ total: bigint }>`SELECT sum(amount)::int8 AS total FROM ledger_entry`.execute(trx);
      assert.equal(report.totals[0]?.total, sum.rows[0]?.total);
      assert.equal(report.totals[0]?.total, 193600n);
      assert.equal(report.totals[0]?.buckets.d31_60, 121000n);
      assert.equal(report.totals[0]?.buckets.d1_30, 12100n);
      assert.equal(report.totals[0]?.buckets.not_due, 60500n);
    });
  });
});

describe('UBL / Peppol BIS 3 import', () => {
  const corpora = corporaDir();

  test('every Peppol BIS example imports', { skip: corpora ? false : '../shared/corpora is absent' }, async () => {
    const dirs = ['peppol-bis3/examples', 'peppol-bis3/snippets'].map((d) => join(corpora!, d));
    let count = 0;
    for (const dir of dirs) {
      for (const name of readdirSync(dir).filter((f) => f.toLowerCase().endsWith('.xml'))) {
        const org = await makeOrg(tdb.db);
        const s = await importInvoiceFile(tdb.db, org, { fileName: name, content: readFileSync(join(dir, name)), today: '2026-11-22' });
        assert.equal(s.created, 1, `${name} imports one document`);
        assert.equal(s.rejected, 0, name);
        const inv = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('invoice').select(['original_format', 'original_document']).executeTakeFirstOrThrow());
        assert.equal(inv.original_format, 'ubl');
        assert.equal(inv.original_document, readFileSync(join(dir, name), 'utf8'));
        count++;
      }
    }
    assert.ok(count >= 20, `imported ${count} examples`);
  });

  test('a UBL credit note reduces the debt and keeps its reference to the invoice', { skip: corpora ? false : '../shared/corpora is absent' }, async () => {
    const org = await makeOrg(tdb.db);
    const file = join(corpora!, 'peppol-bis3/examples/base-creditnote-correction.xml');
    const s = await importInvoiceFile(tdb.db, org, { fileName: 'base-creditnote-correction.xml', content: readFileSync(file), today: '2026-11-22' });
    assert.equal(s.created, 1);
    assert.equal(s.warnings.length, 1, 'the credited invoice is not known here');
    const again = await importInvoiceFile(tdb.db, org, { fileName: 'base-creditnote-correction.xml', content: readFileSync(file), today: '2026-11-22' });
    assert.equal(again.unchanged, 1);
    await inOrg(tdb.db, org.org_id, async (trx) => {
      const cn = await trx.selectFrom('invoice').selectAll().executeTakeFirstOrThrow();
      assert.equal(cn.kind, 'credit_note');
      assert.ok(cn.amount_total < 0n, 'a credit note is negative');
      assert.equal(cn.open_amount, cn.amount_total);
    });
  });
});
