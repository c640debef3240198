import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { formatAmount } from '../../core/money.ts';

// What goes back to the ERP: one row per allocation, every ledger entry (mutation) once, and the
// received payments as an MT940 file.

export interface DateRange {
  from?: string | undefined;
  to?: string | undefined;
}

export const ALLOCATION_COLUMNS = [
  'allocation_id', 'bank_reference', 'booking_date', 'counterparty_iban', 'counterparty_name', 'transaction_amount',
  'invoice_number', 'debtor_number', 'allocated_amount', 'rule', 'confidence', 'created_at',
] as const;

export type AllocationExportRow = Record<(typeof ALLOCATION_COLUMNS)[number], string | null>;

export async function exportAllocations(trx: Trx, range: DateRange): Promise<AllocationExportRow[]> {
  const rows = await sql<{
    allocation_id: string; bank_reference: string | null; booking_date: string; counterparty_account: string | null; counterparty_name: string | null;
    transaction_amount: bigint; currency: string; invoice_number: string | null; debtor_number: string | null; amount: bigint; rule: string; confidence: string; created_at: Date;
  }>`
    SELECT a.allocation_id, t.bank_reference, t.booking_date, t.counterparty_account, t.counterparty_name, t.amount AS transaction_amount, a.currency,
      i.number AS invoice_number, d.number AS debtor_number, a.amount, a.rule, a.confidence, a.created_at
    FROM allocation a
    JOIN bank_transaction t ON t.org_id = a.org_id AND t.transaction_id = a.transaction_id
    LEFT JOIN invoice i ON i.org_id = a.org_id AND i.invoice_id = a.invoice_id
    LEFT JOIN debtor d ON d.org_id = a.org_id AND d.debtor_id = a.debtor_id
    WHERE (${range.from ?? null}::date IS NULL OR t.booking_date >= ${range.from ?? null}::date)
      AND (${range.to ?? null}::date IS NULL OR t.booking_date <= ${range.to ?? null}::date)
    ORDER BY t.booking_date, a.created_at, a.allocation_id
  `.execute(trx);
  return rows.rows.map((r) => ({
    allocation_id: r.allocation_id, bank_reference: r.bank_reference, booking_date: r.booking_date, counterparty_iban: r.counterparty_account,
    counterparty_name: r.counterparty_name, transaction_amount: formatAmount(r.transaction_amount, r.currency), invoice_number: r.invoice_number,
    debtor_number: r.debtor_number, allocated_amount: formatAmount(r.amount, r.currency), rule: r.rule, confidence: Number(r.confidence).toFixed(3),
    created_at: r.created_at.toISOString(),
  }));
}

export const MUTATION_COLUMNS = [
  'entry_id', 'invoice_number', 'invoice_kind', 'debtor_number', 'entry_type', 'component', 'amount', 'currency', 'booking_date',
  'allocation_id', 'bank_reference', 'reverses_entry_id', 'reason', 'created_at', 'first_exported_at',
] as const;

export type MutationExportRow = Record<(typeof MUTATION_COLUMNS)[number], string | null>;

/**
 * Ledger entries for the ERP. By default only those not handed over before, and they are marked
 * as exported; with `all`, every entry in the range again (a re-export changes no mark).
 */
export async function exportMutations(trx: Trx, range: DateRange & { all?: boolean }): Promise<MutationExportRow[]> {
  const rows = await sql<{
    entry_id: string; invoice_number: string; kind: string; debtor_number: string; entry_type: string; component: string; amount: bigint; currency: string;
    booking_date: string; allocation_id: string | null; bank_reference: string | null; reverses_entry_id: string | null; reason: string | null; created_at: Date; exported_at: Date | null;
  }>`
    SELECT e.entry_id, i.number AS invoice_number, i.kind, d.number AS debtor_number, e.entry_type, e.component, e.amount, e.currency, e.booking_date,
      e.allocation_id, t.bank_reference, e.reverses_entry_id, e.reason, e.created_at, e.exported_at
    FROM ledger_entry e
    JOIN invoice i ON i.org_id = e.org_id AND i.invoice_id = e.invoice_id
    JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
    LEFT JOIN allocation a ON a.org_id = e.org_id AND a.allocation_id = e.allocation_id
    LEFT JOIN bank_transaction t ON t.org_id = a.org_id AND t.transaction_id = a.transaction_id
    WHERE (${range.from ?? null}::date IS NULL OR e.booking_date >= ${range.from ?? null}::date)
      AND (${range.to ?? null}::date IS NULL OR e.booking_date <= ${range.to ?? null}::date)
      AND (${range.all === true} OR e.exported_at IS NULL)
    ORDER BY e.created_at, e.entry_id
  `.execute(trx);
  if (!range.all) {
    const ids = rows.rows.filter((r) => r.exported_at === null).map((r) => r.entry_id);
    for (let i = 0; i < ids.length; i += 5000) {
      await trx.updateTable('ledger_entry').set({ exported_at: new Date() }).where('entry_id', 'in', ids.slice(i, i + 5000)).where('exported_at', 'is', null).execute();
    }
  }
  return rows.rows.map((r) => ({
    entry_id: r.entry_id, invoice_number: r.invoice_number, invoice_kind: r.kind, debtor_number: r.debtor_number, entry_type: r.entry_type, component: r.component,
    amount: formatAmount(r.amount, r.currency), currency: r.currency, booking_date: r.booking_date, allocation_id: r.allocation_id, bank_reference: r.bank_reference,
    reverses_entry_id: r.reverses_entry_id, reason: r.reason, created_at: r.created_at.toISOString(), first_exported_at: r.exported_at?.toISOString() ?? null,
  }));
}

/** What the ERP has not had yet: allocations and ledger entries never exported. */
export async function pendingForErp(trx: Trx) {
  const r = await sql<{ entries: bigint; payments: bigint; amount: bigint | null }>`
    SELECT (SELECT count(*) FROM ledger_entry WHERE exported_at IS NULL) AS entries,
      (SELECT count(*) FROM ledger_entry WHERE exported_at IS NULL AND entry_type = 'payment_allocated') AS payments,
      (SELECT -sum(amount) FROM ledger_entry WHERE exported_at IS NULL AND entry_type = 'payment_allocated')::int8 AS amount
  `.execute(trx);
  const row = r.rows[0]!;
  return { entries: Number(row.entries), payments: Number(row.payments), paymentAmount: row.amount ?? 0n };
}

export function toCsv<T extends string>(columns: readonly T[], rows: readonly Record<T, string | null>[]): string {
  const cell = (v: string | null) => (v === null ? '' : /[",\n\r;]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
