import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { darkIn, decodeQr, hasPoppler, pdfText, pdfTextIn, renderPage } from '../support/pdf.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { buildApp } from '../../src/http/app.ts';
import { parseArgs } from '../../src/cli/args.ts';
import { executeCommand } from '../../src/cli/commands.ts';
import { createApiKey } from '../../src/modules/users/user-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { createPaymentRequest } from '../../src/modules/messaging/messaging-service.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { storedLetter } from '../../src/modules/messaging/letter-dispatch.ts';
import { ADDRESS_ZONE_MM } from '../../src/modules/messaging/letter-pdf.ts';
import { bundleLetterTransport, recordingLetterTransport } from '../../src/modules/messaging/letter-transports.ts';
import { transportsFor } from '../../src/modules/messaging/transports-config.ts';
import { validateSteps } from '../../src/modules/followup/workflow.ts';
import { ensureDefaultSegments, saveWorkflow } from '../../src/modules/followup/segments.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';

// Letters end to end: the PDF stored at render time and sent byte for byte, Pingen played by an
// in-process HTTP server, its signed status webhooks, the document route, and the daily bundle.

const WEBHOOK_SECRET = 'whsec-test-0123456789';
const POSTAL_ZONE = ADDRESS_ZONE_MM;

let tdb: TestDatabase;
let app: FastifyInstance;

before(async () => {
  delete process.env.ARFLOW_PINGEN_WEBHOOK_SECRET;
  tdb = await createTestDatabase();
  app = await buildApp({ handle: tdb, now: () => new Date('2026-02-09T09:00:00Z') });
});
after(async () => {
  await app.close();
  await tdb.close();
});

/** An organisation with a letterhead address and a debtor without e-mail (so: letters). */
async function letterOrg(): Promise<Organisation> {
  const made = await makeOrg(tdb.db);
  await sql`UPDATE organisation SET branding = ${JSON.stringify({ address_line: 'Industrieweg 12', postal_code: '3542 AD', city: 'Utrecht', primaryColor: '#1f4a87' })}::jsonb,
    messaging = ${JSON.stringify({ pingen_webhook_secret: WEBHOOK_SECRET })}::jsonb WHERE org_id = ${made.org_id}`.execute(tdb.db);
  const org = await tdb.db.selectFrom('organisation').selectAll().where('org_id', '=', made.org_id).executeTakeFirstOrThrow();
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,address,postal_code,city,country,issue_date,due_date,amount,payment_reference',
      'L-1,K1,Bakkerij De Korenaar,consumer,Kerkstraat 5,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,1210.00,5000000020250042',
      'L-2,K2,Brasserie Sint-Jan,business,Grote Markt 1,9000,Gent,BE,2026-01-05,2026-02-04,300.00,',
      'L-3,K3,Drukkerij Lood,business,Loodsweg 3,2000 AA,Haarlem,NL,2026-01-05,2026-02-04,90.00,',
      // Debtors with many invoices: their letters run to several pages.
      ...Array.from({ length: 20 }, (_, i) => `M-${i + 1},K4,Groothandel Meer,business,Meerweg 4,3000 AB,Rotterdam,NL,2026-01-05,2026-02-04,${100 + i}.00,`),
      ...Array.from({ length: 45 }, (_, i) => `N-${i + 1},K5,Groothandel Nog Meer,business,Meerweg 5,3000 AB,Rotterdam,NL,2026-01-05,2026-02-04,${100 + i}.00,`)]),
  });
  return org;
}

async function request(org: Organisation, debtor: string, options: { registered?: boolean; reason?: string } = {}): Promise<string> {
  return inOrg(tdb.db, org.org_id, (trx) => createPaymentRequest(trx, org, { debtor, reason: options.reason ?? 'Graag voor het einde van de maand', channels: ['letter'], registered: options.registered, actor: 'test', today: '2026-02-09' }));
}

async function stored(org: Organisation, messageId: string) {
  const doc = await inOrg(tdb.db, org.org_id, (trx) => storedLetter(trx, messageId));
  assert.ok(doc, `message ${messageId} has a stored letter`);
  return doc;
}

async function message(org: Organisation, messageId: string) {
  return inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').selectAll().where('message_id', '=', messageId).executeTakeFirstOrThrow());
}

async function events(org: Organisation, messageId: string): Promise<string[]> {
  const rows = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_event').select('status').where('message_id', '=', messageId).orderBy('event_id').execute());
  return rows.map((r) => r.status);
}

let shown: { org: Organisation; messageId: string } | null = null;

test('the letter is laid out once at render time; the send and a re-send after a crash carry the stored bytes', async () => {
  const org = await letterOrg();
  const id = await request(org, 'K1');
  const letters = recordingLetterTransport();
  await assert.rejects(dispatchOutbox(tdb.db, org, { letter: letters, now: () => new Date('2026-02-09T08:00:00Z'), afterSend: () => { throw new Error('killed'); } }), /killed/);
  const doc = await stored(org, id);
  assert.equal(createHash('sha256').update(doc.pdf).digest('hex'), doc.sha256);
  assert.deepEqual(letters.sent[0]!.pdf, doc.pdf, 'the transport got the stored bytes');
  assert.equal(letters.sent[0]!.idempotencyKey, id);
  assert.equal(letters.sent[0]!.registered, false);

  const again = await dispatchOutbox(tdb.db, org, { letter: letters, now: () => new Date('2026-02-09T08:06:00Z') });
  assert.deepEqual([again.sent, again.possibleDuplicates], [1, 1]);
  assert.deepEqual(letters.sent[1]!.pdf, doc.pdf, 'the re-send carries the very same bytes');
  const m = await message(org, id);
  assert.deepEqual([m.status, m.channel, m.cost], ['sent', 'letter', 150n]);
  const docs = await inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_document').select(sql<bigint>`count(*)`.as('n')).executeTakeFirstOrThrow());
  assert.equal(docs.n, 1n);
  assert.equal((await PDFDocument.load(doc.pdf)).getPageCount(), doc.pages);
  shown = { org, messageId: id };
});

test('the stored letter: the address in the window zone, the letterhead, page numbers, a QR code that pays', { skip: hasPoppler ? false : 'pdftoppm (poppler-utils) is not installed' }, async () => {
  assert.ok(shown);
  const doc = await stored(shown.org, shown.messageId);
  const zone = pdfTextIn(doc.pdf, POSTAL_ZONE);
  assert.match(zone, /Bakkerij De Korenaar/);
  assert.match(zone, /Kerkstraat 5/);
  assert.match(zone, /1234 AB\s+Amsterdam/);
  const all = pdfText(doc.pdf);
  assert.match(all, /Industrieweg 12/, 'the letterhead carries the organisation’s address');
  assert.match(all, /Utrecht, 9 februari 2026/, 'dated in the debtor’s language, at the organisation’s city');
  // The letter (two pages), then the enclosed statement of account (its own page numbering).
  assert.equal(doc.pages, 3);
  assert.match(all, /Pagina 2\/2[\s\S]*Rekeningoverzicht[\s\S]*L-1[\s\S]*Pagina 1\/1/, 'page numbers, and the statement enclosed after the letter');
  assert.doesNotMatch(all, /AANGETEKEND/);
  assert.ok(darkIn(renderPage(doc.pdf, 100), 100, POSTAL_ZONE) > 300);
  const qr = decodeQr(renderPage(doc.pdf, 200, 2));
  assert.ok(qr, 'a QR code is on the letter');
  const lines = qr.split('\n');
  assert.equal(lines[6], 'NL91ABNA0417164300');
  assert.equal(lines[7], 'EUR1210.00');
  assert.equal(lines[9], '5000000020250042');
});

test('GET /api/messages/:id/document serves the stored PDF to a logged-in user only', async () => {
  assert.ok(shown);
  const { org, messageId } = shown;
  const doc = await stored(org, messageId);
  const key = (await inOrg(tdb.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: 'v', role: 'viewer' }))).secret;
  const res = await app.inject({ method: 'GET', url: `/api/messages/${messageId}/document`, headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['content-type'], 'application/pdf');
  assert.deepEqual(new Uint8Array(res.rawPayload), doc.pdf);
  assert.equal(res.headers['repr-digest'], `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`);
  assert.equal((await app.inject({ method: 'GET', url: `/api/messages/${messageId}/document` })).statusCode, 401);
  const detail = await app.inject({ method: 'GET', url: `/api/outbox/${messageId}`, headers: { authorization: `Bearer ${key}` } });
  assert.deepEqual(detail.json<{ document: unknown }>().document, { kind: 'letter_pdf', sha256: doc.sha256, pages: doc.pages, url: `/api/messages/${messageId}/document` });
  assert.equal((await app.inject({ method: 'GET', url: '/api/messages/msg_unknown/document', headers: { authorization: `Bearer ${key}` } })).statusCode, 404);
  // Another organisation's user does not see it.
  const other = await makeOrg(tdb.db);
  const otherKey = (await inOrg(tdb.db, other.org_id, (trx) => createApiKey(trx, other.org_id, { name: 'o', role: 'owner' }))).secret;
  assert.equal((await app.inject({ method: 'GET', url: `/api/messages/${messageId}/document`, headers: { authorization: `Bearer ${otherKey}` } })).statusCode, 404);
});

// ---- Pingen, played by an HTTP server in the test ----

interface PingenCall { method: string; path: string; headers: IncomingMessage['headers']; body: Buffer }

async function pingenDouble() {
  const calls: PingenCall[] = [];
  const uploads = new Map<string, Buffer>();
  const letters = new Map<string, string>(); // idempotency key → letter id
  let base = '';
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '').split('?')[0]!;
      calls.push({ method: req.method ?? '', path, headers: req.headers, body });
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/vnd.api+json' });
        res.end(JSON.stringify(value));
      };
      const authorised = req.headers.authorization === 'Bearer tok-1';
      if (req.method === 'POST' && path === '/auth/access-tokens') {
        const form = new URLSearchParams(body.toString('utf8'));
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== 'cid' || form.get('client_secret') !== 'csecret') return json(401, { error: 'invalid_client' });
        return json(200, { token_type: 'Bearer', access_token: 'tok-1', expires_in: 43200 });
      }
      if (req.method === 'GET' && path === '/file-upload') {
        if (!authorised) return json(401, { errors: [{ title: 'Unauthenticated' }] });
        const n = String(uploads.size + 1);
        uploads.set(n, Buffer.alloc(0));
        return json(200, { data: { id: `fu-${n}`, type: 'file_uploads', attributes: { url: `${base}/upload/${n}`, url_signature: `sig-${n}`, expires_at: '2026-02-09T10:00:00Z' } } });
      }
      if (req.method === 'PUT' && path.startsWith('/upload/')) {
        uploads.set(path.slice('/upload/'.length), body);
        res.writeHead(200);
        return res.end();
      }
      if (req.method === 'POST' && path === '/organisations/pg-org/deliveries/letters') {
        if (!authorised) return json(401, { errors: [{ title: 'Unauthenticated' }] });
        const key = req.headers['idempotency-key'];
        if (typeof key !== 'string') return json(422, { errors: [{ title: 'no idempotency key' }] });
        const attributes = (JSON.parse(body.toString('utf8')) as { data: { attributes: { file_url: string; file_url_signature: string } } }).data.attributes;
        const n = attributes.file_url.slice(`${base}/upload/`.length);
        if (attributes.file_url_signature !== `sig-${n}` || !uploads.get(n)?.length) return json(422, { errors: [{ title: 'file not uploaded' }] });
        // Idempotency: the same key answers with the letter it created the first time.
        const id = letters.get(key) ?? randomUUID();
        letters.set(key, id);
        return json(201, { data: { id, type: 'letters', attributes: { status: 'validating' } } });
      }
      return json(404, { errors: [{ title: 'not found' }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, calls, uploads, letters, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let pingenLetter: { org: Organisation; messageId: string; letterId: string } | null = null;

test('a registered letter through Pingen: token auth, the stored PDF uploaded, the registered product, one letter for a retried send', async () => {
  const org = await letterOrg();
  const id = await request(org, 'K2', { registered: true });
  const pingen = await pingenDouble();
  try {
    const env = { ARFLOW_PINGEN_CLIENT_ID: 'cid', ARFLOW_PINGEN_CLIENT_SECRET: 'csecret', ARFLOW_PINGEN_ORGANISATION_ID: 'pg-org', ARFLOW_PINGEN_API_URL: pingen.base, ARFLOW_PINGEN_IDENTITY_URL: pingen.base };
    const { transports, description, close } = transportsFor(org, env);
    assert.match(description.letter ?? '', /^pingen /);
    try {
      await assert.rejects(dispatchOutbox(tdb.db, org, { ...transports, now: () => new Date('2026-02-09T08:00:00Z'), afterSend: () => { throw new Error('killed'); } }), /killed/);
      const s = await dispatchOutbox(tdb.db, org, { ...transports, now: () => new Date('2026-02-09T08:06:00Z') });
      assert.equal(s.sent, 1);
    } finally {
      close();
    }
    const doc = await stored(org, id);
    const creates = pingen.calls.filter((c) => c.path === '/organisations/pg-org/deliveries/letters');
    assert.equal(creates.length, 2, 'sent, crashed, sent again');
    assert.equal(pingen.calls.filter((c) => c.path === '/auth/access-tokens').length, 1, 'the token is reused');
    for (const c of creates) {
      assert.equal(c.headers['idempotency-key'], id);
      assert.equal(c.headers['content-type'], 'application/vnd.api+json');
      const attributes = (JSON.parse(c.body.toString('utf8')) as { data: { type: string; attributes: Record<string, unknown> } }).data;
      assert.equal(attributes.type, 'letters');
      assert.equal(attributes.attributes.delivery_product, 'registered');
      assert.equal(attributes.attributes.address_position, 'left');
      assert.equal(attributes.attributes.auto_send, true);
    }
    assert.equal(pingen.letters.size, 1, 'one letter at Pingen');
    for (const bytes of pingen.uploads.values()) assert.deepEqual(new Uint8Array(bytes), doc.pdf, 'the uploaded PDF is the stored one');
    const letterId = [...pingen.letters.values()][0]!;
    const m = await message(org, id);
    assert.equal(m.provider_id, `pingen:${letterId}`);
    assert.equal(m.cost, 150n + 900n, 'a letter plus the registered supplement');
    assert.deepEqual(m.channels, ['letter']);
    if (hasPoppler) {
      assert.match(pdfText(doc.pdf), /AANGETEKEND/, 'the letter says it is registered');
      assert.match(pdfTextIn(doc.pdf, POSTAL_ZONE), /BELGI/, 'a letter abroad names the country on the last line');
    }
    pingenLetter = { org, messageId: id, letterId };
  } finally {
    await pingen.close();
  }
});

test('Pingen refuses the token: the letter waits and is retried, nothing is lost', async () => {
  const org = await letterOrg();
  const id = await request(org, 'K3');
  const pingen = await pingenDouble();
  try {
    const { transports, close } = transportsFor(org, { ARFLOW_PINGEN_CLIENT_ID: 'cid', ARFLOW_PINGEN_CLIENT_SECRET: 'wrong', ARFLOW_PINGEN_ORGANISATION_ID: 'pg-org', ARFLOW_PINGEN_API_URL: pingen.base, ARFLOW_PINGEN_IDENTITY_URL: pingen.base });
    const s = await dispatchOutbox(tdb.db, org, { ...transports, now: () => new Date('2026-02-09T08:00:00Z') });
    close();
    assert.deepEqual([s.sent, s.waiting], [0, 1]);
    const m = await message(org, id);
    assert.equal(m.status, 'queued');
    assert.match(m.last_error ?? '', /Pingen token request: HTTP 401/);
  } finally {
    await pingen.close();
  }
});

function webhookBody(type: string, eventId: string, letterId: string, reason: string | null = null): string {
  return JSON.stringify({
    data: {
      id: eventId, type,
      attributes: { reason, url: `https://app.pingen.com/letters/${letterId}`, created_at: '2026-02-10T07:12:00+01:00' },
      relationships: { organisation: { data: { id: 'pg-org', type: 'organisations' } }, letter: { data: { id: letterId, type: 'letters' } }, event: { data: { id: randomUUID(), type: 'letters_events' } } },
    },
  });
}

const sign = (body: string, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('hex');

test('signed status webhooks: sent marks the letter delivered, a replay changes nothing, a forged one is refused', async () => {
  assert.ok(pingenLetter);
  const { org, messageId, letterId } = pingenLetter;
  const url = `/api/webhooks/letter/${org.org_id}`;
  const body = webhookBody('webhook_sent', 'wh-1', letterId);
  const before = await events(org, messageId);

  const forged = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/vnd.api+json', signature: sign(body, 'not-the-secret') }, payload: body });
  assert.equal(forged.statusCode, 403);
  const unsigned = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: body });
  assert.equal(unsigned.statusCode, 403);
  const tampered = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', signature: sign(body) }, payload: body.replace('webhook_sent', 'webhook_issues') });
  assert.equal(tampered.statusCode, 403);
  assert.equal((await message(org, messageId)).status, 'sent', 'a refused webhook changes nothing');
  assert.deepEqual(await events(org, messageId), before);

  const ok = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', signature: sign(body) }, payload: body });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { outcome: 'delivered', message_id: messageId });
  const m = await message(org, messageId);
  assert.equal(m.status, 'delivered');
  assert.ok(m.delivered_at);
  const after = await events(org, messageId);
  assert.deepEqual(after, [...before, 'delivered']);

  const replay = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', signature: sign(body) }, payload: body });
  assert.equal(replay.statusCode, 200);
  assert.equal(replay.json<{ outcome: string }>().outcome, 'duplicate');
  assert.deepEqual(await events(org, messageId), after, 'a replay adds nothing');

  const returned = webhookBody('webhook_undeliverable', 'wh-2', letterId, 'Empfänger unbekannt');
  const bounced = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', signature: sign(returned) }, payload: returned });
  assert.equal(bounced.json<{ outcome: string }>().outcome, 'bounced');
  const b = await message(org, messageId);
  assert.equal(b.status, 'bounced');
  assert.match(b.last_error ?? '', /Empfänger unbekannt/);

  const unknown = webhookBody('webhook_sent', 'wh-3', randomUUID());
  const u = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', signature: sign(unknown) }, payload: unknown });
  assert.deepEqual(u.json(), { outcome: 'unknown_letter', message_id: null });
});

// ---- own printing ----

async function cli(org: Organisation, argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = '';
  const args = parseArgs([...argv, '--json']);
  const code = await executeCommand({ handle: tdb, args, io: { out: (t) => (out += t), err: (t) => (out += t) }, cwd, json: true, orgSlug: org.slug });
  return { code, out };
}

interface BundleJson { date: string; file: string | null; letters: number; pages: number; items: { message_id: string; pages: number; first_page: number }[] }

test('letters bundle: one PDF of the day’s letters, each on a new sheet; a second bundle holds nothing twice', async () => {
  const org = await letterOrg();
  assert.match(transportsFor(org, { ARFLOW_LETTERS: 'bundle' }).description.letter ?? '', /^bundle/);
  const ids = [await request(org, 'K1'), await request(org, 'K4'), await request(org, 'K5')];
  const bundle = bundleLetterTransport({ timeZone: org.time_zone, now: () => new Date('2026-02-09T10:00:00Z') });
  const s = await dispatchOutbox(tdb.db, org, { letter: bundle, now: () => new Date('2026-02-09T10:00:00Z') });
  assert.equal(s.sent, 3);
  for (const id of ids) assert.equal((await message(org, id)).provider_id, 'bundle:2026-02-09');
  const pages = await Promise.all(ids.map(async (id) => (await stored(org, id)).pages));
  assert.ok(pages.some((p) => p % 2 === 1), `at least one letter has an odd page count: ${pages.join(', ')}`);

  const dir = mkdtempSync(join(tmpdir(), 'arflow-bundle-'));
  try {
    const first = await cli(org, ['letters', 'bundle', '--date', '2026-02-09'], dir);
    assert.equal(first.code, 0, first.out);
    const r = JSON.parse(first.out) as BundleJson;
    assert.equal(r.file, join(dir, 'letters-2026-02-09.pdf'));
    assert.equal(r.letters, 3);
    const expected = pages.reduce((sum, p) => sum + p + (p % 2), 0);
    assert.equal(r.pages, expected);
    const pdf = new Uint8Array(readFileSync(r.file));
    assert.equal((await PDFDocument.load(pdf)).getPageCount(), expected, 'odd letters padded with a blank back');
    for (const item of r.items) assert.equal(item.first_page % 2, 1, 'every letter starts on the front of a sheet');
    if (hasPoppler) {
      for (const item of r.items) {
        const own = await stored(org, item.message_id);
        assert.equal(pdfTextIn(pdf, POSTAL_ZONE, item.first_page), pdfTextIn(own.pdf, POSTAL_ZONE), 'the bundle page is the stored letter’s first page');
      }
    }
    for (const id of ids) assert.ok((await events(org, id)).includes('bundled'));

    const second = JSON.parse((await cli(org, ['letters', 'bundle', '--date', '2026-02-09'], dir)).out) as BundleJson;
    assert.deepEqual([second.letters, second.file], [0, null], 'nothing twice');
    assert.ok(!existsSync(join(dir, 'letters-2026-02-09-2.pdf')));

    const later = await request(org, 'K1', { reason: 'Een tweede verzoek' });
    await dispatchOutbox(tdb.db, org, { letter: bundle, now: () => new Date('2026-02-09T15:00:00Z') });
    const third = JSON.parse((await cli(org, ['letters', 'bundle', '--date', '2026-02-09'], dir)).out) as BundleJson;
    assert.equal(third.file, join(dir, 'letters-2026-02-09-2.pdf'), 'the first file is never overwritten');
    assert.deepEqual(third.items.map((i) => i.message_id), [later], 'only the letter sent since');

    const bad = await cli(org, ['letters', 'bundle', '--date', '9-2-2026'], dir).catch((e: Error) => ({ code: 2, out: e.message }));
    assert.match(bad.out, /--date "9-2-2026" is not a date/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('registered mail is a letter: a workflow step or request that asks for it by another channel is refused', async () => {
  assert.throws(() => validateSteps([{ key: 'notice', type: 'formal_notice', anchor: 'due_date', offsetDays: 30, notice: { kind: 'formal_notice', registered: true, channels: ['email', 'letter'] } }]), /registered mail is a letter/);
  validateSteps([{ key: 'notice', type: 'formal_notice', anchor: 'due_date', offsetDays: 30, notice: { kind: 'formal_notice', registered: true, channels: ['letter'] } }]);
  const org = await letterOrg();
  await assert.rejects(inOrg(tdb.db, org.org_id, (trx) => createPaymentRequest(trx, org, { debtor: 'K1', reason: 'x', channels: ['email', 'letter'], registered: true, actor: 'test', today: '2026-02-09' })), /registered payment request goes by letter only/);
});

test('a workflow step asks for registered mail: the letter says so, the transport is told, the cost has the supplement', async () => {
  const org = await letterOrg();
  await inOrg(tdb.db, org.org_id, async (trx) => {
    await ensureDefaultSegments(trx, org.org_id);
    await saveWorkflow(trx, org.org_id, 'business', [{ key: 'formal_notice', type: 'formal_notice', anchor: 'due_date', offsetDays: 5, notice: { kind: 'formal_notice', registered: true, channels: ['letter'] } }], 'test');
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  const notice = run.messages.find((m) => m.debtorNumber === 'K3');
  assert.ok(notice, 'the formal notice is queued for K3');
  const letters = recordingLetterTransport();
  await dispatchOutbox(tdb.db, org, { letter: letters, now: () => new Date('2026-02-09T08:00:00Z') });
  const sent = letters.sent.find((l) => l.recipient.name === 'Drukkerij Lood');
  assert.ok(sent);
  assert.equal(sent.registered, true);
  const m = await message(org, sent.idempotencyKey);
  assert.deepEqual([m.template, m.cost], ['formal_notice', 1050n]);
  if (hasPoppler) assert.match(pdfText(sent.pdf), /AANGETEKEND/);
});
