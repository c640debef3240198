import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.ts';
import type { Organisation, Role } from '../db/schema.ts';
import type { Principal } from '../modules/users/user-service.ts';
import { requireRole } from '../modules/users/user-service.ts';
import { getOrganisation } from '../modules/organisations/organisation-service.ts';
import { importStatementFile } from '../modules/cashapp/statement-import.ts';
import { acceptSuggestion, bookManually, rejectTransaction, reverseAllocation } from '../modules/cashapp/review-service.ts';
import { ALLOCATION_COLUMNS, exportAllocations, pendingForErp, toCsv } from '../modules/cashapp/exports.ts';
import { formatAmount, parseAmount } from '../core/money.ts';
import { todayIn } from '../core/dates.ts';
import { AppError } from '../errors.ts';
import * as S from './schemas.ts';

export type App = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;

export interface RouteContext {
  db: Db;
  now: () => Date;
  auth: (request: FastifyRequest) => Promise<Principal>;
  scoped: <T>(request: FastifyRequest, minimum: Role, fn: (trx: Trx, org: Organisation, today: string) => Promise<T>) => Promise<T>;
  problems: Record<number, unknown>;
}

const Transaction = Type.Object(
  {
    id: Type.String(),
    booking_date: S.BusinessDate,
    value_date: S.Nullable(S.BusinessDate),
    amount: S.Amount,
    currency: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    allocated: S.Amount,
    bank_reference: S.Nullable(Type.String()),
    end_to_end_id: S.Nullable(Type.String()),
    counterparty_account: S.Nullable(Type.String()),
    counterparty_name: S.Nullable(Type.String()),
    structured_reference: S.Nullable(Type.String()),
    remittance_info: S.Nullable(Type.String()),
    review_reason: S.Nullable(Type.String()),
    suggestions: Type.Array(
      Type.Object({ debtor_id: Type.String(), invoice_ids: Type.Array(Type.String()), amount: S.Amount, score: Type.Number(), why: Type.String() }, { additionalProperties: false }),
    ),
    allocations: Type.Array(
      Type.Object(
        { id: Type.String(), invoice_id: S.Nullable(Type.String()), invoice_number: S.Nullable(Type.String()), debtor_id: S.Nullable(Type.String()), amount: S.Amount, rule: Type.String(), confidence: Type.Number(), note: S.Nullable(Type.String()), reverses_allocation_id: S.Nullable(Type.String()) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

const StatementImportSummary = Type.Object(
  {
    file: Type.String(), format: Type.String(), batch_id: S.Nullable(Type.String()), transactions: Type.Integer(), new_transactions: Type.Integer(),
    credits: Type.Integer(), debits: Type.Integer(), booked: Type.Integer(), booked_amount: S.Amount, review: Type.Integer(), warnings: Type.Array(Type.String()),
    statements: Type.Array(Type.Object({ account: Type.String(), statement_id: S.Nullable(Type.String()), opening_balance: S.Nullable(S.Amount), closing_balance: S.Nullable(S.Amount), continuity: Type.String(), continuity_detail: S.Nullable(Type.String()), transactions: Type.Integer(), new: Type.Integer(), known: Type.Integer() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const TX_STATUS = sql<string>`CASE
  WHEN t.kind <> 'credit' THEN t.kind
  WHEN r.resolved_at IS NULL AND r.transaction_id IS NOT NULL THEN 'review'
  WHEN r.resolution = 'rejected' THEN 'rejected'
  WHEN coalesce(al.total, 0) = t.amount THEN 'allocated'
  WHEN coalesce(al.total, 0) = 0 THEN 'unallocated'
  ELSE 'partly_allocated' END`;

async function loadTransactions(trx: Trx, where: ReturnType<typeof sql>, limit: number) {
  const rows = await sql<{
    transaction_id: string; booking_date: string; value_date: string | null; amount: bigint; currency: string; kind: string; status: string; allocated: bigint;
    bank_reference: string | null; end_to_end_id: string | null; counterparty_account: string | null; counterparty_name: string | null; structured_reference: string | null;
    remittance_info: string | null; review_reason: string | null; suggestions: { debtor_id: string; invoice_ids: string[]; amount: string; score: number; why: string }[] | null;
  }>`
    SELECT t.transaction_id, t.booking_date, t.value_date, t.amount, t.currency, t.kind, ${TX_STATUS} AS status, coalesce(al.total, 0)::int8 AS allocated,
      t.bank_reference, t.end_to_end_id, t.counterparty_account, t.counterparty_name, t.structured_reference, t.remittance_info,
      CASE WHEN r.resolved_at IS NULL THEN r.reason END AS review_reason, CASE WHEN r.resolved_at IS NULL THEN r.suggestions END AS suggestions
    FROM bank_transaction t
    LEFT JOIN transaction_review r ON r.org_id = t.org_id AND r.transaction_id = t.transaction_id
    LEFT JOIN LATERAL (SELECT sum(a.amount) AS total FROM allocation a WHERE a.org_id = t.org_id AND a.transaction_id = t.transaction_id) al ON true
    WHERE ${where}
    ORDER BY t.transaction_id LIMIT ${limit + 1}
  `.execute(trx);
  const ids = rows.rows.slice(0, limit).map((r) => r.transaction_id);
  const allocations = ids.length
    ? await sql<{ allocation_id: string; transaction_id: string; invoice_id: string | null; number: string | null; debtor_id: string | null; amount: bigint; currency: string; rule: string; confidence: string; note: string | null; reverses_allocation_id: string | null }>`
        SELECT a.allocation_id, a.transaction_id, a.invoice_id, i.number, a.debtor_id, a.amount, a.currency, a.rule, a.confidence, a.note, a.reverses_allocation_id
        FROM allocation a LEFT JOIN invoice i ON i.org_id = a.org_id AND i.invoice_id = a.invoice_id
        WHERE a.transaction_id = ANY(${ids}::text[]) ORDER BY a.created_at, a.allocation_id`.execute(trx)
    : { rows: [] };
  const items = rows.rows.slice(0, limit).map((r) => ({
    id: r.transaction_id, booking_date: r.booking_date, value_date: r.value_date, amount: formatAmount(r.amount, r.currency), currency: r.currency, kind: r.kind,
    status: r.status, allocated: formatAmount(r.allocated, r.currency), bank_reference: r.bank_reference, end_to_end_id: r.end_to_end_id,
    counterparty_account: r.counterparty_account, counterparty_name: r.counterparty_name, structured_reference: r.structured_reference, remittance_info: r.remittance_info,
    review_reason: r.review_reason,
    suggestions: (r.suggestions ?? []).map((s) => ({ ...s, amount: formatAmount(BigInt(s.amount), r.currency) })),
    allocations: allocations.rows
      .filter((a) => a.transaction_id === r.transaction_id)
      .map((a) => ({ id: a.allocation_id, invoice_id: a.invoice_id, invoice_number: a.number, debtor_id: a.debtor_id, amount: formatAmount(a.amount, a.currency), rule: a.rule, confidence: Number(a.confidence), note: a.note, reverses_allocation_id: a.reverses_allocation_id })),
  }));
  return { items, next_cursor: rows.rows.length > limit ? (items[items.length - 1]?.id ?? null) : null };
}

export function registerCashAppRoutes(app: App, ctx: RouteContext): void {
  const { scoped, problems } = ctx;
  const actor = (request: FastifyRequest) => (request.principal ? `${request.principal.kind}:${request.principal.id}` : 'unknown');

  app.post(
    '/api/imports/statements',
    {
      schema: {
        tags: ['cash application'],
        description: 'Upload a bank statement (MT940, camt.053/054 or CODA) as the raw body: new transactions are stored and credits matched and booked.',
        querystring: Type.Object({ file_name: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 200: StatementImportSummary, ...problems },
      },
    },
    async (request) => {
      const principal = await ctx.auth(request);
      requireRole(principal, 'controller');
      if (!Buffer.isBuffer(request.body)) throw new AppError('bad_request', 'Send the statement file as the request body (Content-Type application/octet-stream, text/plain or application/xml).');
      const org = await getOrganisation(ctx.db, principal.orgId);
      const s = await importStatementFile(ctx.db, org, { fileName: request.query.file_name ?? 'upload', content: request.body, actor: actor(request), today: todayIn(org.time_zone, ctx.now()) });
      return {
        file: s.file, format: s.format, batch_id: s.batchId, transactions: s.transactions, new_transactions: s.newTransactions, credits: s.credits, debits: s.debits,
        booked: s.booked, booked_amount: s.bookedAmount, review: s.review, warnings: s.warnings,
        statements: s.statements.map((st) => ({ account: st.account, statement_id: st.statementId, opening_balance: st.openingBalance, closing_balance: st.closingBalance, continuity: st.continuity, continuity_detail: st.continuityDetail, transactions: st.transactions, new: st.new, known: st.known })),
      };
    },
  );

  app.get(
    '/api/transactions',
    {
      schema: {
        tags: ['cash application'],
        querystring: Type.Object(
          {
            status: Type.Optional(Type.Union(['review', 'allocated', 'partly_allocated', 'unallocated', 'rejected', 'debit', 'return'].map((s) => Type.Literal(s)))),
            from: Type.Optional(S.BusinessDate), to: Type.Optional(S.BusinessDate), cursor: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: S.Page(Transaction), ...problems },
      },
    },
    async (request) =>
      scoped(request, 'viewer', (trx) => {
        const q = request.query as { status?: string; from?: string; to?: string; cursor?: string; limit?: number };
        const conds = [sql`true`];
        if (q.status) conds.push(sql`${TX_STATUS} = ${q.status}`);
        if (q.from) conds.push(sql`t.booking_date >= ${q.from}::date`);
        if (q.to) conds.push(sql`t.booking_date <= ${q.to}::date`);
        if (q.cursor) conds.push(sql`t.transaction_id > ${q.cursor}`);
        return loadTransactions(trx, sql.join(conds, sql` AND `), q.limit ?? 100);
      }),
  );

  app.get(
    '/api/reviews',
    { schema: { tags: ['cash application'], description: 'Transactions waiting for a person, with ranked suggestions.', querystring: Type.Object({ cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }), response: { 200: S.Page(Transaction), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', (trx) => {
        const q = request.query;
        return loadTransactions(trx, sql`r.transaction_id IS NOT NULL AND r.resolved_at IS NULL ${q.cursor ? sql`AND t.transaction_id > ${q.cursor}` : sql``}`, q.limit ?? 100);
      }),
  );

  const TxParams = Type.Object({ id: Type.String({ description: 'Bank transaction id (btx_…)' }) });
  const one = async (trx: Trx, id: string) => (await loadTransactions(trx, sql`t.transaction_id = ${id}`, 1)).items[0]!;

  app.post(
    '/api/reviews/:id/accept',
    { schema: { tags: ['cash application'], params: TxParams, body: Type.Object({ suggestion: Type.Integer({ minimum: 0, default: 0 }) }, { additionalProperties: false }), response: { 200: Transaction, ...problems } } },
    async (request) =>
      scoped(request, 'controller', async (trx, org) => {
        const { id } = request.params;
        await acceptSuggestion(trx, org, id, (request.body).suggestion, actor(request));
        return one(trx, id);
      }),
  );

  app.post(
    '/api/reviews/:id/split',
    {
      schema: {
        tags: ['cash application'],
        description: 'Book the transaction over invoices by hand; a line without an invoice goes on the named debtor’s account.',
        params: TxParams,
        body: Type.Object({ lines: Type.Array(Type.Object({ invoice: S.Nullable(Type.String()), debtor: Type.Optional(S.Nullable(Type.String())), amount: S.Amount }, { additionalProperties: false }), { minItems: 1 }) }, { additionalProperties: false }),
        response: { 200: Transaction, ...problems },
      },
    },
    async (request) =>
      scoped(request, 'controller', async (trx, org) => {
        const { id } = request.params;
        const body = request.body;
        const lines = body.lines.map((l, i) => {
          const amount = parseAmount(l.amount, org.currency);
          if (amount === null) throw new AppError('bad_request', `lines[${i}].amount "${l.amount}" is not an amount.`);
          return { invoice: l.invoice, debtor: l.debtor ?? null, amount };
        });
        await bookManually(trx, org, id, lines, 'split', actor(request));
        return one(trx, id);
      }),
  );

  app.post(
    '/api/reviews/:id/reject',
    { schema: { tags: ['cash application'], params: TxParams, body: Type.Object({ reason: Type.String({ minLength: 1 }) }, { additionalProperties: false }), response: { 200: Transaction, ...problems } } },
    async (request) =>
      scoped(request, 'controller', async (trx, org) => {
        const { id } = request.params;
        await rejectTransaction(trx, org.org_id, id, (request.body).reason, actor(request));
        return one(trx, id);
      }),
  );

  app.post(
    '/api/allocations/:id/reverse',
    { schema: { tags: ['cash application'], params: Type.Object({ id: Type.String() }), body: Type.Object({ reason: Type.String({ minLength: 1 }) }, { additionalProperties: false }), response: { 200: Transaction, ...problems } } },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) => {
        const { id } = request.params;
        await reverseAllocation(trx, org, id, (request.body).reason, actor(request), today);
        const a = await trx.selectFrom('allocation').select('transaction_id').where('allocation_id', '=', id).executeTakeFirstOrThrow();
        return one(trx, a.transaction_id);
      }),
  );

  app.get(
    '/api/exports/allocations',
    { schema: { tags: ['exports'], querystring: Type.Object({ from: Type.Optional(S.BusinessDate), to: Type.Optional(S.BusinessDate), format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')])) }, { additionalProperties: false }), response: { 200: Type.Unknown(), ...problems } } },
    async (request, reply) => {
      const q = request.query;
      const rows = await scoped(request, 'viewer', (trx) => exportAllocations(trx, q));
      if (q.format === 'json') return rows;
      return reply.type('text/csv').send(toCsv(ALLOCATION_COLUMNS, rows));
    },
  );

  app.get(
    '/api/exports/pending',
    { schema: { tags: ['exports'], description: 'What the ERP has not had yet.', response: { 200: Type.Object({ entries: Type.Integer(), payments: Type.Integer(), payment_amount: S.Amount }, { additionalProperties: false }), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', async (trx, org) => {
        const p = await pendingForErp(trx);
        return { entries: p.entries, payments: p.payments, payment_amount: formatAmount(p.paymentAmount, org.currency) };
      }),
  );
}
