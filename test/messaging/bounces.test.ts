import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { arfComplaint, delayedDsn, OUT_OF_OFFICE, postfixHardBounce } from '../support/dsn-samples.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { smtpTransport } from '../../src/modules/messaging/transport.ts';
import { runInProcess } from '../../src/cli/main.ts';
import { addDays } from '../../src/core/dates.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';

// Bounces and complaints about messages that really went out through an SMTP server in the test:
// the returned headers in each report are the headers that server received.

let tdb: TestDatabase;
let server: SMTPServer;
let port: number;
let dir: string;
const received: Buffer[] = [];

before(async () => {
  tdb = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'arflow-bounces-'));
  server = new SMTPServer({
    authOptional: true, disabledCommands: ['STARTTLS'], logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});
after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await tdb.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An organisation whose reminder to K1 went out by e-mail; returns the raw message as received. */
async function sentReminder(email: string): Promise<{ org: Organisation; raw: string; messageId: string }> {
  const org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount',
      `B-1,K1,Jansen B.V.,business,${email},Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00`]),
  });
  await runFollowup(tdb.db, org, { date: '2026-02-09' });
  const transport = smtpTransport(`smtp://127.0.0.1:${port}?ignoreTLS=true`);
  const before = received.length;
  const s = await dispatchOutbox(tdb.db, org, { email: transport, now: () => new Date('2026-02-09T08:00:00Z') });
  transport.close();
  assert.equal(s.sent, 1);
  assert.equal(received.length, before + 1);
  const raw = received[received.length - 1]!.toString('latin1');
  const m = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select('message_id').executeTakeFirstOrThrow());
  return { org, raw, messageId: m.message_id };
}

const headersOf = (raw: string) => raw.slice(0, raw.search(/\r?\n\r?\n/));

async function cli(org: Organisation, ...args: string[]) {
  return runInProcess(tdb, ['--org', org.slug, ...args], dir);
}

async function state(org: Organisation) {
  return inOrg(tdb.db, org.org_id, async (trx) => ({
    message: await trx.selectFrom('outbox_message').select(['status']).orderBy('created_at').executeTakeFirstOrThrow(),
    events: (await trx.selectFrom('message_event').select(['status', 'detail']).orderBy('event_id').execute()).map((e) => e.status),
    suppressed: (await trx.selectFrom('email_suppression').select(['email', 'reason']).execute()),
  }));
}

test('a hard bounce imported by the CLI: address suppressed, message bounced, an event; again changes nothing; the next step goes by letter', async () => {
  const { org, raw, messageId } = await sentReminder('debiteuren@jansen.nl');
  writeFileSync(join(dir, 'bounce.eml'), postfixHardBounce(headersOf(raw)));
  const r = await cli(org, 'bounces', 'import', 'bounce.eml');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`bounce\\.eml message 1 \\(line 1\\): hard bounce debiteuren@jansen\\.nl \\(${messageId}\\): 5\\.1\\.1 smtp; 550 5\\.1\\.1`));
  assert.match(r.stdout, /1 message read: 1 hard bounces, 0 soft bounces/);
  let s = await state(org);
  assert.equal(s.message.status, 'bounced');
  assert.deepEqual(s.events, ['rendered', 'sending', 'sent', 'bounced']);
  assert.equal(s.suppressed.length, 1);
  assert.equal(s.suppressed[0]!.email, 'debiteuren@jansen.nl');
  assert.match(s.suppressed[0]!.reason, /^5\.1\.1 smtp; 550 5\.1\.1 .*User unknown.*\(report <20260209080002\.3F2A1C0123@mx\.veldhuis\.nl>\)$/);

  const again = await cli(org, '--json', 'bounces', 'import', 'bounce.eml');
  assert.equal(again.exitCode, 0);
  const doc = JSON.parse(again.stdout) as { outcomes: { outcome: string }[] }[];
  assert.deepEqual(doc.map((m) => m.outcomes.map((o) => o.outcome)), [['already_recorded']]);
  s = await state(org);
  assert.deepEqual(s.events, ['rendered', 'sending', 'sent', 'bounced']);

  // The next reminder cannot use the bad address: it falls back to a letter.
  // Day by day until the next reminder is due.
  let day = '2026-02-10';
  for (; day <= '2026-02-28'; day = addDays(day, 1)) {
    const run = await runFollowup(tdb.db, org, { date: day });
    if (run.messages.length > 0) break;
  }
  assert.ok(day <= '2026-02-28', 'a second reminder was due in February');
  await dispatchOutbox(tdb.db, org, { now: () => new Date(`${day}T08:00:00Z`) });
  const later = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').select(['channel', 'recipient']).where('message_id', '<>', messageId).execute());
  assert.ok(later.length >= 1);
  for (const m of later) assert.deepEqual([m.channel, m.recipient], ['letter', 'Dorpsstraat 1, 1234 AB Amsterdam, NL']);
});

test('an mbox with a delay notice, an out-of-office reply and a report about someone else’s message', async () => {
  const { org, raw } = await sentReminder('boekhouding@jansen.nl');
  const foreign = postfixHardBounce(headersOf(raw).replace(/X-ArFlow-Message: \S+/i, 'X-ArFlow-Message: msg_not_ours').replace(/Message-ID: <[^>]+>/i, 'Message-ID: <other@example.nl>'), 'boekhouding@jansen.nl');
  const mbox = [delayedDsn(raw, 'boekhouding@jansen.nl'), OUT_OF_OFFICE, foreign]
    .map((m, i) => `From MAILER-DAEMON Mon Feb  9 0${i}:00:00 2026\n${m.replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`)
    .join('\n');
  writeFileSync(join(dir, 'bounces.mbox'), mbox);
  const r = await cli(org, 'bounces', 'import', 'bounces.mbox');
  assert.equal(r.exitCode, 0, r.stderr);
  assert.match(r.stdout, /bounces\.mbox message 1 \(line 1\): soft bounce boekhouding@jansen\.nl \(msg_\w+\): 4\.2\.2 smtp;452 4\.2\.2 Mailbox full/);
  assert.match(r.stdout, /bounces\.mbox message 2 \(line \d+\): skipped, not a delivery status notification or abuse report \(Content-Type text\/plain, subject "Afwezig: Herinnering"\)/);
  assert.match(r.stdout, /bounces\.mbox message 3 \(line \d+\): unmatched boekhouding@jansen\.nl: 5\.1\.1 .*no message of ours is named in it/);
  const s = await state(org);
  assert.equal(s.message.status, 'sent', 'a soft bounce leaves the message as it was');
  assert.deepEqual(s.events, ['rendered', 'sending', 'sent', 'soft_bounce']);
  assert.deepEqual(s.suppressed, [], 'nothing suppressed: not for a delay, not for a message that is not ours');
});

test('a file the CLI cannot use: a clear error naming it', async () => {
  const org = await makeOrg(tdb.db);
  const missing = await cli(org, 'bounces', 'import', 'nope.eml');
  assert.notEqual(missing.exitCode, 0);
  assert.match(missing.stderr, /nope\.eml: no such file/);
  writeFileSync(join(dir, 'empty.eml'), '');
  const empty = await cli(org, 'bounces', 'import', 'empty.eml');
  assert.equal(empty.exitCode, 2);
  assert.match(empty.stderr, /empty\.eml holds no e-mail message/);
  const usage = await cli(org, 'bounces', 'import');
  assert.equal(usage.exitCode, 2);
});

test('a complaint posted to the API: the address is suppressed and the complaint recorded on the message', async () => {
  const { org, raw, messageId } = await sentReminder('inkoop@jansen.nl');
  const key = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'k', role: 'controller' }))).secret;
  const app: FastifyInstance = await buildApp({ handle: tdb, now: () => new Date('2026-02-13T09:00:00Z') });
  try {
    const res = await app.inject({ method: 'POST', url: '/api/messaging/dsn', headers: { authorization: `Bearer ${key}`, 'content-type': 'message/rfc822' }, payload: arfComplaint(raw, 'inkoop@jansen.nl') });
    assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(res.json(), { messages: [{ number: 1, skipped: null, outcomes: [{ outcome: 'complaint', message_id: messageId, email: 'inkoop@jansen.nl', detail: 'complaint: abuse from SomeGenerator/1.0 (report <arf-2026-0212-77@mailbox.example.com>)' }] }] });
    const s = await state(org);
    assert.deepEqual(s.events, ['rendered', 'sending', 'sent', 'complained']);
    assert.deepEqual(s.suppressed.map((x) => x.email), ['inkoop@jansen.nl']);
    const bad = await app.inject({ method: 'POST', url: '/api/messaging/dsn', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, payload: '{}' });
    assert.equal(bad.statusCode, 400);
    // What was sent, with its documents, can be shown and downloaded.
    const detail = await app.inject({ method: 'GET', url: `/api/outbox/${messageId}`, headers: { authorization: `Bearer ${key}` } });
    const body = detail.json<{ attachments: { position: number; filename: string; sha256: string; size: number }[] }>();
    assert.equal(body.attachments.length, 1);
    assert.equal(body.attachments[0]!.filename, 'Rekeningoverzicht K1 2026-02-09.pdf');
    const file = await app.inject({ method: 'GET', url: `/api/outbox/${messageId}/attachments/0`, headers: { authorization: `Bearer ${key}` } });
    assert.equal(file.statusCode, 200);
    assert.equal(file.headers['content-type'], 'application/pdf');
    assert.equal(file.rawPayload.length, body.attachments[0]!.size);
    assert.equal(file.rawPayload.subarray(0, 5).toString('latin1'), '%PDF-');
    const none = await app.inject({ method: 'GET', url: `/api/outbox/${messageId}/attachments/1`, headers: { authorization: `Bearer ${key}` } });
    assert.equal(none.statusCode, 404);
  } finally {
    await app.close();
  }
});
