import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { ParsedMail } from 'mailparser';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startSmtpSink, type SmtpSink } from '../support/smtp.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { transportsFor } from '../../src/modules/messaging/transports-config.ts';
import { getOrganisation } from '../../src/modules/organisations/organisation-service.ts';
import type { Organisation } from '../../src/db/schema.ts';

// The organisation's messaging settings through the API (validated, secrets masked, an event per
// change), and test mode: every e-mail goes to one address, through a real SMTP server.

let tdb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let other: Organisation;
let admin: string;
let controller: string;
let otherAdmin: string;
let sink: SmtpSink;
let port: number;
const received: ParsedMail[] = [];

before(async () => {
  tdb = await createTestDatabase();
  org = await makeOrg(tdb.db);
  other = await makeOrg(tdb.db);
  admin = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'ops', role: 'admin' }))).secret;
  controller = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'cc', role: 'controller' }))).secret;
  otherAdmin = (await inOrg(tdb.db, other.org_id, (trx) => createApiKey(trx, other.org_id, { name: 'ops', role: 'admin' }))).secret;
  app = await buildApp({ handle: tdb, now: () => new Date('2026-11-22T10:00:00Z') });
  sink = await startSmtpSink(received);
  port = sink.port;
});
after(async () => {
  await app.close();
  await sink.close();
  await tdb.close();
});

const patch = (key: string, body: unknown) =>
  app.inject({ method: 'PATCH', url: '/api/organisation/messaging', headers: { authorization: `Bearer ${key}` }, payload: body as Record<string, unknown> });

test('settings are validated, stored per organisation, read back with secrets masked', async () => {
  const ok = await patch(admin, {
    from: 'Debiteuren Acme <debiteuren@acme.nl>', reply_to: 'credit@acme.nl', smtp_url: 'smtp://acme:s3cret-pw@mail.acme.nl:587',
    costs: { sms: 25, letter: 165 },
  });
  assert.equal(ok.statusCode, 200, ok.body);
  const shown = ok.json<Record<string, unknown>>();
  assert.equal(shown.smtp_url, 'smtp://acme:***@mail.acme.nl:587');
  assert.ok(!ok.body.includes('s3cret-pw'));
  assert.deepEqual(shown.costs, { sms: 25, letter: 165 });

  // Costs merge per channel; null removes a setting.
  const merged = await patch(admin, { costs: { registered: 900 }, reply_to: null });
  assert.equal(merged.statusCode, 200, merged.body);
  assert.deepEqual(merged.json<Record<string, unknown>>().costs, { sms: 25, letter: 165, registered: 900 });
  assert.equal(merged.json<Record<string, unknown>>().reply_to, undefined);
  const stored = await getOrganisation(tdb.db, org.org_id);
  assert.equal(stored.messaging.smtp_url, 'smtp://acme:s3cret-pw@mail.acme.nl:587', 'the secret itself is kept');

  // Bad values are refused, naming the field, and change nothing.
  for (const [body, field] of [
    [{ from: 'not an address' }, 'messaging.from'],
    [{ smtp_url: 'http://mail.acme.nl' }, 'messaging.smtp_url'],
    [{ costs: { fax: 10 } }, 'messaging.costs.fax'],
    [{ test_recipient: 'nobody' }, 'messaging.test_recipient'],
  ] as const) {
    const r = await patch(admin, body);
    assert.equal(r.statusCode, 400, r.body);
    assert.match(r.body, new RegExp(field.replace(/\./g, '\\.')));
  }
  const unknown = await patch(admin, { smtp_password: 'x' });
  assert.equal(unknown.statusCode, 400);
  assert.match(unknown.body, /smtp_password/, 'the error names the unknown field');
  assert.deepEqual((await getOrganisation(tdb.db, org.org_id)).messaging, stored.messaging);

  const twilio = await patch(admin, { twilio_account_sid: `AC${'0a'.repeat(16)}`, twilio_auth_token: 'f'.repeat(32), twilio_from: '+3197010000000' });
  assert.equal(twilio.statusCode, 200, twilio.body);
  assert.equal(twilio.json<Record<string, unknown>>().twilio_auth_token, '***');
  assert.ok(!twilio.body.includes('f'.repeat(32)));
  assert.equal((await patch(admin, { twilio_account_sid: 'not-a-sid' })).statusCode, 400);

  const letters = await patch(admin, { letters: 'bundle', pingen_client_secret: 'pingen-secret-value' });
  assert.equal(letters.statusCode, 200, letters.body);
  assert.equal(letters.json<Record<string, unknown>>().pingen_client_secret, '***');
  assert.equal((await patch(admin, { letters: 'fax' })).statusCode, 400);

  // Only admins; other organisations see their own (empty) settings.
  assert.equal((await patch(controller, { from: 'x@acme.nl' })).statusCode, 403);
  const theirs = await app.inject({ method: 'GET', url: '/api/organisation/messaging', headers: { authorization: `Bearer ${otherAdmin}` } });
  assert.deepEqual(theirs.json(), {});

  const events = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('event').select(['type', 'data']).where('type', '=', 'organisation.messaging_updated').orderBy('event_id').execute());
  assert.equal(events.length, 4);
  assert.ok(!JSON.stringify(events).includes('s3cret-pw') && !JSON.stringify(events).includes('f'.repeat(32)), 'events mask the secrets too');
});

test('test mode sends every e-mail to one address and keeps the debtor\'s in a header', async () => {
  await importInvoiceFile(tdb.db, other, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount',
      'T-1,K1,Jansen B.V.,business,debiteuren@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00']),
  });
  assert.equal((await runFollowup(tdb.db, other, { date: '2026-02-09' })).messages.length, 1);
  const r = await patch(otherAdmin, { test_recipient: 'inbox@acme.test', smtp_url: `smtp://127.0.0.1:${port}?ignoreTLS=true` });
  assert.equal(r.statusCode, 200, r.body);
  const fresh = await getOrganisation(tdb.db, other.org_id);
  const { transports, description, close } = transportsFor(fresh, {});
  assert.match(description.email ?? '', /test mode: all e-mail to inbox@acme\.test/);
  const before = received.length;
  try {
    const s = await dispatchOutbox(tdb.db, fresh, { ...transports, now: () => new Date('2026-02-09T08:00:00Z') });
    assert.equal(s.sent, 1);
  } finally {
    close();
  }
  assert.equal(received.length, before + 1);
  const mail = received[received.length - 1]!;
  assert.equal((mail.to as { text: string }).text, 'inbox@acme.test');
  assert.equal(mail.headers.get('x-arflow-original-recipient'), 'debiteuren@jansen.nl');
});
