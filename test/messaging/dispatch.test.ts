import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { smtpTransport, type EmailTransport } from '../../src/modules/messaging/transport.ts';

// A real SMTP server in the test: what arrives is parsed and asserted.

let tdb: TestDatabase;
let server: SMTPServer;
let port: number;
const received: ParsedMail[] = [];

before(async () => {
  tdb = await createTestDatabase();
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        received.push(mail);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tdb.close();
});

async function orgWithQueuedReminder(number: string): Promise<Organisation> {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount,payment_reference',
      `${number},K1,Jansen <script>alert(1)</script> B.V.,business,debiteuren@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00,5000000020250042`]),
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  assert.equal(run.messages.length, 1);
  return org;
}

const transport = (): EmailTransport => smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`);

test('a reminder goes out by e-mail: headers, both bodies, the pay link and the reference', async () => {
  const org = await orgWithQueuedReminder('M-1');
  const before = received.length;
  const email = transport();
  const s = await dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:00:00Z'), publicUrl: 'https://pay.example.nl' });
  email.close();
  assert.deepEqual([s.sent, s.failed, s.possibleDuplicates], [1, 0, 0]);
  assert.equal(received.length, before + 1);
  const mail = received[received.length - 1]!;
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').selectAll().executeTakeFirstOrThrow());
  assert.equal(mail.messageId, stored.message_id_header);
  assert.equal(mail.subject, stored.subject);
  assert.equal((mail.to as { text: string }).text, 'debiteuren@jansen.nl');
  assert.match(mail.text ?? '', /M-1/);
  assert.match(mail.text ?? '', /https:\/\/pay\.example\.nl\/pay\/msg_/);
  assert.match(String(mail.html), /https:\/\/pay\.example\.nl\/pay\/msg_/);
  assert.match(mail.text ?? '', /5000 ?0000 ?2025 ?0042|5000000020250042/);
  assert.ok(!String(mail.html).includes('<script>'), 'a debtor name with <script> renders inert');
  assert.equal(stored.status, 'sent');
  assert.equal(stored.channel, 'email');
  assert.equal(stored.cost, 0n);
  const events = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_event').select('status').orderBy('event_id').execute());
  assert.deepEqual(events.map((e) => e.status), ['rendered', 'sending', 'sent']);
});

test('killed between render and send: delivered once after the restart', async () => {
  const org = await orgWithQueuedReminder('M-2');
  const before = received.length;
  const email = transport();
  await assert.rejects(dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:00:00Z'), beforeSend: () => { throw new Error('killed'); } }), /killed/);
  assert.equal(received.length, before);
  const s = await dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:06:00Z') });
  email.close();
  assert.equal(s.sent, 1);
  assert.equal(received.length, before + 1, 'exactly one delivery');
});

test('killed after the server accepted: the resend carries the same Message-ID and is flagged; nothing is lost', async () => {
  const org = await orgWithQueuedReminder('M-3');
  const before = received.length;
  const email = transport();
  await assert.rejects(dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:00:00Z'), afterSend: () => { throw new Error('killed'); } }), /killed/);
  assert.equal(received.length, before + 1);
  const early = await dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:01:00Z') });
  assert.equal(early.sent, 0, 'not while the lease of the first attempt runs');
  const s = await dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:06:00Z') });
  email.close();
  assert.deepEqual([s.sent, s.possibleDuplicates], [1, 1]);
  assert.equal(received.length, before + 2);
  assert.equal(received[received.length - 1]!.messageId, received[received.length - 2]!.messageId, 'the same Message-ID: mailboxes fold the copy');
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['status', 'possible_duplicate', 'attempts']).executeTakeFirstOrThrow());
  assert.deepEqual(stored, { status: 'sent', possible_duplicate: true, attempts: 2 });
});

test('an SMTP server that refuses: retried with backoff, never lost', async () => {
  const org = await orgWithQueuedReminder('M-4');
  const broken: EmailTransport = { send: () => Promise.reject(new Error('421 try again later')), close: () => undefined };
  const s = await dispatchOutbox(tdb.db, org, { email: broken, now: () => new Date('2026-02-09T08:00:00Z') });
  assert.deepEqual([s.sent, s.waiting], [0, 1]);
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['status', 'last_error']).executeTakeFirstOrThrow());
  assert.deepEqual(stored, { status: 'queued', last_error: '421 try again later' });
  const email = transport();
  const later = await dispatchOutbox(tdb.db, org, { email, now: () => new Date('2026-02-09T08:02:00Z') });
  email.close();
  assert.equal(later.sent, 1);
});
