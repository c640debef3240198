import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { validateIban } from '../../core/iban.ts';
import { AppError } from '../../errors.ts';
import { ledgerEntriesFor } from './booking.ts';

// The review queue: transactions the scorer was not sure enough about. A controller accepts a
// suggestion, splits the money over invoices by hand, or rejects it as no debtor payment. Every
// booking can be undone by a reversal, which puts the transaction back in the queue.

export interface ManualLine {
  /** Invoice id or number; null books the amount on the debtor's account. */
  invoice: string | null;
  debtor?: string | null;
  amount: bigint;
}

/** Serialises bookings on one bank transaction (an advisory lock: the row itself is immutable). */
async function lockTransaction(trx: Trx, transactionId: string) {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${transactionId}))`.execute(trx);
  const tx = await trx.selectFrom('bank_transaction').selectAll().where('transaction_id', '=', transactionId).executeTakeFirst();
  if (!tx) throw new AppError('not_found', `No bank transaction ${transactionId}.`);
  return tx;
}

async function allocatedOf(trx: Trx, transactionId: string): Promise<bigint> {
  const r = await sql<{ total: bigint }>`SELECT coalesce(sum(amount), 0)::int8 AS total FROM allocation WHERE transaction_id = ${transactionId}`.execute(trx);
  return r.rows[0]?.total ?? 0n;
}

/** Books lines for a transaction by hand (accept or split). The lines must add up to what is unallocated. */
export async function bookManually(trx: Trx, org: Organisation, transactionId: string, lines: readonly ManualLine[], how: 'accepted' | 'split', actor: string): Promise<string[]> {
  const tx = await lockTransaction(trx, transactionId);
  if (tx.kind !== 'credit') throw new AppError('bad_request', `Transaction ${transactionId} is a ${tx.kind}, not money received from a debtor.`);
  const unallocated = tx.amount - (await allocatedOf(trx, transactionId));
  const total = lines.reduce((s, l) => s + l.amount, 0n);
  if (lines.length === 0 || lines.some((l) => l.amount <= 0n)) throw new AppError('bad_request', 'Every line needs a positive amount.');
  if (total !== unallocated) throw new AppError('bad_request', `The lines add up to ${total} but ${unallocated} (minor units) of the transaction is unallocated.`);
  const ids: string[] = [];
  let debtorForIban: string | null = null;
  for (const line of lines) {
    let invoice: { invoice_id: string; debtor_id: string; open_amount: bigint; currency: string } | undefined;
    let debtorId: string;
    if (line.invoice) {
      invoice = await trx
        .selectFrom('invoice')
        .select(['invoice_id', 'debtor_id', 'open_amount', 'currency'])
        .where((eb) => (line.invoice!.startsWith('inv_') ? eb('invoice_id', '=', line.invoice!) : eb.and([eb('number', '=', line.invoice!), eb('kind', '=', 'invoice')])))
        .forUpdate()
        .executeTakeFirst();
      if (!invoice) throw new AppError('not_found', `No invoice ${line.invoice}.`);
      if (invoice.currency !== tx.currency) throw new AppError('bad_request', `Invoice ${line.invoice} is in ${invoice.currency}, the payment in ${tx.currency}.`);
      if (line.amount > invoice.open_amount) throw new AppError('bad_request', `Invoice ${line.invoice} has ${invoice.open_amount} open, less than ${line.amount}; book the rest on the debtor's account.`);
      debtorId = invoice.debtor_id;
    } else {
      if (!line.debtor) throw new AppError('bad_request', 'A line without an invoice needs a debtor (the credit goes on its account).');
      const d = await trx.selectFrom('debtor').select('debtor_id').where(line.debtor.startsWith('dbt_') ? 'debtor_id' : 'number', '=', line.debtor).executeTakeFirst();
      if (!d) throw new AppError('not_found', `No debtor ${line.debtor}.`);
      debtorId = d.debtor_id;
    }
    debtorForIban ??= debtorId;
    const allocationId = newId('alc');
    await trx
      .insertInto('allocation')
      .values({
        org_id: org.org_id, allocation_id: allocationId, transaction_id: transactionId, debtor_id: debtorId, invoice_id: invoice?.invoice_id ?? null,
        amount: line.amount, currency: tx.currency, rule: how === 'accepted' ? 'manual_accept' : 'manual_split', confidence: '1.000', note: null, created_by: actor,
      })
      .execute();
    if (invoice) {
      const parts = await sql<{ costs: bigint; interest: bigint }>`
        SELECT coalesce(sum(amount) FILTER (WHERE component = 'costs'), 0)::int8 AS costs, coalesce(sum(amount) FILTER (WHERE component = 'interest'), 0)::int8 AS interest
        FROM ledger_entry WHERE invoice_id = ${invoice.invoice_id}`.execute(trx);
      const state = { amount: invoice.open_amount, costs: parts.rows[0]?.costs ?? 0n, interest: parts.rows[0]?.interest ?? 0n };
      const entries = ledgerEntriesFor(org.org_id, { invoiceId: invoice.invoice_id, amount: line.amount }, allocationId, state, { bookingDate: tx.booking_date, currency: tx.currency }, { actor, batchId: null }, how === 'accepted' ? 'manual_accept' : 'manual_split');
      await trx.insertInto('ledger_entry').values(entries).execute();
    }
    ids.push(allocationId);
  }
  if (tx.counterparty_account && debtorForIban && validateIban(tx.counterparty_account).ok) {
    const known = await trx.selectFrom('debtor_bank_account').select('debtor_id').where('iban', '=', tx.counterparty_account).executeTakeFirst();
    if (!known) {
      await trx.insertInto('debtor_bank_account').values({ org_id: org.org_id, debtor_id: debtorForIban, iban: tx.counterparty_account, holder_name: tx.counterparty_name, source: 'learned' }).execute();
    }
  }
  await resolveReview(trx, org.org_id, transactionId, how, actor);
  return ids;
}

async function resolveReview(trx: Trx, orgId: string, transactionId: string, resolution: 'accepted' | 'split' | 'rejected', actor: string): Promise<void> {
  await trx
    .insertInto('transaction_review')
    .values({ org_id: orgId, transaction_id: transactionId, reason: 'booked by hand', suggestions: '[]', resolved_at: new Date(), resolution, resolved_by: actor })
    .onConflict((oc) => oc.columns(['org_id', 'transaction_id']).doUpdateSet({ resolved_at: new Date(), resolution, resolved_by: actor }))
    .execute();
}

/** Accepts the n-th suggestion of a transaction in review. */
export async function acceptSuggestion(trx: Trx, org: Organisation, transactionId: string, index: number, actor: string): Promise<string[]> {
  const review = await trx.selectFrom('transaction_review').select(['suggestions', 'resolved_at']).where('transaction_id', '=', transactionId).executeTakeFirst();
  if (!review || review.resolved_at) throw new AppError('not_found', `Transaction ${transactionId} is not waiting for review.`);
  const suggestions = review.suggestions as { debtor_id: string; invoice_ids: string[] }[];
  const s = suggestions[index];
  if (!s) throw new AppError('bad_request', `Transaction ${transactionId} has ${suggestions.length} suggestions; there is no number ${index}.`);
  const tx = await lockTransaction(trx, transactionId);
  let left = tx.amount - (await allocatedOf(trx, transactionId));
  const lines: ManualLine[] = [];
  for (const invoiceId of s.invoice_ids) {
    const inv = await trx.selectFrom('invoice').select('open_amount').where('invoice_id', '=', invoiceId).executeTakeFirst();
    const take = inv && inv.open_amount > 0n ? (inv.open_amount < left ? inv.open_amount : left) : 0n;
    if (take > 0n) lines.push({ invoice: invoiceId, amount: take });
    left -= take;
  }
  if (left > 0n) lines.push({ invoice: null, debtor: s.debtor_id, amount: left });
  return bookManually(trx, org, transactionId, lines, 'accepted', actor);
}

/** Marks a transaction in review as no payment of a debtor: nothing is booked. */
export async function rejectTransaction(trx: Trx, orgId: string, transactionId: string, reason: string, actor: string): Promise<void> {
  await lockTransaction(trx, transactionId);
  const updated = await trx
    .updateTable('transaction_review')
    .set({ resolved_at: new Date(), resolution: 'rejected', resolved_by: actor, reason })
    .where('transaction_id', '=', transactionId)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();
  if (updated.numUpdatedRows === 0n) throw new AppError('not_found', `Transaction ${transactionId} is not waiting for review.`);
  await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'transaction.rejected', subject_type: 'bank_transaction', subject_id: transactionId, actor, data: JSON.stringify({ reason }) }).execute();
}

/** Undoes an allocation: a reversing allocation and reversing ledger entries; the transaction goes back to review. */
export async function reverseAllocation(trx: Trx, org: Organisation, allocationId: string, reason: string, actor: string, today: string): Promise<string> {
  const a = await trx.selectFrom('allocation').selectAll().where('allocation_id', '=', allocationId).executeTakeFirst();
  if (!a) throw new AppError('not_found', `No allocation ${allocationId}.`);
  if (a.reverses_allocation_id) throw new AppError('bad_request', `${allocationId} is itself a reversal.`);
  await lockTransaction(trx, a.transaction_id);
  const done = await trx.selectFrom('allocation').select('allocation_id').where('reverses_allocation_id', '=', allocationId).executeTakeFirst();
  if (done) throw new AppError('bad_request', `Allocation ${allocationId} is already reversed by ${done.allocation_id}.`);
  const reversalId = newId('alc');
  await trx
    .insertInto('allocation')
    .values({
      org_id: org.org_id, allocation_id: reversalId, transaction_id: a.transaction_id, debtor_id: a.debtor_id, invoice_id: a.invoice_id, amount: -a.amount,
      currency: a.currency, rule: 'reversal', confidence: '1.000', note: reason, reverses_allocation_id: allocationId, created_by: actor,
    })
    .execute();
  await sql`
    INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, reverses_entry_id, reason, created_by, component, allocation_id)
    SELECT org_id, arflow_id('led'), invoice_id, 'reversed', -amount, currency, ${today}::date, entry_id, ${reason}, ${actor}, component, ${reversalId}
    FROM ledger_entry WHERE allocation_id = ${allocationId}
  `.execute(trx);
  await trx
    .insertInto('transaction_review')
    .values({ org_id: org.org_id, transaction_id: a.transaction_id, reason: `allocation reversed: ${reason}`, suggestions: '[]' })
    .onConflict((oc) => oc.columns(['org_id', 'transaction_id']).doUpdateSet({ resolved_at: null, resolution: null, resolved_by: null, reason: `allocation reversed: ${reason}` }))
    .execute();
  return reversalId;
}
