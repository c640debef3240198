// SWIFT MT940 (and MT942) bank statements → the neutral statement shape (statement.ts).
//
// Grammar and Dutch variants: /work/shared/REFERENCE.md §1.1–1.2. The parser is deliberately
// lenient about layout, because real bank files break the SWIFT rules in many small ways (see the
// corpus under /work/shared/corpora/mt940): LF or CRLF, trailing spaces, blank lines, no SWIFT
// blocks or blocks on one line, a missing trailing `-`, free text before the first message,
// `:86:` wrapped in the middle of a code word, a `:61:` split over two lines, amounts without the
// mandatory decimal comma, balances without a currency, German "30 February" value dates.
// It is strict where a wrong guess would put wrong money in the books: an unreadable `:61:` or
// balance, a new SWIFT message while the previous one is cut off (no closing balance, no `-}`), a
// malformed tag such as `:9401:`, or an account field `:25:` among the statement lines all throw
// StatementFormatError naming the file and line.
//
// One pass over the lines; every regex is anchored and works on one line or field, so the cost is
// linear in the size of the file, and each statement is converted as soon as the next one starts.

import { isUtf8 } from 'node:buffer';
import { IBAN_LENGTHS, isValidIban } from '../core/iban.ts';
import { parseAmount } from '../core/money.ts';
import { StatementFormatError, type BankStatement, type ParsedStatementFile, type StatementBalance, type StatementTransaction } from './statement.ts';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** Tags that start an MT940/MT942 message body; enough of them near the top means "this is MT940". */
const DETECT_TAG = /^:(20|25|28C?|60[FM]?|61|62[FM]?|34F|13D?):/;

/**
 * Whether `text` looks like an MT940/MT942 file: a message field (`:20:`, `:25:`, `:28C:`, `:60F:`,
 * `:61:`, `:62F:`, MT942 `:34F:`/`:13D:`) at the start of one of the first 200 lines.
 */
export function looksLikeMt940(text: string): boolean {
  let start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let n = 0; n < 200 && start < text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = stripControl(text.slice(start, Math.min(end, start + 80))).trimEnd();
    if (DETECT_TAG.test(line)) return true;
    // `{1:…}{2:…}{4::20:…` all on one line
    const block4 = line.indexOf('{4:');
    if (block4 >= 0 && DETECT_TAG.test(line.slice(block4 + 3))) return true;
    start = end + 1;
  }
  return false;
}

/**
 * Parses an MT940 (or MT942) file: one or more messages, with or without SWIFT blocks, one
 * statement per message. Buffers are decoded as UTF-8, or as windows-1252 when they are not valid
 * UTF-8. Throws StatementFormatError for a file that is not MT940 at all or is broken beyond reading.
 */
export function parseMt940(content: Buffer | string, fileName: string): ParsedStatementFile {
  const text = typeof content === 'string' ? content : decode(content);
  return { format: 'mt940', statements: new Mt940Reader(text, fileName).read() };
}

// ---------------------------------------------------------------------------------------------
// Decoding and lines
// ---------------------------------------------------------------------------------------------

const WINDOWS_1252 = new TextDecoder('windows-1252');
const UTF8 = new TextDecoder('utf-8');

function decode(buffer: Buffer): string {
  // NOTE: REFERENCE.md §1.1 — bank files are UTF-8 or a Latin code page; try UTF-8 strictly first.
  return isUtf8(buffer) ? UTF8.decode(buffer) : WINDOWS_1252.decode(buffer);
}

/** Drops control characters (CR, SOH, ETX) at both ends of a line; trailing spaces stay (they can be text of a wrapped `:86:`). */
function stripControl(raw: string): string {
  let end = raw.length;
  while (end > 0) {
    const c = raw.charCodeAt(end - 1);
    if (c < 0x20 && c !== 0x09) end--;
    else break;
  }
  let start = 0;
  while (start < end) {
    const c = raw.charCodeAt(start);
    if (c < 0x20 && c !== 0x09) start++;
    else break;
  }
  return start === 0 && end === raw.length ? raw : raw.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// Fields and statements under construction
// ---------------------------------------------------------------------------------------------

/** Tags this reader knows; a line starting with another `:nn:` inside `:86:` is text (a wrapped time such as `13:12:11`). */
const KNOWN_TAGS: ReadonlySet<string> = new Set([
  '20', '21', '25', '25P', '28', '28C', '60', '60F', '60M', '61', '62', '62F', '62M', '64', '65', '86', 'NS',
  '13', '13D', '34F', '90C', '90D',
]);

/** Fields that run over several lines: everything up to the next tag belongs to them. */
const MULTILINE_TAGS: ReadonlySet<string> = new Set(['61', '86', 'NS']);

const TAG_LINE = /^:([0-9]{2}[A-Z]?|NS):/;

interface Field {
  tag: string;
  line: number;
  lines: string[];
  /** A blank line was seen; single-line fields take no further continuation lines. */
  closed: boolean;
}

interface RawBalance {
  line: number;
  date: string;
  negative: boolean;
  currency: string | null;
  amount: string;
}

interface DraftTransaction {
  line: number;
  valueDate: string;
  entryDate: string | null;
  mark: 'C' | 'D' | 'RC' | 'RD' | 'EC' | 'ED';
  amount: string;
  typeCode: string;
  customerReference: string;
  bankReference: string | null;
  supplementary: string;
  /** Old Rabobank: the name written after the 16-character reference column of `:61:`. */
  inlineName: string;
  /** `:86:` fields that follow this `:61:` (usually one; old Rabobank and Danske Bank write several). */
  details: string[][];
}

interface DraftStatement {
  line: number;
  statementId: string | null;
  sequenceNumber: string | null;
  accountNumber: string | null;
  accountCurrency: string | null;
  floorCurrency: string | null;
  opening: RawBalance | null;
  closing: RawBalance | null;
  available: RawBalance | null;
  transactions: DraftTransaction[];
  /** A closing or available balance came after the last `:61:`: a `:86:` now is statement-level. */
  balanceAfterLines: boolean;
}

function newDraft(line: number): DraftStatement {
  return {
    line,
    statementId: null,
    sequenceNumber: null,
    accountNumber: null,
    accountCurrency: null,
    floorCurrency: null,
    opening: null,
    closing: null,
    available: null,
    transactions: [],
    balanceAfterLines: false,
  };
}

// ---------------------------------------------------------------------------------------------
// The reader: lines → fields → statements
// ---------------------------------------------------------------------------------------------

class Mt940Reader {
  private readonly text: string;
  private readonly fileName: string;
  private readonly statements: BankStatement[] = [];
  /** The last statement started, converted when the next one starts. */
  private draft: DraftStatement | null = null;
  /** The statement fields now go to (null after a message's closing `-`). */
  private current: DraftStatement | null = null;
  private field: Field | null = null;
  private sawTag = false;
  /** Inside a SWIFT block 4 (`{4:`) that has not yet been closed by `-`/`-}`. */
  private blockLine = 0;
  private blockOpen = false;
  private blockTerminated = false;

  // line cursor
  private pos = 0;
  private lineNo = 0;
  private pending: string | null = null;
  private hasPending = false;

  constructor(text: string, fileName: string) {
    this.text = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.fileName = fileName;
  }

  private readRaw(): string | null {
    const text = this.text;
    if (this.pos > text.length) return null;
    let start = this.pos;
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    this.pos = end + 1;
    // control characters (CR, SOH, ETX) at either end; trailing spaces stay (text of a wrapped `:86:`)
    while (end > start) {
      const c = text.charCodeAt(end - 1);
      if (c < 0x20 && c !== 0x09) end--;
      else break;
    }
    while (start < end) {
      const c = text.charCodeAt(start);
      if (c < 0x20 && c !== 0x09) start++;
      else break;
    }
    return text.slice(start, end);
  }

  private nextLine(): string | null {
    let line: string | null;
    if (this.hasPending) {
      line = this.pending;
      this.hasPending = false;
    } else {
      line = this.readRaw();
    }
    if (line !== null) this.lineNo++;
    return line;
  }

  private peekLine(): string | null {
    if (!this.hasPending) {
      this.pending = this.readRaw();
      this.hasPending = true;
    }
    return this.pending;
  }

  read(): BankStatement[] {
    for (let line = this.nextLine(); line !== null; line = this.nextLine()) this.handleLine(line);
    this.endField();
    if (!this.sawTag) {
      throw new StatementFormatError(`${this.fileName} is not an MT940 file: it contains no MT940 field such as :20:, :25: or :61:.`);
    }
    this.finishPrevious();
    return this.statements;
  }

  /** A statement is complete once the next one starts: convert it now, so the drafts do not pile up. */
  private addDraft(draft: DraftStatement): void {
    this.finishPrevious();
    this.draft = draft;
    this.current = draft;
  }

  private finishPrevious(): void {
    if (this.draft !== null) this.statements.push(this.finish(this.draft));
    this.draft = null;
  }

  private handleLine(rawLine: string): void {
    let raw = rawLine;
    let line = raw.trimEnd();
    // `:` alone with the tag on the next line (seen in a Sparkasse export)
    if (line === ':') {
      const next = this.peekLine();
      if (next !== null && /^([0-9]{2}[A-Z]?|NS):/.test(next)) {
        this.nextLine();
        raw = `:${next}`;
        line = raw.trimEnd();
      }
    }

    const tagMatch = line.charCodeAt(0) === 58 /* : */ ? TAG_LINE.exec(line) : null;
    if (tagMatch) {
      const tag = tagMatch[1] ?? '';
      if (KNOWN_TAGS.has(tag)) {
        this.startField(tag, (MULTILINE_TAGS.has(tag) ? raw : line).slice(tagMatch[0].length));
        return;
      }
      // An unknown but well-formed tag inside a multi-line field is text (a wrapped `13:12:11`).
      if (this.field !== null && MULTILINE_TAGS.has(this.field.tag)) {
        this.field.lines.push(raw);
        return;
      }
      this.endField();
      return;
    }
    const first = line.charCodeAt(0);
    if (first === 58 /* : */) {
      if (/^:9(40|42):$/.test(line)) {
        // Rabobank's leading `:940:` line
        this.endField();
        return;
      }
      if (/^:[0-9A-Z]{3,}:/.test(line) && (this.field === null || !MULTILINE_TAGS.has(this.field.tag))) {
        throw new StatementFormatError(`${this.fileName} line ${this.lineNo}: ${line.slice(0, 12)} is not a valid MT940 field tag.`, this.lineNo);
      }
    }
    if (first === 123 /* { */ || first === 125 /* } */) {
      this.handleBlocks(line);
      return;
    }
    if (first === 45 /* - */ && this.isTerminator(line)) {
      this.endMessage();
      const rest = line.startsWith('-}') ? line.slice(2) : '';
      if (rest !== '') this.handleBlocks(rest);
      return;
    }

    const field = this.field;
    if (field === null) return; // envelope lines (ABNANL2A, 940, 0000 01INGBNL2A…) and free text outside messages
    if (line === '') {
      if (MULTILINE_TAGS.has(field.tag)) field.lines.push('');
      else field.closed = true;
      return;
    }
    if (MULTILINE_TAGS.has(field.tag)) field.lines.push(raw);
    else if (!field.closed) field.lines.push(line);
  }

  /** `-`, `-}`, `-XXX`: the end of a message. A bare `-` inside `:86:` followed by more text is text. */
  private isTerminator(line: string): boolean {
    if (line.startsWith('-}') || line === '-XXX') return true;
    if (line !== '-') return false;
    const field = this.field;
    if (field === null || !MULTILINE_TAGS.has(field.tag)) return true;
    const next = this.peekLine()?.trimEnd() ?? null;
    if (next === null || next === '') return true;
    const c = next.charCodeAt(0);
    if (c === 123 || c === 125) return true;
    if (next.startsWith(':20:') || /^:9(40|42):$/.test(next)) return true;
    if (/^([A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?|940( 00)?|0000 01.*)$/.test(next)) return true;
    // `:62F:` right after a bare `-` (a Rabobank `:86:` ending in `-`) stays in this message
    return false;
  }

  private handleBlocks(line: string): void {
    this.endField();
    if (line.startsWith('}')) {
      this.blockOpen = false;
      return;
    }
    const opensBlock1 = line.includes('{1:');
    const block4 = line.indexOf('{4:');
    // A missing `-}` alone is forgiven; a message that also lacks its closing balance was cut off.
    const open = this.current;
    if ((opensBlock1 || block4 >= 0) && this.blockOpen && !this.blockTerminated && open !== null && open.closing === null && open.floorCurrency === null) {
      throw new StatementFormatError(
        `${this.fileName} line ${this.lineNo}: a new SWIFT message starts before the message that began on line ${this.blockLine} ended (no closing balance :62F:, no -}).`,
        this.lineNo,
      );
    }
    if (block4 >= 0) {
      this.endMessage();
      this.blockOpen = true;
      this.blockTerminated = false;
      this.blockLine = this.lineNo;
      const rest = line.slice(block4 + 3);
      if (rest.trim() !== '') this.handleLine(stripControl(rest));
    }
  }

  private endMessage(): void {
    this.endField();
    this.current = null;
    this.blockTerminated = true;
  }

  private startField(tag: string, firstLine: string): void {
    this.endField();
    this.sawTag = true;
    this.field = { tag, line: this.lineNo, lines: [firstLine], closed: false };
  }

  private endField(): void {
    const field = this.field;
    if (field === null) return;
    this.field = null;
    this.applyField(field);
  }

  private statement(line: number): DraftStatement {
    let st = this.current;
    if (st === null) {
      st = newDraft(line);
      this.addDraft(st);
    }
    return st;
  }

  private applyField(field: Field): void {
    const { tag, line } = field;
    const value = () => field.lines.join('').trim();
    switch (tag) {
      case '20': {
        const draft = newDraft(line);
        draft.statementId = value() || null;
        this.addDraft(draft);
        return;
      }
      case '21':
        this.statement(line);
        return;
      case '25':
      case '25P': {
        let st = this.statement(line);
        if (st.closing !== null || st.available !== null) {
          // The next account's statement without a `:20:` of its own.
          st = newDraft(line);
          this.addDraft(st);
        } else if (st.transactions.length > 0) {
          throw new StatementFormatError(
            `${this.fileName} line ${line}: an account field :25: appears among the statement lines of the statement that began on line ${st.line}.`,
            line,
          );
        }
        const account = value();
        st.accountNumber = account || null;
        const currency = /[0-9/ ]([A-Z]{3})$/.exec(account);
        st.accountCurrency = currency?.[1] ?? null;
        return;
      }
      case '28':
      case '28C': {
        const st = this.statement(line);
        const v = value();
        const slash = v.indexOf('/');
        const number = (slash >= 0 ? v.slice(0, slash) : v).trim();
        if (st.statementId === null) st.statementId = number || null;
        st.sequenceNumber = v || null;
        return;
      }
      case '60':
      case '60F':
      case '60M': {
        let st = this.statement(line);
        if (st.opening !== null || st.closing !== null || st.transactions.length > 0) {
          // An opening balance after a complete statement without a new `:20:`: a new statement of the same account.
          const prev = st;
          st = newDraft(line);
          st.statementId = prev.statementId;
          st.sequenceNumber = prev.sequenceNumber;
          st.accountNumber = prev.accountNumber;
          st.accountCurrency = prev.accountCurrency;
          this.addDraft(st);
        }
        st.opening = this.balance(field);
        return;
      }
      case '62':
      case '62F':
      case '62M': {
        const st = this.statement(line);
        st.closing = this.balance(field);
        st.balanceAfterLines = true;
        return;
      }
      case '64': {
        const st = this.statement(line);
        st.available = this.balance(field);
        st.balanceAfterLines = true;
        return;
      }
      case '65':
        this.statement(line).balanceAfterLines = true;
        return;
      case '34F': {
        const st = this.statement(line);
        const m = /^([A-Z]{3})/.exec(value());
        if (m && st.floorCurrency === null) st.floorCurrency = m[1] ?? null;
        return;
      }
      case '61': {
        const st = this.statement(line);
        st.transactions.push(this.statementLine(field));
        st.balanceAfterLines = false;
        return;
      }
      case '86': {
        const st = this.current;
        if (st === null || st.balanceAfterLines) return; // statement-level information
        const tx = st.transactions[st.transactions.length - 1];
        if (tx !== undefined) tx.details.push(field.lines);
        return;
      }
      default:
        // :NS:, :13:, :13D:, :90C:, :90D: carry nothing for the neutral shape
        return;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Balances (`1!a6!n3!a15d`)
  // -------------------------------------------------------------------------------------------

  private balance(field: Field): RawBalance {
    const text = field.lines.join('').replace(/\s+/g, '');
    // D/C mark, YYMMDD, currency (some files leave it out), amount; anything after the amount is ignored.
    const m = /^([CD])?(\d{6})([A-Z]{3})?(\d[\d,.]*)/.exec(text);
    const date = m ? yymmdd(m[2] ?? '') : null;
    if (!m || date === null) {
      throw new StatementFormatError(`${this.fileName} line ${field.line}: the balance :${field.tag}:${text.slice(0, 30)} cannot be read.`, field.line);
    }
    return { line: field.line, date, negative: m[1] === 'D', currency: m[3] ?? null, amount: m[4] ?? '' };
  }

  // -------------------------------------------------------------------------------------------
  // Statement line `:61:` — 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x][34x]
  // -------------------------------------------------------------------------------------------

  private statementLine(field: Field): DraftTransaction {
    const lines = field.lines;
    let first = lines[0] ?? '';
    let used = 1;
    let m = STATEMENT_LINE.exec(first);
    // A `:61:` broken over two lines before its type code (`…1126CR` / `30,00N062NONREF`).
    while (!m && used < lines.length && used < 3) {
      first += (lines[used] ?? '').trim();
      used++;
      m = STATEMENT_LINE.exec(first);
    }
    const broken = (reason: string) =>
      new StatementFormatError(`${this.fileName} line ${field.line}: the statement line :61:${(lines[0] ?? '').slice(0, 40)} cannot be read (${reason}).`, field.line);
    if (!m) throw broken('expected value date, debit/credit mark, amount and transaction type');

    const valueDate = yymmdd(m[1] ?? '');
    if (valueDate === null) throw broken('invalid value date');
    const entry = (m[2] ?? '').trim();
    let entryDate: string | null = null;
    if (entry !== '') {
      entryDate = entryDateFor(valueDate, entry);
      if (entryDate === null) throw broken('invalid entry date');
    }

    let typeCode = (m[5] ?? '').trim();
    let rest = (m[6] ?? '').trimEnd();
    if (typeCode === 'NONR' && rest.startsWith('EF')) {
      // No type code at all, straight to the reference (`…D20,00NONREF`).
      typeCode = '';
      rest = `NONR${rest}`;
    }
    let customerReference: string;
    let bankReference: string | null = null;
    let supplementary = '';
    let inlineName = '';
    const slashes = rest.indexOf('//');
    if (slashes >= 0) {
      customerReference = rest.slice(0, slashes).trim();
      bankReference = rest.slice(slashes + 2).trim() || null;
    } else if (rest.length > 16 && (rest[15] === ' ' || rest[16] === ' ')) {
      // Old Rabobank: a 16-character reference column (the counterparty account), then the name.
      customerReference = rest.slice(0, 16).trim();
      inlineName = rest.slice(16).trim();
      supplementary = inlineName;
    } else {
      customerReference = rest.trim();
    }
    rest = lines.slice(used).join('').trim();
    if (rest !== '') supplementary = supplementary === '' ? rest : `${supplementary} ${rest}`;

    return {
      line: field.line,
      valueDate,
      entryDate,
      mark: (m[3] ?? 'C').toUpperCase() as DraftTransaction['mark'],
      amount: m[4] ?? '',
      typeCode,
      customerReference,
      bankReference,
      supplementary,
      inlineName,
      details: [],
    };
  }

  // -------------------------------------------------------------------------------------------
  // Finishing a statement
  // -------------------------------------------------------------------------------------------

  private finish(d: DraftStatement): BankStatement {
    // NOTE: a statement without any currency (only possible for fragments) gets `XXX`, ISO 4217's "no currency".
    const currency = d.opening?.currency ?? d.closing?.currency ?? d.available?.currency ?? d.floorCurrency ?? d.accountCurrency ?? 'XXX';
    const balance = (b: RawBalance | null): StatementBalance | null => {
      if (b === null) return null;
      const cur = b.currency ?? currency;
      const amount = this.amount(b.amount, cur, b.line);
      return { date: b.date, amount: b.negative ? -amount : amount, currency: cur };
    };
    const account = d.accountNumber;
    return {
      format: 'mt940',
      statementId: d.statementId,
      sequenceNumber: d.sequenceNumber,
      accountIban: account === null ? null : ibanInAccount(account),
      accountNumber: account,
      currency,
      openingBalance: balance(d.opening),
      closingBalance: balance(d.closing),
      transactions: d.transactions.map((t) => this.transaction(t, currency, account)),
    };
  }

  private amount(text: string, currency: string, line: number): bigint {
    // NOTE: SWIFT `15d` — the comma is the decimal mark and may end the amount (`25,`); some banks omit it (`500`).
    // A decimal point instead of the comma (one old Rabobank export) is read as the decimal mark too.
    const mark = text.includes(',') || !text.includes('.') ? ',' : '.';
    const normalized = text.endsWith(mark) ? text.slice(0, -1) : text;
    const value = parseAmount(normalized, currency, mark);
    if (value === null) {
      throw new StatementFormatError(`${this.fileName} line ${line}: the amount ${text} is not a valid ${currency} amount.`, line);
    }
    return value;
  }

  private transaction(t: DraftTransaction, currency: string, ownAccount: string | null): StatementTransaction {
    const magnitude = this.amount(t.amount, currency, t.line);
    // NOTE: SWIFT field 61 subfield 3 — RC is the reversal of a credit (money out), RD of a debit (money in).
    const negative = t.mark === 'D' || t.mark === 'RC' || t.mark === 'ED';
    const descriptionLines = t.details.flat().map((l) => l.trimEnd());
    const details = readDetails(t.details);

    let counterpartyAccount = details.counterpartyAccount;
    let counterpartyName = details.counterpartyName;
    if (counterpartyAccount === null) {
      const fromLine = accountFromStatementLine(t, ownAccount);
      if (fromLine !== null) {
        counterpartyAccount = fromLine.account;
        counterpartyName ??= fromLine.name;
      }
    }
    const description = descriptionLines.join('\n').trimEnd();

    return {
      line: t.line,
      bookingDate: t.entryDate ?? t.valueDate,
      valueDate: t.valueDate,
      amount: negative ? -magnitude : magnitude,
      currency,
      bankReference: t.bankReference,
      endToEndId: details.endToEndId,
      counterpartyAccount,
      counterpartyBic: details.counterpartyBic,
      counterpartyName,
      structuredReference: details.structuredReference,
      remittanceInfo: details.remittanceInfo,
      transactionCode: details.transactionCode ?? (t.typeCode || null),
      isReturn: t.mark === 'RC' || t.mark === 'RD' || details.isReturn,
      description,
    };
  }
}

// value date, entry date (MMDD or four spaces), D/C mark (+ funds code), amount, type code, rest
const STATEMENT_LINE = /^(\d{6})(\d{4}| {4})?\s*([RE]?[CDcd])[A-Z]?\s*(\d[\d,.]*)\s*([A-Z][A-Z0-9 ]{0,3})?(.*)$/;

// ---------------------------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------------------------

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

function daysInMonth(year: number, month: number): number {
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) return 29;
  return MONTH_DAYS[month - 1] ?? 31;
}

function fullYear(yy: number): number {
  return yy < 70 ? 2000 + yy : 1900 + yy;
}

/** Two digits at `at` as a number, or -1. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** `YYMMDD` → `YYYY-MM-DD`. A day past the month's end (German `30 February` interest dates) becomes its last day. */
function yymmdd(s: string): string | null {
  if (s.length !== 6) return null;
  const yy = twoDigits(s, 0);
  const month = twoDigits(s, 2);
  const day = twoDigits(s, 4);
  if (yy < 0 || month < 1 || month > 12 || day < 1 || day > 31) return null;
  const year = fullYear(yy);
  // NOTE: some German banks date interest on "30 February" (360-day convention); read it as the month's last day.
  return isoDate(year, month, Math.min(day, daysInMonth(year, month)));
}

/** Entry date `MMDD` in the value date's year, or the next/previous year across New Year. */
function entryDateFor(valueDate: string, mmdd: string): string | null {
  const month = twoDigits(mmdd, 0);
  const day = mmdd.length === 4 ? twoDigits(mmdd, 2) : -1;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const valueMonth = twoDigits(valueDate, 5);
  let year = Number(valueDate.slice(0, 4));
  // NOTE: REFERENCE.md §1.1 (`:61:` subfield 2) — infer the entry year from the value date around New Year.
  if (month === 1 && valueMonth === 12) year++;
  else if (month === 12 && valueMonth === 1) year--;
  return isoDate(year, month, Math.min(day, daysInMonth(year, month)));
}

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;
const BIC_SHAPE = /^[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/;

/** The IBAN inside a `:25:` account (`NL12RABO0123456789EUR`, `NL92 KNAB 0123 4567 89`, `BIC/IBAN`), when valid. */
function ibanInAccount(account: string): string | null {
  const compact = account.replace(/\s+/g, '');
  const candidates = [compact];
  const slash = compact.lastIndexOf('/');
  if (slash >= 0) candidates.push(compact.slice(slash + 1), compact.slice(0, slash));
  for (const c of candidates) {
    const length = IBAN_LENGTHS[c.slice(0, 2)];
    if (length === undefined || c.length < length || !/^[A-Z]{2}\d{2}/.test(c)) continue;
    const iban = c.slice(0, length);
    const rest = c.slice(length);
    if ((rest === '' || /^[A-Z]{3}$/.test(rest)) && isValidIban(iban)) return iban;
  }
  return null;
}

/** An account as banks write it beside a `:61:`: IBAN, 9–10 digits (old Dutch), Postbank `P…`. */
const ACCOUNT_TOKEN = /^(?:[A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{9,10}|P\d{5,9})$/;

function accountFromStatementLine(t: DraftTransaction, ownAccount: string | null): { account: string | null; name: string | null } | null {
  const usable = (s: string) => ACCOUNT_TOKEN.test(s) && !/^P?0+$/.test(s) && !sameAccount(s, ownAccount);
  const ref = t.customerReference.trim();
  // Old Rabobank: the account (or NONREF) in the 16-character reference column, then the name.
  if (t.inlineName !== '') return { account: usable(ref) ? ref : null, name: t.inlineName };
  const supplementary = t.supplementary.trim();
  // Rabobank structured: the counterparty account on the line after `:61:`.
  if (usable(supplementary)) return { account: supplementary, name: null };
  // SNS, ASN: the counterparty IBAN as reference, the name as supplementary details.
  if (usable(ref) && /[A-Za-z]/.test(supplementary)) return { account: ref, name: supplementary };
  return null;
}

function sameAccount(a: string, b: string | null): boolean {
  if (b === null) return false;
  const norm = (s: string) => s.replace(/[\s.]/g, '').replace(/^0+/, '');
  return norm(b).startsWith(norm(a));
}

// ---------------------------------------------------------------------------------------------
// Field 86
// ---------------------------------------------------------------------------------------------

interface Details {
  counterpartyAccount: string | null;
  counterpartyBic: string | null;
  counterpartyName: string | null;
  endToEndId: string | null;
  structuredReference: string | null;
  remittanceInfo: string | null;
  transactionCode: string | null;
  isReturn: boolean;
}

function emptyDetails(): Details {
  return {
    counterpartyAccount: null,
    counterpartyBic: null,
    counterpartyName: null,
    endToEndId: null,
    structuredReference: null,
    remittanceInfo: null,
    transactionCode: null,
    isReturn: false,
  };
}

function fold(text: string): string | null {
  const folded = text.replace(/\s+/g, ' ').trim();
  return folded === '' ? null : folded;
}

function endToEnd(value: string): string | null {
  const v = value.trim();
  return v === '' || v.toUpperCase() === 'NOTPROVIDED' ? null : v;
}

function orNull(value: string | undefined): string | null {
  const v = (value ?? '').trim();
  return v === '' ? null : v;
}

function readDetails(fields: string[][]): Details {
  if (fields.length === 0) return emptyDetails();
  // Lines wrap at 65 characters, in the middle of words and code words: join them without a space.
  const joined = fields.map((lines) => lines.join('')).join('');
  const trimmed = joined.trimStart();
  if (SUBFIELDS.test(trimmed)) return readSubfields(trimmed);
  if (isCodeWordStart(trimmed)) return readCodeWords(trimmed);
  return readFreeText(fields.flat());
}

function isCodeWordStart(text: string): boolean {
  const codeWord = /^\/([A-Z]{2,9})\//.exec(text);
  return codeWord !== null && CODE_WORDS.has(codeWord[1] ?? '');
}

// --- `/TAG/value` (ING, Rabobank, ABN AMRO, Knab, bunq, Triodos, Van Lanschot) -----------------

// NOTE: REFERENCE.md §1.2 — split only on known code words, because values contain `/` (dates, references).
const CODE_WORDS: ReadonlySet<string> = new Set([
  'TRTP', 'IBAN', 'BIC', 'NAME', 'REMI', 'EREF', 'MARF', 'CSID', 'PREF', 'ORDP', 'BENM', 'CNTP', 'ADDR', 'ISDT', 'RTRN',
  'BUSP', 'ID', 'PURP', 'ULTB', 'ULTD', 'ULTC', 'CREF', 'IREF', 'EXCH', 'CHGS', 'NRTX', 'PIND', 'BBAN', 'CDTRREF',
  'CDTRREFTP', 'RTYP', 'SUM', 'ACCW',
]);

function readCodeWords(text: string): Details {
  const values = new Map<string, string[]>();
  let currentWord: string | null = null;
  let valueStart = 0;
  const push = (end: number) => {
    if (currentWord === null) return;
    const list = values.get(currentWord) ?? [];
    list.push(text.slice(valueStart, end));
    values.set(currentWord, list);
  };
  for (let i = text.indexOf('/'); i >= 0 && i < text.length; i = text.indexOf('/', i + 1)) {
    let j = i + 1;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c >= 65 && c <= 90) j++;
      else break;
    }
    if (j > i + 1 && text.charCodeAt(j) === 47 /* / */ && CODE_WORDS.has(text.slice(i + 1, j))) {
      push(i);
      currentWord = text.slice(i + 1, j);
      valueStart = j + 1;
      i = j - 1;
    }
  }
  push(text.length);

  /** A value without the separators around it (`…//` before the next code word, a closing `/`). */
  const get = (word: string): string | null => {
    const list = values.get(word);
    if (list === undefined) return null;
    const parts = list.map((v) => v.replace(/\/+$/, '').trim()).filter((v) => v !== '');
    return parts.length === 0 ? null : parts.join(' ');
  };

  const d = emptyDetails();
  d.transactionCode = orNull(get('TRTP') ?? undefined);
  d.counterpartyAccount = compactIban(get('IBAN')) ?? orNull(get('BBAN') ?? undefined);
  d.counterpartyBic = orNull(get('BIC') ?? undefined);
  d.counterpartyName = orNull(get('NAME') ?? undefined);
  // `/CNTP/iban/bic/name/city/`; ING before 2019: `/BENM/` or `/ORDP/` with the same sub-fields.
  for (const word of ['CNTP', 'BENM', 'ORDP']) {
    const v = get(word);
    if (v === null) continue;
    const [account, second, third] = v.split('/');
    d.counterpartyAccount ??= compactIban(orNull(account));
    // ING: account/BIC/name/city; other banks leave the BIC out: account/name/…
    if (BIC_SHAPE.test((second ?? '').trim())) {
      d.counterpartyBic ??= orNull(second);
      d.counterpartyName ??= orNull(third);
    } else {
      d.counterpartyName ??= orNull(second) ?? orNull(third);
    }
  }
  // Rabobank `/ACCW/iban,bic/`
  const accw = get('ACCW');
  if (accw !== null) {
    const [account, bic] = accw.split(',');
    d.counterpartyAccount ??= compactIban(orNull(account));
    d.counterpartyBic ??= orNull(bic);
  }
  d.endToEndId = endToEnd(get('EREF') ?? '');
  d.isReturn = values.has('RTRN');

  const remi = get('REMI');
  if (remi !== null) {
    const structured = /^STRD\/(?:CUR|ISO|SCOR)?\/?([^/]+)/.exec(remi);
    if (structured) {
      d.structuredReference = (structured[1] ?? '').replace(/\s+/g, '') || null;
    } else {
      const text = remi.replace(/^USTD\/\/?/, '');
      d.remittanceInfo = fold(text);
      d.structuredReference = labelledReference(text);
    }
  }
  d.structuredReference ??= orNull((get('CDTRREF') ?? '').replace(/\s+/g, ''));
  return d;
}

/** IBAN shape with the registry length of its country (no check-digit test: test files use made-up IBANs). */
function isIbanShaped(s: string): boolean {
  return IBAN_SHAPE.test(s) && IBAN_LENGTHS[s.slice(0, 2)] === s.length;
}

function compactIban(value: string | null): string | null {
  if (value === null) return null;
  const compact = value.replace(/\s+/g, '');
  if (compact === '') return null;
  return IBAN_SHAPE.test(compact) ? compact : value.trim();
}

/** A reference the bank labels as a betalingskenmerk: ABN AMRO `ISSUER: CUR REF: …`, `BETALINGSKENM.: …`. */
function labelledReference(text: string): string | null {
  const issuer = /ISSUER:\s*CUR\s+REF:\s*(\d[\d ]*\d)/.exec(text) ?? /\bSCOR\/CUR\/(\d+)/.exec(text);
  if (issuer) return (issuer[1] ?? '').replace(/\s+/g, '');
  const kenmerk = /BETALINGSKENM(?:ERK)?\.?:?\s*(\d{7,16})(?!\d)/.exec(text);
  return kenmerk ? (kenmerk[1] ?? null) : null;
}

// --- German `?nn` sub-fields (GVC) and Triodos `>nn` ------------------------------------------

const SUBFIELDS = /^\d{3}\s?[?>]\d{2}|^[?>]\d{2}/;

function readSubfields(text: string): Details {
  const sep = /^\d{3}\s?>|^>/.test(text) ? '>' : '?';
  const sub = new Map<string, string>();
  const re = sep === '>' ? />(\d{2})/g : /\?(\d{2})/g;
  let key: string | null = null;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (key !== null) sub.set(key, (sub.get(key) ?? '') + text.slice(start, m.index));
    key = m[1] ?? '';
    start = re.lastIndex;
  }
  if (key !== null) sub.set(key, (sub.get(key) ?? '') + text.slice(start));

  const range = (from: number, to: number) => {
    let out = '';
    for (let k = from; k <= to; k++) out += sub.get(pad2(k)) ?? '';
    return out;
  };
  const d = emptyDetails();
  if (sep === '>') {
    // Triodos: >10 counterparty account (zeros when none), >20… text; for SEPA >20 BIC and >21 IBAN.
    const account = (sub.get('10') ?? '').trim();
    let purpose = range(20, 29);
    if (account !== '' && !/^0+$/.test(account)) {
      d.counterpartyAccount = account;
    } else {
      const bic = (sub.get('20') ?? '').trim();
      const iban = (sub.get('21') ?? '').replace(/\s+/g, '');
      if (BIC_SHAPE.test(bic) && IBAN_SHAPE.test(iban)) {
        d.counterpartyBic = bic;
        d.counterpartyAccount = iban;
        purpose = range(22, 29);
      }
    }
    d.remittanceInfo = fold(purpose);
    return d;
  }
  // NOTE: DK/ZKA field 86 — ?00 posting text, ?10 primanota, ?20–?29 and ?60–?63 purpose,
  // ?30 bank (BLZ/BIC), ?31 account (IBAN), ?32–?33 name.
  const purpose = range(20, 29) + range(60, 63);
  const bank = (sub.get('30') ?? '').trim();
  if (BIC_SHAPE.test(bank)) d.counterpartyBic = bank;
  d.counterpartyAccount = compactIban(orNull(sub.get('31')));
  d.counterpartyName = fold(range(32, 33));
  const sepa = sepaKeys(purpose);
  if (sepa.size > 0) {
    d.endToEndId = endToEnd(sepa.get('EREF') ?? '');
    d.remittanceInfo = fold(sepa.get('SVWZ') ?? '');
  } else {
    d.remittanceInfo = fold(purpose);
  }
  return d;
}

/** SEPA keys in German purpose text: `EREF+…`, `MREF+…`, `CRED+…`, `SVWZ+…`, `ABWA+…`. */
function sepaKeys(purpose: string): Map<string, string> {
  const keys = new Map<string, string>();
  const re = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+/g;
  let key: string | null = null;
  let start = 0;
  for (let m = re.exec(purpose); m !== null; m = re.exec(purpose)) {
    if (key !== null && !keys.has(key)) keys.set(key, purpose.slice(start, m.index).trim());
    key = m[1] ?? '';
    start = re.lastIndex;
  }
  if (key !== null && !keys.has(key)) keys.set(key, purpose.slice(start).trim());
  return keys;
}

// --- Free text (old ABN AMRO, ING, Knab, SNS, ASN, Rabobank and the rest) ---------------------

const LABEL = /(^|[\s/])(IBAN|BIC|NAAM|OMSCHRIJVING|KENMERK|BETALINGSKENM\.|INCASSANT|MACHTIGING|REK|PAS):/g;

function readFreeText(lines: string[]): Details {
  // ASN: `<account> <name>`, a blank line, then `/TRTP/…/NAME/…/REMI/…` code words.
  const structuredAt = lines.findIndex((l, i) => i > 0 && isCodeWordStart(l.trimStart()));
  if (structuredAt > 0) {
    const head = readFreeText(lines.slice(0, structuredAt));
    const d = readCodeWords(lines.slice(structuredAt).join('').trimStart());
    d.counterpartyAccount ??= head.counterpartyAccount;
    d.counterpartyName ??= head.counterpartyName;
    return d;
  }
  const d = emptyDetails();
  const text = lines.map((l) => l.trim()).join(' ');
  const firstLine = (lines[0] ?? '').trim();

  // Labelled (ABN AMRO SEPA before /TRTP/, Knab): `IBAN: … BIC: … NAAM: … OMSCHRIJVING: …`, `REK: …/NAAM: …`.
  const labels = new Map<string, string>();
  let prefix = text;
  let label: string | null = null;
  let start = 0;
  LABEL.lastIndex = 0;
  for (let m = LABEL.exec(text); m !== null; m = LABEL.exec(text)) {
    const at = m.index + (m[1] ?? '').length;
    if (label === null) prefix = text.slice(0, at);
    else if (!labels.has(label)) labels.set(label, text.slice(start, at));
    label = m[2] ?? '';
    start = LABEL.lastIndex;
  }
  if (label !== null && !labels.has(label)) labels.set(label, text.slice(start));
  const value = (key: string) => orNull((labels.get(key) ?? '').replace(/\/+\s*$/, ''));

  d.structuredReference = labelledReference(text);
  if (labels.size > 0 && (labels.has('IBAN') || labels.has('REK') || labels.has('NAAM'))) {
    d.counterpartyAccount = compactIban(value('IBAN') ?? value('REK'));
    d.counterpartyBic = value('BIC');
    d.counterpartyName = fold(value('NAAM') ?? '');
    d.endToEndId = labels.has('KENMERK') ? endToEnd(value('KENMERK') ?? '') : null;
    const description = value('OMSCHRIJVING');
    // ABN AMRO starts with the transaction type (`SEPA OVERBOEKING`); Knab starts with the text.
    d.remittanceInfo = fold(description ?? (labels.has('IBAN') ? '' : prefix.replace(/\bPAS:.*$/, '')));
    return d;
  }

  d.remittanceInfo = fold(text);
  // Old ABN AMRO `GIRO  428428 KPN - DIGITENNE`, ING/SNS/ASN `0111111111 NAME`, ABN `52.89.39.882  NAME`.
  const giro = /^GIRO\s+(\d+)\s+(.*?)(?:\s{2,}|\t|$)/.exec(firstLine);
  const leading = giro ?? /^([A-Z]{2}\d{2}[A-Z0-9]{10,30}|\d{9,10}|\d{2}\.\d{2}\.\d{2}\.\d{3})\s+(.*?)(?:\s{2,}|\t|$)/.exec(firstLine);
  let account = (leading?.[1] ?? '').replace(/\./g, '');
  if (leading && (/^\d/.test(account) || isIbanShaped(account))) {
    let name = leading[2] ?? '';
    // ING 2012: `<old account> <IBAN> <BIC> <name>`: the IBAN is the account to keep.
    const iban = /^([A-Z]{2}\d{2}[A-Z0-9]{10,30})(?:\s+(.*))?$/.exec(name);
    if (iban && isIbanShaped(iban[1] ?? '')) {
      account = iban[1] ?? account;
      name = iban[2] ?? '';
    }
    d.counterpartyAccount = account;
    // ING 2013: `<IBAN> <BIC> <name> …`
    const bic = /^([A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?)\s+(.*)$/.exec(name);
    if (bic && isIbanShaped(account)) {
      d.counterpartyBic = bic[1] ?? null;
      name = bic[2] ?? '';
    }
    d.counterpartyName = orNull(name);
  }
  return d;
}
