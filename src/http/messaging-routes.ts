import { Type } from 'typebox';
import type { App, RouteContext } from './cashapp-routes.ts';
import * as S from './schemas.ts';
import { confirmReceipt, createPaymentRequest, messageByLink, messageCosts, previewForDebtor, recordBounce } from '../modules/messaging/messaging-service.ts';
import { epcQrPayload, epcQrSvg } from '../core/epc-qr.ts';
import { formatAmount } from '../core/money.ts';
import { inOrg } from '../db/database.ts';
import { sql } from 'kysely';
import { AppError } from '../errors.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { storedLetter } from '../modules/messaging/letter-dispatch.ts';
import { applyPingenWebhook, verifyPingenSignature } from '../modules/messaging/letter-webhooks.ts';
import { pingenWebhookSecret } from '../modules/messaging/transports-config.ts';
import { importBounceMailbox } from '../modules/messaging/bounce-import.ts';
import { attachmentsOf } from '../modules/messaging/attachments.ts';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const page = (title: string, body: string) =>
  `<!doctype html><html lang="nl"><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escape(title)}</title>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;line-height:1.5">${body}</body></html>`;

const Message = Type.Object(
  {
    id: Type.String(), debtor_id: Type.String(), kind: Type.String(), template: Type.String(), language: Type.String(), channels: Type.Array(Type.String()),
    channel: S.Nullable(Type.String()), recipient: S.Nullable(Type.String()), status: Type.String(), amount: S.Amount, cost: S.Amount, scheduled_for: S.BusinessDate,
    sent_at: S.Nullable(Type.String()), possible_duplicate: Type.Boolean(), last_error: S.Nullable(Type.String()), subject: S.Nullable(Type.String()),
  },
  { additionalProperties: false },
);

const Attachment = Type.Object(
  { position: Type.Integer(), kind: Type.String(), source: Type.String(), filename: Type.String(), content_type: Type.String(), size: Type.Integer(), sha256: Type.String() },
  { additionalProperties: false },
);

const BounceOutcome = Type.Object(
  {
    outcome: Type.Union([Type.Literal('hard_bounce'), Type.Literal('soft_bounce'), Type.Literal('delivered'), Type.Literal('complaint'), Type.Literal('unmatched'), Type.Literal('already_recorded')]),
    message_id: S.Nullable(Type.String()), email: S.Nullable(Type.String()), detail: Type.String(),
  },
  { additionalProperties: false },
);

export function registerMessagingRoutes(app: App, ctx: RouteContext): void {
  const { scoped, problems } = ctx;
  const publicUrl = () => (process.env.ARFLOW_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');

  app.get(
    '/api/outbox',
    { schema: { tags: ['messaging'], querystring: Type.Object({ status: Type.Optional(Type.String()), cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }), response: { 200: S.Page(Message), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', async (trx) => {
        const q = request.query;
        const limit = q.limit ?? 100;
        let query = trx.selectFrom('outbox_message').selectAll().orderBy('message_id').limit(limit + 1);
        if (q.status) query = query.where('status', '=', q.status as 'queued');
        if (q.cursor) query = query.where('message_id', '>', q.cursor);
        const rows = await query.execute();
        const items = rows.slice(0, limit).map((m) => ({
          id: m.message_id, debtor_id: m.debtor_id, kind: m.kind, template: m.template, language: m.language, channels: m.channels, channel: m.channel, recipient: m.recipient,
          status: m.status, amount: formatAmount(m.amount_total, m.currency), cost: formatAmount(m.cost, m.currency), scheduled_for: m.scheduled_for,
          sent_at: m.sent_at?.toISOString() ?? null, possible_duplicate: m.possible_duplicate, last_error: m.last_error, subject: m.subject,
        }));
        return { items, next_cursor: rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
      }),
  );

  app.get(
    '/api/outbox/:id',
    { schema: { tags: ['messaging'], description: 'A message with the exact content that was sent and its history.', params: Type.Object({ id: Type.String() }), response: { 200: Type.Object({ id: Type.String(), status: Type.String(), subject: S.Nullable(Type.String()), body_text: S.Nullable(Type.String()), body_html: S.Nullable(Type.String()), message_id_header: S.Nullable(Type.String()), attachments: Type.Array(Attachment), document: S.Nullable(Type.Object({ kind: Type.String(), sha256: Type.String(), pages: Type.Integer(), url: Type.String() }, { description: 'The stored document (a letter’s PDF) as sent.' })), events: Type.Array(Type.Object({ status: Type.String(), detail: S.Nullable(Type.String()), at: Type.String() })) }), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', async (trx) => {
        const m = await trx.selectFrom('outbox_message').selectAll().where('message_id', '=', request.params.id).executeTakeFirst();
        if (!m) throw new AppError('not_found', `No message ${request.params.id}.`);
        const events = await trx.selectFrom('message_event').select(['status', 'detail', 'occurred_at']).where('message_id', '=', m.message_id).orderBy('event_id').execute();
        const attachments = (await attachmentsOf(trx, m.message_id)).map((a) => ({ position: a.position, kind: a.kind, source: a.source, filename: a.filename, content_type: a.contentType, size: a.content.length, sha256: a.sha256 }));
        const doc = await trx.selectFrom('message_document').select(['kind', 'sha256', 'pages']).where('message_id', '=', m.message_id).executeTakeFirst();
        const document = doc ? { kind: doc.kind, sha256: doc.sha256, pages: doc.pages, url: `/api/messages/${m.message_id}/document` } : null;
        return { id: m.message_id, status: m.status, subject: m.subject, body_text: m.body_text, body_html: m.body_html, message_id_header: m.message_id_header, attachments, document, events: events.map((e) => ({ status: e.status, detail: e.detail, at: e.occurred_at.toISOString() })) };
      }),
  );

  app.get(
    '/api/messages/:id/document',
    {
      schema: {
        tags: ['messaging'], description: 'The exact document of a message as it was sent (a letter’s PDF, stored when the message was rendered). `Repr-Digest` carries its SHA-256.',
        params: Type.Object({ id: Type.String() }),
        response: { 200: { description: 'The letter as an A4 PDF', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } }, ...problems },
      },
    },
    async (request, reply) => {
      const doc = await scoped(request, 'viewer', async (trx) => {
        const exists = await trx.selectFrom('outbox_message').select('message_id').where('message_id', '=', request.params.id).executeTakeFirst();
        if (!exists) throw new AppError('not_found', `No message ${request.params.id}.`);
        const stored = await storedLetter(trx, request.params.id);
        if (!stored) throw new AppError('not_found', `Message ${request.params.id} has no stored document (it is not a letter, or it has not been rendered yet).`);
        return stored;
      });
      return reply
        .type('application/pdf')
        .header('content-disposition', `inline; filename="${request.params.id.replace(/[^A-Za-z0-9_-]/g, '_')}.pdf"`)
        .header('repr-digest', `sha-256=:${Buffer.from(doc.sha256, 'hex').toString('base64')}:`)
        .header('etag', `"${doc.sha256}"`)
        .send(Buffer.from(doc.pdf.buffer, doc.pdf.byteOffset, doc.pdf.byteLength));
    },
  );

  // The print-and-mail provider's status webhooks: no login; the signature over the raw body is the key.
  void app.register((plain, _options, done) => {
    const child = plain.withTypeProvider<TypeBoxTypeProvider>();
    child.removeAllContentTypeParsers();
    child.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    child.post(
      '/api/webhooks/letter/:orgId',
      {
        schema: {
          tags: ['messaging'], security: [],
          description: 'Pingen letter status webhooks (issues, sent, undeliverable, delivered), signed with HMAC-SHA256 of the body in the `Signature` header. A replay changes nothing.',
          params: Type.Object({ orgId: Type.String() }),
          response: { 200: Type.Object({ outcome: Type.String(), message_id: S.Nullable(Type.String()) }, { additionalProperties: false }), ...problems },
        },
      },
      async (request) => {
        const org = await ctx.db.selectFrom('organisation').selectAll().where('org_id', '=', request.params.orgId).executeTakeFirst();
        if (!org) throw new AppError('not_found', `No organisation ${request.params.orgId}.`);
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const secret = pingenWebhookSecret(org);
        const signature = request.headers.signature;
        if (!secret || !verifyPingenSignature(body, typeof signature === 'string' ? signature : undefined, secret)) {
          throw new AppError('forbidden', 'The webhook signature is missing or wrong.');
        }
        let payload: unknown;
        try {
          payload = JSON.parse(body.toString('utf8'));
        } catch {
          throw new AppError('bad_request', 'The webhook body is not JSON.');
        }
        const r = await applyPingenWebhook(ctx.db, org, payload);
        return { outcome: r.outcome, message_id: r.messageId };
      },
    );
    done();
  });

  app.get(
    '/api/outbox/:id/attachments/:position',
    {
      schema: {
        tags: ['messaging'], description: 'A document the message carried, exactly the bytes that were sent.',
        params: Type.Object({ id: Type.String(), position: Type.Integer({ minimum: 0 }) }),
        response: { 200: { description: 'The stored document', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } }, ...problems },
      },
    },
    async (request, reply) => {
      const found = await scoped(request, 'viewer', async (trx) => (await attachmentsOf(trx, request.params.id)).find((a) => a.position === request.params.position));
      if (!found) throw new AppError('not_found', `Message ${request.params.id} has no attachment ${request.params.position}.`);
      return reply.type(found.contentType).header('content-disposition', `attachment; filename="${found.filename.replace(/["\\]/g, '_')}"`).send(found.content);
    },
  );

  app.addContentTypeParser('message/rfc822', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post(
    '/api/messaging/dsn',
    {
      schema: {
        tags: ['messaging'],
        description: 'A bounce (RFC 3464 delivery status notification) or complaint (RFC 5965 abuse report) as the raw message body (Content-Type message/rfc822 or text/plain; an mbox works too). Hard bounces mark the address bad and the message bounced; soft bounces are recorded; reports about messages that are not ours change nothing.',
        response: { 200: Type.Object({ messages: Type.Array(Type.Object({ number: Type.Integer(), skipped: S.Nullable(Type.String()), outcomes: Type.Array(BounceOutcome) })) }), ...problems },
      },
    },
    async (request) => {
      const body = request.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw new AppError('bad_request', 'Send the report as the raw request body with Content-Type message/rfc822.');
      const results = await scoped(request, 'controller', (trx, org) => importBounceMailbox(trx, org, 'request body', body));
      return { messages: results.map((r) => ({ number: r.number, skipped: r.skipped, outcomes: r.outcomes.map((o) => ({ outcome: o.outcome, message_id: o.messageId, email: o.email, detail: o.detail })) })) };
    },
  );

  app.get(
    '/api/debtors/:ref/preview',
    {
      schema: {
        tags: ['messaging'], description: 'Render a template for this debtor’s open invoices, nothing queued.',
        params: Type.Object({ ref: Type.String() }),
        querystring: Type.Object({ template: Type.String(), tone: Type.Optional(Type.String()), language: Type.Optional(Type.String()), channel: Type.Optional(Type.Union([Type.Literal('email'), Type.Literal('letter'), Type.Literal('sms')])) }, { additionalProperties: false }),
        response: { 200: Type.Object({ subject: Type.String(), html: Type.String(), text: Type.String(), sms: S.Nullable(Type.String()), language: Type.String() }), ...problems },
      },
    },
    async (request) =>
      scoped(request, 'viewer', async (trx, org) => {
        const r = await previewForDebtor(trx, org, { debtor: request.params.ref, template: request.query.template, tone: request.query.tone, language: request.query.language, channel: request.query.channel, publicUrl: publicUrl() });
        return { subject: r.subject, html: r.html, text: r.text, sms: r.sms ?? null, language: r.language };
      }),
  );

  app.post(
    '/api/debtors/:ref/payment-requests',
    { schema: { tags: ['messaging'], description: 'A personal payment request in the company’s look, with a pay link; queued in the outbox.', params: Type.Object({ ref: Type.String() }), body: Type.Object({ reason: Type.String({ minLength: 1 }), invoices: Type.Optional(Type.Array(Type.String())), channels: Type.Optional(Type.Array(Type.Union([Type.Literal('email'), Type.Literal('sms'), Type.Literal('letter')]))), registered: Type.Optional(Type.Boolean({ description: 'Send as a registered letter (by letter only; costs the registered supplement).' })) }, { additionalProperties: false }), response: { 201: Type.Object({ message_id: Type.String() }), ...problems } } },
    async (request, reply) => {
      const id = await scoped(request, 'controller', (trx, org, today) => createPaymentRequest(trx, org, { debtor: request.params.ref, reason: request.body.reason, invoices: request.body.invoices, channels: request.body.channels, registered: request.body.registered, actor: request.principal ? `${request.principal.kind}:${request.principal.id}` : 'api', today }));
      return reply.status(201).send({ message_id: id });
    },
  );

  app.post(
    '/api/webhooks/bounces',
    { schema: { tags: ['messaging'], description: 'Report a bounce or complaint (from a DSN or a provider): the address is marked bad and the next step falls back to another channel.', body: Type.Object({ email: Type.String(), reason: Type.String(), message_id: Type.Optional(Type.String()) }, { additionalProperties: false }), response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await scoped(request, 'controller', (trx, org) => recordBounce(trx, org, { email: request.body.email, reason: request.body.reason, messageId: request.body.message_id }));
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/reports/message-costs',
    { schema: { tags: ['reports'], querystring: Type.Object({ from: S.BusinessDate, to: S.BusinessDate }, { additionalProperties: false }), response: { 200: Type.Object({ by_month: Type.Array(Type.Object({ month: Type.String(), channel: Type.String(), segment: S.Nullable(Type.String()), messages: Type.Integer(), cost: S.Amount })), by_debtor: Type.Array(Type.Object({ debtor_number: Type.String(), name: Type.String(), messages: Type.Integer(), cost: S.Amount })) }), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', async (trx, org) => {
        const r = await messageCosts(trx, request.query);
        return {
          by_month: r.byMonth.map((x) => ({ month: x.month, channel: x.channel, segment: x.segment, messages: Number(x.messages), cost: formatAmount(x.cost, org.currency) })),
          by_debtor: r.byDebtor.map((x) => ({ debtor_number: x.debtor_number, name: x.name, messages: Number(x.messages), cost: formatAmount(x.cost, org.currency) })),
        };
      }),
  );

  // The debtor's links (no login: the signed token is the key).
  app.get('/confirm/:id', { schema: { hide: true, params: Type.Object({ id: Type.String() }), querystring: Type.Object({ t: Type.String() }) } }, async (request, reply) => {
    await messageByLink(ctx.db, request.params.id, request.query.t);
    await confirmReceipt(ctx.db, request.params.id, request.query.t, null);
    return reply.type('text/html').send(page('Ontvangen', `<h1>Dank u wel</h1><p>U hebt bevestigd dat u de factuur hebt ontvangen. / Thank you for confirming receipt.</p>
<form method="post" action="/confirm/${escape(request.params.id)}?t=${escape(request.query.t)}"><p>Klopt er iets niet? / Something wrong?</p><textarea name="problem" rows="3" style="width:100%"></textarea><p><button>Meld een probleem / Report a problem</button></p></form>`));
  });

  app.post('/confirm/:id', { schema: { hide: true, params: Type.Object({ id: Type.String() }), querystring: Type.Object({ t: Type.String() }) } }, async (request, reply) => {
    const body = request.body as { problem?: string } | Buffer | string | undefined;
    const text = typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? (body.problem ?? '') : new URLSearchParams(Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? '')).get('problem') ?? '';
    await confirmReceipt(ctx.db, request.params.id, request.query.t, text.trim() || 'no details given');
    return reply.type('text/html').send(page('Gemeld', '<h1>Dank u wel</h1><p>Wij nemen contact met u op; tot dan sturen wij geen herinneringen voor deze factuur. / We will contact you; no reminders until then.</p>'));
  });

  app.get('/pay/:id', { schema: { hide: true, params: Type.Object({ id: Type.String() }), querystring: Type.Object({ t: Type.String() }) } }, async (request, reply) => {
    const { org, message } = await messageByLink(ctx.db, request.params.id, request.query.t);
    const invoices = await inOrg(ctx.db, org.org_id, (trx) =>
      sql<{ number: string; open_amount: bigint; currency: string; payment_reference: string | null }>`SELECT number, open_amount, currency, payment_reference FROM invoice WHERE invoice_id = ANY(${message.invoice_ids}::text[]) AND open_amount > 0 ORDER BY due_date`.execute(trx),
    );
    const total = invoices.rows.reduce((s, i) => s + i.open_amount, 0n);
    if (total === 0n) return reply.type('text/html').send(page('Betaald', '<h1>Betaald</h1><p>Er staat niets meer open. Dank u wel! / Nothing is open any more. Thank you!</p>'));
    const reference = invoices.rows.length === 1 ? invoices.rows[0]!.payment_reference : null;
    // A QR code only where the EPC rules allow one (euro, a name of at most 70 characters…).
    const qr = await Promise.resolve()
      .then(() => epcQrSvg(epcQrPayload({ name: org.legal_name, iban: org.iban, bic: org.bic, amount: total, reference, text: reference ? null : invoices.rows.map((i) => i.number).join(' ').slice(0, 140) })))
      .catch(() => '');
    const rows = invoices.rows.map((i) => `<tr><td>${escape(i.number)}</td><td style="text-align:right">${formatAmount(i.open_amount, i.currency)}</td></tr>`).join('');
    return reply.type('text/html').send(page(`Betalen aan ${org.legal_name}`, `<h1>${escape(org.legal_name)}</h1><table>${rows}<tr><th>Totaal</th><th style="text-align:right">${formatAmount(total, org.currency)}</th></tr></table>
<p>IBAN <strong>${escape(org.iban)}</strong>${reference ? `<br>Betalingskenmerk / reference <strong>${escape(reference)}</strong>` : ''}</p><div style="width:12rem">${qr}</div><p>Scan met uw bank-app / scan with your banking app.</p>`));
  });
}
