import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { hasPdftotext, pdfText } from '../support/pdf.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { updateDebtor } from '../../src/modules/debtors/debtor-service.ts';
import { smtpTransport } from '../../src/modules/messaging/transport.ts';
import { embeddedPdf } from '../../src/modules/messaging/attachments.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';

// E-mail as the debtor's mail server sees it: a real SMTP server in the test, the raw message kept
// for the DKIM check, the parsed one for headers, bodies and attachments.

interface Received {
  raw: Buffer;
  mail: ParsedMail;
}

let tdb: TestDatabase;
let server: SMTPServer;
let port: number;
const received: Received[] = [];

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const DKIM_PRIVATE = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const DKIM_TXT = `v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** A DNS resolver that knows one DKIM key record: verification works offline. */
function resolver(name: string, type: string): Promise<string[][]> {
  if (type === 'TXT' && name === 'mail2026._domainkey.veldhuis.nl') return Promise.resolve([[DKIM_TXT]]);
  return Promise.reject(Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' }));
}

before(async () => {
  tdb = await createTestDatabase();
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then((mail) => {
          received.push({ raw, mail });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tdb.close();
});

async function configure(org: Organisation, messaging: Record<string, unknown>): Promise<Organisation> {
  return tdb.db.updateTable('organisation').set({ messaging: JSON.stringify(messaging) }).where('org_id', '=', org.org_id).returningAll().executeTakeFirstOrThrow();
}

const SENDER = { from: 'Veldhuis Debiteuren <debiteuren@veldhuis.nl>', reply_to: 'administratie@veldhuis.nl', dkim: { domain: 'veldhuis.nl', selector: 'mail2026', privateKey: DKIM_PRIVATE } };

async function dispatch(org: Organisation, at = '2026-01-05T09:00:00Z') {
  const email = smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
  try {
    return await dispatchOutbox(tdb.db, org, { email, now: () => new Date(at), publicUrl: 'https://pay.veldhuis.nl' });
  } finally {
    email.close();
  }
}

const sha256 = (b: Buffer | Uint8Array) => createHash('sha256').update(b).digest('hex');

const INVOICE_CSV = (number: string, debtor: string, extra = '') => csv([
  'invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount,vat_amount,payment_reference,po_number',
  `${number},${debtor},Café De Hoek VOF,business,facturen@dehoek.nl,Kerkstraat 5,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00,210.00,5000000020250042,PO-77${extra}`,
]);

test('invoice delivery: import → outbox → the debtor receives the invoice e-mail with its PDF, signed with DKIM', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { ...SENDER, invoice_delivery: true });
  const s = await importInvoiceFile(tdb.db, org, { fileName: 'invoices.csv', content: INVOICE_CSV('F2026-0042', 'K-1001'), today: '2026-01-05' });
  assert.equal(s.created, 1);
  const queued = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').selectAll().execute());
  assert.equal(queued.length, 1);
  assert.deepEqual([queued[0]!.template, queued[0]!.status, queued[0]!.channels, queued[0]!.amount_total, queued[0]!.scheduled_for], ['invoice_delivery', 'queued', ['email', 'letter'], 121000n, '2026-01-05']);

  const before = received.length;
  const summary = await dispatch(org);
  assert.deepEqual([summary.sent, summary.failed], [1, 0]);
  assert.equal(received.length, before + 1);
  const { raw, mail } = received[received.length - 1]!;
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').selectAll().executeTakeFirstOrThrow());
  const storedAttachments = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_attachment').selectAll().orderBy('position').execute());

  // Headers: the organisation's sender and reply-to, the invoice contact, our ids.
  assert.equal(mail.from?.text, '"Veldhuis Debiteuren" <debiteuren@veldhuis.nl>');
  assert.equal(mail.replyTo?.text, 'administratie@veldhuis.nl');
  assert.equal((mail.to as { text: string }).text, 'facturen@dehoek.nl');
  assert.equal(mail.messageId, stored.message_id_header);
  assert.equal(mail.headers.get('x-arflow-message'), stored.message_id);
  assert.equal(mail.subject, `Factuur F2026-0042 van ${org.legal_name}`);
  assert.equal(mail.subject, stored.subject);

  // Both bodies, with the pay link and the payment reference.
  assert.match(mail.text ?? '', new RegExp(`https://pay\\.veldhuis\\.nl/pay/${stored.message_id}\\?t=`));
  assert.match(String(mail.html), new RegExp(`https://pay\\.veldhuis\\.nl/pay/${stored.message_id}\\?t=`));
  assert.match(mail.text ?? '', /5000 0000 2025 0042/);
  assert.match(String(mail.html), /5000 0000 2025 0042/);
  assert.match(mail.text ?? '', /F2026-0042/);

  // The invoice PDF, exactly the bytes stored when the message was rendered.
  assert.equal(mail.attachments.length, 1);
  const pdf = mail.attachments[0]!;
  assert.equal(pdf.filename, 'F2026-0042.pdf');
  assert.equal(pdf.contentType, 'application/pdf');
  assert.equal(storedAttachments.length, 1);
  assert.deepEqual([storedAttachments[0]!.kind, storedAttachments[0]!.source, storedAttachments[0]!.filename], ['invoice', 'rendered', 'F2026-0042.pdf']);
  assert.equal(sha256(pdf.content), storedAttachments[0]!.sha256);
  assert.equal(sha256(Buffer.from(storedAttachments[0]!.content)), storedAttachments[0]!.sha256);
  if (hasPdftotext) {
    const text = pdfText(pdf.content).replace(/[ \t]+/g, ' ');
    assert.match(text, /Factuur F2026-0042/);
    assert.match(text, /Totaal incl\. btw € 1\.210,00/);
    assert.match(text, /Betalingskenmerk: 5000 0000 2025 0042/);
    assert.match(text, /Uw referentie PO-77/);
  }

  // DKIM: signed for the organisation's domain and selector, and the signature verifies.
  const signature = raw.toString('latin1').match(/^DKIM-Signature:[\s\S]*?(?=\r\n\S)/m)?.[0] ?? '';
  assert.match(signature, /\bd=veldhuis\.nl;/);
  assert.match(signature, /\bs=mail2026;/);
  const verdict = await dkimVerify(raw, { resolver });
  assert.deepEqual(verdict.results.map((r) => [r.status.result, r.signingDomain, r.selector]), [['pass', 'veldhuis.nl', 'mail2026']]);
  // A changed byte in the body breaks it (the check is real).
  const tampered = Buffer.from(raw.toString('latin1').replace('F2026-0042', 'F2026-0043'), 'latin1');
  const broken = await dkimVerify(tampered, { resolver });
  assert.notEqual(broken.results[0]?.status.result, 'pass');

  const events = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_event').select('status').orderBy('event_id').execute());
  assert.deepEqual(events.map((e) => e.status), ['queued', 'rendered', 'sending', 'sent']);

  // The same file again, and a changed amount: no second delivery.
  await importInvoiceFile(tdb.db, org, { fileName: 'invoices.csv', content: INVOICE_CSV('F2026-0042', 'K-1001'), today: '2026-01-06' });
  await importInvoiceFile(tdb.db, org, { fileName: 'invoices-2.csv', content: csv(['invoice_number,debtor_number,issue_date,due_date,amount', 'F2026-0042,K-1001,2026-01-05,2026-02-04,1331.00']), today: '2026-01-06' });
  const count = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow());
  assert.equal(Number(count.n), 1);
});

test('invoice delivery is off unless the organisation turns it on (most ERPs send their own invoices)', async () => {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, { fileName: 'invoices.csv', content: INVOICE_CSV('F-OFF', 'K-1'), today: '2026-01-05' });
  const messages = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select('message_id').execute());
  assert.equal(messages.length, 0);
});

test('a debtor who asked for paper gets a letter although an e-mail address is known; credit notes are not sent', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true });
  await importInvoiceFile(tdb.db, org, { fileName: 'a.csv', content: INVOICE_CSV('F-1', 'K-PAPER'), today: '2026-01-05' });
  await inOrg(tdb.db, org.org_id, (trx) => updateDebtor(trx, org.org_id, 'K-PAPER', { invoice_channel: 'letter' }, 'test', org.currency));
  await importInvoiceFile(tdb.db, org, {
    fileName: 'b.csv', today: '2026-01-06',
    content: csv(['invoice_number,debtor_number,issue_date,due_date,amount,type,related_invoice', 'F-2,K-PAPER,2026-01-06,2026-02-05,100.00,invoice,', 'C-1,K-PAPER,2026-01-06,2026-01-06,50.00,credit_note,F-1']),
  });
  const messages = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['invoice_ids', 'channels', 'data']).orderBy('created_at').execute());
  assert.equal(messages.length, 2, 'F-1 and F-2; not the credit note');
  assert.deepEqual(messages[0]!.channels, ['email', 'letter']);
  assert.deepEqual(messages[1]!.channels, ['letter']);
  assert.deepEqual(messages[1]!.data, { invoice_number: 'F-2', debtor_preference: 'letter' });

  // No letter transport here: the message waits with the reason, on the letter channel (not e-mail).
  const before = received.length;
  const s = await dispatch(org);
  assert.equal(received.length, before + 1, 'F-1 went by e-mail');
  assert.equal(s.waiting, 1);
  const waiting = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['channel', 'status', 'last_error']).where('status', '=', 'queued').executeTakeFirstOrThrow());
  assert.equal(waiting.channel, 'letter');
  assert.match(waiting.last_error ?? '', /no letter transport/);
  const enclosed = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_attachment').select(['filename']).orderBy('message_id').execute());
  assert.deepEqual(enclosed.map((a) => a.filename).sort(), ['F-1.pdf', 'F-2.pdf'], 'the letter encloses its invoice too');
});

test('a reminder carries the statement of account: every open item of the debtor on the day', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, SENDER);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv([
      'invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount',
      'R-1,K1,Jansen B.V.,business,debiteuren@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00',
      'R-2,K1,Jansen B.V.,business,debiteuren@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-02-01,2026-03-03,99.50',
    ]),
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  assert.equal(run.messages.length, 1);
  const before = received.length;
  const s = await dispatch(org, '2026-02-09T08:00:00Z');
  assert.equal(s.sent, 1);
  const { mail } = received[before]!;
  assert.equal(mail.attachments.length, 1);
  const statement = mail.attachments[0]!;
  assert.equal(statement.filename, 'Rekeningoverzicht K1 2026-02-09.pdf');
  assert.equal(statement.contentType, 'application/pdf');
  if (hasPdftotext) {
    const text = pdfText(statement.content).replace(/[ \t]+/g, ' ');
    assert.match(text, /Openstaande posten op 9 februari 2026/);
    assert.match(text, /R-1 5-1-2026 4-2-2026 5 € 1\.210,00 € 1\.210,00/);
    assert.match(text, /R-2 1-2-2026 3-3-2026 € 99,50 € 99,50/);
    assert.match(text, /Totaal openstaand \(EUR\) € 1\.309,50/);
    assert.match(text, /waarvan vervallen € 1\.210,00/);
  }
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_attachment').select(['kind', 'sha256']).executeTakeFirstOrThrow());
  assert.deepEqual(stored, { kind: 'statement', sha256: sha256(statement.content) });
});

async function smallPdf(text: string): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([300, 200]);
  page.drawText(text, { x: 20, y: 100, size: 12, font: await doc.embedFont(StandardFonts.Helvetica) });
  return Buffer.from(await doc.save());
}

test('a UBL invoice with the ERP’s own PDF embedded: that PDF is sent, bytes for bytes', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true });
  const erpPdf = await smallPdf('ERP layout of invoice UBL-7');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>UBL-7</cbc:ID>
  <cbc:IssueDate>2026-01-05</cbc:IssueDate>
  <cbc:DueDate>2026-02-04</cbc:DueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cac:AdditionalDocumentReference>
    <cbc:ID>UBL-7</cbc:ID>
    <cac:Attachment>
      <cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="Invoice UBL-7.pdf">${erpPdf.toString('base64').replace(/(.{76})/g, '$1\n')}</cbc:EmbeddedDocumentBinaryObject>
    </cac:Attachment>
  </cac:AdditionalDocumentReference>
  <cac:AccountingCustomerParty><cac:Party>
    <cac:PartyIdentification><cbc:ID>K-UBL</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Bakkerij Smit</cbc:Name></cac:PartyName>
    <cac:Contact><cbc:ElectronicMail>boekhouding@smit.nl</cbc:ElectronicMail></cac:Contact>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:TaxInclusiveAmount currencyID="EUR">121.00</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>`;
  assert.ok(embeddedPdf(xml)?.content.equals(erpPdf));
  const s = await importInvoiceFile(tdb.db, org, { fileName: 'UBL-7.xml', content: Buffer.from(xml), today: '2026-01-05' });
  assert.equal(s.created, 1);
  const before = received.length;
  assert.equal((await dispatch(org)).sent, 1);
  const { mail } = received[before]!;
  assert.equal((mail.to as { text: string }).text, 'boekhouding@smit.nl');
  assert.equal(mail.attachments.length, 1);
  assert.equal(mail.attachments[0]!.filename, 'Invoice UBL-7.pdf');
  assert.ok(mail.attachments[0]!.content.equals(erpPdf), 'the very bytes the ERP embedded');
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_attachment').select(['source', 'sha256']).executeTakeFirstOrThrow());
  assert.deepEqual(stored, { source: 'original', sha256: sha256(erpPdf) });
});

test('embeddedPdf ignores other embedded documents and objects that are not a PDF', () => {
  const xml = `<Invoice><cac:AdditionalDocumentReference><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="image/png" filename="logo.png">iVBORw0KGgo=</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference>
<cac:AdditionalDocumentReference><cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="x.pdf">${Buffer.from('not a pdf').toString('base64')}</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference></Invoice>`;
  assert.equal(embeddedPdf(xml), null);
});

test('bad DKIM settings: the message is not sent unsigned; it waits with a reason naming the setting', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true, dkim: { domain: 'veldhuis.nl', selector: 'mail2026', privateKey: 'not a key' } });
  await importInvoiceFile(tdb.db, org, { fileName: 'a.csv', content: INVOICE_CSV('F-DKIM', 'K-9'), today: '2026-01-05' });
  const before = received.length;
  const s = await dispatch(org);
  assert.deepEqual([s.sent, s.waiting], [0, 1]);
  assert.equal(received.length, before);
  const m = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['status', 'last_error']).executeTakeFirstOrThrow());
  assert.equal(m.status, 'queued');
  assert.match(m.last_error ?? '', /messaging\.dkim\.privateKey is not a usable RSA or Ed25519 PEM private key/);
});

test('the debtor API sets and clears the invoice channel; anything but email or letter is refused', async () => {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, { fileName: 'a.csv', content: INVOICE_CSV('F-API', 'K-API'), today: '2026-01-05' });
  const key = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'k', role: 'controller' }))).secret;
  const app = await buildApp({ handle: tdb, now: () => new Date('2026-01-05T09:00:00Z') });
  try {
    const patch = (body: unknown) => app.inject({ method: 'PATCH', url: '/api/debtors/K-API', headers: { authorization: `Bearer ${key}` }, payload: body as object });
    const set = await patch({ invoice_channel: 'letter' });
    assert.equal(set.statusCode, 200, set.body);
    assert.equal(set.json<{ invoice_channel: string | null }>().invoice_channel, 'letter');
    assert.equal((await patch({ invoice_channel: 'sms' })).statusCode, 400);
    const cleared = await patch({ invoice_channel: null });
    assert.equal(cleared.json<{ invoice_channel: string | null }>().invoice_channel, null);
    const events = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('event').select('data').where('type', '=', 'debtor.updated').orderBy('event_id').execute());
    assert.deepEqual(events.map((e) => (e.data as { changes: Record<string, unknown> }).changes.invoice_channel), [[null, 'letter'], ['letter', null]]);
  } finally {
    await app.close();
  }
});

test('a large import queues one delivery per new invoice in one go', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true });
  const rows = Array.from({ length: 2_000 }, (_, i) => `V-${i + 1},D-${(i % 150) + 1},2026-01-05,2026-02-04,${(i % 97) + 1}.50`);
  const s = await importInvoiceFile(tdb.db, org, { fileName: 'big.csv', content: csv(['invoice_number,debtor_number,issue_date,due_date,amount', ...rows]), today: '2026-01-05' });
  assert.equal(s.created, 2_000);
  const queued = await inOrg(tdb.db, org.org_id, (trx) =>
    trx.selectFrom('outbox_message').select((eb) => [eb.fn.countAll<bigint>().as('n'), eb.fn.count<bigint>('idempotency_key').distinct().as('keys'), eb.fn.sum<bigint>('amount_total').as('total')]).where('template', '=', 'invoice_delivery').executeTakeFirstOrThrow());
  const expected = Array.from({ length: 2_000 }, (_, i) => BigInt((i % 97) + 1) * 100n + 50n).reduce((a, b) => a + b, 0n);
  assert.deepEqual([Number(queued.n), Number(queued.keys), BigInt(queued.total)], [2_000, 2_000, expected]);
});

test('a new invoice sent today does not push back the reminder due today for the same debtor', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true });
  const row = (n: string, issue: string, due: string) => `${n},K-DAILY,Dagelijks B.V.,business,ap@dagelijks.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,${issue},${due},100.00`;
  const head = 'invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount';
  await importInvoiceFile(tdb.db, org, { fileName: 'a.csv', content: csv([head, row('D-1', '2026-01-05', '2026-02-04')]), today: '2026-01-05' });
  await importInvoiceFile(tdb.db, org, { fileName: 'b.csv', content: csv([head, row('D-2', '2026-02-09', '2026-03-11')]), today: '2026-02-09' });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  assert.deepEqual(run.messages.map((m) => [m.template, m.invoices]), [['reminder_1', ['D-1']]]);
  const today = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select('template').where('scheduled_for', '=', '2026-02-09').orderBy('template').execute());
  assert.deepEqual(today.map((m) => m.template), ['invoice_delivery', 'reminder_1']);
});

test('stored documents are append-only for the application and invisible to other organisations', async () => {
  let org = await makeOrg(tdb.db);
  org = await configure(org, { invoice_delivery: true });
  await importInvoiceFile(tdb.db, org, { fileName: 'a.csv', content: INVOICE_CSV('F-RO', 'K-RO'), today: '2026-01-05' });
  await dispatch(org);
  const count = (o: Organisation) => inOrg(tdb.db, o.org_id, async (trx) => (await trx.selectFrom('message_attachment').select('message_id').execute()).length);
  assert.equal(await count(org), 1);
  await assert.rejects(inOrg(tdb.db, org.org_id, (trx) => trx.updateTable('message_attachment').set({ content: Buffer.from('forged') }).execute()), /permission denied/);
  await assert.rejects(inOrg(tdb.db, org.org_id, (trx) => trx.deleteFrom('message_attachment').execute()), /permission denied/);
  assert.equal(await count(await makeOrg(tdb.db)), 0);
});
