import { isBusinessDate } from '../core/dates.ts';
import { isCurrencyCode, parseAmount } from '../core/money.ts';
import type { DebtorInput, InvoiceInput, ParsedInvoiceFile, RowError } from './invoice-input.ts';

// Invoices sent as JSON through the API, checked field by field like a file's rows: the "line" of
// an error is the item's position (1-based) and the column its JSON path.

export interface ApiDebtor {
  number: string;
  name?: string | null | undefined;
  kind?: 'business' | 'consumer' | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  address_line?: string | null | undefined;
  postal_code?: string | null | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
  language?: string | null | undefined;
  vat_number?: string | null | undefined;
  coc_number?: string | null | undefined;
}

export interface ApiInvoice {
  number: string;
  kind?: 'invoice' | 'credit_note' | undefined;
  debtor: ApiDebtor;
  issue_date: string;
  due_date?: string | null | undefined;
  currency?: string | undefined;
  amount: string;
  vat_amount?: string | null | undefined;
  po_number?: string | null | undefined;
  project_reference?: string | null | undefined;
  payment_reference?: string | null | undefined;
  related_invoice?: string | null | undefined;
}

const text = (v: string | null | undefined): string | null => (v === undefined || v === null || v.trim() === '' ? null : v.trim());

export function parseInvoiceJson(items: readonly ApiInvoice[]): ParsedInvoiceFile {
  const invoices: InvoiceInput[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, index) => {
    const line = index + 1;
    const path = `invoices[${index}]`;
    const rowErrors: RowError[] = [];
    const fail = (column: string, reason: string) => rowErrors.push({ line, column: `${path}.${column}`, reason });
    const kind = item.kind ?? 'invoice';
    const currency = (item.currency ?? 'EUR').toUpperCase();
    if (!isCurrencyCode(currency)) fail('currency', `"${item.currency}" is not an ISO 4217 currency code`);
    const number = text(item.number);
    if (!number) fail('number', 'the invoice number is empty');
    const debtorNumber = text(item.debtor.number);
    if (!debtorNumber) fail('debtor.number', 'the debtor number is empty');
    if (!isBusinessDate(item.issue_date)) fail('issue_date', `"${item.issue_date}" is not a date (YYYY-MM-DD)`);
    const due = text(item.due_date);
    if (due !== null && !isBusinessDate(due)) fail('due_date', `"${due}" is not a date (YYYY-MM-DD)`);
    if (due !== null && isBusinessDate(item.issue_date) && due < item.issue_date) fail('due_date', `the due date ${due} is before the issue date ${item.issue_date}`);
    const amount = parseAmount(item.amount, currency);
    if (amount === null) fail('amount', `"${item.amount}" is not an amount in ${currency}`);
    const vatText = text(item.vat_amount);
    const vat = vatText === null ? null : parseAmount(vatText, currency);
    if (vatText !== null && vat === null) fail('vat_amount', `"${vatText}" is not an amount in ${currency}`);
    const country = text(item.debtor.country)?.toUpperCase() ?? null;
    if (country !== null && !/^[A-Z]{2}$/.test(country)) fail('debtor.country', `"${country}" is not a two-letter country code`);
    const key = `${kind}|${number}`;
    if (number && seen.has(key)) fail('number', `${kind === 'credit_note' ? 'credit note' : 'invoice'} ${number} is also item ${seen.get(key)}`);
    if (rowErrors.length > 0 || amount === null || !number || !debtorNumber) {
      errors.push(...rowErrors);
      return;
    }
    seen.set(key, line);
    // NOTE: same sign rule as files: a credit note always reduces the debt, whatever sign was sent.
    const abs = (v: bigint) => (v < 0n ? -v : v);
    const signed = (v: bigint) => (kind === 'credit_note' ? -abs(v) : v);
    const debtor: DebtorInput = {
      number: debtorNumber, name: text(item.debtor.name), kind: item.debtor.kind ?? null, email: text(item.debtor.email), phone: text(item.debtor.phone),
      addressLine: text(item.debtor.address_line), postalCode: text(item.debtor.postal_code), city: text(item.debtor.city), country,
      language: text(item.debtor.language)?.toLowerCase() ?? null, vatNumber: text(item.debtor.vat_number), cocNumber: text(item.debtor.coc_number),
    };
    invoices.push({
      line, number, kind, debtor, issueDate: item.issue_date, dueDate: due, currency, amount: signed(amount), vatAmount: vat === null ? null : signed(vat),
      prepaidAmount: 0n, poNumber: text(item.po_number), projectReference: text(item.project_reference), paymentReference: text(item.payment_reference),
      relatedInvoiceNumber: text(item.related_invoice),
    });
  });
  return { format: 'api', invoices, errors, originalDocument: null };
}
