import { formatAmount } from '../core/money.ts';
import type { Organisation } from '../db/schema.ts';
import type { InvoiceRow, LedgerRow } from '../modules/invoices/invoice-queries.ts';
import type { DebtorRow } from '../modules/debtors/debtor-queries.ts';
import type { AgingReport, DsoReport } from '../modules/reporting/reports.ts';
import type { InvoiceImportSummary } from '../modules/invoices/invoice-import.ts';

// Rows become API objects in one place: amounts as decimal strings, instants as ISO strings.

export function presentOrganisation(o: Organisation) {
  return {
    id: o.org_id, slug: o.slug, legal_name: o.legal_name, country: o.country, vat_number: o.vat_number, coc_number: o.coc_number,
    iban: o.iban, currency: o.currency, language: o.language, time_zone: o.time_zone, creditor_id: o.creditor_id,
    payment_terms_days: o.payment_terms_days,
  };
}

export function presentInvoice(r: InvoiceRow) {
  return {
    id: r.invoice_id, number: r.number, kind: r.kind,
    debtor: { id: r.debtor_id, number: r.debtor_number, name: r.debtor_name, segment: r.segment },
    issue_date: r.issue_date, due_date: r.due_date, currency: r.currency,
    amount_total: formatAmount(r.amount_total, r.currency),
    vat_amount: r.vat_amount === null ? null : formatAmount(r.vat_amount, r.currency),
    open_amount: formatAmount(r.open_amount, r.currency),
    status: r.status, days_overdue: Number(r.days_overdue), po_number: r.po_number, project_reference: r.project_reference,
    payment_reference: r.payment_reference, related_invoice_id: r.related_invoice_id,
    source: { format: r.original_format, batch_id: r.source_batch_id, line: r.source_line },
  };
}

export function presentLedgerEntry(e: LedgerRow) {
  return {
    id: e.entry_id, type: e.entry_type, amount: formatAmount(e.amount, e.currency), currency: e.currency, booking_date: e.booking_date,
    reverses_entry_id: e.reverses_entry_id, counter_invoice_id: e.counter_invoice_id, batch_id: e.batch_id, reason: e.reason,
    created_by: e.created_by, created_at: e.created_at.toISOString(),
  };
}

export function presentEvent(e: { event_id: string; type: string; actor: string | null; batch_id: string | null; data: unknown; occurred_at: Date }) {
  return { id: e.event_id, type: e.type, actor: e.actor, batch_id: e.batch_id, data: e.data, occurred_at: e.occurred_at.toISOString() };
}

export function presentDebtor(d: DebtorRow, currency: string) {
  return {
    id: d.debtor_id, number: d.number, name: d.name, kind: d.kind, language: d.language, country: d.country, address_line: d.address_line,
    postal_code: d.postal_code, city: d.city, vat_number: d.vat_number, coc_number: d.coc_number, segment: d.segment,
    account_manager_user_id: d.account_manager_user_id, tags: d.tags, credit_limit: d.credit_limit === null ? null : formatAmount(d.credit_limit, currency),
    payment_terms_days: d.payment_terms_days, requires_po: d.requires_po, invoice_channel: d.invoice_channel, currency,
    open_total: formatAmount(d.open_total, currency), overdue_total: formatAmount(d.overdue_total, currency),
    open_invoices: Number(d.open_invoices), check_status: d.check_status,
  };
}

export function presentChecks(row: { status: string; results: unknown; checked_at: Date } | undefined) {
  if (!row) return { status: 'pass', checked_at: null, results: [] };
  const results = Array.isArray(row.results) ? (row.results as { code: string; status: string; detail: string | null }[]) : [];
  return { status: row.status, checked_at: row.checked_at.toISOString(), results: results.map((r) => ({ code: r.code, status: r.status, detail: r.detail ?? null })) };
}

export function presentImportSummary(s: InvoiceImportSummary) {
  const issue = (e: InvoiceImportSummary['errors'][number]) => ({ file: e.file, line: e.line, column: e.column, reason: e.reason, invoice_number: e.invoiceNumber });
  return {
    file: s.file, format: s.format, batch_id: s.batchId, rows: s.rows, created: s.created, updated: s.updated, unchanged: s.unchanged,
    rejected: s.rejected, debtors_created: s.debtorsCreated, debtors_updated: s.debtorsUpdated, errors: s.errors.map(issue), warnings: s.warnings.map(issue),
  };
}

function presentBuckets(b: Record<string, bigint>, currency: string) {
  return Object.fromEntries(Object.entries(b).map(([k, v]) => [k, formatAmount(v, currency)])) as Record<
    'not_due' | 'd1_30' | 'd31_60' | 'd61_90' | 'd91_180' | 'over_180',
    string
  >;
}

export function presentAging(r: AgingReport) {
  return {
    date: r.date,
    debtors: r.debtors.map((d) => ({ ...d, buckets: presentBuckets(d.buckets, d.currency), total: formatAmount(d.total, d.currency) })),
    totals: r.totals.map((t) => ({ currency: t.currency, buckets: presentBuckets(t.buckets, t.currency), total: formatAmount(t.total, t.currency) })),
  };
}

export function presentDso(r: DsoReport) {
  return {
    date: r.date, currency: r.currency, method: r.method, receivables: formatAmount(r.receivables, r.currency), dso: r.dso,
    periods: r.periods.map((p) => ({ ...p, sales: formatAmount(p.sales, r.currency) })),
  };
}
