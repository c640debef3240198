import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ParsedMail } from 'mailparser';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox, heldForTransport } from '../../src/modules/messaging/dispatch.ts';
import { DEFAULT_SEND_CONCURRENCY, smtpTransport, type EmailTransport } from '../../src/modules/messaging/transport.ts';

// A real SMTP server in the test: what arrives is parsed and asserted.

let tdb: TestDatabase;
let sink: SmtpSink;
let port: number;
const received: ParsedMail[] = [];
let connections = 0;

before(async () => {
  tdb = await createTestDatabase();
  sink = await startSmtpSink(received, { onConnect: () => connections++ });
  port = sink.port;
});
after(async () => {
  await sink.close();
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

/** An organisation with one reminder queued for each of `n` debtors (debiteuren-1@… to debiteuren-n@…). */
async function orgWithQueue(n: number, prefix: string): Promise<Organisation> {
  const org = await makeOrg(tdb.db);
  const rows = Array.from({ length: n }, (_, i) => `${prefix}-${i + 1},K${i + 1},Klant ${i + 1} B.V.,business,debiteuren-${i + 1}@${prefix.toLowerCase()}.nl,Dorpsstraat ${i + 1},1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,${100 + i}.00`);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount', ...rows]),
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  assert.equal(run.messages.length, n);
  return org;
}

async function outbox(org: Organisation) {
  return inOrg(tdb.db, org.org_id, async (trx) => {
    const messages = await trx.selectFrom('outbox_message').select(['message_id', 'status', 'channel', 'recipient', 'attempts', 'last_error', 'next_attempt_at', 'possible_duplicate', 'message_id_header']).orderBy('message_id').execute();
    const events = await trx.selectFrom('message_event').select(['message_id', 'status']).orderBy('event_id').execute();
    const eventsOf = (id: string) => events.filter((e) => e.message_id === id).map((e) => e.status);
    return messages.map((m) => ({ ...m, events: eventsOf(m.message_id) }));
  });
}

test('a queue of several batches, sent concurrently: each message once, a suppressed address falls back, a refusal is retried alone', async () => {
  const org = await orgWithQueue(13, 'Q');
  await inOrg(tdb.db, org.org_id, (trx) => trx.insertInto('email_suppression').values({ org_id: org.org_id, email: 'debiteuren-2@q.nl', reason: '550 user unknown' }).execute());
  const before = received.length;
  const real = transport();
  const refusing: EmailTransport = {
    send: (e) => (e.to === 'debiteuren-3@q.nl' ? Promise.reject(new Error('452 mailbox full')) : real.send(e)),
    close: () => real.close(),
  };
  const at = new Date('2026-02-09T08:00:00Z');
  const s = await dispatchOutbox(tdb.db, org, { email: refusing, now: () => at, batchSize: 4, concurrency: 3 });
  assert.deepEqual(s, { sent: 11, failed: 0, waiting: 2, possibleDuplicates: 0 });
  const mails = received.slice(before);
  assert.equal(mails.length, 11);
  assert.equal(new Set(mails.map((m) => m.messageId)).size, 11, 'each Message-ID once');

  const rows = await outbox(org);
  const byRecipient = new Map(rows.map((r) => [r.recipient, r]));
  const suppressed = rows.find((r) => r.channel === 'letter');
  assert.ok(suppressed, 'the debtor whose address bounced is written to instead');
  assert.match(suppressed.recipient ?? '', /^Dorpsstraat 2, 1234 AB Amsterdam/);
  assert.deepEqual([suppressed.status, suppressed.attempts, suppressed.events], ['queued', 0, ['rendered']]);
  assert.match(suppressed.last_error ?? '', /no letter transport/);
  const refused = byRecipient.get('debiteuren-3@q.nl')!;
  assert.deepEqual([refused.status, refused.attempts, refused.last_error, refused.events], ['queued', 1, '452 mailbox full', ['rendered', 'sending', 'retry']]);
  assert.deepEqual(refused.next_attempt_at, new Date('2026-02-09T08:01:00Z'), 'backoff of its own: one minute after the first attempt');
  const sent = rows.filter((r) => r.status === 'sent');
  assert.equal(sent.length, 11);
  for (const r of sent) assert.deepEqual(r.events, ['rendered', 'sending', 'sent'], `events of ${r.message_id} in order`);
  assert.deepEqual(new Set(mails.map((m) => m.messageId)), new Set(sent.map((r) => r.message_id_header)));

  const again = await dispatchOutbox(tdb.db, org, { email: real, now: () => new Date('2026-02-09T08:02:00Z'), batchSize: 4, concurrency: 3 });
  real.close();
  assert.deepEqual(again, { sent: 1, failed: 0, waiting: 0, possibleDuplicates: 0 }, 'the letter still waits (not due before tomorrow)');
  assert.equal(received.length, before + 12);
  assert.equal(received.at(-1)!.messageId, refused.message_id_header);
});

test('stopped on its signal: what was claimed but not handed over goes back to the queue, not flagged', async () => {
  const org = await orgWithQueue(6, 'S');
  const before = received.length;
  const email = transport();
  const stop = new AbortController();
  let handedOver = 0;
  const at = () => new Date('2026-02-09T08:00:00Z');
  const s = await dispatchOutbox(tdb.db, org, {
    email, now: at, concurrency: 1, signal: stop.signal,
    beforeSend: () => {
      if (++handedOver === 2) stop.abort();
    },
  });
  assert.deepEqual(s, { sent: 2, failed: 0, waiting: 4, possibleDuplicates: 0 });
  assert.equal(received.length, before + 2);
  const back = (await outbox(org)).filter((r) => r.status === 'queued');
  assert.equal(back.length, 4);
  for (const r of back) {
    assert.deepEqual([r.attempts, r.possible_duplicate, r.next_attempt_at, r.events], [0, false, null, ['rendered', 'sending', 'queued']]);
  }
  const rest = await dispatchOutbox(tdb.db, org, { email, now: at });
  email.close();
  assert.deepEqual(rest, { sent: 4, failed: 0, waiting: 0, possibleDuplicates: 0 });
  assert.equal(new Set(received.slice(before).map((m) => m.messageId)).size, 6, 'six messages, each once');
});

test('smtpTransport keeps a pool of connections unless the URL says pool=false', async () => {
  const pooled = await orgWithQueue(12, 'P');
  const email = transport();
  let opened = connections;
  const s = await dispatchOutbox(tdb.db, pooled, { email, now: () => new Date('2026-02-09T08:00:00Z') });
  email.close();
  assert.equal(s.sent, 12);
  const viaPool = connections - opened;
  assert.ok(viaPool >= 1 && viaPool <= DEFAULT_SEND_CONCURRENCY, `${viaPool} connections for 12 messages`);

  const single = await orgWithQueue(3, 'U');
  const unpooled = smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true&pool=false`);
  opened = connections;
  const u = await dispatchOutbox(tdb.db, single, { email: unpooled, now: () => new Date('2026-02-09T08:00:00Z') });
  unpooled.close();
  assert.equal(u.sent, 3);
  assert.equal(connections - opened, 3, 'a connection per message');
});

test('a claimed message whose lease is nearly out is not handed over: it goes back to the queue', async () => {
  const org = await orgWithQueue(3, 'L');
  const before = received.length;
  const real = transport();
  let t = new Date('2026-02-09T08:00:00Z').getTime();
  // A slow provider: each send takes 4 minutes 40 of the 5-minute lease.
  const slow: EmailTransport = {
    send: async (e) => {
      const r = await real.send(e);
      t += 280_000;
      return r;
    },
    close: () => real.close(),
  };
  const s = await dispatchOutbox(tdb.db, org, { email: slow, now: () => new Date(t), concurrency: 1 });
  assert.deepEqual(s, { sent: 1, failed: 0, waiting: 2, possibleDuplicates: 0 });
  assert.equal(received.length, before + 1);
  const back = (await outbox(org)).filter((r) => r.status !== 'sent');
  assert.deepEqual(back.map((r) => [r.status, r.attempts, r.possible_duplicate, r.events]), [
    ['queued', 0, false, ['rendered', 'sending', 'queued']],
    ['queued', 0, false, ['rendered', 'sending', 'queued']],
  ]);
  const rest = await dispatchOutbox(tdb.db, org, { email: real, now: () => new Date(t) });
  real.close();
  assert.deepEqual(rest, { sent: 2, failed: 0, waiting: 0, possibleDuplicates: 0 });
  assert.equal(new Set(received.slice(before).map((m) => m.messageId)).size, 3);
});

test('a message held for want of a transport goes as soon as a dispatcher has one, not after a backoff', async () => {
  const org = await orgWithQueuedReminder('H-1');
  const at = () => new Date('2026-02-09T08:00:00Z');
  const none = await dispatchOutbox(tdb.db, org, { now: at });
  assert.deepEqual([none.sent, none.waiting], [0, 1]);
  assert.deepEqual(await heldForTransport(tdb.db, org, {}), { email: 1 });
  const stored = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['status', 'attempts', 'last_error']).executeTakeFirstOrThrow());
  assert.deepEqual([stored.status, stored.attempts], ['queued', 0]);
  assert.match(stored.last_error ?? '', /no email transport/);
  // A second dispatcher without the transport passes it by: it is neither claimed nor counted again.
  assert.deepEqual(await dispatchOutbox(tdb.db, org, { now: at }), { sent: 0, failed: 0, waiting: 0, possibleDuplicates: 0 });
  const before = received.length;
  const email = transport();
  const s = await dispatchOutbox(tdb.db, org, { email, now: at });
  email.close();
  assert.equal(s.sent, 1, 'sent at once by the dispatcher that has e-mail');
  assert.equal(received.length, before + 1);
  assert.deepEqual(await heldForTransport(tdb.db, org, {}), {});
});
