// Neutral statements → a SWIFT MT940 file (for ERPs that import bank statements).
//
// Layout (REFERENCE.md §1.1–1.2): one message per statement with `:20:`, `:25:`, `:28C:`, `:60F:`,
// per transaction `:61:` + `:86:`, then `:62F:`; CRLF line ends. `:86:` carries the structured
// `/EREF/…/IBAN/…/BIC/…/NAME/…/REMI/…/` code words the Dutch banks use (ABN AMRO style), plus
// Rabobank's `/CDTRREF/` for a structured creditor reference, in at most 6 lines of 65 characters.
// Text is limited to the SWIFT X character set: letters with accents are transliterated, other
// characters replaced. Our own parser (mt940.ts) and the `mt940js` package read the result back.

import { currencyExponent } from '../core/money.ts';
import type { BankStatement, StatementTransaction } from './statement.ts';

export interface Mt940WriteOptions {
  /** BIC of the sender; when given every message is wrapped in SWIFT blocks `{1:…}{2:…}{4:` … `-}`. */
  senderBic?: string;
}

const CRLF = '\r\n';
/** NOTE: SWIFT field 86 is 6*65x; the first line also holds the `:86:` tag, so it keeps 61 characters. */
const FIELD_86_FIRST = 61;
const FIELD_86_LINE = 65;
const FIELD_86_LINES = 6;

/**
 * Writes the statements as one MT940 file. Throws a RangeError for what MT940 cannot carry: a
 * statement without account or without any date, a transaction in another currency than its
 * statement, an amount longer than 15 characters.
 */
export function writeMt940(statements: BankStatement[], options: Mt940WriteOptions = {}): string {
  const out: string[] = [];
  const bic = options.senderBic === undefined ? null : normalizeBic(options.senderBic);
  statements.forEach((statement, index) => {
    if (bic !== null) out.push(`{1:F01${logicalTerminal(bic)}0000000000}{2:I940${bic}N}{4:`);
    writeStatement(out, statement, index + 1);
    out.push(bic !== null ? '-}' : '-');
  });
  return out.join(CRLF) + CRLF;
}

function writeStatement(out: string[], s: BankStatement, n: number): void {
  const currency = s.currency.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw new RangeError(`writeMt940: statement ${n} has no valid currency (${s.currency}).`);
  const account = swiftText(s.accountIban ?? s.accountNumber ?? '').replace(/\s+/g, '');
  if (account === '') throw new RangeError(`writeMt940: statement ${n} has no account.`);

  let sum = 0n;
  for (const t of s.transactions) {
    if (t.currency.toUpperCase() !== currency) {
      throw new RangeError(`writeMt940: statement ${n} is in ${currency} but a transaction on line ${t.line} is in ${t.currency}.`);
    }
    sum += t.amount;
  }
  const first = s.transactions[0];
  const last = s.transactions[s.transactions.length - 1];
  const openingDate = s.openingBalance?.date ?? first?.bookingDate ?? s.closingBalance?.date;
  const closingDate = s.closingBalance?.date ?? last?.bookingDate ?? openingDate;
  if (openingDate === undefined || closingDate === undefined) throw new RangeError(`writeMt940: statement ${n} has no date at all.`);
  // Missing balances are derived so that opening + transactions = closing holds in the file.
  const opening = s.openingBalance?.amount ?? (s.closingBalance ? s.closingBalance.amount - sum : 0n);
  const closing = s.closingBalance?.amount ?? opening + sum;

  out.push(`:20:${reference(s.statementId, `ARFLOW${String(n).padStart(4, '0')}`)}`);
  out.push(`:25:${account.slice(0, 35)}`);
  out.push(`:28C:${statementNumber(s.sequenceNumber, n)}`);
  out.push(`:60F:${balance(opening, openingDate, currency)}`);
  for (const t of s.transactions) {
    out.push(`:61:${statementLine(t, currency)}`);
    const lines = field86(t);
    if (lines.length > 0) out.push(`:86:${lines[0] ?? ''}`, ...lines.slice(1));
  }
  out.push(`:62F:${balance(closing, closingDate, currency)}`);
}

// ---------------------------------------------------------------------------------------------
// Fields
// ---------------------------------------------------------------------------------------------

function yymmdd(date: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new RangeError(`writeMt940: ${date} is not a YYYY-MM-DD date.`);
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

/** `15d`: digits, a mandatory decimal comma, the currency's decimals. */
function amount15d(minor: bigint, currency: string): string {
  const abs = minor < 0n ? -minor : minor;
  const exp = currencyExponent(currency);
  const digits = abs.toString().padStart(exp + 1, '0');
  const text = exp === 0 ? `${digits},` : `${digits.slice(0, -exp)},${digits.slice(-exp)}`;
  if (text.length > 15) throw new RangeError(`writeMt940: the amount ${text} ${currency} is longer than MT940 allows.`);
  return text;
}

function balance(minor: bigint, date: string, currency: string): string {
  return `${minor < 0n ? 'D' : 'C'}${yymmdd(date)}${currency}${amount15d(minor, currency)}`;
}

/** `:20:`/`:61:` references: 16x, SWIFT characters, no `/` at either end and no `//`. */
function reference(value: string | null, fallback: string): string {
  const cleaned = swiftText(value ?? '')
    .replace(/\s+/g, '')
    .replace(/\/+/g, '/')
    .slice(0, 16)
    .replace(/^\/+|\/+$/g, '');
  return cleaned === '' ? fallback : cleaned;
}

function statementNumber(sequence: string | null, n: number): string {
  const s = (sequence ?? '').trim();
  return /^\d{1,5}(\/\d{1,5})?$/.test(s) ? s : String(n).padStart(5, '0');
}

function statementLine(t: StatementTransaction, currency: string): string {
  const valueDate = yymmdd(t.valueDate ?? t.bookingDate);
  const entryDate = yymmdd(t.bookingDate).slice(2);
  // NOTE: SWIFT field 61 subfield 3 — RD is the reversal of a debit (money in), RC of a credit (money out).
  const credit = t.amount >= 0n;
  const mark = t.isReturn ? (credit ? 'RD' : 'RC') : credit ? 'C' : 'D';
  const code = t.transactionCode !== null && /^[NSF][A-Z0-9]{3}$/.test(t.transactionCode) ? t.transactionCode : 'NTRF';
  // The account owner's reference (16x, no `/` so that `//` stays the bank reference's separator).
  const ownerRef = swiftText(t.endToEndId ?? '').replace(/[\s/]+/g, '');
  const customerRef = ownerRef !== '' && ownerRef.length <= 16 ? ownerRef : 'NONREF';
  const bankRef = t.bankReference === null ? '' : swiftText(t.bankReference).replace(/\s+/g, '').replace(/\/+/g, '-').slice(0, 16);
  return `${valueDate}${entryDate}${mark}${amount15d(t.amount, currency)}${code}${customerRef}${bankRef === '' ? '' : `//${bankRef}`}`;
}

/** `:86:` in code words; the remittance text goes last, so that it is what gets shortened when space runs out. */
function field86(t: StatementTransaction): string[] {
  let text = '';
  const add = (word: string, value: string | null, max: number) => {
    const v = codeWordValue(value ?? '').slice(0, max).trim();
    if (v !== '') text += `/${word}/${v}`;
  };
  add('EREF', t.endToEndId, 35);
  add('IBAN', t.counterpartyAccount === null ? null : t.counterpartyAccount.replace(/\s+/g, ''), 34);
  add('BIC', t.counterpartyBic, 11);
  add('NAME', t.counterpartyName, 70);
  const ref = codeWordValue(t.structuredReference ?? '').replace(/\s+/g, '').slice(0, 35);
  if (ref !== '') text += `/CDTRREFTP//CD/SCOR/ISSR/${/^RF/i.test(ref) ? 'ISO' : 'CUR'}/CDTRREF/${ref}`;
  add('REMI', t.remittanceInfo, 140);
  if (text === '') return [];
  const room = FIELD_86_FIRST + FIELD_86_LINE * (FIELD_86_LINES - 1) - 1;
  text = `${text.slice(0, room).trimEnd()}/`;
  return wrap(text);
}

/**
 * Splits into a first line of 61 and further lines of 65 characters. A line may not start with
 * `:` (it would read as a field tag) or `-` (a message end),
 * so such a break moves one character earlier.
 */
function wrap(text: string): string[] {
  const lines: string[] = [];
  let pos = 0;
  while (pos < text.length && lines.length < FIELD_86_LINES) {
    let end = Math.min(text.length, pos + (lines.length === 0 ? FIELD_86_FIRST : FIELD_86_LINE));
    while (end < text.length && end > pos + 1 && /[:-]/.test(text.charAt(end))) end--;
    lines.push(text.slice(pos, end));
    pos = end;
  }
  return lines;
}

function codeWordValue(value: string): string {
  return (
    swiftText(value)
      .replace(/\s+/g, ' ')
      // A `/WORD/` inside a value would read as the next code word; `//` as the end of the value.
      .replace(/\/(?=[A-Z]{2,9}\/)/g, '-')
      .replace(/\/{2,}/g, '/')
      .replace(/^\/+|\/+$/g, '')
  );
}

// ---------------------------------------------------------------------------------------------
// SWIFT character set X
// ---------------------------------------------------------------------------------------------

const SPECIAL: Readonly<Record<string, string>> = {
  ß: 'ss', Æ: 'AE', æ: 'ae', Ø: 'O', ø: 'o', Œ: 'OE', œ: 'oe', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd', Þ: 'TH', þ: 'th',
  '€': 'EUR', '&': '+', ';': ',', '"': "'", '‘': "'", '’': "'", '“': "'", '”': "'", '_': '-', '–': '-', '—': '-', '*': '.',
  '[': '(', ']': ')', '{': '(', '}': ')', '<': '(', '>': ')', '\\': '/', '|': '/', '!': '.', '@': '(at)', '#': 'nr', '%': 'pct',
};

/**
 * NOTE: SWIFT X character set — `a–z A–Z 0–9 / - ? : ( ) . , ' +` and space (REFERENCE.md §1.1).
 * Accented letters lose their accent (`é` → `e`), a few characters get a readable stand-in
 * (`&` → `+`, `ß` → `ss`), anything else becomes `.`; line breaks and tabs become spaces.
 */
export function swiftText(text: string): string {
  let out = '';
  for (const ch of text.normalize('NFD')) {
    const code = ch.charCodeAt(0);
    if (code >= 0x300 && code <= 0x36f) continue; // combining accent
    if (/[A-Za-z0-9/\-?:().,'+ ]/.test(ch)) out += ch;
    else if (/\s/.test(ch)) out += ' ';
    else out += SPECIAL[ch] ?? '.';
  }
  return out;
}

function normalizeBic(bic: string): string {
  const b = bic.replace(/\s+/g, '').toUpperCase();
  if (!/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(b)) throw new RangeError(`writeMt940: ${bic} is not a BIC.`);
  return b.length === 8 ? `${b}XXX` : b;
}

/** SWIFT logical terminal: the BIC's 8 characters, terminal code `X`, branch. */
function logicalTerminal(bic11: string): string {
  return `${bic11.slice(0, 8)}X${bic11.slice(8)}`;
}
