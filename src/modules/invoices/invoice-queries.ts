import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { LedgerEntry } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

// The read side of invoices and their ledger. An invoice's status is derived, never stored.

export const INVOICE_STATUSES = ['open', 'overdue', 'paid', 'credited', 'written_off', 'overpaid', 'applied'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** The derived status of invoice `i` on business date `today`. */
export function invoiceStatusSql(today: string): RawBuilder<InvoiceStatus> {
  return sql<InvoiceStatus>`CASE
    WHEN i.open_amount > 0 THEN CASE WHEN i.due_date < ${today}::date THEN 'overdue' ELSE 'open' END
    WHEN i.open_amount < 0 THEN CASE WHEN i.kind = 'credit_note' THEN 'open' ELSE 'overpaid' END
    WHEN i.kind = 'credit_note' THEN 'applied'
    WHEN EXISTS (SELECT 1 FROM ledger_entry e WHERE e.org_id = i.org_id AND e.invoice_id = i.invoice_id AND e.entry_type = 'payment_allocated') THEN 'paid'
    WHEN EXISTS (SELECT 1 FROM ledger_entry e WHERE e.org_id = i.org_id AND e.invoice_id = i.invoice_id AND e.entry_type = 'written_off') THEN 'written_off'
    ELSE 'credited' END`;
}

export interface InvoiceRow {
  invoice_id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  debtor_id: string;
  debtor_number: string;
  debtor_name: string;
  segment: string | null;
  issue_date: string;
  due_date: string;
  currency: string;
  amount_total: bigint;
  vat_amount: bigint | null;
  open_amount: bigint;
  status: InvoiceStatus;
  days_overdue: number;
  po_number: string | null;
  project_reference: string | null;
  payment_reference: string | null;
  related_invoice_id: string | null;
  original_format: string;
  source_batch_id: string | null;
  source_line: number | null;
}

export interface InvoiceFilter {
  status?: InvoiceStatus | undefined;
  minDaysOverdue?: number | undefined;
  maxDaysOverdue?: number | undefined;
  debtorNumber?: string | undefined;
  minOpenAmount?: bigint | undefined;
  maxOpenAmount?: bigint | undefined;
  segment?: string | undefined;
  currency?: string | undefined;
  cursor?: string | undefined;
  limit: number;
  today: string;
}

function selectInvoices(today: string) {
  return sql`
    SELECT i.invoice_id, i.number, i.kind, i.debtor_id, d.number AS debtor_number, d.name AS debtor_name, d.segment,
      i.issue_date, i.due_date, i.currency, i.amount_total, i.vat_amount, i.open_amount, ${invoiceStatusSql(today)} AS status,
      greatest(0, ${today}::date - i.due_date) AS days_overdue, i.po_number, i.project_reference, i.payment_reference,
      i.related_invoice_id, i.original_format, i.source_batch_id, i.source_line
    FROM invoice i JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id`;
}

export async function listInvoices(trx: Trx, f: InvoiceFilter): Promise<{ items: InvoiceRow[]; nextCursor: string | null }> {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.status) where.push(sql`${invoiceStatusSql(f.today)} = ${f.status}`);
  if (f.minDaysOverdue !== undefined) where.push(sql`i.open_amount > 0 AND ${f.today}::date - i.due_date >= ${f.minDaysOverdue}`);
  if (f.maxDaysOverdue !== undefined) where.push(sql`${f.today}::date - i.due_date <= ${f.maxDaysOverdue}`);
  if (f.debtorNumber) where.push(sql`d.number = ${f.debtorNumber}`);
  if (f.minOpenAmount !== undefined) where.push(sql`i.open_amount >= ${f.minOpenAmount.toString()}::int8`);
  if (f.maxOpenAmount !== undefined) where.push(sql`i.open_amount <= ${f.maxOpenAmount.toString()}::int8`);
  if (f.segment) where.push(sql`d.segment = ${f.segment}`);
  if (f.currency) where.push(sql`i.currency = ${f.currency}`);
  if (f.cursor) where.push(sql`i.invoice_id > ${f.cursor}`);
  const result = await sql<InvoiceRow>`${selectInvoices(f.today)} WHERE ${sql.join(where, sql` AND `)} ORDER BY i.invoice_id LIMIT ${f.limit + 1}`.execute(trx);
  const items = result.rows.slice(0, f.limit);
  return { items, nextCursor: result.rows.length > f.limit ? (items[items.length - 1]?.invoice_id ?? null) : null };
}

export async function getInvoice(trx: Trx, ref: string, today: string): Promise<InvoiceRow> {
  const byId = ref.startsWith('inv_');
  const result = await sql<InvoiceRow>`${selectInvoices(today)}
    WHERE ${byId ? sql`i.invoice_id = ${ref}` : sql`i.number = ${ref}`}
    ORDER BY i.kind LIMIT 1`.execute(trx);
  const row = result.rows[0];
  if (!row) throw new AppError('not_found', `No invoice ${ref}.`);
  return row;
}

export type LedgerRow = Omit<LedgerEntry, 'org_id' | 'invoice_id'>;

export async function getLedger(trx: Trx, invoiceId: string): Promise<LedgerRow[]> {
  return trx
    .selectFrom('ledger_entry')
    .select(['entry_id', 'entry_type', 'amount', 'currency', 'booking_date', 'reverses_entry_id', 'counter_invoice_id', 'batch_id', 'reason', 'created_by', 'created_at', 'component', 'allocation_id', 'exported_at'])
    .where('invoice_id', '=', invoiceId)
    .orderBy('created_at')
    .orderBy('entry_id')
    .execute();
}

export async function getEvents(trx: Trx, subjectType: string, subjectId: string) {
  return trx
    .selectFrom('event')
    .select(['event_id', 'type', 'actor', 'batch_id', 'data', 'occurred_at'])
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('occurred_at')
    .orderBy('event_id')
    .execute();
}

export async function getChecks(trx: Trx, subjectType: 'debtor' | 'invoice', subjectId: string) {
  return trx.selectFrom('check_result').select(['status', 'failed_codes', 'results', 'checked_at']).where('subject_type', '=', subjectType).where('subject_id', '=', subjectId).executeTakeFirst();
}
