// Invoice CSV (see the "Invoice CSV columns" paragraph of DESIGN.md) → neutral invoice input.
//
// File-level problems (empty, binary, header without the required columns, a quote never closed)
// throw InvalidFileError with one sentence naming the file. Everything wrong within a row becomes a
// RowError (one per bad field) and that row is left out of `invoices`.
//
// Decimal mark, decided once for the whole file from every `amount` and `vat_amount` value:
//  - the default is `,` when the delimiter is `;` (Dutch/Belgian Excel), else `.`;
//  - a value "shows" a mark when its last separator is `,` or `.` followed by 1–2 digits at the end
//    (`1.234,56` shows `,`; `1,234.5` shows `.`; `1.234` and `1234` show nothing);
//  - if values show only `,` the file uses `,`; if only `.` it uses `.`; if none, the default;
//  - if both appear the file is mixed: each value is read by the mark it shows, and a value that
//    shows none by the default.
// With `,` as the mark, `1.234` means 1234 (dot as thousands separator); with `.`, `1,234` means 1234.

import { parseBusinessDate } from '../core/dates.ts';
import { currencyExponent, parseAmount, type DecimalMark } from '../core/money.ts';
import { readCsv, CsvSyntaxError, type CsvDocument } from './csv.ts';
import { InvalidFileError, type DebtorKind, type DocumentKind, type InvoiceInput, type ParsedInvoiceFile, type RowError } from './invoice-input.ts';

const COLUMNS = [
  'invoice_number',
  'debtor_number',
  'debtor_name',
  'debtor_type',
  'email',
  'phone',
  'address',
  'postal_code',
  'city',
  'country',
  'language',
  'vat_number',
  'coc_number',
  'issue_date',
  'due_date',
  'currency',
  'amount',
  'vat_amount',
  'po_number',
  'project_reference',
  'payment_reference',
  'type',
  'related_invoice',
] as const;

export type InvoiceCsvColumn = (typeof COLUMNS)[number];

export const REQUIRED_INVOICE_CSV_COLUMNS: readonly InvoiceCsvColumn[] = ['invoice_number', 'debtor_number', 'issue_date', 'due_date', 'amount'];

const KNOWN = new Set<string>(COLUMNS);

/** `Invoice Number`, `invoice-number`, ` INVOICE_NUMBER ` → `invoice_number`. */
export function normalizeHeaderName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

const KIND_WORDS: ReadonlyMap<string, DocumentKind> = new Map([
  ['invoice', 'invoice'],
  ['factuur', 'invoice'],
  ['credit_note', 'credit_note'],
  ['creditnote', 'credit_note'],
  ['credit', 'credit_note'],
  ['creditnota', 'credit_note'],
  ['credit_nota', 'credit_note'],
]);

const DEBTOR_KIND_WORDS: ReadonlyMap<string, DebtorKind> = new Map([
  ['business', 'business'],
  ['zakelijk', 'business'],
  ['b2b', 'business'],
  ['company', 'business'],
  ['bedrijf', 'business'],
  ['consumer', 'consumer'],
  ['particulier', 'consumer'],
  ['b2c', 'consumer'],
  ['private', 'consumer'],
]);

const COUNTRY_NAMES: ReadonlyMap<string, string> = new Map([
  ['nederland', 'NL'],
  ['netherlands', 'NL'],
  ['the netherlands', 'NL'],
  ['belgië', 'BE'],
  ['belgie', 'BE'],
  ['belgium', 'BE'],
  ['belgique', 'BE'],
]);

const LANGUAGE_NAMES: ReadonlyMap<string, string> = new Map([
  ['nederlands', 'nl'],
  ['dutch', 'nl'],
  ['frans', 'fr'],
  ['french', 'fr'],
  ['français', 'fr'],
  ['francais', 'fr'],
  ['engels', 'en'],
  ['english', 'en'],
  ['duits', 'de'],
  ['german', 'de'],
  ['deutsch', 'de'],
]);

const DATE_HINT = 'use YYYY-MM-DD or DD-MM-YYYY';

// ---------------------------------------------------------------------------------------------
// Decoding

function describeBinary(bytes: Uint8Array): string {
  const starts = (...sig: number[]) => sig.every((b, k) => bytes[k] === b);
  if (starts(0x89, 0x50, 0x4e, 0x47)) return ' (a PNG image)';
  if (starts(0x25, 0x50, 0x44, 0x46)) return ' (a PDF document)';
  if (starts(0x50, 0x4b, 0x03, 0x04)) return ' (a ZIP archive or Excel workbook; save it as CSV)';
  if (starts(0xd0, 0xcf, 0x11, 0xe0)) return ' (an old Excel workbook; save it as CSV)';
  return '';
}

function binaryError(fileName: string, bytes: Uint8Array | null): InvalidFileError {
  const what = bytes === null ? '' : describeBinary(bytes);
  return new InvalidFileError(`${fileName}: the file holds binary data${what}, not CSV text.`);
}

/** Strict UTF-8; UTF-16 with a BOM; windows-1252 (Dutch Excel) for text that is not UTF-8. */
function decode(content: Buffer | string, fileName: string): string {
  if (typeof content === 'string') {
    if (content.includes('\u0000')) throw binaryError(fileName, null);
    return content;
  }
  if (content.length === 0) throw new InvalidFileError(`${fileName}: the file is empty.`);
  const b0 = content[0];
  const b1 = content[1];
  const utf16 = b0 === 0xff && b1 === 0xfe ? 'utf-16le' : b0 === 0xfe && b1 === 0xff ? 'utf-16be' : null;
  if (utf16 !== null) {
    let text: string;
    try {
      text = new TextDecoder(utf16, { fatal: true }).decode(content);
    } catch {
      throw binaryError(fileName, content);
    }
    if (text.includes('\u0000')) throw binaryError(fileName, content);
    return text;
  }
  if (content.includes(0)) throw binaryError(fileName, content);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    // Not UTF-8: accept it as windows-1252 when it looks like text (no control chars but tab/CR/LF).
    for (const b of content) {
      if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) throw binaryError(fileName, content);
    }
    return new TextDecoder('windows-1252').decode(content);
  }
}

// ---------------------------------------------------------------------------------------------
// Header

type ColumnIndex = Partial<Record<InvoiceCsvColumn, number>>;

function isColumn(name: string): name is InvoiceCsvColumn {
  return KNOWN.has(name);
}

function mapHeader(header: string[], fileName: string): ColumnIndex {
  const index: ColumnIndex = {};
  const duplicates: string[] = [];
  header.forEach((raw, position) => {
    const name = normalizeHeaderName(raw);
    if (!isColumn(name)) return; // unknown columns are ignored
    const earlier = index[name];
    if (earlier !== undefined) {
      duplicates.push(`${name} (columns ${earlier + 1} and ${position + 1})`);
      return;
    }
    index[name] = position;
  });
  if (duplicates.length > 0) {
    const list = duplicates.join(', ');
    throw new InvalidFileError(`${fileName}: the header has ${duplicates.length === 1 ? 'the column' : 'the columns'} ${list} more than once.`);
  }
  const missing = REQUIRED_INVOICE_CSV_COLUMNS.filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    const found = header.map((h) => h.trim()).filter((h) => h !== '');
    const shown = found.length === 0 ? 'nothing' : found.length > 30 ? `${found.slice(0, 30).join(', ')}, …` : found.join(', ');
    const which = missing.length === 1 ? 'the required column' : 'the required columns';
    throw new InvalidFileError(`${fileName}: the header lacks ${which} ${missing.join(', ')} (found: ${shown}).`);
  }
  return index;
}

// ---------------------------------------------------------------------------------------------
// Decimal mark

const MARK_SHOWN = /([.,])\d{1,2}$/;

/** The decimal mark a value shows by its last separator followed by 1–2 final digits, if any. */
export function shownDecimalMark(value: string): DecimalMark | null {
  const s = value.replace(/[\s\u00a0\u202f'()+\-\u2212]/g, '');
  const m = MARK_SHOWN.exec(s);
  if (m === null) return null;
  return m[1] === ',' ? ',' : '.';
}

type MarkPolicy = { mixed: false; mark: DecimalMark } | { mixed: true; fallback: DecimalMark };

function decideDecimalMark(doc: CsvDocument, index: ColumnIndex): MarkPolicy {
  const fallback: DecimalMark = doc.delimiter === ';' ? ',' : '.';
  let comma = false;
  let dot = false;
  const positions = [index.amount, index.vat_amount].filter((p): p is number => p !== undefined);
  for (const row of doc.rows) {
    for (const p of positions) {
      const value = row.fields[p];
      if (value === undefined || value === '') continue;
      const mark = shownDecimalMark(value);
      if (mark === ',') comma = true;
      else if (mark === '.') dot = true;
    }
    if (comma && dot) return { mixed: true, fallback };
  }
  if (comma) return { mixed: false, mark: ',' };
  if (dot) return { mixed: false, mark: '.' };
  return { mixed: false, mark: fallback };
}

function markFor(policy: MarkPolicy, value: string): DecimalMark {
  return policy.mixed ? (shownDecimalMark(value) ?? policy.fallback) : policy.mark;
}

// ---------------------------------------------------------------------------------------------
// Rows

function orNull(value: string): string | null {
  return value === '' ? null : value;
}

function parseCountry(value: string): string | null {
  if (/^[a-z]{2}$/i.test(value)) return value.toUpperCase();
  return COUNTRY_NAMES.get(value.toLowerCase().replace(/\s+/g, ' ')) ?? null;
}

function parseLanguage(value: string): string | null {
  const m = /^([a-z]{2})(?:[-_][a-z]{2})?$/i.exec(value);
  if (m?.[1] !== undefined) return m[1].toLowerCase();
  return LANGUAGE_NAMES.get(value.toLowerCase()) ?? null;
}

const PLAIN_AMOUNT = /^(-?)(\d{1,15})(?:([.,])(\d{1,2}))?$/;

/**
 * parseAmount, with a shortcut for the plain values that fill big files (`1234`, `-99,5`, `12.30`
 * written with the file's own mark, in a two-decimal currency); everything else goes to parseAmount.
 */
function readAmount(text: string, currency: string, mark: DecimalMark): bigint | null {
  const m = PLAIN_AMOUNT.exec(text);
  if (m !== null && (m[3] === undefined || m[3] === mark) && currencyExponent(currency) === 2) {
    const minor = BigInt(m[2] ?? '0') * 100n + BigInt(((m[4] ?? '') + '00').slice(0, 2));
    return m[1] === '-' ? -minor : minor;
  }
  return parseAmount(text, currency, mark);
}

function negate(amount: bigint): bigint {
  return amount > 0n ? -amount : amount;
}

/** Column positions in the file; -1 for a column the file does not have. */
type Positions = Record<InvoiceCsvColumn, number>;

function positionsOf(index: ColumnIndex): Positions {
  const positions = {} as Positions;
  for (const column of COLUMNS) positions[column] = index[column] ?? -1;
  return positions;
}

function cell(fields: readonly string[], position: number): string {
  if (position < 0) return '';
  const value = fields[position];
  return value === undefined ? '' : value.trim();
}

function isBlankRow(fields: readonly string[]): boolean {
  for (const f of fields) if (f !== '' && f.trim() !== '') return false;
  return true;
}

/** Dates repeat down a file; remember the parses (bounded). */
function cachedDate(cache: Map<string, string | null>, text: string): string | null {
  let date = cache.get(text);
  if (date === undefined) {
    date = parseBusinessDate(text);
    if (cache.size > 10_000) cache.clear();
    cache.set(text, date);
  }
  return date;
}

interface RowContext {
  positions: Positions;
  policy: MarkPolicy;
  errors: RowError[];
  /** First line of each document number, per kind. */
  seen: Record<DocumentKind, Map<string, number>>;
  dates: Map<string, string | null>;
}

function fail(ctx: RowContext, line: number, column: InvoiceCsvColumn, reason: string): void {
  ctx.errors.push({ line, column, reason });
}

function parseRow(ctx: RowContext, line: number, fields: readonly string[]): InvoiceInput | null {
  const p = ctx.positions;
  const errorsBefore = ctx.errors.length;

  const number = cell(fields, p.invoice_number);
  if (number === '') fail(ctx, line, 'invoice_number', 'invoice_number is required but empty');
  const debtorNumber = cell(fields, p.debtor_number);
  if (debtorNumber === '') fail(ctx, line, 'debtor_number', 'debtor_number is required but empty');

  let debtorKind: DebtorKind | null = null;
  const debtorTypeText = cell(fields, p.debtor_type);
  if (debtorTypeText !== '') {
    debtorKind = DEBTOR_KIND_WORDS.get(debtorTypeText.toLowerCase()) ?? null;
    if (debtorKind === null) fail(ctx, line, 'debtor_type', `"${debtorTypeText}" is not a debtor type (use business or consumer)`);
  }

  let country: string | null = null;
  const countryText = cell(fields, p.country);
  if (countryText !== '') {
    country = parseCountry(countryText);
    if (country === null) fail(ctx, line, 'country', `"${countryText}" is not a country code (use two letters, such as NL or BE)`);
  }

  let language: string | null = null;
  const languageText = cell(fields, p.language);
  if (languageText !== '') {
    language = parseLanguage(languageText);
    if (language === null) fail(ctx, line, 'language', `"${languageText}" is not a language code (use two letters, such as nl, fr, en or de)`);
  }

  const issueText = cell(fields, p.issue_date);
  let issueDate: string | null = null;
  if (issueText === '') fail(ctx, line, 'issue_date', 'issue_date is required but empty');
  else {
    issueDate = cachedDate(ctx.dates, issueText);
    if (issueDate === null) fail(ctx, line, 'issue_date', `"${issueText}" is not a date (${DATE_HINT})`);
  }
  const dueText = cell(fields, p.due_date);
  let dueDate: string | null = null;
  if (dueText === '') fail(ctx, line, 'due_date', 'due_date is required but empty');
  else {
    dueDate = cachedDate(ctx.dates, dueText);
    if (dueDate === null) fail(ctx, line, 'due_date', `"${dueText}" is not a date (${DATE_HINT})`);
  }
  if (issueDate !== null && dueDate !== null && dueDate < issueDate) {
    fail(ctx, line, 'due_date', `the due date ${dueDate} is before the issue date ${issueDate}`);
  }

  let currency = 'EUR';
  let currencyOk = true;
  const currencyText = cell(fields, p.currency);
  if (currencyText !== '') {
    const upper = currencyText === '€' ? 'EUR' : currencyText.toUpperCase();
    if (/^[A-Z]{3}$/.test(upper)) {
      currency = upper;
    } else {
      currencyOk = false;
      fail(ctx, line, 'currency', `"${currencyText}" is not a currency code (use three letters, such as EUR)`);
    }
  }
  const notAmount = (text: string) => `"${text}" is not an amount${currencyOk ? ` in ${currency}` : ''} (use 1234.56 or 1.234,56)`;

  const amountText = cell(fields, p.amount);
  let amount: bigint | null = null;
  if (amountText === '') fail(ctx, line, 'amount', 'amount is required but empty');
  else {
    amount = readAmount(amountText, currency, markFor(ctx.policy, amountText));
    if (amount === null) fail(ctx, line, 'amount', notAmount(amountText));
  }
  const vatText = cell(fields, p.vat_amount);
  let vatAmount: bigint | null = null;
  if (vatText !== '') {
    vatAmount = readAmount(vatText, currency, markFor(ctx.policy, vatText));
    if (vatAmount === null) fail(ctx, line, 'vat_amount', notAmount(vatText));
  }

  let kind: DocumentKind | null = 'invoice';
  const typeText = cell(fields, p.type);
  if (typeText !== '') {
    kind = KIND_WORDS.get(normalizeHeaderName(typeText)) ?? null;
    if (kind === null) fail(ctx, line, 'type', `"${typeText}" is not a document type (use invoice or credit_note)`);
  }

  if (number !== '' && kind !== null) {
    const seen = ctx.seen[kind];
    const first = seen.get(number);
    if (first === undefined) seen.set(number, line);
    else fail(ctx, line, 'invoice_number', `${kind === 'invoice' ? 'invoice' : 'credit note'} number "${number}" already appears on line ${first}`);
  }

  if (ctx.errors.length > errorsBefore || kind === null || amount === null || issueDate === null || dueDate === null) return null;

  const credit = kind === 'credit_note';
  return {
    line,
    number,
    kind,
    debtor: {
      number: debtorNumber,
      name: orNull(cell(fields, p.debtor_name)),
      kind: debtorKind,
      email: orNull(cell(fields, p.email)),
      phone: orNull(cell(fields, p.phone)),
      addressLine: orNull(cell(fields, p.address)),
      postalCode: orNull(cell(fields, p.postal_code)),
      city: orNull(cell(fields, p.city)),
      country,
      language,
      vatNumber: orNull(cell(fields, p.vat_number)),
      cocNumber: orNull(cell(fields, p.coc_number)),
    },
    issueDate,
    dueDate,
    currency,
    amount: credit ? negate(amount) : amount,
    vatAmount: vatAmount === null ? null : credit ? negate(vatAmount) : vatAmount,
    prepaidAmount: 0n,
    poNumber: orNull(cell(fields, p.po_number)),
    projectReference: orNull(cell(fields, p.project_reference)),
    paymentReference: orNull(cell(fields, p.payment_reference)),
    relatedInvoiceNumber: orNull(cell(fields, p.related_invoice)),
  };
}

/**
 * Parses an invoice CSV file (see DESIGN.md for the columns). `fileName` is only used in messages.
 * Throws InvalidFileError when the file as a whole cannot be read.
 */
export function parseInvoiceCsv(content: Buffer | string, fileName: string): ParsedInvoiceFile {
  const text = decode(content, fileName);
  if (text.replace(/^\ufeff/, '').trim() === '') throw new InvalidFileError(`${fileName}: the file is empty.`);

  let doc: CsvDocument;
  try {
    doc = readCsv(text);
  } catch (e) {
    if (e instanceof CsvSyntaxError) {
      throw new InvalidFileError(`${fileName}: the quoted field that starts on line ${e.line} is never closed (a closing " is missing).`);
    }
    throw e;
  }

  const index = mapHeader(doc.header, fileName);
  const width = doc.header.length;
  const ctx: RowContext = {
    positions: positionsOf(index),
    policy: decideDecimalMark(doc, index),
    errors: [],
    seen: { invoice: new Map(), credit_note: new Map() },
    dates: new Map(),
  };
  const invoices: InvoiceInput[] = [];

  for (const { line, fields } of doc.rows) {
    if (isBlankRow(fields)) continue; // e.g. `;;;;` rows Excel leaves behind
    if (fields.length !== width) {
      // Extra trailing fields that are all empty (spreadsheet padding) are harmless.
      if (fields.length < width || !isBlankRow(fields.slice(width))) {
        ctx.errors.push({ line, column: '', reason: `the row has ${fields.length} fields but the header has ${width}` });
        continue;
      }
    }
    const invoice = parseRow(ctx, line, fields);
    if (invoice !== null) invoices.push(invoice);
  }

  return { format: 'csv', invoices, errors: ctx.errors, originalDocument: null };
}
