import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { LedgerEntryType } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { AppError } from '../../errors.ts';

// Writing to the receivable ledger: append-only. A mistake is undone by a reversing entry, never by
// an update or a delete (the application role has no UPDATE or DELETE on ledger_entry at all).

export interface AppendEntry {
  invoiceId: string;
  type: Exclude<LedgerEntryType, 'reversed'>;
  amount: bigint;
  bookingDate: string;
  reason?: string | null;
  counterInvoiceId?: string | null;
  batchId?: string | null;
  actor: string;
}

/** Locks the invoice row so concurrent bookings on one invoice serialise. */
export async function lockInvoice(trx: Trx, invoiceId: string) {
  const inv = await trx.selectFrom('invoice').select(['invoice_id', 'org_id', 'currency', 'open_amount', 'kind', 'number']).where('invoice_id', '=', invoiceId).forUpdate().executeTakeFirst();
  if (!inv) throw new AppError('not_found', `No invoice ${invoiceId}.`);
  return inv;
}

export async function appendEntry(trx: Trx, entry: AppendEntry): Promise<string> {
  const inv = await lockInvoice(trx, entry.invoiceId);
  const entryId = newId('led');
  await trx
    .insertInto('ledger_entry')
    .values({
      org_id: inv.org_id, entry_id: entryId, invoice_id: inv.invoice_id, entry_type: entry.type, amount: entry.amount, currency: inv.currency,
      booking_date: entry.bookingDate, counter_invoice_id: entry.counterInvoiceId ?? null, batch_id: entry.batchId ?? null,
      reason: entry.reason ?? null, created_by: entry.actor,
    })
    .execute();
  return entryId;
}

/** Books a payment on an invoice (a positive amount reduces what is open). */
export async function allocatePayment(trx: Trx, input: { invoiceId: string; amount: bigint; bookingDate: string; actor: string; reason?: string; batchId?: string | null }): Promise<string> {
  if (input.amount <= 0n) throw new AppError('bad_request', 'A payment amount must be positive.');
  return appendEntry(trx, { invoiceId: input.invoiceId, type: 'payment_allocated', amount: -input.amount, bookingDate: input.bookingDate, actor: input.actor, reason: input.reason ?? null, batchId: input.batchId ?? null });
}

/** Reverses one entry with an equal and opposite entry; an entry is reversed at most once. */
export async function reverseEntry(trx: Trx, input: { entryId: string; bookingDate: string; actor: string; reason: string }): Promise<string> {
  const entry = await trx.selectFrom('ledger_entry').selectAll().where('entry_id', '=', input.entryId).executeTakeFirst();
  if (!entry) throw new AppError('not_found', `No ledger entry ${input.entryId}.`);
  if (entry.entry_type === 'reversed') throw new AppError('bad_request', 'A reversal cannot itself be reversed; book a new entry instead.');
  await lockInvoice(trx, entry.invoice_id);
  const already = await trx.selectFrom('ledger_entry').select('entry_id').where('reverses_entry_id', '=', entry.entry_id).executeTakeFirst();
  if (already) throw new AppError('bad_request', `Ledger entry ${entry.entry_id} is already reversed by ${already.entry_id}.`);
  const entryId = newId('led');
  await trx
    .insertInto('ledger_entry')
    .values({
      org_id: entry.org_id, entry_id: entryId, invoice_id: entry.invoice_id, entry_type: 'reversed', amount: -entry.amount, currency: entry.currency,
      booking_date: input.bookingDate, reverses_entry_id: entry.entry_id, reason: input.reason, created_by: input.actor, component: entry.component,
    })
    .execute();
  return entryId;
}

/** The open amount recomputed from the entries (the trigger-kept column must always equal it). */
export async function sumOfEntries(trx: Trx, invoiceId: string): Promise<bigint> {
  const r = await sql<{ total: bigint }>`SELECT coalesce(sum(amount), 0)::int8 AS total FROM ledger_entry WHERE invoice_id = ${invoiceId}`.execute(trx);
  return r.rows[0]?.total ?? 0n;
}
