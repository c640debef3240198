import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { PDFDocument } from 'pdf-lib';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { camt053 } from '../support/camt.ts';
import { inOrg, type Trx } from '../../src/db/database.ts';
import type { Organisation, Role } from '../../src/db/schema.ts';
import { addDays, todayIn } from '../../src/core/dates.ts';
import { formatAmount } from '../../src/core/money.ts';
import { fourteenDayLetterDeadline, nlStatutoryInterest, wikCollectionCosts } from '../../src/core/law/nl.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { importStatementFile } from '../../src/modules/cashapp/statement-import.ts';
import { bookManually } from '../../src/modules/cashapp/review-service.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { openDisputes } from '../../src/modules/followup/task-service.ts';
import { setContact } from '../../src/modules/debtors/debtor-service.ts';
import { buildDossier, dossierHistory, presentDossier } from '../../src/modules/followup/dossier.ts';
import { dossierPdf } from '../../src/modules/followup/dossier-pdf.ts';
import { buildApp } from '../../src/http/app.ts';
import { registerDossierRoutes } from '../../src/http/dossier-routes.ts';
import type { App, RouteContext } from '../../src/http/cashapp-routes.ts';
import { authenticate, createApiKey, requireRole, type Principal } from '../../src/modules/users/user-service.ts';
import { getOrganisation } from '../../src/modules/organisations/organisation-service.ts';
import { AppError } from '../../src/errors.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { recordingLetterTransport } from '../../src/modules/messaging/letter-transports.ts';
import type { EmailTransport } from '../../src/modules/messaging/transport.ts';

// The hand-over dossier: a debtor played through the follow-up to hand-over, then the dossier built
// and checked against the ledger, the outbox and the law; the PDF parsed back.

let tdb: TestDatabase;
let scratch: string;
before(async () => {
  tdb = await createTestDatabase();
  scratch = mkdtempSync(join(tmpdir(), 'arflow-dossier-'));
});
after(async () => {
  await tdb.close();
  rmSync(scratch, { recursive: true, force: true });
});

const HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,email,address,postal_code,city,issue_date,due_date,amount';
const PAYER = 'NL44RABO0123456789';

async function setup(rows: string[]): Promise<Organisation> {
  const org = await makeOrg(tdb.db, 'NL');
  await importInvoiceFile(tdb.db, org, { fileName: 'f.csv', content: csv([HEADER, ...rows]), today: '2026-01-05' });
  return org;
}

async function play(org: Organisation, from: string, to: string): Promise<void> {
  for (let d = from; d <= to; d = addDays(d, 1)) await runFollowup(tdb.db, org, { date: d });
}

const dossierOf = (org: Organisation, ref: string, date: string) => inOrg(tdb.db, org.org_id, (trx) => buildDossier(trx, org, ref, date));

/** The text of a PDF by pdftotext (poppler-utils), or null with a note when it is not installed. */
function pdfText(t: TestContext, pdf: Uint8Array, name: string): string | null {
  const probe = spawnSync('pdftotext', ['-v']);
  if (probe.error) {
    t.diagnostic('pdftotext is not installed (apt-get install poppler-utils): the PDF text is not checked');
    return null;
  }
  const file = join(scratch, `${name}.pdf`);
  writeFileSync(file, pdf);
  const r = spawnSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('hand-over dossier', () => {
  test('a Dutch consumer played to hand-over: invoice, ledger, every message and task with dates, totals to the cent, the law to date', async (t) => {
    const org = await setup(['C-1,K1,Piet Klaassen,consumer,NL,piet@example.nl,Kerkweg 5,5678 CD,Utrecht,2026-01-05,2026-01-19,121.00']);
    await play(org, '2026-01-05', '2026-03-25');
    const d = await dossierOf(org, 'K1', '2026-03-25');
    const charged = nlStatutoryInterest({ principal: 12100n, from: '2026-01-20', to: '2026-03-02', kind: 'statutory' }).interest;
    const toDate = nlStatutoryInterest({ principal: 12100n, from: '2026-01-20', to: '2026-03-25', kind: 'statutory' }).interest;
    const letter = fourteenDayLetterDeadline('2026-02-09');
    assert.ok(charged > 0n && toDate > charged);

    assert.equal(d.scope, 'in_collection');
    assert.deepEqual([d.creditor.legalName, d.creditor.iban], [org.legal_name, 'NL91ABNA0417164300']);
    assert.deepEqual([d.debtor.number, d.debtor.name, d.debtor.kind, d.debtor.addressLine, d.debtor.city], ['K1', 'Piet Klaassen', 'consumer', 'Kerkweg 5', 'Utrecht']);
    assert.deepEqual([d.debtor.dunningAddress.source, d.debtor.dunningAddress.email], ['debtor', 'piet@example.nl']);

    // The invoice and its ledger.
    assert.equal(d.invoices.length, 1);
    const inv = d.invoices[0]!;
    assert.deepEqual([inv.number, inv.issueDate, inv.dueDate, inv.amountTotal, inv.inCollection, inv.handedOverOn], ['C-1', '2026-01-05', '2026-01-19', 12100n, true, '2026-03-20']);
    assert.deepEqual(
      inv.ledger.map((e) => [e.type, e.component, e.amount, e.bookingDate]),
      [
        ['issued', 'principal', 12100n, '2026-01-05'],
        ['fee_charged', 'costs', 4000n, '2026-03-02'],
        ['interest_charged', 'interest', charged, '2026-03-02'],
      ],
    );

    // Every message, with its date; the 14-day letter with its deadline and the costs it stated.
    assert.deepEqual(
      d.messages.map((m) => [m.date, m.stepKey, m.template, m.status]),
      [
        ['2026-01-16', 'pre_due', 'pre_due_notice', 'queued'],
        ['2026-01-22', 'reminder_1', 'reminder_1', 'queued'],
        ['2026-02-02', 'reminder_2', 'reminder_2', 'queued'],
        ['2026-02-09', 'fourteen_day_letter', 'nl_14_day_letter', 'queued'],
      ],
    );
    const fourteen = d.messages[3]!;
    assert.deepEqual([fourteen.kind, fourteen.channels, fourteen.deadline, fourteen.statedCosts, fourteen.amount, fourteen.invoiceNumbers], ['formal_notice', ['letter'], letter.deadline, wikCollectionCosts(12100n).total, 12100n, ['C-1']]);
    assert.ok(d.messages.slice(0, 3).every((m) => m.statedCosts === null && m.deadline === null));

    // The hand-over task, dated by its run.
    assert.deepEqual(d.tasks.map((x) => [x.date, x.kind, x.dueDate, x.status, x.outcome, x.invoiceNumbers]), [['2026-03-20', 'handover', '2026-03-22', 'open', null, ['C-1']]]);
    assert.deepEqual(dossierHistory(d).map((h) => [h.date, h.kind, h.code]), [
      ['2026-01-16', 'message', 'pre_due_notice'], ['2026-01-22', 'message', 'reminder_1'], ['2026-02-02', 'message', 'reminder_2'],
      ['2026-02-09', 'message', 'nl_14_day_letter'], ['2026-03-20', 'task', 'handover'],
    ]);
    assert.deepEqual([d.disputes, d.promises, d.payments], [[], [], []]);

    // Totals: the open amount of the ledger to the cent; the law adds the interest run since the charge.
    const open = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('invoice').select('open_amount').where('number', '=', 'C-1').executeTakeFirstOrThrow());
    assert.equal(open.open_amount, 12100n + 4000n + charged);
    assert.deepEqual(inv.open, { principal: 12100n, costs: 4000n, interest: charged, total: open.open_amount });
    assert.deepEqual(inv.charged, { costs: 4000n, interest: charged });
    assert.deepEqual([inv.law.costs, inv.law.interest, inv.law.interestFrom, inv.law.interestTo], [4000n, toDate, '2026-01-20', '2026-03-25']);
    assert.match(inv.law.costsRule, /14-day letter of 2026-02-09/);
    assert.match(inv.law.interestRule, /6:119 BW/);
    assert.deepEqual(inv.additional, { costs: 0n, interest: toDate - charged });
    assert.deepEqual(inv.claim, { principal: 12100n, costs: 4000n, interest: toDate, total: open.open_amount + toDate - charged });
    const total = d.totals[0]!;
    assert.equal(d.totals.length, 1);
    assert.deepEqual([total.currency, total.invoices, total.open.total, total.claim.total, total.paid], ['EUR', 1, open.open_amount, 12100n + 4000n + toDate, 0n]);
    assert.ok(d.warnings.some((w) => /14-day letter of 2026-02-09 is still "queued"/.test(w)), 'the outbox never sent it: say so');

    // JSON: decimal strings.
    const json = presentDossier(d);
    assert.equal(json.totals[0]!.open.total, formatAmount(open.open_amount, 'EUR'));
    assert.equal(json.invoices[0]!.ledger[1]!.amount, '40.00');
    assert.equal(json.messages[3]!.stated_costs, '40.00');
    assert.equal(json.messages[3]!.deadline, letter.deadline);
    assert.doesNotThrow(() => JSON.stringify(json), 'no bigint left');

    // The PDF loads and says what it should.
    for (const language of ['nl', 'en'] as const) {
      const pdf = await dossierPdf(d, language);
      const doc = await PDFDocument.load(pdf);
      assert.ok(doc.getPageCount() >= 1);
      const { width, height } = doc.getPage(0).getSize();
      assert.deepEqual([Math.round(width), Math.round(height)], [595, 842], 'A4');
      const text = pdfText(t, pdf, `consumer-${language}`);
      if (text !== null) {
        for (const s of ['Incassodossier / Collection dossier', org.legal_name, 'Piet Klaassen', 'C-1', `1/${doc.getPageCount()}`]) assert.ok(text.includes(s), `${language}: "${s}" in the PDF`);
        if (language === 'nl') {
          for (const s of ['14-dagenbrief', '161,', '09-02-2026', '20-03-2026', 'Dossier overdragen']) assert.ok(text.includes(s), `nl: "${s}" in the PDF`);
          assert.ok(text.includes(fmtNl(12100n + 4000n + toDate)), 'the total claim to date');
        } else {
          for (const s of ['14-day letter', '2026-02-09', 'Hand the dossier', 'Total']) assert.ok(text.includes(s), `en: "${s}" in the PDF`);
        }
      }
    }
  });

  test('a payment from the bank, a dispute, a promise, a dunning contact and a name outside WinAnsi', async (t) => {
    const org = await setup(['C-2,K2,Łukasz Café-Ñandú 李,consumer,NL,lukasz@example.nl,Dorpsstraat 1,1234 AB,Zoetermeer,2026-01-05,2026-01-19,121.00']);
    await play(org, '2026-01-05', '2026-03-20');
    const statement = camt053({
      id: 'S1', iban: 'NL91ABNA0417164300', opening: '0.00', closing: '60.00', from: '2026-03-24', to: '2026-03-24',
      entries: [{ amount: '60.00', credit: true, bookingDate: '2026-03-24', bankRef: 'BANK-REF-1', name: 'L CAFE', iban: PAYER, ustrd: 'C-2 deel' }],
    });
    await importStatementFile(tdb.db, org, { fileName: 's.xml', content: Buffer.from(statement), today: '2026-03-24' });
    await inOrg(tdb.db, org.org_id, async (trx: Trx) => {
      const tx = await trx.selectFrom('bank_transaction').select('transaction_id').where('bank_reference', '=', 'BANK-REF-1').executeTakeFirstOrThrow();
      const booked = await trx.selectFrom('allocation').select('allocation_id').where('transaction_id', '=', tx.transaction_id).execute();
      if (booked.length === 0) await bookManually(trx, org, tx.transaction_id, [{ invoice: 'C-2', amount: 6000n }], 'split', 'test');
      const inv = await trx.selectFrom('invoice').select(['invoice_id', 'debtor_id']).where('number', '=', 'C-2').executeTakeFirstOrThrow();
      await openDisputes(trx, org.org_id, [inv.invoice_id], inv.debtor_id, 'Says the goods were never delivered — ł', 'test');
      await trx.insertInto('payment_promise').values({ org_id: org.org_id, promise_id: 'prm_test', debtor_id: inv.debtor_id, invoice_ids: [inv.invoice_id], promised_date: '2026-04-10', created_by: 'test' }).execute();
      await setContact(trx, org.org_id, 'K2', 'dunning', { name: 'Bewindvoerder Jansen', address_line: 'Postbus 12', postal_code: '2700 AA', city: 'Zoetermeer', country: 'NL', email: 'bewind@example.nl' }, 'test', 'NL', 'EUR');
    });
    const d = await dossierOf(org, 'K2', '2026-03-31');
    const inv = d.invoices[0]!;
    const charged = nlStatutoryInterest({ principal: 12100n, from: '2026-01-20', to: '2026-03-02', kind: 'statutory' }).interest;

    // The payment: bank date and reference, split costs first, then interest, then principal (art. 6:44 BW).
    const principalPaid = 6000n - 4000n - charged;
    assert.equal(d.payments.length, 1);
    const p = d.payments[0]!;
    assert.deepEqual([p.date, p.amount, p.source, p.bankReference, p.counterpartyAccount, p.invoiceNumber], ['2026-03-24', 6000n, 'bank', 'BANK-REF-1', PAYER, 'C-2']);
    assert.deepEqual(p.split, { costs: 4000n, interest: charged, principal: principalPaid });
    assert.deepEqual(inv.open, { principal: 12100n - principalPaid, costs: 0n, interest: 0n, total: 12100n + 4000n + charged - 6000n });
    assert.equal(inv.paid, 6000n);
    assert.ok(d.debtor.bankAccounts.some((b) => b.iban === PAYER), 'the payer\'s IBAN is known');

    // Interest to date: on the full principal until the payment, on what is left after.
    const full = nlStatutoryInterest({ principal: 12100n - principalPaid, from: '2026-01-20', to: '2026-03-31', kind: 'statutory' }).interest;
    const part = nlStatutoryInterest({ principal: principalPaid, from: '2026-01-20', to: '2026-03-24', kind: 'statutory' }).interest;
    assert.equal(inv.law.interest, full + part);
    assert.deepEqual(inv.additional, { costs: 0n, interest: full + part - charged });
    assert.equal(inv.claim.total, inv.open.total + full + part - charged);
    assert.equal(d.totals[0]!.open.total, inv.open.total);

    // Dispute, promise, dunning contact.
    assert.deepEqual(d.disputes.map((x) => [x.invoiceNumber, x.status, x.reason]), [['C-2', 'open', 'Says the goods were never delivered — ł']]);
    assert.deepEqual(d.promises.map((x) => [x.promisedDate, x.status, x.invoiceNumbers]), [['2026-04-10', 'open', ['C-2']]]);
    assert.ok(d.warnings.some((w) => w.includes('disputed')));
    assert.ok(d.warnings.some((w) => w.includes('promise')));
    assert.deepEqual([d.debtor.dunningAddress.source, d.debtor.dunningAddress.addressLine, d.debtor.dunningAddress.email], ['dunning_contact', 'Postbus 12', 'bewind@example.nl']);
    assert.ok(dossierHistory(d).some((h) => h.kind === 'promise'));

    const pdf = await dossierPdf(d, 'nl');
    assert.ok((await PDFDocument.load(pdf)).getPageCount() >= 1);
    const text = pdfText(t, pdf, 'payment');
    if (text !== null) {
      for (const s of ['Lukasz Café-Ñandú ?', 'BANK-REF-1', 'Postbus 12', 'never delivered', '24-03-2026']) assert.ok(text.includes(s), `"${s}" in the PDF`);
    }
    assert.ok((await PDFDocument.load(await dossierPdf(d, 'en'))).getPageCount() >= 1);
  });

  test('two invoices in one 14-day letter: the costs stated on their sum are the costs booked, once; no warning', async () => {
    const org = await setup([
      'C-3,K3,Jan Smit,consumer,NL,jan@example.nl,Weg 3,1000 AA,Amsterdam,2026-01-05,2026-01-19,50.00',
      'C-4,K3,Jan Smit,consumer,NL,jan@example.nl,Weg 3,1000 AA,Amsterdam,2026-01-05,2026-01-19,50.00',
    ]);
    await play(org, '2026-01-05', '2026-03-05');
    const d = await dossierOf(org, 'K3', '2026-03-05');
    assert.equal(d.scope, 'open', 'not handed over yet');
    const letter = d.messages.find((m) => m.template === 'nl_14_day_letter')!;
    assert.deepEqual([letter.invoiceNumbers, letter.statedCosts], [['C-3', 'C-4'], wikCollectionCosts(10000n).total]);
    assert.equal(d.totals[0]!.charged.costs, 4000n, 'the WIK minimum once, as the letter stated');
    assert.ok(!d.warnings.some((w) => /is booked/.test(w)), d.warnings.join('\n'));
  });

  test('no invoice in collection yet: all open invoices, and the dossier says so; 60 invoices run over several pages', async (t) => {
    const rows = Array.from({ length: 60 }, (_, i) => `B-${String(i + 1).padStart(3, '0')},Z1,Groothandel Émile & Zonen B.V.,business,NL,info@emile.nl,Havenweg ${i + 1},3011 AA,Rotterdam,2026-01-05,2026-02-04,${100 + i}.25`);
    const org = await setup(rows);
    const d = await dossierOf(org, 'Z1', '2026-02-20');
    assert.equal(d.scope, 'open');
    assert.equal(d.invoices.length, 60);
    assert.ok(d.warnings.some((w) => /No invoice of this debtor is in collection yet/.test(w)));
    const expected = rows.reduce((s, _r, i) => s + BigInt(100 + i) * 100n + 25n, 0n);
    assert.equal(d.totals[0]!.open.total, expected);
    assert.ok(d.invoices.every((i) => i.law.interest > 0n && i.law.costs >= 4000n && i.charged.costs === 0n), 'B2B: interest runs and costs may be claimed, nothing booked yet');
    const pdf = await dossierPdf(d, 'en');
    const doc = await PDFDocument.load(pdf);
    const pages = doc.getPageCount();
    assert.ok(pages >= 3, `${pages} pages`);
    const text = pdfText(t, pdf, 'sixty');
    if (text !== null) {
      const perPage = text.split('\f').filter((s) => s.trim() !== '');
      assert.equal(perPage.length, pages);
      perPage.forEach((s, i) => assert.ok(s.includes(`${i + 1}/${pages}`), `page ${i + 1} is numbered`));
      for (const n of ['B-001', 'B-030', 'B-060']) assert.ok(text.includes(n));
      assert.ok(text.includes('(continued)'), 'the invoice table runs on with its header');
    }
  });

  test('what was sent, word for word: subject, text, when and to whom, and the SHA-256 of every document it carried', async (t) => {
    const org = await setup(['W-1,K9,Wim Smit,consumer,NL,wim@example.nl,Laan 9,1111 AA,Zeist,2026-01-05,2026-01-19,242.00']);
    const email: EmailTransport = { send: (e) => Promise.resolve({ providerId: `rec:${e.messageId}` }), close: () => undefined };
    const letters = recordingLetterTransport();
    for (let day = '2026-01-05'; day <= '2026-02-20'; day = addDays(day, 1)) {
      await runFollowup(tdb.db, org, { date: day });
      await dispatchOutbox(tdb.db, org, { email, letter: letters, now: () => new Date(`${day}T08:00:00Z`) });
    }
    const d = await dossierOf(org, 'K9', '2026-02-20');
    const sent = d.messages.filter((m) => m.sentAt !== null);
    assert.ok(sent.length >= 2, `${sent.length} messages sent`);
    const stored = await inOrg(tdb.db, org.org_id, async (trx) => ({
      messages: await trx.selectFrom('outbox_message').select(['message_id', 'subject', 'body_text', 'recipient']).execute(),
      letters: await trx.selectFrom('message_document').select(['message_id', 'sha256']).execute(),
      attachments: await trx.selectFrom('message_attachment').select(['message_id', 'sha256']).execute(),
    }));
    for (const m of sent) {
      const row = stored.messages.find((r) => r.message_id === m.messageId)!;
      assert.deepEqual([m.subject, m.bodyText, m.recipient], [row.subject, row.body_text, row.recipient], 'the stored content, as sent');
      const expected = [...stored.letters, ...stored.attachments].filter((x) => x.message_id === m.messageId).map((x) => x.sha256).sort();
      assert.deepEqual(m.documents.map((x) => x.sha256).sort(), expected);
    }
    const letter = sent.find((m) => m.channel === 'letter');
    assert.ok(letter, 'the 14-day letter went by letter');
    assert.ok(letter.documents.some((x) => x.kind === 'letter_pdf'));
    const json = presentDossier(d) as { messages: { subject: string | null; text: string | null; documents: { sha256: string }[] }[] };
    assert.ok(json.messages.some((m) => m.text !== null && m.documents.length > 0));
    const text = pdfText(t, await dossierPdf(d, 'nl'), 'sent-messages');
    if (text !== null) {
      assert.match(text, /Berichten zoals verzonden/);
      assert.ok(text.includes(letter.documents[0]!.sha256), 'the fingerprint of the letter is printed');
    }
  });

  test('the API: JSON and PDF for a viewer; unknown debtor, bad language and no token refused', async () => {
    const org = await setup(['A-1,K9,Anna de Wit,consumer,NL,anna@example.nl,Laan 3,1000 AA,Amsterdam,2026-01-05,2026-01-19,80.00']);
    const viewer = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'v', role: 'viewer' }))).secret;
    const now = () => new Date('2026-03-25T10:00:00Z');
    const app: App = (await buildApp({ handle: tdb, now })).withTypeProvider<TypeBoxTypeProvider>();
    if (!app.hasRoute({ method: 'GET', url: '/api/debtors/:ref/dossier' })) registerDossierRoutes(app, routeContext(now));
    try {
      const h = { authorization: `Bearer ${viewer}` };
      const res = await app.inject({ method: 'GET', url: '/api/debtors/K9/dossier', headers: h });
      assert.equal(res.statusCode, 200, res.body);
      const body = res.json<ReturnType<typeof presentDossier>>();
      assert.deepEqual([body.date, body.scope, body.debtor.number, body.invoices.map((i) => i.number)], ['2026-03-25', 'open', 'K9', ['A-1']]);
      assert.equal(body.totals[0]!.open.total, body.invoices[0]!.open.total);
      assert.match(body.totals[0]!.claim.total, /^\d+\.\d{2}$/);
      const dated = await app.inject({ method: 'GET', url: '/api/debtors/K9/dossier?date=2026-04-30', headers: h });
      assert.equal(dated.json<{ date: string }>().date, '2026-04-30');

      const pdf = await app.inject({ method: 'GET', url: '/api/debtors/K9/dossier.pdf?language=en', headers: h });
      assert.equal(pdf.statusCode, 200, pdf.body);
      assert.match(String(pdf.headers['content-type']), /^application\/pdf/);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
      assert.ok((await PDFDocument.load(pdf.rawPayload)).getPageCount() >= 1);

      assert.equal((await app.inject({ method: 'GET', url: '/api/debtors/NOPE/dossier', headers: h })).statusCode, 404);
      assert.equal((await app.inject({ method: 'GET', url: '/api/debtors/K9/dossier.pdf?language=fr', headers: h })).statusCode, 400);
      assert.equal((await app.inject({ method: 'GET', url: '/api/debtors/K9/dossier' })).statusCode, 401);
    } finally {
      await app.close();
    }
  });
});

function fmtNl(v: bigint): string {
  const [int = '0', frac = '00'] = formatAmount(v, 'EUR').split('.');
  return `${int.replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${frac}`;
}

/** What buildApp hands its route modules, rebuilt for a test that registers the dossier routes itself. */
function routeContext(now: () => Date): RouteContext {
  const db = tdb.db;
  const auth = async (request: FastifyRequest): Promise<Principal> => {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token) throw new AppError('unauthenticated', 'No token.');
    const principal = await authenticate(db, token);
    if (!principal) throw new AppError('unauthenticated', 'Unknown token.');
    request.principal = principal;
    return principal;
  };
  const scoped = async <T>(request: FastifyRequest, minimum: Role, fn: (trx: Trx, org: Organisation, today: string) => Promise<T>): Promise<T> => {
    const principal = await auth(request);
    requireRole(principal, minimum);
    return inOrg(db, principal.orgId, async (trx) => {
      const org = await getOrganisation(trx, principal.orgId);
      return fn(trx, org, todayIn(org.time_zone, now()));
    });
  };
  const ref = Type.Ref('Problem');
  return { db, now, auth, scoped, problems: { 400: ref, 401: ref, 403: ref, 404: ref, 409: ref, 422: ref } };
}

