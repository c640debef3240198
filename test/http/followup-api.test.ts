import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';

let tdb: TestDatabase;
let app: FastifyInstance;
let admin: string;
let viewer: string;
let orgId: string;

before(async () => {
  tdb = await createTestDatabase();
  const org = await makeOrg(tdb.db);
  orgId = org.org_id;
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,issue_date,due_date,amount', 'A-1,K1,Jansen B.V.,business,2026-01-05,2026-02-04,1500.00', 'A-2,K2,Piet,consumer,2026-01-05,2026-01-19,80.00']),
  });
  admin = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'a', role: 'admin' }))).secret;
  viewer = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'v', role: 'viewer' }))).secret;
  app = await buildApp({ handle: tdb, now: () => new Date('2026-02-25T09:00:00Z') });
});
after(async () => {
  await app.close();
  await tdb.close();
});

const h = (k: string) => ({ authorization: `Bearer ${k}` });

test('segments and workflows: defaults, a new version, bad steps refused', async () => {
  const segs = (await app.inject({ method: 'GET', url: '/api/segments', headers: h(viewer) })).json<{ code: string; excluded: boolean; steps: { key: string }[]; workflow_version: number }[]>();
  assert.deepEqual(segs.map((s) => s.code), ['intercompany', 'key-accounts', 'consumers-nl', 'consumers-be', 'business']);
  assert.equal(segs.find((s) => s.code === 'intercompany')?.excluded, true);
  const business = segs.find((s) => s.code === 'business')!;
  const steps = business.steps.filter((s) => s.key !== 'pre_due');
  const put = await app.inject({ method: 'PUT', url: '/api/segments/business/workflow', headers: h(admin), payload: { steps } });
  assert.equal(put.statusCode, 200, put.body);
  assert.equal(put.json<{ version: number }>().version, 2);
  const bad = await app.inject({ method: 'PUT', url: '/api/segments/business/workflow', headers: h(admin), payload: { steps: [{ key: 'x', type: 'charge', anchor: 'due_date', offsetDays: 5, conditions: { afterStep: 'nope' } }] } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json<{ detail: string }>().detail, /a charge step needs "charge"|refers to step "nope"/);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/segments/business/workflow', headers: h(viewer), payload: { steps } })).statusCode, 403);
});

test('dry run, forecast, run, tasks and outcomes through the API', async () => {
  const dry = await app.inject({ method: 'POST', url: '/api/followup/run', headers: h(viewer), payload: { dry_run: true } });
  assert.equal(dry.statusCode, 200, dry.body);
  const planned = dry.json<{ date: string; tasks: { kind: string; invoices: string[] }[]; messages: { step: string; invoices: string[] }[] }>();
  assert.equal(planned.date, '2026-02-25');
  assert.deepEqual(planned.tasks.map((t) => [t.kind, t.invoices]), [['call', ['A-1']]]);
  const forecast = await app.inject({ method: 'GET', url: '/api/followup/forecast?from=2026-02-25&to=2026-03-10', headers: h(viewer) });
  assert.equal(forecast.json<unknown[]>().length, 14);
  assert.equal((await app.inject({ method: 'POST', url: '/api/followup/run', headers: h(viewer), payload: {} })).statusCode, 403);
  const run = await app.inject({ method: 'POST', url: '/api/followup/run', headers: h(admin), payload: {} });
  assert.deepEqual(run.json<{ tasks: unknown[] }>().tasks, planned.tasks.map((t) => ({ ...t })));
  const tasks = (await app.inject({ method: 'GET', url: '/api/tasks?status=open', headers: h(viewer) })).json<{ items: { id: string; kind: string }[] }>();
  const call = tasks.items.find((t) => t.kind === 'call')!;
  const done = await app.inject({ method: 'POST', url: `/api/tasks/${call.id}/complete`, headers: h(admin), payload: { outcome: 'expected_payment_date', date: '2026-03-06' } });
  assert.equal(done.statusCode, 204, done.body);
  const again = await app.inject({ method: 'POST', url: `/api/tasks/${call.id}/complete`, headers: h(admin), payload: { outcome: 'done' } });
  assert.equal(again.statusCode, 400);
  const dispute = await app.inject({ method: 'POST', url: '/api/invoices/A-2/disputes', headers: h(admin), payload: { reason: 'never ordered' } });
  assert.equal(dispute.json<{ dispute_ids: string[] }>().dispute_ids.length, 1);
  const next = (await app.inject({ method: 'POST', url: '/api/followup/run', headers: h(viewer), payload: { dry_run: true, date: '2026-03-04' } })).json<{ invoices_considered: number }>();
  assert.equal(next.invoices_considered, 0, 'promised and disputed invoices wait');
});

test('segments through the API: a payment-behaviour segment created and changed, bad rules refused with the field named', async () => {
  const created = await app.inject({
    method: 'PUT', url: '/api/segments/late-payers', headers: h(admin),
    payload: { name: 'Late payers', position: 45, rules: { kind: 'business', paymentBehaviour: { minAvgDaysLate: 15, minSharePaidLate: 50 } }, steps: [{ key: 'call', type: 'task', anchor: 'due_date', offsetDays: -3, task: { kind: 'call', assignee: 'credit_controller' } }] },
  });
  assert.equal(created.statusCode, 200, created.body);
  assert.deepEqual(created.json<{ rules: unknown; workflow_version: number }>().rules, { kind: 'business', paymentBehaviour: { minAvgDaysLate: 15, minSharePaidLate: 50 } });
  const changed = await app.inject({ method: 'PUT', url: '/api/segments/late-payers', headers: h(admin), payload: { rules: { paymentBehaviour: { months: 6, minAvgDaysLate: 20 } } } });
  assert.equal(changed.statusCode, 200, changed.body);
  assert.deepEqual(changed.json<{ name: string; position: number; workflow_version: number }>(), { ...changed.json<object>(), name: 'Late payers', position: 45, workflow_version: 1 });
  const codes = (await app.inject({ method: 'GET', url: '/api/segments', headers: h(viewer) })).json<{ code: string }[]>().map((s) => s.code);
  assert.deepEqual(codes, ['intercompany', 'key-accounts', 'consumers-nl', 'consumers-be', 'late-payers', 'business']);
  const badSchema = await app.inject({ method: 'PUT', url: '/api/segments/late-payers', headers: h(admin), payload: { rules: { paymentBehaviour: { minSharePaidLate: 120 } } } });
  assert.equal(badSchema.statusCode, 400);
  assert.match(badSchema.body, /minSharePaidLate/);
  // A misspelt criterion is refused by name, never dropped (which would reset the rules to "match all").
  const misspelt = await app.inject({ method: 'PUT', url: '/api/segments/late-payers', headers: h(admin), payload: { rules: { paymentBehavior: { minAvgDaysLate: 20 } } } });
  assert.equal(misspelt.statusCode, 400, misspelt.body);
  assert.match(misspelt.json<{ detail: string }>().detail, /body\.rules\.paymentBehavior: unknown field/);
  const badRange = await app.inject({ method: 'PUT', url: '/api/segments/late-payers', headers: h(admin), payload: { rules: { paymentBehaviour: { minAvgDaysLate: 30, maxAvgDaysLate: 10 } } } });
  assert.equal(badRange.statusCode, 400);
  assert.match(badRange.json<{ detail: string }>().detail, /rules\.paymentBehaviour: minAvgDaysLate \(30\) is above maxAvgDaysLate \(10\)/);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/segments/late-payers', headers: h(viewer), payload: { name: 'x' } })).statusCode, 403);
  const events = await inOrg(tdb.db, orgId, (trx) => trx.selectFrom('event').select('type').where('subject_type', '=', 'segment').execute());
  assert.deepEqual(events.map((e) => e.type).filter((t) => t.startsWith('segment.')).sort(), ['segment.created', 'segment.updated']);
});

test('days without sending through the API', async () => {
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/followup/no-send-days', headers: h(viewer) })).json(), { weekdays: [], dates: [] });
  const put = await app.inject({ method: 'PUT', url: '/api/followup/no-send-days', headers: h(admin), payload: { weekdays: [6, 3, 3], dates: ['2026-12-31', '2026-12-24'] } });
  assert.equal(put.statusCode, 200, put.body);
  assert.deepEqual(put.json(), { weekdays: [3, 6], dates: ['2026-12-24', '2026-12-31'] });
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/followup/no-send-days', headers: h(viewer) })).json(), { weekdays: [3, 6], dates: ['2026-12-24', '2026-12-31'] });
  const bad = await app.inject({ method: 'PUT', url: '/api/followup/no-send-days', headers: h(admin), payload: { weekdays: [8], dates: [] } });
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /weekdays/);
  const allWeek = await app.inject({ method: 'PUT', url: '/api/followup/no-send-days', headers: h(admin), payload: { weekdays: [1, 2, 3, 4, 5], dates: [] } });
  assert.match(allWeek.json<{ detail: string }>().detail, /at least one of Monday to Friday/);
  assert.equal((await app.inject({ method: 'PUT', url: '/api/followup/no-send-days', headers: h(viewer), payload: { weekdays: [], dates: [] } })).statusCode, 403);
});

test('SEPA mandates through the API: register, list, revoke; bad input and roles refused', async () => {
  const ctl = (await inOrg(tdb.db, orgId, (trx) => createApiKey(trx, orgId, { name: 'c', role: 'controller' }))).secret;
  const reg = await app.inject({ method: 'POST', url: '/api/debtors/K1/mandates', headers: h(ctl), payload: { reference: 'ARF-K1-001', iban: 'nl91 abna 0417 1643 00', signed_on: '2026-02-01' } });
  assert.equal(reg.statusCode, 200, reg.body);
  const m = reg.json<{ id: string; reference: string; iban: string; status: string; revoked_on: string | null }>();
  assert.deepEqual([m.reference, m.iban, m.status, m.revoked_on], ['ARF-K1-001', 'NL91ABNA0417164300', 'active', null]);
  const dup = await app.inject({ method: 'POST', url: '/api/debtors/K1/mandates', headers: h(ctl), payload: { reference: 'ARF-K1-001', iban: 'NL91ABNA0417164300', signed_on: '2026-02-01' } });
  assert.equal(dup.statusCode, 400);
  assert.match(dup.json<{ detail: string }>().detail, /registered already/);
  const badIban = await app.inject({ method: 'POST', url: '/api/debtors/K1/mandates', headers: h(ctl), payload: { reference: 'ARF-K1-002', iban: 'NL00XXXX', signed_on: '2026-02-01' } });
  assert.match(badIban.json<{ detail: string }>().detail, /^iban: /);
  const future = await app.inject({ method: 'POST', url: '/api/debtors/K1/mandates', headers: h(ctl), payload: { reference: 'ARF-K1-002', iban: 'NL91ABNA0417164300', signed_on: '2026-03-01' } });
  assert.match(future.json<{ detail: string }>().detail, /signed_on: 2026-03-01 is after today \(2026-02-25\)/);
  assert.equal((await app.inject({ method: 'POST', url: '/api/debtors/K1/mandates', headers: h(viewer), payload: { reference: 'V', iban: 'NL91ABNA0417164300', signed_on: '2026-02-01' } })).statusCode, 403);
  assert.equal((await app.inject({ method: 'POST', url: '/api/debtors/NOPE/mandates', headers: h(ctl), payload: { reference: 'V', iban: 'NL91ABNA0417164300', signed_on: '2026-02-01' } })).statusCode, 404);
  const revoked = await app.inject({ method: 'POST', url: `/api/mandates/${m.id}/revoke`, headers: h(ctl), payload: { reason: 'debtor asked' } });
  assert.equal(revoked.statusCode, 200, revoked.body);
  assert.deepEqual([revoked.json<{ status: string }>().status, revoked.json<{ revoked_on: string }>().revoked_on], ['revoked', '2026-02-25']);
  const list = (await app.inject({ method: 'GET', url: '/api/debtors/K1/mandates', headers: h(viewer) })).json<{ id: string; status: string }[]>();
  assert.deepEqual(list.map((x) => [x.id, x.status]), [[m.id, 'revoked']]);
  assert.equal((await app.inject({ method: 'POST', url: `/api/mandates/${m.id}/revoke`, headers: h(ctl), payload: {} })).statusCode, 400);
});
