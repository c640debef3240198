import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import { buildApp } from '../../src/http/app.ts';
import { addUser, createApiKey } from '../../src/modules/users/user-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import type { Organisation } from '../../src/db/schema.ts';

let tdb: TestDatabase;
let app: FastifyInstance;
let orgA: Organisation;
let orgB: Organisation;
let keyA: string;
let keyB: string;
let viewerKeyA: string;

const FILE = [
  'invoice_number,debtor_number,debtor_name,debtor_type,email,address,postal_code,city,country,issue_date,due_date,amount,vat_amount',
  'A-1,D1,Jansen BV,business,info@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-09-01,2026-10-01,1210.00,210.00',
  'A-2,D2,Piet Klaassen,consumer,piet@example,Kerkweg 5,5678 CD,Utrecht,NL,2026-10-15,2026-11-14,121.00,21.00',
  'A-3,D1,Jansen BV,business,info@jansen.nl,Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-11-01,2026-12-01,605.00,105.00',
];

before(async () => {
  tdb = await createTestDatabase();
  orgA = await makeOrg(tdb.db);
  orgB = await makeOrg(tdb.db, 'BE');
  await importInvoiceFile(tdb.db, orgA, { fileName: 'a.csv', content: csv(FILE), today: '2026-11-22' });
  await importInvoiceFile(tdb.db, orgB, { fileName: 'b.csv', content: csv([FILE[0]!, FILE[1]!.replace('A-1', 'B-1')]), today: '2026-11-22' });
  keyA = (await inOrg(tdb.db, orgA.org_id, (trx) => createApiKey(trx, orgA.org_id, { name: 'erp', role: 'controller' }))).secret;
  viewerKeyA = (await inOrg(tdb.db, orgA.org_id, (trx) => createApiKey(trx, orgA.org_id, { name: 'bi', role: 'viewer' }))).secret;
  keyB = (await inOrg(tdb.db, orgB.org_id, (trx) => createApiKey(trx, orgB.org_id, { name: 'erp', role: 'controller' }))).secret;
  await inOrg(tdb.db, orgA.org_id, (trx) => addUser(trx, orgA.org_id, { email: 'anna@example.nl', password: 'correct horse', role: 'admin' }));
  app = await buildApp({ handle: tdb, now: () => new Date('2026-11-22T10:00:00Z') });
});
after(async () => {
  await app.close();
  await tdb.close();
});

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

describe('HTTP API', () => {
  test('no token: 401 as RFC 9457 problem details', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/invoices' });
    assert.equal(r.statusCode, 401);
    assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
    const body = r.json<{ code: string; status: number; title: string; detail: string }>();
    assert.equal(body.code, 'unauthenticated');
    assert.equal(body.status, 401);
  });

  test('a user logs in with e-mail and password and gets a session token', async () => {
    const bad = await app.inject({ method: 'POST', url: '/api/session', payload: { email: 'anna@example.nl', password: 'wrong password' } });
    assert.equal(bad.statusCode, 401);
    const r = await app.inject({ method: 'POST', url: '/api/session', payload: { email: 'anna@example.nl', password: 'correct horse' } });
    assert.equal(r.statusCode, 201);
    const { token, organisation } = r.json<{ token: string; organisation: string }>();
    assert.equal(organisation, orgA.slug);
    const me = await app.inject({ method: 'GET', url: '/api/organisation', headers: auth(token) });
    assert.equal(me.json<{ slug: string }>().slug, orgA.slug);
    const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: auth(token) });
    assert.equal(out.statusCode, 204);
    assert.equal((await app.inject({ method: 'GET', url: '/api/organisation', headers: auth(token) })).statusCode, 401);
  });

  test('lists invoices with filters and cursor pagination', async () => {
    const all = await app.inject({ method: 'GET', url: '/api/invoices?limit=2', headers: auth(keyA) });
    assert.equal(all.statusCode, 200);
    const page1 = all.json<{ items: { number: string }[]; next_cursor: string | null }>();
    assert.equal(page1.items.length, 2);
    assert.ok(page1.next_cursor);
    const page2 = (await app.inject({ method: 'GET', url: `/api/invoices?limit=2&cursor=${page1.next_cursor}`, headers: auth(keyA) })).json<{ items: { number: string }[]; next_cursor: string | null }>();
    assert.deepEqual([...page1.items, ...page2.items].map((i) => i.number).sort(), ['A-1', 'A-2', 'A-3']);
    assert.equal(page2.next_cursor, null);

    const overdue = (await app.inject({ method: 'GET', url: '/api/invoices?status=overdue', headers: auth(keyA) })).json<{ items: { number: string; days_overdue: number; open_amount: string }[] }>();
    assert.deepEqual(overdue.items.map((i) => [i.number, i.days_overdue, i.open_amount]).sort(), [['A-1', 52, '1210.00'], ['A-2', 8, '121.00']]);
    const late = (await app.inject({ method: 'GET', url: '/api/invoices?min_days_overdue=30', headers: auth(keyA) })).json<{ items: { number: string }[] }>();
    assert.deepEqual(late.items.map((i) => i.number), ['A-1']);
    const byDebtor = (await app.inject({ method: 'GET', url: '/api/invoices?debtor=D1&min_open_amount=700', headers: auth(keyA) })).json<{ items: { number: string }[] }>();
    assert.deepEqual(byDebtor.items.map((i) => i.number), ['A-1']);
    const badStatus = await app.inject({ method: 'GET', url: '/api/invoices?status=lost', headers: auth(keyA) });
    assert.equal(badStatus.statusCode, 400);
  });

  test('an invoice comes with its ledger, events and checks', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/invoices/A-1', headers: auth(keyA) });
    assert.equal(r.statusCode, 200);
    const inv = r.json<{ id: string; ledger: { type: string; amount: string }[]; status: string; open_amount: string; debtor: { number: string } }>();
    assert.equal(inv.status, 'overdue');
    assert.deepEqual(inv.ledger.map((e) => [e.type, e.amount]), [['issued', '1210.00']]);
    const byId = await app.inject({ method: 'GET', url: `/api/invoices/${inv.id}`, headers: auth(keyA) });
    assert.equal(byId.json<{ number: string }>().number, 'A-1');
  });

  test('a debtor shows its checks: a broken e-mail address fails', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/debtors/D2', headers: auth(keyA) });
    assert.equal(r.statusCode, 200);
    const d = r.json<{ checks: { status: string; results: { code: string; status: string }[] }; open_total: string; contacts: { email: string }[] }>();
    assert.equal(d.open_total, '121.00');
    assert.equal(d.checks.status, 'fail');
    assert.equal(d.checks.results.find((c) => c.code === 'email_valid')?.status, 'fail');
    assert.equal(d.checks.results.find((c) => c.code === 'postal_address_complete')?.status, 'pass');
  });

  test('imports an uploaded file; a viewer may not', async () => {
    const body = [FILE[0]!, 'A-4,D3,Nieuw BV,business,x@nieuw.nl,Laan 2,1000 AA,Amsterdam,NL,2026-11-20,2026-12-20,50.00,'].join('\n');
    const denied = await app.inject({ method: 'POST', url: '/api/imports/invoices?file_name=new.csv', headers: { ...auth(viewerKeyA), 'content-type': 'text/csv' }, payload: body });
    assert.equal(denied.statusCode, 403);
    const r = await app.inject({ method: 'POST', url: '/api/imports/invoices?file_name=new.csv', headers: { ...auth(keyA), 'content-type': 'text/csv' }, payload: body });
    assert.equal(r.statusCode, 200);
    assert.equal(r.json<{ created: number }>().created, 1);
    const bad = await app.inject({ method: 'POST', url: '/api/imports/invoices?file_name=bad.csv', headers: { ...auth(keyA), 'content-type': 'text/csv' }, payload: `${FILE[0]!}\nA-5,D3,Nieuw BV,business,,,,,NL,2026-11-20,2026-12-20,abc,` });
    assert.equal(bad.statusCode, 422);
    const problem = bad.json<{ code: string; errors: { line: number; column: string; file: string }[] }>();
    assert.equal(problem.code, 'import_rejected');
    assert.deepEqual(problem.errors.map((e) => [e.file, e.line, e.column]), [['bad.csv', 2, 'amount']]);
  });

  test('an ERP posts invoices as JSON: created once, unchanged the second time, bad fields named', async () => {
    const payload = {
      invoices: [
        { number: 'J-1', debtor: { number: 'D9', name: 'API Klant BV', email: 'ap@klant.nl', country: 'NL' }, issue_date: '2026-11-01', due_date: '2026-12-01', amount: '300.00', vat_amount: '52.07' },
        { number: 'JC-1', kind: 'credit_note', debtor: { number: 'D9' }, issue_date: '2026-11-05', amount: '100.00', related_invoice: 'J-1' },
      ],
    };
    const r = await app.inject({ method: 'POST', url: '/api/invoices', headers: auth(keyA), payload });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json<{ created: number }>().created, 2);
    const again = await app.inject({ method: 'POST', url: '/api/invoices', headers: auth(keyA), payload });
    assert.deepEqual(again.json<{ created: number; unchanged: number; batch_id: string | null }>(), { ...again.json(), created: 0, unchanged: 2, batch_id: null });
    const inv = (await app.inject({ method: 'GET', url: '/api/invoices/J-1', headers: auth(keyA) })).json<{ open_amount: string; ledger: { type: string; amount: string }[] }>();
    assert.equal(inv.open_amount, '200.00');
    assert.deepEqual(inv.ledger.map((e) => [e.type, e.amount]), [['issued', '300.00'], ['credited', '-100.00']]);
    const bad = await app.inject({
      method: 'POST', url: '/api/invoices', headers: auth(keyA),
      payload: { invoices: [{ number: 'J-2', debtor: { number: 'D9' }, issue_date: '2026-11-01', due_date: '2026-10-01', amount: '1.005' }] },
    });
    assert.equal(bad.statusCode, 422);
    assert.deepEqual(bad.json<{ errors: { column: string }[] }>().errors.map((e) => e.column).sort(), ['invoices[0].amount', 'invoices[0].due_date']);
  });

  test('a controller sets segment, tags, credit limit and a dunning contact; each change is an event and the checks follow', async () => {
    const r = await app.inject({
      method: 'PATCH', url: '/api/debtors/D1', headers: auth(keyA),
      payload: { segment: 'key-accounts', tags: ['Key-Account', 'key-account'], credit_limit: '1000.00', requires_po: true },
    });
    assert.equal(r.statusCode, 200, r.body);
    const d = r.json<{ segment: string; tags: string[]; credit_limit: string; checks: { results: { code: string; status: string }[] } }>();
    assert.deepEqual([d.segment, d.tags, d.credit_limit], ['key-accounts', ['key-account'], '1000.00']);
    assert.equal(d.checks.results.find((c) => c.code === 'credit_limit')?.status, 'fail', 'open 1815.00 is over 1000.00');
    const inv = (await app.inject({ method: 'GET', url: '/api/invoices/A-3', headers: auth(keyA) })).json<{ checks: { results: { code: string }[] } }>();
    assert.deepEqual(inv.checks.results.map((c) => c.code).sort(), ['credit_limit', 'po_number_present']);

    const contact = await app.inject({
      method: 'PUT', url: '/api/debtors/D1/contacts/dunning', headers: auth(keyA),
      payload: { name: 'Crediteurenadministratie', email: 'Debiteuren@Jansen.nl', phone: '020 123 4567', address_line: 'Postbus 12', postal_code: '1000 AA', city: 'Amsterdam', country: 'NL' },
    });
    assert.equal(contact.statusCode, 200, contact.body);
    const contacts = contact.json<{ contacts: { purpose: string; email: string; phone: string }[] }>().contacts;
    assert.deepEqual(contacts.map((c) => [c.purpose, c.email, c.phone]), [['dunning', 'debiteuren@jansen.nl', '+31201234567'], ['invoice', 'info@jansen.nl', null]]);
    const badIban = await app.inject({ method: 'POST', url: '/api/debtors/D1/bank-accounts', headers: auth(keyA), payload: { iban: 'NL00INGB0001234567' } });
    assert.equal(badIban.statusCode, 400);
    const iban = await app.inject({ method: 'POST', url: '/api/debtors/D1/bank-accounts', headers: auth(keyA), payload: { iban: 'nl91 abna 0417 1643 00', holder_name: 'JANSEN BV' } });
    assert.deepEqual(iban.json<{ bank_accounts: unknown[] }>().bank_accounts, [{ iban: 'NL91ABNA0417164300', holder_name: 'JANSEN BV', source: 'manual' }]);

    const events = await inOrg(tdb.db, orgA.org_id, (trx) => trx.selectFrom('event').innerJoin('debtor', 'debtor.debtor_id', 'event.subject_id').select(['event.type', 'event.data']).where('debtor.number', '=', 'D1').orderBy('event.event_id').execute());
    assert.deepEqual(events.map((e) => e.type), ['debtor.updated', 'debtor.contact_set', 'debtor.bank_account_added']);
    assert.deepEqual((events[0]!.data as { changes: Record<string, unknown> }).changes.credit_limit, [null, '100000']);
    const viewer = await app.inject({ method: 'PATCH', url: '/api/debtors/D1', headers: auth(viewerKeyA), payload: { segment: 'x' } });
    assert.equal(viewer.statusCode, 403);
  });

  test('an admin changes the organisation settings; a controller may not; bad values are refused', async () => {
    const token = (await app.inject({ method: 'POST', url: '/api/session', payload: { email: 'anna@example.nl', password: 'correct horse' } })).json<{ token: string }>().token;
    const r = await app.inject({ method: 'PATCH', url: '/api/organisation', headers: auth(token), payload: { payment_terms_days: 14, vat_number: 'NL000099998B57' } });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json<{ payment_terms_days: number }>().payment_terms_days, 14);
    assert.equal((await app.inject({ method: 'PATCH', url: '/api/organisation', headers: auth(token), payload: { time_zone: 'Mars/Olympus' } })).statusCode, 400);
    assert.equal((await app.inject({ method: 'PATCH', url: '/api/organisation', headers: auth(keyA), payload: { payment_terms_days: 30 } })).statusCode, 403);
  });

  test('reports: aging and DSO', async () => {
    const aging = (await app.inject({ method: 'GET', url: '/api/reports/aging?date=2026-11-22', headers: auth(keyB) })).json<{ totals: { total: string }[] }>();
    assert.deepEqual(aging.totals.map((t) => t.total), ['1210.00']);
    const dso = await app.inject({ method: 'GET', url: '/api/reports/dso?date=2026-11-22', headers: auth(keyB) });
    assert.equal(dso.statusCode, 200);
    assert.equal(dso.json<{ receivables: string }>().receivables, '1210.00');
  });

  test('the OpenAPI document is served', async () => {
    const r = await app.inject({ method: 'GET', url: '/api/docs/json' });
    assert.equal(r.statusCode, 200);
    const doc = r.json<{ openapi: string; paths: Record<string, unknown> }>();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/invoices']);
    assert.ok(doc.paths['/api/invoices/{ref}']);
  });
});

describe('tenant isolation', () => {
  test("one organisation's key cannot read another's invoice through the API (404)", async () => {
    const own = await app.inject({ method: 'GET', url: '/api/invoices/B-1', headers: auth(keyB) });
    assert.equal(own.statusCode, 200);
    const id = own.json<{ id: string }>().id;
    for (const ref of ['B-1', id]) {
      const r = await app.inject({ method: 'GET', url: `/api/invoices/${ref}`, headers: auth(keyA) });
      assert.equal(r.statusCode, 404, ref);
    }
    const list = (await app.inject({ method: 'GET', url: '/api/invoices', headers: auth(keyA) })).json<{ items: { number: string }[] }>();
    assert.ok(list.items.length > 0 && list.items.every((i) => !i.number.startsWith('B-')));
  });

  test('row-level security under the application role hides and refuses other organisations’ rows', async () => {
    const bInvoice = await inOrg(tdb.db, orgB.org_id, (trx) => trx.selectFrom('invoice').select(['invoice_id', 'debtor_id']).executeTakeFirstOrThrow());
    await inOrg(tdb.db, orgA.org_id, async (trx) => {
      const who = await sql<{ u: string }>`SELECT current_user AS u`.execute(trx);
      assert.equal(who.rows[0]?.u, 'arflow_app');
      const seen = await sql<{ n: bigint }>`SELECT count(*) AS n FROM invoice WHERE invoice_id = ${bInvoice.invoice_id}`.execute(trx);
      assert.equal(seen.rows[0]?.n, 0n);
      const ledger = await sql<{ n: bigint }>`SELECT count(*) AS n FROM ledger_entry WHERE org_id = ${orgB.org_id}`.execute(trx);
      assert.equal(ledger.rows[0]?.n, 0n);
    });
    await assert.rejects(
      inOrg(tdb.db, orgA.org_id, (trx) => sql`INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date)
        VALUES (${orgB.org_id}, 'led_x', ${bInvoice.invoice_id}, 'payment_allocated', -100, 'EUR', '2026-11-22')`.execute(trx)),
      /row-level security/,
    );
  });

  test('the ledger and the event log are append-only for the application role', async () => {
    for (const statement of [sql`UPDATE ledger_entry SET amount = 0`, sql`DELETE FROM ledger_entry`, sql`UPDATE event SET type = 'x'`, sql`DELETE FROM event`]) {
      await assert.rejects(inOrg(tdb.db, orgA.org_id, (trx) => statement.execute(trx)), /permission denied/);
    }
  });

  test('every table carries org_id and has row-level security on', async () => {
    const tables = await sql<{ table_name: string; has_org: boolean; rls: boolean }>`
      SELECT t.table_name,
        EXISTS (SELECT 1 FROM information_schema.columns c WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name AND c.column_name = 'org_id') AS has_org,
        (SELECT relrowsecurity FROM pg_class WHERE oid = (quote_ident(t.table_schema) || '.' || quote_ident(t.table_name))::regclass) AS rls
      FROM information_schema.tables t
      WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND t.table_name NOT LIKE 'kysely_%'
      ORDER BY t.table_name`.execute(tdb.db);
    assert.ok(tables.rows.length >= 13);
    for (const t of tables.rows) {
      assert.ok(t.has_org, `${t.table_name} has org_id`);
      assert.ok(t.rls, `${t.table_name} has row-level security`);
    }
  });
});
