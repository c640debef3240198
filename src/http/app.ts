import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { timingSafeEqual } from 'node:crypto';
import type { DatabaseHandle, Trx } from '../db/database.ts';
import { inOrg } from '../db/database.ts';
import { AppError, ERROR_CATALOGUE, isAppError } from '../errors.ts';
import { authenticate, createApiKey, login, requireRole, revokeSession, type Principal } from '../modules/users/user-service.ts';
import { getOrganisation, updateOrganisation } from '../modules/organisations/organisation-service.ts';
import { getChecks, getEvents, getInvoice, getLedger, listInvoices } from '../modules/invoices/invoice-queries.ts';
import { getBankAccounts, getContacts, getDebtor, listDebtors } from '../modules/debtors/debtor-queries.ts';
import { addBankAccount, setContact, updateDebtor } from '../modules/debtors/debtor-service.ts';
import { importInvoiceFile, importParsedInvoices } from '../modules/invoices/invoice-import.ts';
import { parseInvoiceJson } from '../formats/invoice-json.ts';
import { createHash } from 'node:crypto';
import { agingReport, dsoReport } from '../modules/reporting/reports.ts';
import { todayIn } from '../core/dates.ts';
import { parseAmount } from '../core/money.ts';
import type { Organisation as OrganisationRow, Role } from '../db/schema.ts';
import * as S from './schemas.ts';
import * as P from './present.ts';
import { registerCashAppRoutes } from './cashapp-routes.ts';
import { registerFollowupRoutes } from './followup-routes.ts';
import { registerMessagingRoutes } from './messaging-routes.ts';
import { presentMessagingSettings, updateMessagingSettings } from '../modules/organisations/messaging-settings.ts';
import { registerDossierRoutes } from './dossier-routes.ts';
import { registerProviderWebhookRoutes } from './provider-webhook-routes.ts';
import { registerMandateRoutes } from './mandate-routes.ts';

export interface LocalCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface AppOptions {
  handle: DatabaseHandle;
  logger?: boolean;
  /** The clock; tests travel in time with it. */
  now?: () => Date;
  /** Lets CLI commands on the same machine run inside this process (one owner per PGlite folder). */
  local?: { token: string; run: (argv: string[], cwd: string, env: Record<string, string>) => Promise<LocalCommandResult> };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

const ProblemRef = Type.Ref('Problem');
const problemResponses = { 400: ProblemRef, 401: ProblemRef, 403: ProblemRef, 404: ProblemRef, 409: ProblemRef, 422: ProblemRef };

/** Builds the HTTP app (API and docs); `listen` is the caller's business, so tests use `inject`. */
interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { additionalProperty?: string; allowedValues?: unknown[] };
}

/** A schema validation failure in words that name the field: `body.costs.fax: unknown field`. */
function validationDetail(context: string, issues: ValidationIssue[]): string {
  return issues
    .map((i) => {
      const path = [context, ...(i.instancePath ?? '').split('/').filter(Boolean)].join('.');
      if (i.params?.additionalProperty !== undefined) return `${path}.${i.params.additionalProperty}: unknown field`;
      return `${path}: ${i.message ?? 'not valid'}`;
    })
    .join('; ');
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { handle } = options;
  const db = handle.db;
  const now = options.now ?? (() => new Date());
  // NOTE: a field the schema does not know is an error, not silently dropped (a typo in a setting
  // must not pass for a change); types are still coerced for query strings and path parameters.
  const app = Fastify({
    logger: options.logger ?? false, bodyLimit: 512 * 1024 * 1024,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorateRequest('principal', null);
  app.addSchema(S.Problem);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.addContentTypeParser(['text/csv', 'application/xml', 'text/xml', 'application/octet-stream', 'text/plain', 'application/x-mt940'], { parseAs: 'buffer' }, (_req, body, done) => {
    done(null, body);
  });

  await app.register(swagger, {
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: { title: 'ArFlow API', version: '0.1.0', description: 'Accounts-receivable automation. Amounts are decimal strings in the currency; dates are YYYY-MM-DD.' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'A session token (afs_…) from POST /api/session, or an API key (afk_…)' },
        },
      },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    if (isAppError(error)) {
      const details = error.details as { errors?: unknown[] } | undefined;
      return reply
        .status(error.status)
        .type('application/problem+json')
        .send({
          type: `https://arflow.dev/problems/${error.code}`,
          title: ERROR_CATALOGUE[error.code].title,
          status: error.status,
          detail: error.message,
          code: error.code,
          instance: request.url,
          ...(details?.errors ? { errors: details.errors } : {}),
        });
    }
    const fe = error as { validation?: ValidationIssue[]; validationContext?: string; statusCode?: number; message?: string; code?: string };
    if (fe.validation || (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)) {
      const detail = fe.validation ? validationDetail(fe.validationContext ?? 'body', fe.validation) : (fe.message ?? 'Bad request');
      return reply
        .status(fe.statusCode ?? 400)
        .type('application/problem+json')
        .send({ type: 'https://arflow.dev/problems/bad_request', title: ERROR_CATALOGUE.bad_request.title, status: fe.statusCode ?? 400, detail, code: 'bad_request', instance: request.url });
    }
    request.log.error(error);
    return reply
      .status(500)
      .type('application/problem+json')
      .send({ type: 'about:blank', title: 'Internal error', status: 500, detail: 'Something went wrong on our side.', code: 'internal', instance: request.url });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).type('application/problem+json').send({ type: 'https://arflow.dev/problems/not_found', title: 'Not found', status: 404, detail: `No route ${request.method} ${request.url}.`, code: 'not_found' }),
  );

  async function auth(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : (request.headers['x-api-key'] as string | undefined);
    if (!token) throw new AppError('unauthenticated', 'Send "Authorization: Bearer <token>" with a session token or an API key.');
    const principal = await authenticate(db, token);
    if (!principal) throw new AppError('unauthenticated', 'The token is unknown, revoked or expired.');
    request.principal = principal;
    return principal;
  }

  /** Authenticates, checks the role and runs `fn` inside the caller's organisation (row-level security). */
  async function scoped<T>(request: FastifyRequest, minimum: Role, fn: (trx: Trx, org: OrganisationRow, today: string) => Promise<T>): Promise<T> {
    const principal = await auth(request);
    requireRole(principal, minimum);
    return inOrg(db, principal.orgId, async (trx) => {
      const org = await getOrganisation(trx, principal.orgId);
      return fn(trx, org, todayIn(org.time_zone, now()));
    });
  }

  app.get('/api/health', { schema: { tags: ['system'], security: [], response: { 200: Type.Object({ status: Type.Literal('ok'), database: Type.String() }) } } }, () => ({
    status: 'ok' as const,
    database: handle.kind,
  }));

  app.post(
    '/api/session',
    {
      schema: {
        tags: ['auth'],
        security: [],
        body: Type.Object({ email: Type.String(), password: Type.String(), organisation: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: {
          201: Type.Object({ token: Type.String(), expires_at: Type.String(), organisation: Type.String(), role: Type.String() }, { additionalProperties: false }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const s = await login(db, { email: request.body.email, password: request.body.password, orgSlug: request.body.organisation });
      return reply.status(201).send({ token: s.token, expires_at: s.expiresAt.toISOString(), organisation: s.orgSlug, role: s.role });
    },
  );

  app.delete('/api/session', { schema: { tags: ['auth'], response: { 204: Type.Null(), ...problemResponses } } }, async (request, reply) => {
    const principal = await auth(request);
    if (principal.kind === 'user') await revokeSession(db, request.headers.authorization!.slice(7).trim());
    return reply.status(204).send(null);
  });

  app.get('/api/organisation', { schema: { tags: ['organisations'], response: { 200: S.Organisation, ...problemResponses } } }, async (request) =>
    scoped(request, 'viewer', (_trx, org) => Promise.resolve(P.presentOrganisation(org))),
  );

  app.patch(
    '/api/organisation',
    {
      schema: {
        tags: ['organisations'],
        body: Type.Object(
          {
            legal_name: Type.Optional(Type.String({ minLength: 1 })),
            vat_number: Type.Optional(S.Nullable(Type.String())),
            coc_number: Type.Optional(S.Nullable(Type.String())),
            iban: Type.Optional(Type.String()),
            bic: Type.Optional(S.Nullable(Type.String())),
            language: Type.Optional(Type.String({ pattern: '^[a-z]{2}$' })),
            time_zone: Type.Optional(Type.String()),
            creditor_id: Type.Optional(S.Nullable(Type.String())),
            payment_terms_days: Type.Optional(Type.Integer({ minimum: 0, maximum: 365 })),
            branding: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
          },
          { additionalProperties: false },
        ),
        response: { 200: S.Organisation, ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'admin', async (trx, org) => P.presentOrganisation(await updateOrganisation(trx, org.org_id, { ...request.body }, `${request.principal!.kind}:${request.principal!.id}`))),
  );

  const MessagingSettings = Type.Object(
    {
      from: Type.Optional(S.Nullable(Type.String({ description: '"Name <address>" or an address' }))),
      reply_to: Type.Optional(S.Nullable(Type.String())),
      message_id_domain: Type.Optional(S.Nullable(Type.String())),
      smtp_url: Type.Optional(S.Nullable(Type.String({ description: 'smtp://user:password@host:587 or smtps://…; read back with the password masked' }))),
      sms_sender: Type.Optional(S.Nullable(Type.String({ maxLength: 16 }))),
      costs: Type.Optional(S.Nullable(Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'cents per message: email, sms, voice, letter, registered (extra)' }))),
      test_recipient: Type.Optional(S.Nullable(Type.String({ description: 'test mode: every e-mail goes to this address instead' }))),
      twilio_account_sid: Type.Optional(S.Nullable(Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }))),
      twilio_auth_token: Type.Optional(S.Nullable(Type.String({ minLength: 16, description: 'write-only; read back masked' }))),
      twilio_from: Type.Optional(S.Nullable(Type.String({ description: 'E.164 number or alphanumeric sender ID' }))),
      twilio_base_url: Type.Optional(S.Nullable(Type.String({ format: 'uri' }))),
      dkim: Type.Optional(S.Nullable(Type.Object(
        { domain: Type.String(), selector: Type.String(), privateKey: Type.String({ description: 'PEM; write-only, read back masked' }) },
        { additionalProperties: false, description: 'every e-mail signed (publish the public key as TXT at <selector>._domainkey.<domain>)' },
      ))),
      invoice_delivery: Type.Optional(S.Nullable(Type.Boolean({ description: 'send each newly imported invoice (off by default: most ERPs send their own)' }))),
      letters: Type.Optional(S.Nullable(Type.Union([Type.Literal('pingen'), Type.Literal('bundle')], { description: 'print and mail through Pingen, or a daily bundle for own printing' }))),
      pingen_client_id: Type.Optional(S.Nullable(Type.String())),
      pingen_client_secret: Type.Optional(S.Nullable(Type.String({ description: 'write-only; read back masked' }))),
      pingen_organisation_id: Type.Optional(S.Nullable(Type.String())),
      pingen_api_url: Type.Optional(S.Nullable(Type.String({ format: 'uri' }))),
      pingen_identity_url: Type.Optional(S.Nullable(Type.String({ format: 'uri' }))),
      pingen_delivery_product: Type.Optional(S.Nullable(Type.Union(['cheap', 'fast', 'bulk', 'premium'].map((p) => Type.Literal(p))))),
      pingen_print_spectrum: Type.Optional(S.Nullable(Type.Union([Type.Literal('grayscale'), Type.Literal('color')]))),
      pingen_webhook_secret: Type.Optional(S.Nullable(Type.String({ description: 'write-only; read back masked' }))),
    },
    { additionalProperties: false },
  );
  app.get('/api/organisation/messaging', { schema: { tags: ['organisations'], response: { 200: Type.Record(Type.String(), Type.Unknown()), ...problemResponses } } }, async (request) =>
    scoped(request, 'admin', (_trx, org) => Promise.resolve(presentMessagingSettings(org))),
  );
  app.patch(
    '/api/organisation/messaging',
    { schema: { tags: ['organisations'], body: MessagingSettings, response: { 200: Type.Record(Type.String(), Type.Unknown()), ...problemResponses } } },
    async (request) =>
      scoped(request, 'admin', async (trx, org) =>
        presentMessagingSettings(await updateMessagingSettings(trx, org.org_id, { ...request.body }, `${request.principal!.kind}:${request.principal!.id}`)),
      ),
  );

  app.get('/api/organisations', { schema: { tags: ['organisations'], response: { 200: Type.Array(S.Organisation), ...problemResponses } } }, async (request) =>
    scoped(request, 'viewer', (_trx, org) => Promise.resolve([P.presentOrganisation(org)])),
  );

  app.post(
    '/api/api-keys',
    {
      schema: {
        tags: ['auth'],
        body: Type.Object({ name: Type.String({ minLength: 1 }), role: S.RoleSchema }, { additionalProperties: false }),
        response: { 201: Type.Object({ id: Type.String(), name: Type.String(), role: Type.String(), secret: Type.String() }, { additionalProperties: false }), ...problemResponses },
      },
    },
    async (request, reply) => {
      const key = await scoped(request, 'admin', (trx, org) => createApiKey(trx, org.org_id, { name: request.body.name, role: request.body.role }));
      return reply.status(201).send({ id: key.api_key_id, name: key.name, role: key.role, secret: key.secret });
    },
  );

  const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 }));

  app.get(
    '/api/debtors',
    {
      schema: {
        tags: ['debtors'],
        querystring: Type.Object(
          {
            q: Type.Optional(Type.String()),
            segment: Type.Optional(Type.String()),
            tag: Type.Optional(Type.String()),
            kind: Type.Optional(Type.Union([Type.Literal('business'), Type.Literal('consumer')])),
            cursor: Type.Optional(Type.String()),
            limit: Limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: S.Page(S.DebtorSummary), ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'viewer', async (trx, org, today) => {
        const q = request.query;
        const page = await listDebtors(trx, { ...q, limit: q.limit ?? 100, today, currency: org.currency });
        return { items: page.items.map((d) => P.presentDebtor(d, org.currency)), next_cursor: page.nextCursor };
      }),
  );

  app.get(
    '/api/debtors/:ref',
    { schema: { tags: ['debtors'], params: Type.Object({ ref: Type.String({ description: 'Debtor id (dbt_…) or number' }) }), response: { 200: S.DebtorDetail, ...problemResponses } } },
    async (request) => scoped(request, 'viewer', (trx, org, today) => debtorDetail(trx, request.params.ref, today, org.currency)),
  );

  async function debtorDetail(trx: Trx, ref: string, today: string, currency: string) {
    const d = await getDebtor(trx, ref, today, currency);
    const [contacts, accounts, checks] = await Promise.all([getContacts(trx, d.debtor_id), getBankAccounts(trx, d.debtor_id), getChecks(trx, 'debtor', d.debtor_id)]);
    return {
      ...P.presentDebtor(d, currency),
      contacts: contacts.map((c) => ({ id: c.contact_id, purpose: c.purpose, name: c.name, email: c.email, phone: c.phone, address_line: c.address_line, postal_code: c.postal_code, city: c.city, country: c.country })),
      bank_accounts: accounts.map((a) => ({ iban: a.iban, holder_name: a.holder_name, source: a.source })),
      checks: P.presentChecks(checks),
    };
  }

  const DebtorRef = Type.Object({ ref: Type.String({ description: 'Debtor id (dbt_…) or number' }) });
  const actorOf = (request: FastifyRequest) => (request.principal ? `${request.principal.kind}:${request.principal.id}` : 'unknown');

  app.patch(
    '/api/debtors/:ref',
    {
      schema: {
        tags: ['debtors'],
        params: DebtorRef,
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ minLength: 1 })),
            kind: Type.Optional(Type.Union([Type.Literal('business'), Type.Literal('consumer')])),
            language: Type.Optional(S.Nullable(Type.String({ pattern: '^[a-z]{2}$' }))),
            segment: Type.Optional(S.Nullable(Type.String())),
            tags: Type.Optional(Type.Array(Type.String())),
            credit_limit: Type.Optional(S.Nullable(S.Amount)),
            payment_terms_days: Type.Optional(S.Nullable(Type.Integer({ minimum: 0, maximum: 365 }))),
            requires_po: Type.Optional(Type.Boolean()),
            account_manager_user_id: Type.Optional(S.Nullable(Type.String())),
            invoice_channel: Type.Optional(S.Nullable(Type.Union([Type.Literal('email'), Type.Literal('letter')], { description: 'Send this debtor’s invoices by e-mail or by letter only; null: the cheapest channel that reaches them.' }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: S.DebtorDetail, ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) => {
        const { credit_limit, ...rest } = request.body;
        let limit: bigint | null | undefined;
        if (credit_limit !== undefined && credit_limit !== null) {
          limit = parseAmount(credit_limit, org.currency);
          if (limit === null || limit < 0n) throw new AppError('bad_request', `credit_limit "${credit_limit}" is not a positive amount in ${org.currency}.`);
        } else limit = credit_limit;
        const id = await updateDebtor(trx, org.org_id, request.params.ref, { ...rest, credit_limit: limit }, actorOf(request), org.currency);
        return debtorDetail(trx, id, today, org.currency);
      }),
  );

  app.put(
    '/api/debtors/:ref/contacts/:purpose',
    {
      schema: {
        tags: ['debtors'],
        description: 'Set the invoice, dunning or general contact: reminders go to the dunning contact when there is one.',
        params: Type.Object({ ref: Type.String(), purpose: Type.Union([Type.Literal('invoice'), Type.Literal('dunning'), Type.Literal('general')]) }),
        body: Type.Object(
          {
            name: Type.Optional(S.Nullable(Type.String())), email: Type.Optional(S.Nullable(Type.String())), phone: Type.Optional(S.Nullable(Type.String())),
            address_line: Type.Optional(S.Nullable(Type.String())), postal_code: Type.Optional(S.Nullable(Type.String())), city: Type.Optional(S.Nullable(Type.String())),
            country: Type.Optional(S.Nullable(Type.String({ pattern: '^[A-Za-z]{2}$' }))),
          },
          { additionalProperties: false },
        ),
        response: { 200: S.DebtorDetail, ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) => {
        const id = await setContact(trx, org.org_id, request.params.ref, request.params.purpose, request.body, actorOf(request), org.country, org.currency);
        return debtorDetail(trx, id, today, org.currency);
      }),
  );

  app.post(
    '/api/debtors/:ref/bank-accounts',
    {
      schema: {
        tags: ['debtors'],
        params: DebtorRef,
        body: Type.Object({ iban: Type.String(), holder_name: Type.Optional(S.Nullable(Type.String())) }, { additionalProperties: false }),
        response: { 200: S.DebtorDetail, ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) => {
        const id = await addBankAccount(trx, org.org_id, request.params.ref, { iban: request.body.iban, holderName: request.body.holder_name ?? null, source: 'manual' }, actorOf(request), org.currency);
        return debtorDetail(trx, id, today, org.currency);
      }),
  );

  app.get(
    '/api/invoices',
    {
      schema: {
        tags: ['invoices'],
        querystring: Type.Object(
          {
            status: Type.Optional(S.InvoiceStatus),
            min_days_overdue: Type.Optional(Type.Integer()),
            max_days_overdue: Type.Optional(Type.Integer()),
            debtor: Type.Optional(Type.String({ description: 'Debtor number' })),
            min_open_amount: Type.Optional(S.Amount),
            max_open_amount: Type.Optional(S.Amount),
            segment: Type.Optional(Type.String()),
            currency: Type.Optional(Type.String()),
            date: Type.Optional(S.BusinessDate),
            cursor: Type.Optional(Type.String()),
            limit: Limit,
          },
          { additionalProperties: false },
        ),
        response: { 200: S.Page(S.InvoiceSummary), ...problemResponses },
      },
    },
    async (request) =>
      scoped(request, 'viewer', async (trx, org, today) => {
        const q = request.query;
        const currency = q.currency ?? org.currency;
        const amount = (v: string | undefined) => (v === undefined ? undefined : (parseAmount(v, currency) ?? undefined));
        const page = await listInvoices(trx, {
          status: q.status,
          minDaysOverdue: q.min_days_overdue,
          maxDaysOverdue: q.max_days_overdue,
          debtorNumber: q.debtor,
          minOpenAmount: amount(q.min_open_amount),
          maxOpenAmount: amount(q.max_open_amount),
          segment: q.segment,
          currency: q.currency,
          cursor: q.cursor,
          limit: q.limit ?? 100,
          today: q.date ?? today,
        });
        return { items: page.items.map(P.presentInvoice), next_cursor: page.nextCursor };
      }),
  );

  app.get(
    '/api/invoices/:ref',
    { schema: { tags: ['invoices'], params: Type.Object({ ref: Type.String({ description: 'Invoice id (inv_…) or number' }) }), response: { 200: S.InvoiceDetail, ...problemResponses } } },
    async (request) =>
      scoped(request, 'viewer', async (trx, _org, today) => {
        const inv = await getInvoice(trx, request.params.ref, today);
        const [ledger, events, checks, doc] = await Promise.all([
          getLedger(trx, inv.invoice_id),
          getEvents(trx, 'invoice', inv.invoice_id),
          getChecks(trx, 'invoice', inv.invoice_id),
          trx.selectFrom('invoice').select((eb) => eb('original_document', 'is not', null).as('has')).where('invoice_id', '=', inv.invoice_id).executeTakeFirst(),
        ]);
        return {
          ...P.presentInvoice(inv),
          ledger: ledger.map(P.presentLedgerEntry),
          events: events.map(P.presentEvent),
          checks: P.presentChecks(checks),
          has_original_document: Boolean(doc?.has),
        };
      }),
  );

  app.get(
    '/api/invoices/:ref/original',
    { schema: { tags: ['invoices'], params: Type.Object({ ref: Type.String() }), response: { 200: Type.String(), ...problemResponses } } },
    async (request, reply) => {
      const doc = await scoped(request, 'viewer', async (trx, _org, today) => {
        const inv = await getInvoice(trx, request.params.ref, today);
        const row = await trx.selectFrom('invoice').select('original_document').where('invoice_id', '=', inv.invoice_id).executeTakeFirstOrThrow();
        if (!row.original_document) throw new AppError('not_found', `Invoice ${request.params.ref} has no original document.`);
        return row.original_document;
      });
      return reply.type('application/xml').send(doc);
    },
  );

  app.post(
    '/api/imports/invoices',
    {
      schema: {
        tags: ['imports'],
        description: 'Upload an invoice file as the raw body: CSV (text/csv) or UBL/Peppol BIS 3 XML (application/xml).',
        querystring: Type.Object(
          { file_name: Type.Optional(Type.String()), skip_invalid: Type.Optional(Type.Boolean({ default: false })) },
          { additionalProperties: false },
        ),
        response: { 200: S.ImportSummary, ...problemResponses },
      },
    },
    async (request) => {
      const principal = await auth(request);
      requireRole(principal, 'controller');
      const body = request.body;
      if (!Buffer.isBuffer(body)) throw new AppError('bad_request', 'Send the file as the request body with Content-Type text/csv or application/xml.');
      const org = await getOrganisation(db, principal.orgId);
      const summary = await importInvoiceFile(db, org, {
        fileName: request.query.file_name ?? 'upload',
        content: body,
        skipInvalid: request.query.skip_invalid ?? false,
        actor: `${principal.kind}:${principal.id}`,
        today: todayIn(org.time_zone, now()),
      });
      return P.presentImportSummary(summary);
    },
  );

  app.post(
    '/api/invoices',
    {
      schema: {
        tags: ['invoices'],
        description: 'Create or update invoices and credit notes from an ERP: the same rules as a file import (idempotent, all-or-nothing unless skip_invalid).',
        body: Type.Object(
          { invoices: Type.Array(S.ApiInvoiceInput, { minItems: 1, maxItems: 10000 }), skip_invalid: Type.Optional(Type.Boolean()), batch_name: Type.Optional(Type.String()) },
          { additionalProperties: false },
        ),
        response: { 200: S.ImportSummary, ...problemResponses },
      },
    },
    async (request) => {
      const principal = await auth(request);
      requireRole(principal, 'controller');
      const org = await getOrganisation(db, principal.orgId);
      const summary = await importParsedInvoices(db, org, parseInvoiceJson(request.body.invoices), {
        fileName: request.body.batch_name ?? 'api',
        contentHash: createHash('sha256').update(JSON.stringify(request.body.invoices)).digest('hex'),
        skipInvalid: request.body.skip_invalid ?? false,
        actor: `${principal.kind}:${principal.id}`,
        today: todayIn(org.time_zone, now()),
      });
      return P.presentImportSummary(summary);
    },
  );

  const DateQuery = Type.Object({ date: Type.Optional(S.BusinessDate), currency: Type.Optional(Type.String()) }, { additionalProperties: false });

  app.get('/api/reports/aging', { schema: { tags: ['reports'], querystring: DateQuery, response: { 200: S.AgingReport, ...problemResponses } } }, async (request) =>
    scoped(request, 'viewer', async (trx, _org, today) => P.presentAging(await agingReport(trx, request.query.date ?? today))),
  );

  app.get('/api/reports/dso', { schema: { tags: ['reports'], querystring: DateQuery, response: { 200: S.DsoReport, ...problemResponses } } }, async (request) =>
    scoped(request, 'viewer', async (trx, org, today) => P.presentDso(await dsoReport(trx, request.query.date ?? today, request.query.currency ?? org.currency))),
  );

  registerCashAppRoutes(app, { db, now, auth, scoped, problems: problemResponses });
  registerFollowupRoutes(app, { db, now, auth, scoped, problems: problemResponses });
  registerMessagingRoutes(app, { db, now, auth, scoped, problems: problemResponses });
  registerDossierRoutes(app, { db, now, auth, scoped, problems: problemResponses });
  registerProviderWebhookRoutes(app, { db, now, auth, scoped, problems: problemResponses });
  registerMandateRoutes(app, { db, now, auth, scoped, problems: problemResponses });

  if (options.local) {
    const local = options.local;
    app.post(
      '/api/local/cli',
      {
        schema: {
          hide: true,
          body: Type.Object({ argv: Type.Array(Type.String()), cwd: Type.String(), env: Type.Optional(Type.Record(Type.String({ pattern: '^ARFLOW_' }), Type.String())) }, { additionalProperties: false }),
          response: { 200: Type.Object({ exit_code: Type.Integer(), stdout: Type.String(), stderr: Type.String() }), ...problemResponses },
        },
      },
      async (request) => {
        const given = Buffer.from(String(request.headers['x-arflow-local-token'] ?? ''));
        const expected = Buffer.from(local.token);
        if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('unauthenticated', 'Wrong local token.');
        const r = await local.run(request.body.argv, request.body.cwd, request.body.env ?? {});
        return { exit_code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
      },
    );
  }

  app.get('/', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/html').send(`<!doctype html><meta charset="utf-8"><title>ArFlow</title>
<h1>ArFlow</h1><p>Accounts-receivable automation. The API is described at <a href="/api/docs">/api/docs</a>.</p>`),
  );

  return app;
}
