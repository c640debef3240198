import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { csv, makeOrg } from '../support/fixtures.ts';
import { inOrg } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { buildApp } from '../../src/http/app.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { runFollowup } from '../../src/modules/followup/daily-run.ts';
import { dispatchOutbox } from '../../src/modules/messaging/dispatch.ts';
import { createPaymentRequest, messageCosts } from '../../src/modules/messaging/messaging-service.ts';
import { transportsFor } from '../../src/modules/messaging/transports-config.ts';
import { twilioSignature } from '../../src/modules/messaging/twilio.ts';
import { recordingSmsTransport, recordingVoiceTransport } from '../../src/modules/messaging/recording-transports.ts';

// Twilio played by a real HTTP server in the test: it checks what a Twilio account would (Basic
// auth, the form fields), records every request and answers in Twilio's JSON shape. Delivery
// reports come in through the app as Twilio sends them: form-encoded and signed.

const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
const AUTH_TOKEN = 'test-auth-token-0123456789';
const PUBLIC_URL = 'https://arflow.example.nl';

interface TwilioRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  idempotencyToken: string | undefined;
  form: URLSearchParams;
}

let tdb: TestDatabase;
let app: FastifyInstance;
let twilio: Server;
let baseUrl: string;
const requests: TwilioRequest[] = [];
/** The next answers, before the normal one: an HTTP status and a body. */
const scripted: { status: number; body: unknown }[] = [];
let numSegments = '1';
let sidCounter = 0;

function twilioError(status: number, code: number, message: string) {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

function answer(r: TwilioRequest): { status: number; body: unknown } {
  const expected = `Basic ${Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64')}`;
  if (r.authorization !== expected) return twilioError(401, 20003, 'Authenticate');
  const m = /^\/2010-04-01\/Accounts\/([^/]+)\/(Messages|Calls)\.json$/.exec(r.path);
  if (r.method !== 'POST' || !m || m[1] !== ACCOUNT_SID) return twilioError(404, 20404, 'The requested resource was not found');
  if (r.contentType !== 'application/x-www-form-urlencoded') return twilioError(400, 20001, 'form-encoded parameters expected');
  if (!r.form.get('To')) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!r.form.get('From')) return twilioError(400, 21603, "A 'From' phone number is required.");
  const next = scripted.shift();
  if (next) return next;
  sidCounter++;
  const common = { account_sid: ACCOUNT_SID, api_version: '2010-04-01', to: r.form.get('To'), from: r.form.get('From'), status: 'queued', date_created: new Date().toUTCString(), price: null, price_unit: 'EUR' };
  if (m[2] === 'Messages') {
    if (!r.form.get('Body')) return twilioError(400, 21602, 'Message body is required.');
    const sid = `SM${String(sidCounter).padStart(32, '0')}`;
    return { status: 201, body: { ...common, sid, body: r.form.get('Body'), direction: 'outbound-api', num_segments: numSegments, num_media: '0', error_code: null, error_message: null, uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages/${sid}.json` } };
  }
  if (!r.form.get('Twiml') && !r.form.get('Url')) return twilioError(400, 21205, 'Url or Twiml is required.');
  const sid = `CA${String(sidCounter).padStart(32, '0')}`;
  return { status: 201, body: { ...common, sid, direction: 'outbound-api', uri: `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${sid}.json` } };
}

before(async () => {
  process.env.ARFLOW_PUBLIC_URL = PUBLIC_URL;
  tdb = await createTestDatabase();
  twilio = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: TwilioRequest = {
        method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'],
        idempotencyToken: req.headers['i-twilio-idempotency-token'] as string | undefined, form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
      };
      requests.push(r);
      const { status, body } = answer(r);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => twilio.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(twilio.address() as AddressInfo).port}`;
  app = await buildApp({ handle: tdb, now: () => new Date('2026-02-09T09:00:00Z') });
});
after(async () => {
  await app.close();
  await new Promise<void>((resolve) => twilio.close(() => resolve()));
  await tdb.close();
  delete process.env.ARFLOW_PUBLIC_URL;
});

/** An organisation with its own Twilio account in its messaging settings. */
async function twilioOrg(extra: Record<string, unknown> = {}): Promise<Organisation> {
  const org = await makeOrg(tdb.db);
  const messaging = { twilio_account_sid: ACCOUNT_SID, twilio_auth_token: AUTH_TOKEN, twilio_from: '+3197010200300', twilio_base_url: baseUrl, ...extra };
  return tdb.db.updateTable('organisation').set({ messaging: JSON.stringify(messaging) }).where('org_id', '=', org.org_id).returningAll().executeTakeFirstOrThrow();
}

/** A consumer with a phone number and no e-mail: the first reminder goes by SMS (cheaper than a letter). */
async function queuedSmsReminder(org: Organisation, phone: string): Promise<string> {
  await importInvoiceFile(tdb.db, org, {
    fileName: 'f.csv', today: '2026-01-05',
    content: csv(['invoice_number,debtor_number,debtor_name,debtor_type,phone,address,postal_code,city,country,issue_date,due_date,amount',
      `S-1,P1,Piet de Vries,consumer,${phone},Dorpsstraat 1,1234 AB,Amsterdam,NL,2026-01-05,2026-02-04,121.00`]),
  });
  const run = await runFollowup(tdb.db, org, { date: '2026-02-09' });
  assert.equal(run.messages.length, 1);
  return inOrg(tdb.db, org.org_id, async (trx) => (await trx.selectFrom('outbox_message').select('message_id').executeTakeFirstOrThrow()).message_id);
}

async function dispatch(org: Organisation, at: string, hooks: { afterSend?: () => Promise<void> | void } = {}) {
  const { transports, close } = transportsFor(org, {});
  try {
    return await dispatchOutbox(tdb.db, org, { ...transports, now: () => new Date(at), ...hooks });
  } finally {
    close();
  }
}

const stored = (org: Organisation, id: string) => inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('outbox_message').selectAll().where('message_id', '=', id).executeTakeFirstOrThrow());
const events = (org: Organisation, id: string) => inOrg(tdb.db, org.org_id, (trx) => trx.selectFrom('message_event').select(['status', 'detail']).where('message_id', '=', id).orderBy('event_id').execute());

/** Posts a status callback to the URL the message gave Twilio, signed as Twilio signs it (or with `signature`). */
function report(callbackUrl: string, params: Record<string, string>, signature: string | null = twilioSignature(AUTH_TOKEN, callbackUrl, params)) {
  const u = new URL(callbackUrl);
  return app.inject({
    method: 'POST', url: u.pathname + u.search, payload: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
  });
}

const smsStatus = (sid: string, status: string, extra: Record<string, string> = {}) => ({
  AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', From: '+3197010200300', To: '+31612345678', MessageSid: sid, SmsSid: sid, MessageStatus: status, SmsStatus: status, ...extra,
});

test('an SMS reminder goes through Twilio, ends sent with its sid; a signed report marks it delivered, once', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '06 12345678');
  const before = requests.length;
  const s = await dispatch(org, '2026-02-09T08:00:00Z');
  assert.deepEqual([s.sent, s.failed, s.waiting], [1, 0, 0]);
  assert.equal(requests.length, before + 1);
  const r = requests[requests.length - 1]!;
  assert.equal(r.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Messages.json`);
  assert.equal(r.idempotencyToken, id, 'the outbox message id is the idempotency token');
  assert.equal(r.form.get('To'), '+31612345678');
  assert.equal(r.form.get('From'), '+3197010200300');
  const callback = r.form.get('StatusCallback')!;
  assert.equal(callback, `${PUBLIC_URL}/api/webhooks/sms/${org.org_id}?message=${id}`);
  let m = await stored(org, id);
  assert.equal(r.form.get('Body'), m.sms_text);
  assert.match(m.sms_text ?? '', /S-1/);
  assert.equal(m.status, 'sent');
  assert.equal(m.channel, 'sms');
  assert.match(m.provider_id ?? '', /^SM\d{32}$/);
  assert.deepEqual([m.segments, m.cost], [1, 20n]);

  const sid = m.provider_id!;
  const delivered = await report(callback, smsStatus(sid, 'delivered'));
  assert.equal(delivered.statusCode, 204, delivered.body);
  m = await stored(org, id);
  assert.equal(m.status, 'delivered');
  assert.ok(m.delivered_at);
  const after1 = await events(org, id);
  assert.deepEqual(after1.at(-1), { status: 'delivered', detail: `twilio ${sid} delivered` });

  // A replay changes nothing; a late "sent" is kept in the history but does not move the message back.
  assert.equal((await report(callback, smsStatus(sid, 'delivered'))).statusCode, 204);
  assert.equal((await events(org, id)).length, after1.length);
  assert.equal((await report(callback, smsStatus(sid, 'sent'))).statusCode, 204);
  assert.equal((await stored(org, id)).status, 'delivered');
  assert.deepEqual((await events(org, id)).at(-1), { status: 'delivery_report', detail: `twilio ${sid} sent` });
  assert.deepEqual((await events(org, id)).map((e) => e.status), ['rendered', 'sending', 'segments', 'sent', 'delivered', 'delivery_report']);
});

test('a forged, unsigned or otherwise-signed report is refused and changes nothing', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '+31 6 1234 5678');
  await dispatch(org, '2026-02-09T08:00:00Z');
  const callback = requests[requests.length - 1]!.form.get('StatusCallback')!;
  const sid = (await stored(org, id)).provider_id!;
  const params = smsStatus(sid, 'delivered');
  const before = await events(org, id);
  const refused = [
    await report(callback, params, 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='),
    await report(callback, params, null),
    await report(callback, params, twilioSignature('another-accounts-token', callback, params)),
    await report(callback, { ...params, MessageStatus: 'undelivered' }, twilioSignature(AUTH_TOKEN, callback, params)),
    await report(callback.replace(org.org_id, 'org_unknown'), params, twilioSignature(AUTH_TOKEN, callback.replace(org.org_id, 'org_unknown'), params)),
  ];
  assert.deepEqual(refused.map((r) => r.statusCode), [403, 403, 403, 403, 403]);
  assert.match(refused[0]!.body, /X-Twilio-Signature/);
  const m = await stored(org, id);
  assert.equal(m.status, 'sent');
  assert.equal(m.delivered_at, null);
  assert.deepEqual(await events(org, id), before);
});

test('a refused send is retried with the same idempotency token; a crash after acceptance resends with it, flagged', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '0612345678');
  const before = requests.length;
  scripted.push({ status: 503, body: { code: 20500, message: 'Service Unavailable', status: 503 } });
  const first = await dispatch(org, '2026-02-09T08:00:00Z');
  assert.deepEqual([first.sent, first.waiting], [0, 1]);
  let m = await stored(org, id);
  assert.equal(m.status, 'queued');
  assert.match(m.last_error ?? '', /Twilio refused the SMS \(HTTP 503, error 20500\): Service Unavailable/);
  await assert.rejects(dispatch(org, '2026-02-09T08:02:00Z', { afterSend: () => { throw new Error('killed'); } }), /killed/);
  const resend = await dispatch(org, '2026-02-09T08:08:00Z');
  assert.deepEqual([resend.sent, resend.possibleDuplicates], [1, 1]);
  const tokens = requests.slice(before).map((r) => r.idempotencyToken);
  assert.deepEqual(tokens, [id, id, id], 'every attempt carries the message id');
  m = await stored(org, id);
  assert.deepEqual([m.status, m.possible_duplicate, m.attempts], ['sent', true, 3]);
});

test('a report that arrives before the dispatcher marks the message sent is not undone by it', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '0612345678');
  await dispatch(org, '2026-02-09T08:00:00Z', {
    afterSend: async () => {
      const r = requests[requests.length - 1]!;
      const sid = `SM${String(sidCounter).padStart(32, '0')}`;
      const res = await report(r.form.get('StatusCallback')!, smsStatus(sid, 'delivered'));
      assert.equal(res.statusCode, 204, res.body);
    },
  });
  const m = await stored(org, id);
  assert.equal(m.status, 'delivered', 'delivered stays delivered');
  assert.match(m.provider_id ?? '', /^SM/);
  assert.ok(m.sent_at);
  assert.ok(m.delivered_at);

  const other = await twilioOrg();
  const failedId = await queuedSmsReminder(other, '0612345678');
  await dispatch(other, '2026-02-09T08:00:00Z', {
    afterSend: async () => {
      const r = requests[requests.length - 1]!;
      const sid = `SM${String(sidCounter).padStart(32, '0')}`;
      assert.equal((await report(r.form.get('StatusCallback')!, smsStatus(sid, 'undelivered', { ErrorCode: '30005' }))).statusCode, 204);
    },
  });
  const f = await stored(other, failedId);
  assert.deepEqual([f.status, f.last_error], ['failed', `not delivered: twilio ${f.provider_id} undelivered (error 30005)`]);
});

test('a report that names no message of ours is matched by the provider id', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '0612345678');
  await dispatch(org, '2026-02-09T08:00:00Z');
  const sid = (await stored(org, id)).provider_id!;
  const bare = `${PUBLIC_URL}/api/webhooks/sms/${org.org_id}`;
  assert.equal((await report(bare, smsStatus('SM'.padEnd(34, '9'), 'delivered'))).statusCode, 404);
  assert.equal((await report(bare, smsStatus(sid, 'delivered'))).statusCode, 204);
  assert.equal((await stored(org, id)).status, 'delivered');
  // The SMS route does not touch a call, nor the other way round.
  assert.equal((await report(`${PUBLIC_URL}/api/webhooks/voice/${org.org_id}?message=${id}`, { CallSid: sid, CallStatus: 'completed' })).statusCode, 404);
});

test('a landline cannot get an SMS: the send fails at once with the reason and nothing reaches the provider', async () => {
  const org = await twilioOrg();
  const id = await queuedSmsReminder(org, '020-1234567');
  const before = requests.length;
  const s = await dispatch(org, '2026-02-09T08:00:00Z');
  assert.equal(s.sent, 0);
  assert.equal(requests.length, before);
  const m = await stored(org, id);
  assert.match(m.last_error ?? '', /cannot send an SMS: \+31201234567 is not a mobile number \(fixed line\)/);
  assert.deepEqual([m.status, m.attempts, m.next_attempt_at], ['failed', 1, null], 'trying again cannot help: failed at once, not after six attempts');
});

test('the parts Twilio bills make the cost: per-SMS cost × parts, summed in the cost report', async () => {
  const org = await twilioOrg({ costs: { sms: 25 } });
  const id = await queuedSmsReminder(org, '0612345678');
  numSegments = '2';
  try {
    await dispatch(org, '2026-02-09T08:00:00Z');
  } finally {
    numSegments = '1';
  }
  const m = await stored(org, id);
  assert.deepEqual([m.segments, m.cost], [2, 50n]);
  const priced = (await events(org, id)).filter((e) => e.status === 'segments').map((e) => e.detail);
  assert.equal(priced.length, 2);
  assert.match(priced[0]!, /^1 SMS part \(GSM-7, \d+ septets\) × 0\.25 = 0\.25$/);
  assert.equal(priced[1], '2 SMS parts (as counted by the provider) × 0.25 = 0.50');
  const costs = await inOrg(tdb.db, org.org_id, (trx) => messageCosts(trx, { from: '2026-02-01', to: '2026-02-28' }));
  assert.deepEqual(costs.byMonth.map((x) => [x.month, x.channel, x.segment, x.messages, x.cost]), [['2026-02', 'sms', 'consumers-nl', 1n, 50n]], 'by month, channel and the segment whose workflow sent it');
  assert.deepEqual(costs.byDebtor.map((x) => [x.debtor_number, x.cost]), [['P1', 50n]]);
});

test('a call through Twilio says the message; "no-answer" marks it failed', async () => {
  const org = await twilioOrg();
  await queuedSmsReminder(org, '0612345678');
  await dispatch(org, '2026-02-09T08:00:00Z');
  const id = await inOrg(tdb.db, org.org_id, (trx) => createPaymentRequest(trx, org, { debtor: 'P1', reason: 'call', channels: ['voice'], actor: 'test', today: '2026-02-09' }));
  const before = requests.length;
  const s = await dispatch(org, '2026-02-09T08:10:00Z');
  assert.equal(s.sent, 1);
  assert.equal(requests.length, before + 1);
  const r = requests[requests.length - 1]!;
  assert.equal(r.path, `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`);
  assert.equal(r.idempotencyToken, id);
  assert.equal(r.form.get('To'), '+31612345678');
  assert.match(r.form.get('Twiml') ?? '', /^<Response><Say language="nl-NL">[^<]*S-1[^<]*<\/Say><Pause length="1"\/><Say language="nl-NL">/);
  assert.doesNotMatch(r.form.get('Twiml') ?? '', /https?:/, 'links are not read aloud');
  assert.deepEqual(r.form.getAll('StatusCallbackEvent'), ['answered', 'completed']);
  const callback = r.form.get('StatusCallback')!;
  assert.equal(callback, `${PUBLIC_URL}/api/webhooks/voice/${org.org_id}?message=${id}`);
  const sid = (await stored(org, id)).provider_id!;
  assert.match(sid, /^CA/);
  const call = { AccountSid: ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: sid, From: '+3197010200300', To: '+31612345678', Direction: 'outbound-api' };
  assert.equal((await report(callback, { ...call, CallStatus: 'ringing' })).statusCode, 204);
  assert.equal((await stored(org, id)).status, 'sent');
  assert.equal((await report(callback, { ...call, CallStatus: 'no-answer', CallDuration: '0' })).statusCode, 204);
  const m = await stored(org, id);
  assert.equal(m.status, 'failed');
  assert.equal(m.last_error, `not delivered: twilio ${sid} no-answer (0 s)`);
  // A signed report for a message this organisation does not have.
  const unknown = callback.replace(/message=.*/, 'message=msg_nope');
  assert.equal((await report(unknown, { ...call, CallStatus: 'completed' })).statusCode, 404);
});

test('the recording doubles stand in for the provider: what the dispatcher hands an SMS transport', async () => {
  const org = await makeOrg(tdb.db);
  const id = await queuedSmsReminder(org, '06-1234 5678');
  const sms = recordingSmsTransport();
  sms.refuse = () => new Error('provider down');
  assert.equal((await dispatchOutbox(tdb.db, org, { sms, now: () => new Date('2026-02-09T08:00:00Z') })).waiting, 1);
  sms.refuse = undefined;
  assert.equal((await dispatchOutbox(tdb.db, org, { sms, now: () => new Date('2026-02-09T08:02:00Z') })).sent, 1);
  assert.equal(sms.sent.length, 1);
  const m = await stored(org, id);
  assert.deepEqual(sms.sent[0], { idempotencyKey: id, to: '+31612345678', from: undefined, text: m.sms_text, statusCallbackUrl: `${PUBLIC_URL}/api/webhooks/sms/${org.org_id}?message=${id}` });
  assert.deepEqual([m.status, m.provider_id, m.segments], ['sent', 'SMrec1', 1]);
  const voice = recordingVoiceTransport();
  const call = await inOrg(tdb.db, org.org_id, (trx) => createPaymentRequest(trx, org, { debtor: 'P1', reason: 'call', channels: ['voice'], actor: 'test', today: '2026-02-09' }));
  assert.equal((await dispatchOutbox(tdb.db, org, { voice, now: () => new Date('2026-02-09T08:10:00Z') })).sent, 1);
  assert.deepEqual(voice.calls.map((c) => [c.idempotencyKey, c.to, c.language]), [[call, '+31612345678', 'nl']]);
});
