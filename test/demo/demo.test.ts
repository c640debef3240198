import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { inOrg } from '../../src/db/database.ts';
import { buildDemo, planDemo, type DemoResult } from '../../src/modules/demo/demo.ts';
import { findOrganisationBySlug } from '../../src/modules/organisations/organisation-service.ts';
import { login } from '../../src/modules/users/user-service.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { AGING_BUCKETS, agingReport } from '../../src/modules/reporting/reports.ts';
import { validateIban } from '../../src/core/iban.ts';
import { validateVatNumber } from '../../src/core/vat.ts';
import { checkPostalAddress, validateEmail } from '../../src/core/contact.ts';

const TODAY = '2026-11-22';
const TABLES = ['organisation', 'app_user', 'debtor', 'debtor_contact', 'debtor_bank_account', 'import_batch', 'invoice', 'ledger_entry', 'event', 'check_result'] as const;

async function rowCounts(t: TestDatabase): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const r = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ${sql.table(table)}`.execute(t.db);
    counts[table] = Number(r.rows[0]?.n ?? -1n);
  }
  return counts;
}

void describe('buildDemo', () => {
  let t: TestDatabase;
  let result: DemoResult;
  let orgId: string;

  before(async () => {
    t = await createTestDatabase();
    result = await buildDemo(t.db, { slug: 'demo', today: TODAY });
    const org = await findOrganisationBySlug(t.db, 'demo');
    assert.ok(org);
    orgId = org.org_id;
  });
  after(async () => {
    await t.close();
  });

  void it('creates a Dutch organisation with valid identifiers, in test mode for e-mail', async () => {
    assert.equal(result.created, true);
    assert.deepEqual(result.login, { email: 'demo@arflow.test', password: 'arflow-demo' });
    const org = await findOrganisationBySlug(t.db, 'demo');
    assert.ok(org);
    assert.equal(org.country, 'NL');
    assert.equal(org.currency, 'EUR');
    assert.equal(org.language, 'nl');
    assert.ok(validateIban(org.iban).ok);
    assert.ok(org.vat_number !== null && validateVatNumber(org.vat_number, 'NL').ok);
    assert.match(org.coc_number ?? '', /^\d{8}$/);
    assert.equal(org.messaging.test_recipient, 'demo-inbox@arflow.test', 'no demo e-mail reaches a real-looking debtor address');
  });

  void it('has ~300 debtors of both kinds and countries, with sound (and a few broken) contact data', async () => {
    assert.ok(result.debtors >= 250 && result.debtors <= 350, `${result.debtors} debtors`);
    const debtors = await inOrg(t.db, orgId, (trx) => trx.selectFrom('debtor').selectAll().execute());
    assert.equal(debtors.length, result.debtors);
    const count = (f: (d: (typeof debtors)[number]) => boolean) => debtors.filter(f).length;
    assert.ok(count((d) => d.kind === 'business') > count((d) => d.kind === 'consumer'));
    assert.ok(count((d) => d.kind === 'consumer') > 30);
    assert.ok(count((d) => d.country === 'NL') > count((d) => d.country === 'BE'));
    assert.ok(count((d) => d.country === 'BE') > 30);
    assert.ok(count((d) => d.tags.includes('key-account')) >= 10);
    assert.ok(count((d) => d.tags.includes('intercompany')) >= 1);
    assert.ok(count((d) => d.requires_po) >= 5);
    assert.ok(count((d) => d.credit_limit !== null) > 100);
    assert.equal(count((d) => d.kind === 'consumer' && d.credit_limit !== null), 0);
    assert.equal(count((d) => d.segment !== null), 0);
    for (const d of debtors) {
      assert.ok(checkPostalAddress({ addressLine: d.address_line, postalCode: d.postal_code, city: d.city, country: d.country }).ok, `${d.name}: ${d.postal_code}`);
      if (d.vat_number !== null) assert.ok(validateVatNumber(d.vat_number, d.country ?? undefined).ok, `${d.name}: ${d.vat_number}`);
    }
    assert.ok(count((d) => d.vat_number !== null) > 100);
    const contacts = await inOrg(t.db, orgId, (trx) => trx.selectFrom('debtor_contact').select(['email', 'phone']).execute());
    const emails = contacts.map((c) => c.email).filter((e): e is string => e !== null);
    assert.ok(emails.filter((e) => !validateEmail(e)).length >= 1, 'some e-mail addresses are deliberately invalid');
    assert.ok(emails.length < debtors.length, 'some debtors have no e-mail address');
    assert.ok(contacts.filter((c) => c.phone !== null).every((c) => /^\+3[12]\d{8,9}$/.test(c.phone ?? '')));
  });

  void it('has ~3000 invoices and credit notes over 18 months, none after today', async () => {
    assert.ok(result.invoices >= 2700 && result.invoices <= 3300, `${result.invoices} invoices`);
    const r = await inOrg(t.db, orgId, (trx) => sql<{ kind: string; n: bigint; first: string; last: string; linked: bigint }>`
      SELECT kind, count(*) AS n, min(issue_date)::text AS first, max(issue_date)::text AS last, count(related_invoice_id) AS linked
      FROM invoice GROUP BY kind ORDER BY kind
    `.execute(trx));
    const byKind = new Map(r.rows.map((row) => [row.kind, row]));
    const invoices = byKind.get('invoice');
    const credits = byKind.get('credit_note');
    assert.ok(invoices && credits);
    assert.equal(Number(invoices.n + credits.n), result.invoices);
    assert.ok(credits.n >= 50n && credits.n <= 120n);
    assert.equal(credits.linked, credits.n, 'every credit note names its invoice');
    assert.ok(invoices.first >= '2025-05-22' && invoices.first <= '2025-06-15', invoices.first);
    assert.ok(invoices.last <= TODAY);
  });

  void it('has paid, partially paid and credited invoices, and no payment outside its invoice and today', async () => {
    const r = await inOrg(t.db, orgId, (trx) => sql<{ paid: bigint; partial: bigint; credited: bigint; late: bigint; early: bigint; total: bigint }>`
      WITH p AS (
        SELECT e.invoice_id, min(e.booking_date) AS first_paid, max(e.booking_date) AS last_paid FROM ledger_entry e
        WHERE e.entry_type = 'payment_allocated' GROUP BY e.invoice_id
      )
      SELECT
        count(*) FILTER (WHERE p.invoice_id IS NOT NULL AND i.open_amount = 0) AS paid,
        count(*) FILTER (WHERE p.invoice_id IS NOT NULL AND i.open_amount > 0) AS partial,
        count(*) FILTER (WHERE EXISTS (SELECT 1 FROM ledger_entry c WHERE c.invoice_id = i.invoice_id AND c.entry_type = 'credited')) AS credited,
        count(*) FILTER (WHERE p.last_paid > ${TODAY}::date) AS late,
        count(*) FILTER (WHERE p.first_paid < i.issue_date) AS early,
        count(*) AS total
      FROM invoice i LEFT JOIN p ON p.invoice_id = i.invoice_id
      WHERE i.kind = 'invoice'
    `.execute(trx));
    const row = r.rows[0];
    assert.ok(row);
    assert.ok(row.paid > (row.total * 6n) / 10n, `${row.paid} of ${row.total} paid`);
    assert.ok(row.partial >= 50n, `${row.partial} partially paid`);
    assert.ok(row.credited >= 50n, `${row.credited} credited`);
    assert.equal(row.late, 0n, 'no payment after today');
    assert.equal(row.early, 0n, 'no payment before its invoice');
    const overpaid = await inOrg(t.db, orgId, (trx) => sql<{ n: bigint }>`SELECT count(*) AS n FROM invoice WHERE kind = 'invoice' AND open_amount < 0`.execute(trx));
    assert.equal(overpaid.rows[0]?.n, 0n);
  });

  void it('fills every aging bucket, and the aging total is the open amount and the ledger, to the cent', async () => {
    const { report, openSum, ledgerSum } = await inOrg(t.db, orgId, async (trx) => {
      const report = await agingReport(trx, TODAY);
      const open = await sql<{ s: bigint }>`SELECT coalesce(sum(open_amount), 0)::int8 AS s FROM invoice`.execute(trx);
      const ledger = await sql<{ s: bigint }>`SELECT coalesce(sum(amount), 0)::int8 AS s FROM ledger_entry`.execute(trx);
      return { report, openSum: open.rows[0]?.s, ledgerSum: ledger.rows[0]?.s };
    });
    assert.equal(report.totals.length, 1);
    const eur = report.totals[0];
    assert.ok(eur);
    assert.equal(eur.currency, 'EUR');
    for (const bucket of AGING_BUCKETS) assert.ok(eur.buckets[bucket] > 0n, `bucket ${bucket} is empty`);
    assert.equal(eur.total, openSum);
    assert.equal(eur.total, ledgerSum);
  });

  void it('records the checks that fail: a missing PO number and a debtor over its credit limit', async () => {
    const r = await inOrg(t.db, orgId, (trx) => sql<{ code: string; n: bigint }>`
      SELECT code, count(*) AS n FROM check_result, unnest(failed_codes) AS code GROUP BY code
    `.execute(trx));
    const failed = new Map(r.rows.map((row) => [row.code, row.n]));
    assert.ok((failed.get('po_number_present') ?? 0n) >= 1n);
    assert.ok((failed.get('credit_limit') ?? 0n) >= 1n);
    assert.ok((failed.get('email_valid') ?? 0n) >= 1n);
  });

  void it('has a follow-up history: messages sent, tasks done, invoices handed over; today is an ordinary day', async () => {
    const h = await inOrg(t.db, orgId, async (trx) => {
      const r = await sql<{ sent: bigint; queued: bigint; done: bigint; open: bigint; collection: bigint; runs: bigint; charged: bigint }>`
        SELECT (SELECT count(*) FROM outbox_message WHERE status = 'sent' AND provider_id LIKE 'demo:%') AS sent,
          (SELECT count(*) FROM outbox_message WHERE status IN ('queued', 'sending')) AS queued,
          (SELECT count(*) FROM task WHERE status = 'done') AS done, (SELECT count(*) FROM task WHERE status = 'open') AS open,
          (SELECT count(*) FROM invoice WHERE collection_status IS NOT NULL) AS collection,
          (SELECT count(DISTINCT run_date) FROM followup_execution) AS runs,
          (SELECT count(*) FROM ledger_entry WHERE component <> 'principal') AS charged`.execute(trx);
      return r.rows[0]!;
    });
    assert.ok(h.sent > 50n, `${h.sent} messages sent`);
    assert.equal(h.queued, 0n, 'nothing of the past waits to be sent');
    assert.ok(h.done > 0n && h.open > 0n, `${h.done} tasks done, ${h.open} open`);
    assert.ok(h.collection > 0n);
    assert.ok(h.charged > 0n);
    assert.equal(h.runs, 9n);
    const org = await findOrganisationBySlug(t.db, 'demo');
    const tomorrow = await runFollowup(t.db, org!, { date: '2026-11-23', dryRun: true });
    assert.ok(tomorrow.handovers.length < 10, `${tomorrow.handovers.length} hand-overs on the next day`);
    assert.ok(tomorrow.messages.length < 100, `${tomorrow.messages.length} messages on the next day`);
  });

  void it('is deterministic: the same day gives the same plan', () => {
    assert.deepEqual(planDemo(TODAY), planDemo(TODAY));
    assert.notDeepEqual(planDemo(TODAY).documents[0], planDemo('2026-06-30').documents[0]);
  });

  void it('is idempotent: a second run changes nothing and says so', async () => {
    const before = await rowCounts(t);
    const again = await buildDemo(t.db, { slug: 'demo', today: TODAY });
    assert.deepEqual(again, { ...result, created: false });
    assert.deepEqual(await rowCounts(t), before);
  });

  void it('lets the owner log in', async () => {
    const session = await login(t.db, { email: result.login.email, password: result.login.password });
    assert.equal(session.orgSlug, 'demo');
    assert.equal(session.role, 'owner');
  });
});
