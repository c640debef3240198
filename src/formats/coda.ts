// Belgian CODA ("Coded statement of account", Febelfin) into the neutral statement shape.
//
// Layout: REFERENCE.md 1.5. Every record is 128 characters; positions below are 1-based as in the
// standard. Version 2.x is supported fully; version 1 as far as it shares the 2.x positions (record
// 1 is read as a Belgian account number, 2.3 as account 11-22 / name 48-73 / address 74-125; 2.2
// yields only the communication). Any other version code is refused.
//
// Decisions (see also the comments at each place):
// - Amounts are 15 digits with 3 implied decimals. They are converted exactly to the currency's
//   minor units; a non-zero digit beyond the currency's exponent (e.g. `767.823` EUR) is an error,
//   never rounded.
// - Globalisation: a movement (detail number 0000) followed by movement records with the same
//   sequence number and detail number > 0 is a global booking with its breakdown. The first digit
//   of the transaction code says what the lines are: 1/2 = amount totalled by the customer / the
//   bank, 5/6 = its individual transactions; 3 = one transaction with detailed data, 8 = that data
//   (charges, original amount, capital and interest); 7/9 = details of details.
//   The individual details (any type but 7, 8, 9) are emitted instead of the global when they add
//   up exactly to the global amount, so opening + Σ transactions = closing holds as it does with
//   the global; 7/8/9 lines go into the description of the line they follow. Otherwise (type 3
//   with its 8s, or details that do not add up) the global is emitted, with the details' text
//   appended to its description (and their free communication to its remittance text). A global
//   without details is an ordinary transaction.
// - Communication continued over 2.1 / 2.2 / 2.3 (and 3.1 / 3.2 / 3.3) is joined raw, field by
//   field, before whitespace is folded, because banks split words across records.
// - `description` is the whole movement text (communication, information records, details),
//   whitespace folded; `transactionCode` is the 8 digits of 54-61 as written.
// - Record 9 (trailer) is verified per 0…9 block: the record count (records 1, 2.x, 3.x and 8;
//   a count that also includes record 4 is accepted as well) and the debit and credit totals (sums
//   of the movements with detail number 0000, in the file's 3-decimal units). A mismatch throws,
//   unless `verifyTrailer: false` is passed; blank trailer fields are treated as "not filled" and
//   not checked. Opening + Σ transactions = closing is not checked here (callers reconcile).
// - Structured communication type 101/102 with a valid OGM → `structuredReference`
//   `+++ddd/dddd/ddddd+++`; an OGM with wrong check digits stays in `remittanceInfo` as written.
//   Other structured types keep their text (without the 3-digit type) in `remittanceInfo`.
// - Record 4 (free communication) is statement-level; the neutral shape has no field for it, so it
//   is read (and counted) but not emitted.
// - `statementId` is `YYYY/NNN`: the year of the new balance date and the paper statement number
//   (record 1, 3-5), which restarts every year; `sequenceNumber` is the CODA file sequence number
//   (record 1, 126-128).

import { currencyExponent, isCurrencyCode } from '../core/money.ts';
import { isValidDate } from '../core/dates.ts';
import { formatOgm, mod97, validateOgm } from '../core/references.ts';
import { validateIban } from '../core/iban.ts';
import { StatementFormatError } from './statement.ts';
import type { BankStatement, ParsedStatementFile, StatementBalance, StatementTransaction } from './statement.ts';

export interface CodaParseOptions {
  /**
   * Check record 9 (record count, debit and credit totals) against the records read and throw
   * StatementFormatError when they differ. Default true.
   */
  verifyTrailer?: boolean;
}

const RECORD_LENGTH = 128;
const HEADER = /^0{5}\d{6}[0-9 ]{3}05[ D]/;

/** Whether the text looks like a CODA file: the first non-empty line is a CODA header record 0. */
export function looksLikeCoda(text: string): boolean {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .find((l) => l.trim() !== '');
  if (first === undefined) return false;
  const line = first.trimEnd();
  return line.length >= 16 && line.length <= RECORD_LENGTH && HEADER.test(line);
}

interface Rec {
  /** The record padded to 128 characters. */
  text: string;
  line: number;
}

/** Characters `from`…`to` (1-based, inclusive) of a record. */
function pos(rec: Rec, from: number, to: number): string {
  return rec.text.slice(from - 1, to);
}

function fold(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function orNull(s: string): string | null {
  const t = s.trim();
  return t === '' ? null : t;
}

function decode(content: Buffer | string): string {
  if (typeof content === 'string') return content;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    // Not UTF-8: Belgian banks write Latin-1 / windows-1252.
    return new TextDecoder('windows-1252').decode(content);
  }
}

interface Movement {
  line: number;
  seq: string;
  detail: string;
  /** First digit of the transaction code: 0 simple, 1/2/3 global, 5/6/8 detail, 7/9 detail of detail. */
  type: string;
  bankReference: string | null;
  amount: bigint;
  valueDate: string | null;
  bookingDate: string;
  transactionCode: string;
  structured: boolean;
  /** The communication as concatenated from 2.1, 2.2 and 2.3, fixed-width pieces joined raw. */
  communication: string;
  clientReference: string | null;
  bic: string | null;
  rType: string;
  counterpartyAccount: string | null;
  counterpartyName: string | null;
  /** Texts of the information records 3.x (each 3.1 starts one), and v1 2.3 addresses. */
  extra: string[];
}

interface OpenStatement {
  statement: BankStatement;
  paperSeq: string;
  /** Line of the old balance record 1. */
  line: number;
  movements: Movement[];
  exponent: number;
  closed: boolean;
}

interface Block {
  headerLine: number;
  version: string;
  count: number;
  count4: number;
  debit: bigint;
  credit: bigint;
}

class CodaReader {
  readonly fileName: string;
  readonly verifyTrailer: boolean;
  readonly statements: BankStatement[] = [];
  block: Block | null = null;
  current: OpenStatement | null = null;
  lastMovement: Movement | null = null;
  lastInfoIndex = -1;

  constructor(fileName: string, verifyTrailer: boolean) {
    this.fileName = fileName;
    this.verifyTrailer = verifyTrailer;
  }

  fail(line: number, message: string): never {
    throw new StatementFormatError(`${this.fileName} line ${line}: ${message}`, line);
  }

  date(rec: Rec, from: number, what: string, optional: boolean): string | null {
    const raw = pos(rec, from, from + 5);
    if (optional && (raw === '000000' || raw.trim() === '')) return null;
    if (!/^\d{6}$/.test(raw)) this.fail(rec.line, `${what} "${raw}" (positions ${from}-${from + 5}) is not a DDMMYY date`);
    const d = Number(raw.slice(0, 2));
    const m = Number(raw.slice(2, 4));
    const yy = Number(raw.slice(4, 6));
    const y = yy >= 70 ? 1900 + yy : 2000 + yy;
    if (!isValidDate(y, m, d)) this.fail(rec.line, `${what} "${raw}" (positions ${from}-${from + 5}) is not a valid date`);
    return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  }

  requiredDate(rec: Rec, from: number, what: string): string {
    return this.date(rec, from, what, false) ?? this.fail(rec.line, `${what} is missing`);
  }

  /** The 15-digit amount at `from` in 3-decimal units, unsigned. */
  milli(rec: Rec, from: number, what: string): bigint {
    const raw = pos(rec, from, from + 14);
    if (!/^\d{15}$/.test(raw)) this.fail(rec.line, `${what} "${raw}" (positions ${from}-${from + 14}) is not 15 digits`);
    return BigInt(raw);
  }

  sign(rec: Rec, at: number, what: string): 1n | -1n {
    const s = pos(rec, at, at);
    if (s === '0') return 1n;
    if (s === '1') return -1n;
    return this.fail(rec.line, `${what} sign "${s}" (position ${at}) must be 0 (credit) or 1 (debit)`);
  }

  /** 3-decimal units to minor units of the statement currency, refusing to drop non-zero digits. */
  toMinor(rec: Rec, milli: bigint, exponent: number, currency: string, what: string): bigint {
    if (exponent >= 3) return milli * 10n ** BigInt(exponent - 3);
    const divisor = 10n ** BigInt(3 - exponent);
    if (milli % divisor !== 0n) {
      const text = `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')}`;
      this.fail(rec.line, `${what} ${text} has more decimals than ${currency} allows (${exponent})`);
    }
    return milli / divisor;
  }

  open(): OpenStatement {
    return this.current ?? this.fail(0, 'internal: no open statement');
  }

  header(rec: Rec): void {
    if (this.block !== null) this.fail(rec.line, 'header record 0 before the trailer record 9 of the previous statement');
    if (!HEADER.test(rec.text)) this.fail(rec.line, 'header record 0 is malformed (expected 00000, a DDMMYY creation date, bank id and application code 05)');
    this.requiredDate(rec, 6, 'creation date');
    const version = pos(rec, 128, 128);
    if (version !== '1' && version !== '2') {
      this.fail(rec.line, `CODA version ${JSON.stringify(version)} (position 128) is not supported (only versions 1 and 2)`);
    }
    this.block = { headerLine: rec.line, version, count: 0, count4: 0, debit: 0n, credit: 0n };
  }

  oldBalance(rec: Rec, block: Block): void {
    if (this.current !== null && !this.current.closed) {
      this.fail(rec.line, 'old balance record 1 before the new balance record 8 of the previous statement');
    }
    const structure = block.version === '1' ? '0' : pos(rec, 2, 2);
    let accountNumber: string;
    let accountIban: string | null = null;
    let currency: string;
    switch (structure) {
      case '0': {
        // Belgian account number: 6-17, currency 19-21.
        accountNumber = pos(rec, 6, 17).trim();
        currency = pos(rec, 19, 21);
        accountIban = belgianIban(accountNumber);
        break;
      }
      case '1':
      case '3': {
        // Foreign account number / foreign IBAN: 6-39, currency 40-42.
        accountNumber = pos(rec, 6, 39).trim();
        currency = pos(rec, 40, 42);
        if (structure === '3') accountIban = ibanOrNull(accountNumber);
        break;
      }
      case '2': {
        // Belgian IBAN: 6-36 (16 used), currency 40-42.
        accountNumber = pos(rec, 6, 36).trim();
        currency = pos(rec, 40, 42);
        accountIban = ibanOrNull(accountNumber);
        break;
      }
      default:
        return this.fail(rec.line, `account structure "${structure}" (position 2) must be 0, 1, 2 or 3`);
    }
    if (accountNumber === '') this.fail(rec.line, 'old balance record 1 has no account number');
    if (!isCurrencyCode(currency)) this.fail(rec.line, `currency "${currency}" is not an ISO 4217 code`);
    const exponent = currencyExponent(currency);
    const sign = this.sign(rec, 43, 'old balance');
    const amount = sign * this.toMinor(rec, this.milli(rec, 44, 'old balance'), exponent, currency, 'old balance');
    const opening: StatementBalance = { date: this.requiredDate(rec, 59, 'old balance date'), amount, currency };
    const statement: BankStatement = {
      format: 'coda',
      statementId: null,
      sequenceNumber: orNull(pos(rec, 126, 128)),
      accountIban,
      accountNumber,
      currency,
      openingBalance: opening,
      closingBalance: null,
      transactions: [],
    };
    this.current = { statement, paperSeq: pos(rec, 3, 5).trim(), line: rec.line, movements: [], exponent, closed: false };
    this.lastMovement = null;
    this.lastInfoIndex = -1;
  }

  movement1(rec: Rec, block: Block, st: OpenStatement): void {
    const currency = st.statement.currency;
    const sign = this.sign(rec, 32, 'movement');
    const milli = this.milli(rec, 33, 'movement amount');
    const seq = pos(rec, 3, 6);
    const detail = pos(rec, 7, 10);
    if (!/^\d{4}$/.test(seq) || !/^\d{4}$/.test(detail)) {
      this.fail(rec.line, `movement sequence "${seq}" / detail "${detail}" (positions 3-10) must be digits`);
    }
    const code = pos(rec, 54, 61);
    if (!/^\d{8}$/.test(code)) this.fail(rec.line, `transaction code "${code}" (positions 54-61) must be 8 digits`);
    const commType = pos(rec, 62, 62);
    if (commType !== '0' && commType !== '1' && commType !== ' ') {
      this.fail(rec.line, `communication type "${commType}" (position 62) must be 0 (free) or 1 (structured)`);
    }
    if (detail === '0000') {
      if (sign < 0n) block.debit += milli;
      else block.credit += milli;
    }
    const m: Movement = {
      line: rec.line,
      seq,
      detail,
      type: code.slice(0, 1),
      bankReference: orNull(pos(rec, 11, 31)),
      amount: sign * this.toMinor(rec, milli, st.exponent, currency, 'movement amount'),
      valueDate: this.date(rec, 48, 'value date', true),
      bookingDate: this.requiredDate(rec, 116, 'entry date'),
      transactionCode: code,
      structured: commType === '1',
      communication: pos(rec, 63, 115),
      clientReference: null,
      bic: null,
      rType: ' ',
      counterpartyAccount: null,
      counterpartyName: null,
      extra: [],
    };
    st.movements.push(m);
    this.lastMovement = m;
    this.lastInfoIndex = -1;
  }

  /** The movement a 2.2/2.3/3.x record continues: the last 2.1, with the same sequence number. */
  continued(rec: Rec, what: string, sameDetail: boolean): Movement {
    const m = this.lastMovement;
    if (m === null) return this.fail(rec.line, `${what} without a preceding movement record 2.1`);
    const seq = pos(rec, 3, 6);
    const detail = pos(rec, 7, 10);
    if (seq !== m.seq || (sameDetail && detail !== m.detail)) {
      this.fail(rec.line, `${what} is numbered ${seq}/${detail} but follows movement ${m.seq}/${m.detail} (line ${m.line})`);
    }
    return m;
  }

  movement2(rec: Rec, block: Block): void {
    const m = this.continued(rec, 'movement record 2.2', true);
    m.communication += pos(rec, 11, 63);
    if (block.version === '1') return;
    m.clientReference = orNull(pos(rec, 64, 98));
    m.bic = orNull(pos(rec, 99, 109));
    m.rType = pos(rec, 113, 113);
  }

  movement3(rec: Rec, block: Block): void {
    const m = this.continued(rec, 'movement record 2.3', true);
    if (block.version === '1') {
      m.counterpartyAccount = orNull(pos(rec, 11, 22));
      m.counterpartyName = orNull(pos(rec, 48, 73));
      const address = fold(pos(rec, 74, 125));
      if (address !== '') m.extra.push(address);
      return;
    }
    m.counterpartyAccount = counterpartyAccount(pos(rec, 11, 47));
    m.counterpartyName = orNull(pos(rec, 48, 82));
    m.communication += pos(rec, 83, 125);
  }

  information(rec: Rec, sub: string): void {
    const m = this.continued(rec, `information record 3.${sub}`, false);
    if (sub === '1') {
      m.extra.push(pos(rec, 41, 113));
      this.lastInfoIndex = m.extra.length - 1;
      return;
    }
    if (this.lastInfoIndex < 0) this.fail(rec.line, `information record 3.${sub} without a preceding record 3.1`);
    m.extra[this.lastInfoIndex] += sub === '2' ? pos(rec, 11, 115) : pos(rec, 11, 100);
  }

  newBalance(rec: Rec, st: OpenStatement): void {
    const currency = st.statement.currency;
    const sign = this.sign(rec, 42, 'new balance');
    const amount = sign * this.toMinor(rec, this.milli(rec, 43, 'new balance'), st.exponent, currency, 'new balance');
    const date = this.requiredDate(rec, 58, 'new balance date');
    st.statement.closingBalance = { date, amount, currency };
    st.statement.statementId = st.paperSeq === '' ? null : `${date.slice(0, 4)}/${st.paperSeq}`;
    st.statement.transactions = emitTransactions(st.movements, currency);
    st.closed = true;
    this.statements.push(st.statement);
    this.lastMovement = null;
  }

  trailer(rec: Rec, block: Block): void {
    if (this.current !== null && !this.current.closed) {
      this.fail(rec.line, `trailer record 9 before the new balance record 8 of the statement that starts on line ${this.current.line}`);
    }
    if (this.current === null) this.fail(rec.line, `no statement (record 1) between header line ${block.headerLine} and the trailer`);
    if (this.verifyTrailer) {
      const count = pos(rec, 17, 22);
      const debit = pos(rec, 23, 37);
      const credit = pos(rec, 38, 52);
      // Blank fields: the bank did not fill them, nothing to verify.
      if (count.trim() !== '') {
        if (!/^\d{6}$/.test(count)) this.fail(rec.line, `trailer record count "${count}" (positions 17-22) is not 6 digits`);
        const n = Number(count);
        if (n !== block.count && n !== block.count4) {
          this.fail(rec.line, `trailer says ${n} records but the statement has ${block.count} (records 1, 2.x, 3.x and 8)`);
        }
      }
      if (debit.trim() !== '' && this.milli(rec, 23, 'trailer debit total') !== block.debit) {
        this.fail(rec.line, `trailer debit total ${milliText(BigInt(debit))} does not match the movements (${milliText(block.debit)})`);
      }
      if (credit.trim() !== '' && this.milli(rec, 38, 'trailer credit total') !== block.credit) {
        this.fail(rec.line, `trailer credit total ${milliText(BigInt(credit))} does not match the movements (${milliText(block.credit)})`);
      }
    }
    this.block = null;
    this.current = null;
  }

  record(rec: Rec): void {
    const kind = pos(rec, 1, 1);
    if (kind === '0') return this.header(rec);
    const block = this.block;
    if (block === null) {
      return this.fail(rec.line, kind === '9' ? 'trailer record 9 without a header record 0' : `record ${kind} before the header record 0`);
    }
    if (kind === '9') return this.trailer(rec, block);
    if (kind === '1') {
      block.count++;
      block.count4++;
      return this.oldBalance(rec, block);
    }
    if (kind === '4') {
      block.count4++;
      if (this.current === null) this.fail(rec.line, 'free communication record 4 before the old balance record 1');
      return;
    }
    if (kind !== '2' && kind !== '3' && kind !== '8') this.fail(rec.line, `unknown record type "${kind}" (position 1)`);
    block.count++;
    block.count4++;
    const st = this.current;
    if (st === null || st.closed) {
      return this.fail(rec.line, `record ${kind} outside a statement (expected an old balance record 1 first)`);
    }
    if (kind === '8') return this.newBalance(rec, st);
    const sub = pos(rec, 2, 2);
    if (kind === '2') {
      if (sub === '1') return this.movement1(rec, block, st);
      if (sub === '2') return this.movement2(rec, block);
      if (sub === '3') return this.movement3(rec, block);
      return this.fail(rec.line, `unknown movement record 2.${sub}`);
    }
    if (sub === '1' || sub === '2' || sub === '3') return this.information(rec, sub);
    return this.fail(rec.line, `unknown information record 3.${sub}`);
  }

  finish(lastLine: number): void {
    if (this.block !== null) this.fail(lastLine, 'file ends without the trailer record 9 (truncated?)');
    if (this.statements.length === 0) this.fail(lastLine, 'file contains no statement');
  }
}

function milliText(milli: bigint): string {
  return `${milli / 1000n}.${(milli % 1000n).toString().padStart(3, '0')}`;
}

function ibanOrNull(s: string): string | null {
  const r = validateIban(s);
  return r.ok ? r.iban : null;
}

/** The IBAN of a 12-digit Belgian account number whose own check digits are right, else null. */
function belgianIban(bban: string): string | null {
  if (!/^\d{12}$/.test(bban)) return null;
  if ((Number(bban.slice(0, 10)) % 97 || 97) !== Number(bban.slice(10))) return null;
  const check = String(98 - mod97(`${bban}BE00`)).padStart(2, '0');
  return ibanOrNull(`BE${check}${bban}`);
}

/**
 * Record 2.3 positions 11-47: a Belgian account number (11-22, blank 23, currency 24-26) or an IBAN
 * / foreign account (11-44, currency 45-47). IBANs come back in electronic format; anything else
 * as written (first word: a few banks put the currency right after the number).
 */
function counterpartyAccount(field: string): string | null {
  const word = field.slice(0, 34).trim().split(/\s+/)[0] ?? '';
  if (word === '' || /^0+$/.test(word)) return null;
  return ibanOrNull(word) ?? word;
}

/** The communication of a movement split into a valid OGM (type 101/102) and the remaining text. */
function splitCommunication(m: Movement): { ogm: string | null; text: string } {
  if (!m.structured) return { ogm: null, text: fold(m.communication) };
  const kind = m.communication.slice(0, 3);
  const body = m.communication.slice(3);
  if (kind === '101' || kind === '102') {
    const digits = body.slice(0, 12);
    if (/^\d{12}$/.test(digits) && validateOgm(digits)) return { ogm: formatOgm(digits), text: fold(body.slice(12)) };
  }
  return { ogm: null, text: fold(body) };
}

/**
 * The neutral transaction of a movement. `breakdown` are detail movements described by it (a type 3
 * global's 8s, or details that do not add up): their text goes into the description, their free
 * communication also into the remittance text.
 */
function toTransaction(m: Movement, currency: string, breakdown: Movement[]): StatementTransaction {
  const own = splitCommunication(m);
  const remittance = [own.text, ...breakdown.filter((d) => !d.structured).map((d) => fold(d.communication))].filter((s) => s !== '').join(' ');
  const family = m.transactionCode.slice(1, 3);
  const operation = m.transactionCode.slice(3, 5);
  // Placeholders for "no reference": NOTPROVIDED (SEPA) and all zeros.
  const ref = m.clientReference;
  const endToEndId = ref !== null && ref.toUpperCase() !== 'NOTPROVIDED' && !/^0+$/.test(ref) ? ref : null;
  const description = [m, ...breakdown]
    .flatMap((d) => [d.communication, ...d.extra])
    .map(fold)
    .filter((s) => s !== '')
    .join(' ');
  return {
    line: m.line,
    bookingDate: m.bookingDate,
    valueDate: m.valueDate,
    amount: m.amount,
    currency,
    bankReference: m.bankReference,
    endToEndId,
    counterpartyAccount: m.counterpartyAccount,
    counterpartyBic: m.bic,
    counterpartyName: m.counterpartyName,
    structuredReference: own.ogm,
    remittanceInfo: orNull(remittance),
    transactionCode: m.transactionCode,
    // 2.2 position 113: R-transaction type (1 reject, 2 return, 3 refund, 4 reversal, 5 cancellation);
    // family 01 operation 49: cancellation or correction (REFERENCE.md 1.5).
    isReturn: /^[1-5]$/.test(m.rType) || (family === '01' && operation === '49'),
    description,
  };
}

const isSubDetail = (m: Movement): boolean => m.type === '7' || m.type === '8' || m.type === '9';

/**
 * Movements to transactions, resolving globalisation: a run of movements with the same sequence
 * number is a global (the first) with its details (see the header comment for the rule).
 */
function emitTransactions(movements: Movement[], currency: string): StatementTransaction[] {
  const out: StatementTransaction[] = [];
  let i = 0;
  while (i < movements.length) {
    const head = movements[i] as Movement;
    let j = i + 1;
    const isGlobal = head.detail === '0000';
    while (isGlobal && j < movements.length && (movements[j] as Movement).seq === head.seq && (movements[j] as Movement).detail !== '0000') j++;
    const details = movements.slice(i + 1, j);
    i = j;
    // Individual transactions of a global: types 5 and 6 (and anything else that is not a
    // breakdown); types 7, 8 and 9 describe the movement they follow (charges, original amount,
    // capital and interest…) and are never transactions of their own.
    const individual = details.filter((d) => !isSubDetail(d));
    const sum = individual.reduce((acc, d) => acc + d.amount, 0n);
    if (individual.length === 0 || sum !== head.amount) {
      out.push(toTransaction(head, currency, details));
      continue;
    }
    for (let k = 0; k < details.length; k++) {
      const d = details[k] as Movement;
      if (isSubDetail(d)) continue;
      const sub: Movement[] = [];
      for (let n = k + 1; n < details.length && isSubDetail(details[n] as Movement); n++) sub.push(details[n] as Movement);
      out.push(toTransaction(d, currency, sub));
    }
  }
  return out;
}

/**
 * Parses a CODA file (one or more statements, each between a header record 0 and a trailer
 * record 9). Throws StatementFormatError naming the file (and line) when it is not CODA or a
 * record is malformed.
 */
export function parseCoda(content: Buffer | string, fileName: string, options: CodaParseOptions = {}): ParsedStatementFile {
  const text = decode(content).replace(/^\uFEFF/, '');
  if (!looksLikeCoda(text)) {
    throw new StatementFormatError(`${fileName} is not a CODA file (it does not start with a CODA header record 0)`);
  }
  const reader = new CodaReader(fileName, options.verifyTrailer ?? true);
  const lines = text.split(/\r\n|\r|\n/);
  let lastLine = 1;
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trimEnd();
    if (raw === '') continue;
    lastLine = i + 1;
    if (raw.length > RECORD_LENGTH) reader.fail(lastLine, `record is ${raw.length} characters long, CODA records are ${RECORD_LENGTH}`);
    reader.record({ text: raw.padEnd(RECORD_LENGTH, ' '), line: lastLine });
  }
  reader.finish(lastLine);
  return { format: 'coda', statements: reader.statements };
}
