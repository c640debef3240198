import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import type { EmailTransport, OutgoingEmail } from '../../src/modules/messaging/transport.ts';

let tdb: TestDatabase;
let app: FastifyInstance;
let org: Organisation;
let key: string;
const sent: OutgoingEmail[] = [];
const recording: EmailTransport = { send: (e) => { sent.push(e); return Promise.resolve({ providerId: `rec-${sent.length}` }); }, close: () => undefined };

before(async () => {
  process.env.ARFLOW_PUBLIC_URL = 'https://arflow.example.nl';
  tdb = await createTestDatabase();
  org = await makeOrg(tdb.db);
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-03-01',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount',
      'K-1,KA1,Groot Klant B.V.,business,ap@grootklant.nl,Havenweg 1,3000 AA,Rotterdam,NL,2026-03-02,2026-04-01,5000.00',
      'K-2,KA1,Groot Klant B.V.,business,ap@grootklant.nl,Havenweg 1,3000 AA,Rotterdam,NL,2026-03-02,2026-04-01,700.00']),
  });
  await inOrg(tdb.db, org.org_id, (trx) => sql`UPDATE debtor SET tags = '{key-account}'`.execute(trx));
  key = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'k', role: 'controller' }))).secret;
  app = await buildApp({ handle: tdb, now: () => new Date('2026-03-09T09:00:00Z') });
});
after(async () => {
  await app.close();
  await tdb.close();
  delete process.env.ARFLOW_PUBLIC_URL;
});

const h = { authorization: '' };

test('preview, a payment request, the receipt link that closes the check task, the pay page, a bounce, costs', async () => {
  h.authorization = `Bearer ${key}`;
  const preview = await app.inject({ method: 'GET', url: '/api/debtors/KA1/preview?template=reminder_1&tone=firm&language=en', headers: h });
  assert.equal(preview.statusCode, 200, preview.body);
  assert.match(preview.json<{ text: string }>().text, /K-1/);

  const run = await runFollowup(tdb.db, org, { date: '2026-03-09' }); // key accounts: check_received at invoice date + 5 business days
  assert.deepEqual(run.tasks.map((t) => t.kind), ['check_received']);
  const request = await app.inject({ method: 'POST', url: '/api/debtors/KA1/payment-requests', headers: h, payload: { reason: 'Graag voor de jaarafsluiting <b>vandaag</b>', invoices: ['K-2'] } });
  assert.equal(request.statusCode, 201, request.body);
  const d = await dispatchOutbox(tdb.db, org, { email: recording, now: () => new Date('2026-03-09T09:00:00Z') });
  assert.equal(d.sent, 1);
  const mail = sent[0]!;
  assert.match(mail.text, /K-2/);
  assert.match(mail.text, /Graag voor de jaarafsluiting <b>vandaag<\/b>/, 'the controller\'s reason is in the request');
  assert.match(mail.html, /Graag voor de jaarafsluiting &lt;b&gt;vandaag&lt;\/b&gt;/, 'and escaped in the HTML');
  const link = /https:\/\/arflow\.example\.nl\/confirm\/(msg_[0-9a-f]+)\?t=([\w-]+)/.exec(mail.text);
  assert.ok(link, 'the e-mail carries the receipt link');
  const pay = /https:\/\/arflow\.example\.nl(\/pay\/msg_[0-9a-f]+\?t=[\w-]+)/.exec(mail.text);
  assert.ok(pay, 'and the pay link');

  assert.equal((await app.inject({ method: 'GET', url: `/confirm/${link[1]}?t=wrong` })).statusCode, 404);
  const confirm = await app.inject({ method: 'GET', url: `/confirm/${link[1]}?t=${link[2]}` });
  assert.equal(confirm.statusCode, 200);
  const task = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('task').select(['status', 'outcome']).where('kind', '=', 'check_received').executeTakeFirstOrThrow());
  assert.deepEqual(task, { status: 'done', outcome: 'received' });

  const payPage = await app.inject({ method: 'GET', url: pay[1]! });
  assert.equal(payPage.statusCode, 200);
  assert.match(payPage.body, /700\.00/);
  assert.match(payPage.body, /<svg/);

  const problem = await app.inject({ method: 'POST', url: `/confirm/${link[1]}?t=${link[2]}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'problem=Wrong+price+on+line+2' });
  assert.equal(problem.statusCode, 200);
  const dispute = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('dispute').select(['reason', 'status']).executeTakeFirstOrThrow());
  assert.deepEqual(dispute, { reason: 'reported by the debtor: Wrong price on line 2', status: 'open' });

  const bounce = await app.inject({ method: 'POST', url: '/api/webhooks/bounces', headers: h, payload: { email: 'AP@grootklant.nl', reason: '550 5.1.1 user unknown' } });
  assert.equal(bounce.statusCode, 204);
  const debtor = (await app.inject({ method: 'GET', url: '/api/debtors/KA1', headers: h })).json<{ checks: { results: { code: string; status: string }[] } }>();
  assert.equal(debtor.checks.results.find((c) => c.code === 'email_not_bounced')?.status, 'fail');

  const costs = await app.inject({ method: 'GET', url: '/api/reports/message-costs?from=2026-03-01&to=2026-03-31', headers: h });
  assert.deepEqual(costs.json<{ by_month: { month: string; channel: string; messages: number; cost: string }[] }>().by_month.map((r) => [r.month, r.channel, r.messages, r.cost]), [['2026-03', 'email', 1, '0.00']]);
  const outbox = (await app.inject({ method: 'GET', url: '/api/outbox', headers: h })).json<{ items: { id: string; status: string }[] }>();
  const detail = (await app.inject({ method: 'GET', url: `/api/outbox/${outbox.items[0]!.id}`, headers: h })).json<{ events: { status: string }[]; message_id_header: string }>();
  assert.deepEqual(detail.events.map((e) => e.status), ['queued', 'rendered', 'sending', 'sent', 'receipt_confirmed', 'problem_reported']);
});
