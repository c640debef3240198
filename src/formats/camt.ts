// ISO 20022 bank-to-customer cash management messages into the neutral statement shape:
// camt.053 statements (`BkToCstmrStmt/Stmt`) and camt.054 debit/credit notifications
// (`BkToCstmrDbtCdtNtfctn/Ntfctn`), versions .001.01 to .001.13. Elements are matched on their
// local names, so prefixes and default namespaces do not matter; the version is not dispatched on
// because every version we read writes the fields we need at the same paths, give or take the
// differences handled below (.01 `Tp/Cd` and `Ntry/TxDtls`, .08+ `Sts/Cd`, `Dbtr/Pty/Nm`, `BICFI`).
//
// NOTE: money is exact. An amount with more decimals than its currency has is accepted only when the
// extra digits are zeros (`18.150` EUR, as in genkgo's five-decimals sample); `18.155` EUR is an
// error naming the element, never rounded.

import { all, ATTR, attr, children, allTexts, first, firstText, isNode, parseXmlDocument, TEXT, textAt, textOf, XMLValidator, type XmlNode } from './xml.ts';
import { currencyExponent, isCurrencyCode, parseAmount } from '../core/money.ts';
import { isBusinessDate } from '../core/dates.ts';
import { validateIban } from '../core/iban.ts';
import { StatementFormatError } from './statement.ts';
import type { BankStatement, ParsedStatementFile, StatementBalance, StatementFormat, StatementTransaction } from './statement.ts';

// ---------------------------------------------------------------------------------------------
// Messages

interface MessageKind {
  /** null: recognised but not imported (camt.052). */
  format: StatementFormat | null;
  /** The repeating record element inside the message. */
  record: string;
}

const MESSAGES: Readonly<Record<string, MessageKind>> = {
  BkToCstmrStmt: { format: 'camt.053', record: 'Stmt' },
  BkToCstmrStmtV01: { format: 'camt.053', record: 'Stmt' },
  BkToCstmrDbtCdtNtfctn: { format: 'camt.054', record: 'Ntfctn' },
  BkToCstmrDbtCdtNtfctnV01: { format: 'camt.054', record: 'Ntfctn' },
  BkToCstmrAcctRpt: { format: null, record: 'Rpt' },
  BkToCstmrAcctRptV01: { format: null, record: 'Rpt' },
};

const CAMT_NAMESPACE = /urn:iso:std:iso:20022:tech:xsd:camt\.05[234]\.\d{3}\.\d{2}/;
const CAMT_ROOT = /<(?:[A-Za-z_][\w.-]*:)?BkToCstmr(?:Stmt|DbtCdtNtfctn|AcctRpt)(?:V01)?[\s>]/;

/**
 * Cheap content sniffing for format detection: an ISO 20022 camt.052/053/054 namespace or message
 * element near the top. camt.052 counts too, so that `parseCamt` can say why it is not imported.
 */
export function looksLikeCamt(text: string): boolean {
  const head = text.replace(/^\uFEFF/, '').slice(0, 8192);
  if (!head.trimStart().startsWith('<')) return false;
  return CAMT_NAMESPACE.test(head) || CAMT_ROOT.test(head);
}

/** Decodes bytes as the XML declaration (or a BOM) says; UTF-8 by default, Windows-1252 when not valid UTF-8. */
function decode(content: Buffer | string): string {
  if (typeof content === 'string') return content;
  if (content[0] === 0xff && content[1] === 0xfe) return new TextDecoder('utf-16le').decode(content);
  if (content[0] === 0xfe && content[1] === 0xff) return new TextDecoder('utf-16be').decode(content);
  const declared = /^(?:\uFEFF)?<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)["']/i.exec(content.subarray(0, 200).toString('latin1'))?.[1];
  const label = declared?.toLowerCase();
  if (label !== undefined && /^(?:iso-?8859-1|latin-?1|windows-1252|cp1252|iso-?8859-15)$/.test(label)) {
    return new TextDecoder(label.includes('15') ? 'iso-8859-15' : 'windows-1252').decode(content);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    // NOTE: bank exports that declare UTF-8 but are written in Windows-1252 exist; text fields only.
    return new TextDecoder('windows-1252').decode(content);
  }
}

// ---------------------------------------------------------------------------------------------
// Line numbers: fast-xml-parser does not keep positions, so start tags are located in the text.

const TRACKED = new Set(['Ntry', 'Stmt', 'Ntfctn', 'Rpt', 'Bal']);
const TAG_SCAN = /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)(?=[\s/>])/g;

/** 1-based lines of the start tags of the tracked elements, per local name, in document order. */
function startTagLines(text: string): Map<string, number[]> {
  const lines = new Map<string, number[]>();
  let line = 1;
  let pos = 0;
  for (const m of text.matchAll(TAG_SCAN)) {
    const name = m[1];
    if (name === undefined || !TRACKED.has(name)) continue;
    for (; pos < m.index; pos++) {
      const c = text.charCodeAt(pos);
      // CR LF, lone CR and LF each end one line (XML 1.0 §2.11).
      if (c === 10 || (c === 13 && text.charCodeAt(pos + 1) !== 10)) line++;
    }
    let list = lines.get(name);
    if (list === undefined) lines.set(name, (list = []));
    list.push(line);
  }
  return lines;
}

/** Hands out the line of the n-th element of a name, or a fallback when the scan and the parse disagree. */
class LineCursor {
  readonly #lines: number[];
  readonly #usable: boolean;
  #next = 0;
  constructor(lines: number[] | undefined, expectedCount: number) {
    this.#lines = lines ?? [];
    this.#usable = this.#lines.length === expectedCount;
  }
  take(fallback: number): number {
    const line = this.#usable ? this.#lines[this.#next] : undefined;
    this.#next++;
    return line ?? fallback;
  }
}

// ---------------------------------------------------------------------------------------------
// Values

class Context {
  readonly fileName: string;
  constructor(fileName: string) {
    this.fileName = fileName;
  }
  fail(line: number, message: string): never {
    throw new StatementFormatError(`${this.fileName}, line ${line}: ${message}`, line);
  }
}

const XSD_DECIMAL = /^\d+(?:\.\d+)?$/;
const DATE_PART = /^(\d{4}-\d{2}-\d{2})(?:T|Z|[+-]\d{2}:\d{2}|$)/;

interface Money {
  amount: bigint;
  currency: string;
}

/** An `Amt Ccy="…"` element as unsigned minor units; errors name the element. */
function readMoney(ctx: Context, el: XmlNode, element: string, line: number): Money {
  const text = textOf(el);
  const currency = attr(el, 'Ccy');
  if (text === null) ctx.fail(line, `${element} is empty.`);
  if (currency === null || !isCurrencyCode(currency)) ctx.fail(line, `${element} has no valid Ccy attribute (${JSON.stringify(currency ?? '')}).`);
  if (!XSD_DECIMAL.test(text)) ctx.fail(line, `${element} "${text}" is not a non-negative decimal amount.`);
  const amount = parseAmount(text, currency, '.');
  if (amount === null) {
    ctx.fail(line, `${element} "${text}" has more decimals than ${currency} allows (${currencyExponent(currency)}); it is not rounded.`);
  }
  return { amount, currency };
}

function readIndicator(ctx: Context, node: XmlNode, element: string, line: number): 1n | -1n {
  const ind = firstText(node, 'CdtDbtInd');
  if (ind === 'CRDT') return 1n;
  if (ind === 'DBIT') return -1n;
  return ctx.fail(line, ind === null ? `${element} has no CdtDbtInd.` : `${element}/CdtDbtInd "${ind}" is neither CRDT nor DBIT.`);
}

/** `YYYY-MM-DD` from a `Dt` (xsd:date) or the date part of a `DtTm` as written (no time-zone shift). */
function readDateChoice(ctx: Context, node: XmlNode | undefined, element: string, line: number): string | null {
  if (node === undefined) return null;
  for (const [name, text] of [
    ['Dt', firstText(node, 'Dt')],
    ['DtTm', firstText(node, 'DtTm')],
  ] as const) {
    if (text === null) continue;
    const date = DATE_PART.exec(text)?.[1];
    if (date === undefined || !isBusinessDate(date)) ctx.fail(line, `${element}/${name} "${text}" is not a valid date.`);
    return date;
  }
  return null;
}

/** The date part of an xsd:dateTime, or null (used only for fallbacks, so never an error). */
function datePartOf(text: string | null): string | null {
  const date = text === null ? undefined : DATE_PART.exec(text)?.[1];
  return date !== undefined && isBusinessDate(date) ? date : null;
}

function isTrue(text: string | null): boolean {
  return text === 'true' || text === '1';
}

function fold(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function uniq(values: (string | null)[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v !== null && v !== '' && !out.includes(v)) out.push(v);
  return out;
}

/** A value shared by all pieces that have one; null when absent or when they disagree. */
function agreed(values: (string | null)[]): string | null {
  const distinct = uniq(values);
  return distinct.length === 1 ? (distinct[0] ?? null) : null;
}

function normaliseIban(text: string | null): string | null {
  if (text === null) return null;
  const iban = text.replace(/\s+/g, '').toUpperCase();
  return iban === '' ? null : iban;
}

// ---------------------------------------------------------------------------------------------
// Statements

interface CamtRecord {
  node: XmlNode;
  line: number;
  /** Date part of the record's or the group header's CreDtTm, for entries without dates. */
  createdDate: string | null;
  /** The statement's own account, never taken as a counterparty. */
  ownIban: string | null;
}

function balanceCode(bal: XmlNode): string | null {
  return textAt(bal, ['Tp', 'CdOrPrtry', 'Cd'], ['Tp', 'Cd']);
}

function readBalance(ctx: Context, bal: XmlNode, line: number): StatementBalance {
  const code = balanceCode(bal) ?? 'Bal';
  const amtEl = first(bal, 'Amt');
  if (amtEl === undefined) ctx.fail(line, `Bal ${code} has no Amt.`);
  const money = readMoney(ctx, amtEl, `Bal ${code} Amt`, line);
  // NOTE: CdtDbtInd is mandatory on a balance, but some exports (Lithuanian samples in the corpus)
  // leave it out of positive balances; a missing indicator reads as CRDT. A wrong guess cannot go
  // unnoticed: opening + entries = closing fails unless both balances are equal and nothing moved.
  const sign = firstText(bal, 'CdtDbtInd') === null ? 1n : readIndicator(ctx, bal, `Bal ${code}`, line);
  const date = readDateChoice(ctx, first(bal, 'Dt'), `Bal ${code} Dt`, line);
  if (date === null) ctx.fail(line, `Bal ${code} has no Dt/Dt or Dt/DtTm.`);
  return { date, amount: sign * money.amount, currency: money.currency };
}

interface TxInfo {
  amount: Money | null;
  sign: 1n | -1n | null;
  endToEndId: string | null;
  bankReference: string | null;
  counterpartyAccount: string | null;
  counterpartyBic: string | null;
  counterpartyName: string | null;
  structuredReference: string | null;
  remittanceInfo: string | null;
  transactionCode: string | null;
  isReturn: boolean;
  /** Description pieces of this detail. */
  text: string[];
}

/** Charges (`Chrgs`: .02 a list of `Amt`s, .04+ a total and `Rcrd`s) as description notes; amounts are not changed. */
function chargesText(node: XmlNode): string[] {
  return all(node, 'Chrgs').flatMap((charges) => {
    const direct = first(charges, 'Amt') ?? first(charges, 'TtlChrgsAndTaxAmt');
    const amounts = direct === undefined ? all(charges, 'Rcrd', 'Amt') : [direct];
    return amounts.flatMap((el) => {
      const amount = textOf(el);
      return amount === null ? [] : [`charges ${amount} ${attr(el, 'Ccy') ?? ''}`.trim()];
    });
  });
}

function bankTransactionCode(node: XmlNode | undefined): string | null {
  const bk = first(node, 'BkTxCd');
  const domain = firstText(bk, 'Domn', 'Cd');
  if (domain !== null) {
    return [domain, firstText(bk, 'Domn', 'Fmly', 'Cd'), firstText(bk, 'Domn', 'Fmly', 'SubFmlyCd')].filter((p) => p !== null).join('/');
  }
  return firstText(bk, 'Prtry', 'Cd');
}

function partyName(parties: XmlNode | undefined, role: string): string | null {
  return textAt(parties, [role, 'Nm'], [role, 'Pty', 'Nm']);
}

function accountId(parties: XmlNode | undefined, role: string): string | null {
  const iban = normaliseIban(firstText(parties, role, 'Id', 'IBAN'));
  return iban ?? textAt(parties, [role, 'Id', 'Othr', 'Id'], [role, 'Id', 'PrtryAcct', 'Id']);
}

function agentBic(agents: XmlNode | undefined, role: string): string | null {
  return textAt(agents, [role, 'FinInstnId', 'BICFI'], [role, 'FinInstnId', 'BIC']);
}

/**
 * The transaction-level details of one `TxDtls`. `moneyIn` says which side the counterparty is on:
 * the debtor for money in, the creditor for money out.
 */
function readDetail(
  ctx: Context,
  tx: XmlNode,
  entry: { currency: string; moneyIn: boolean; reversal: boolean; ownIban: string | null },
  line: number,
): TxInfo {
  const { currency: entryCurrency, reversal, ownIban } = entry;
  // A per-detail amount in the entry's currency: `Amt` (.08+), else the transaction or instructed amount.
  let amount: Money | null = null;
  for (const [path, element] of [
    [['Amt'], 'TxDtls/Amt'],
    [['AmtDtls', 'TxAmt', 'Amt'], 'TxDtls/AmtDtls/TxAmt/Amt'],
    [['AmtDtls', 'InstdAmt', 'Amt'], 'TxDtls/AmtDtls/InstdAmt/Amt'],
  ] as const) {
    const el = first(tx, ...path);
    if (el === undefined) continue;
    const money = readMoney(ctx, el, element, line);
    if (money.currency === entryCurrency) {
      amount = money;
      break;
    }
  }
  const ind = firstText(tx, 'CdtDbtInd');
  const sign = ind === 'CRDT' ? 1n : ind === 'DBIT' ? -1n : null;
  // A detail may run against its entry (a debit inside a netted credit batch, .08+ `TxDtls/CdtDbtInd`).
  const moneyIn = sign === null ? entry.moneyIn : (sign === 1n) !== entry.reversal;

  const parties = first(tx, 'RltdPties');
  const agents = first(tx, 'RltdAgts');
  const isReturn = first(tx, 'RtrInf') !== undefined;
  const side = (debtor: boolean) => {
    const [party, agent] = debtor ? ['Dbtr', 'DbtrAgt'] : ['Cdtr', 'CdtrAgt'];
    return {
      name: partyName(parties, party),
      account: accountId(parties, `${party}Acct`),
      bic: agentBic(agents, agent),
      ultimate: partyName(parties, debtor ? 'UltmtDbtr' : 'UltmtCdtr'),
    };
  };
  let counterparty = side(moneyIn);
  // NOTE: for reversals and returns banks disagree whether the parties are those of the original
  // payment or of the booking that undoes it; when the expected side is empty the other side is
  // the counterparty, unless it is the statement's own account.
  if ((reversal || isReturn) && counterparty.name === null && counterparty.account === null) {
    const other = side(!moneyIn);
    if (other.account === null || other.account !== ownIban) counterparty = other;
  }
  const counterpartyName = counterparty.name ?? counterparty.ultimate;
  const ultimateName = counterparty.ultimate;

  const ustrd = allTexts(tx, 'RmtInf', 'Ustrd');
  const remittanceInfo = ustrd.length > 0 ? fold(ustrd.join(' ')) : null;
  const structured = all(tx, 'RmtInf', 'Strd');
  const structuredReference = structured.map((s) => firstText(s, 'CdtrRefInf', 'Ref')).find((r) => r !== null) ?? null;

  const endToEnd = firstText(tx, 'Refs', 'EndToEndId');
  const returnReason = textAt(tx, ['RtrInf', 'Rsn', 'Cd'], ['RtrInf', 'Rsn', 'Prtry']);

  const text: string[] = [];
  if (counterpartyName !== null) text.push(counterpartyName);
  if (ultimateName !== null && ultimateName !== counterpartyName) text.push(`ultimate party ${ultimateName}`);
  if (remittanceInfo !== null) text.push(remittanceInfo);
  for (const s of structured) {
    const ref = firstText(s, 'CdtrRefInf', 'Ref');
    if (ref !== null) text.push(`reference ${ref}`);
    for (const extra of allTexts(s, 'AddtlRmtInf')) text.push(extra);
  }
  for (const extra of allTexts(tx, 'AddtlTxInf')) text.push(extra);
  if (isReturn) {
    text.push(['return', returnReason === null ? null : `reason ${returnReason}`, ...allTexts(tx, 'RtrInf', 'AddtlInf')].filter((p) => p !== null).join(' '));
  }
  text.push(...chargesText(tx));

  return {
    amount,
    sign,
    endToEndId: endToEnd !== null && endToEnd.toUpperCase() !== 'NOTPROVIDED' ? endToEnd : null,
    bankReference: firstText(tx, 'Refs', 'AcctSvcrRef'),
    counterpartyAccount: counterparty.account,
    counterpartyBic: counterparty.bic,
    counterpartyName,
    structuredReference,
    remittanceInfo,
    transactionCode: bankTransactionCode(tx),
    isReturn,
    text,
  };
}

const BOOKED = 'BOOK';

function entryStatus(entry: XmlNode): string | null {
  return textAt(entry, ['Sts', 'Cd'], ['Sts', 'Prtry'], ['Sts']);
}

function readEntry(ctx: Context, entry: XmlNode, line: number, record: CamtRecord): StatementTransaction[] {
  const amtEl = first(entry, 'Amt');
  if (amtEl === undefined) ctx.fail(line, 'the entry (Ntry) has no Amt.');
  const money = readMoney(ctx, amtEl, 'Ntry/Amt', line);
  const sign = readIndicator(ctx, entry, 'Ntry', line);
  const reversal = isTrue(firstText(entry, 'RvslInd'));
  const amount = sign * money.amount;
  // NOTE: a reversal (RvslInd) books in the opposite direction of the original, so the counterparty
  // of a reversed credit sits on the creditor side of the original and vice versa.
  const moneyIn = (sign === 1n) !== reversal;

  const valueDate = readDateChoice(ctx, first(entry, 'ValDt'), 'Ntry/ValDt', line);
  let bookingDate = readDateChoice(ctx, first(entry, 'BookgDt'), 'Ntry/BookgDt', line);
  // NOTE: camt.054 notifications may omit BookgDt; the value date, else the message date, stands in.
  bookingDate ??= valueDate ?? record.createdDate;
  if (bookingDate === null) ctx.fail(line, 'the entry (Ntry) has no BookgDt, ValDt or message CreDtTm to date it.');

  const entryReference = firstText(entry, 'AcctSvcrRef');
  const entryCode = bankTransactionCode(entry);
  const status = entryStatus(entry);
  const entryText: string[] = [];
  if (status !== null && status !== BOOKED) entryText.push(`status ${status} (not booked)`);
  if (reversal) entryText.push('reversal');
  entryText.push(...allTexts(entry, 'AddtlNtryInf'), ...chargesText(entry));
  for (const batch of all(entry, 'NtryDtls', 'Btch')) {
    const id = firstText(batch, 'PmtInfId') ?? firstText(batch, 'MsgId');
    const count = firstText(batch, 'NbOfTxs');
    if (id !== null || count !== null) {
      const of = count === null ? null : `of ${count} transaction${count === '1' ? '' : 's'}`;
      entryText.push(['batch', id, of].filter((p) => p !== null).join(' '));
    }
  }

  const details = [...all(entry, 'NtryDtls', 'TxDtls'), ...all(entry, 'TxDtls')].map((tx) =>
    readDetail(ctx, tx, { currency: money.currency, moneyIn, reversal, ownIban: record.ownIban }, line),
  );

  const base = {
    line,
    bookingDate,
    valueDate,
    currency: money.currency,
  };
  const make = (amountOf: bigint, infos: TxInfo[], extra: string[]): StatementTransaction => {
    const description = fold(uniq([...entryText, ...extra, ...infos.flatMap((i) => i.text)]).join(' | '));
    const remittance = uniq(infos.map((i) => i.remittanceInfo));
    return {
      ...base,
      amount: amountOf,
      bankReference: agreed(infos.map((i) => i.bankReference)) ?? entryReference,
      endToEndId: agreed(infos.map((i) => i.endToEndId)),
      counterpartyAccount: agreed(infos.map((i) => i.counterpartyAccount)),
      counterpartyBic: agreed(infos.map((i) => i.counterpartyBic)),
      counterpartyName: agreed(infos.map((i) => i.counterpartyName)),
      structuredReference: agreed(infos.map((i) => i.structuredReference)),
      remittanceInfo: remittance.length > 0 ? fold(remittance.join(' ')) : null,
      transactionCode: entryCode ?? agreed(infos.map((i) => i.transactionCode)),
      isReturn: reversal || infos.some((i) => i.isReturn),
      description,
    };
  };

  if (details.length <= 1) return [make(amount, details, [])];

  // NOTE: a batch entry is split into one transaction per TxDtls only when every detail carries an
  // amount in the entry's currency and the signed details add up to the entry exactly; otherwise
  // (no per-detail amounts, foreign-currency amounts, charges taken off the total) the entry stays
  // one transaction and the details' texts are joined, so the statement still reconciles.
  const signed = details.map((d) => (d.amount === null ? null : (d.sign ?? sign) * d.amount.amount));
  if (signed.every((a): a is bigint => a !== null) && signed.reduce((s, a) => s + a, 0n) === amount) {
    return details.map((d, i) => make(signed[i] ?? 0n, [d], []));
  }
  const note = signed.every((a) => a === null)
    ? `${details.length} transactions without separate amounts`
    : `${details.length} transactions whose amounts do not add up to the entry`;
  return [make(amount, details, [note])];
}

function readRecord(
  ctx: Context,
  record: CamtRecord,
  format: StatementFormat,
  entryLines: LineCursor,
  balanceLines: LineCursor,
): BankStatement {
  const { node, line } = record;
  const acct = first(node, 'Acct');
  const accountNumber = firstText(acct, 'Id', 'IBAN') ?? textAt(acct, ['Id', 'Othr', 'Id'], ['Id', 'PrtryAcct', 'Id']);
  // An IBAN written as a proprietary id (`Othr/Id`) still identifies the account when it validates.
  const otherIban = accountNumber === null ? null : validateIban(accountNumber);
  const iban = normaliseIban(firstText(acct, 'Id', 'IBAN')) ?? (otherIban?.ok === true ? otherIban.iban : null);

  const balances = new Map<string, StatementBalance>();
  for (const bal of children(node, 'Bal')) {
    const balLine = balanceLines.take(line);
    const code = balanceCode(bal);
    // Only the booked opening and closing balances are read; others (available, interim, forward) are not needed.
    if (format !== 'camt.053' || (code !== 'OPBD' && code !== 'PRCD' && code !== 'CLBD') || balances.has(code)) continue;
    balances.set(code, readBalance(ctx, bal, balLine));
  }
  const openingBalance = balances.get('OPBD') ?? balances.get('PRCD') ?? null;
  const closingBalance = balances.get('CLBD') ?? null;

  const transactions: StatementTransaction[] = [];
  for (const entry of children(node, 'Ntry')) {
    const entryLine = entryLines.take(line);
    // NOTE: a statement's balances hold booked entries only; pending (PDNG), information-only (INFO)
    // and future (FUTR) entries in a camt.053 would be counted twice once booked, so they are left
    // out. A camt.054 is itself a notification (often the INFO breakdown of a booked batch) and is
    // imported whole, with the status noted in the description.
    const status = entryStatus(entry);
    if (format === 'camt.053' && status !== null && status !== BOOKED) continue;
    transactions.push(...readEntry(ctx, entry, entryLine, record));
  }

  const firstBalanceCurrency = children(node, 'Bal')
    .map((b) => attr(first(b, 'Amt'), 'Ccy'))
    .find((c) => c !== null);
  const currency =
    firstText(acct, 'Ccy') ?? openingBalance?.currency ?? closingBalance?.currency ?? firstBalanceCurrency ?? transactions[0]?.currency ?? null;
  if (currency === null || !isCurrencyCode(currency)) {
    ctx.fail(line, `${format === 'camt.053' ? 'Stmt' : 'Ntfctn'} gives no account currency (Acct/Ccy, a balance or an entry).`);
  }

  return {
    format,
    statementId: firstText(node, 'Id'),
    sequenceNumber: firstText(node, 'ElctrncSeqNb') ?? firstText(node, 'LglSeqNb'),
    accountIban: iban,
    accountNumber,
    currency,
    openingBalance,
    closingBalance,
    transactions,
  };
}

function messageElement(parsed: XmlNode): { name: string; node: XmlNode } | null {
  const rootName = Object.keys(parsed).find((k) => k !== TEXT && !k.startsWith(ATTR));
  const root = rootName === undefined ? undefined : children(parsed, rootName)[0];
  if (rootName === undefined || root === undefined) return null;
  if (Object.hasOwn(MESSAGES, rootName)) return { name: rootName, node: root };
  const inner = Object.keys(root).find((k) => Object.hasOwn(MESSAGES, k));
  const node = inner === undefined ? undefined : children(root, inner)[0];
  return inner !== undefined && node !== undefined ? { name: inner, node } : { name: rootName, node: root };
}

/**
 * Parses a camt.053 statement or camt.054 notification file. Throws StatementFormatError (one
 * sentence naming the file, and the line and element where the content is broken) otherwise.
 */
export function parseCamt(content: Buffer | string, fileName: string): ParsedStatementFile {
  const text = decode(content).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new StatementFormatError(`${fileName} is empty.`);
  if (!text.trimStart().startsWith('<') || text.includes('\u0000')) {
    throw new StatementFormatError(`${fileName} is not an XML document, so not a camt.053 or camt.054 file.`);
  }
  // NOTE: ISO 20022 messages never carry a DTD; refusing one keeps entity expansion out of reach.
  if (/<!DOCTYPE/i.test(text)) {
    throw new StatementFormatError(`${fileName} contains a DOCTYPE declaration, which camt files never have; it is not read.`);
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw new StatementFormatError(`${fileName} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg.replace(/\.$/, '')}).`, valid.err.line);
  }
  let parsed: unknown;
  try {
    parsed = parseXmlDocument(text);
  } catch (error) {
    // fast-xml-parser refuses element names such as `constructor` or `__proto__`.
    throw new StatementFormatError(`${fileName} is not a camt.053 or camt.054 file (${error instanceof Error ? error.message : String(error)}).`);
  }
  const message = isNode(parsed) ? messageElement(parsed) : null;
  if (message === null) throw new StatementFormatError(`${fileName} contains no XML element.`);
  const kind = Object.hasOwn(MESSAGES, message.name) ? MESSAGES[message.name] : undefined;
  if (kind === undefined) {
    const ns = /urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3})/.exec(text)?.[1];
    throw new StatementFormatError(
      `${fileName} is not a camt.053 or camt.054 file (${ns === undefined ? `root element <${message.name}>` : `it is an ISO 20022 ${ns} message`}).`,
    );
  }
  if (kind.format === null) {
    throw new StatementFormatError(`${fileName} is a camt.052 intraday account report; only camt.053 statements and camt.054 notifications are imported.`);
  }
  const format = kind.format;
  const ctx = new Context(fileName);
  const lines = startTagLines(text);
  const recordNodes = children(message.node, kind.record);
  if (recordNodes.length === 0) {
    throw new StatementFormatError(`${fileName} is a ${format} file without any ${kind.record} element, so there is nothing to import.`);
  }
  const recordLines = new LineCursor(lines.get(kind.record), recordNodes.length);
  const entryLines = new LineCursor(
    lines.get('Ntry'),
    recordNodes.reduce((n, r) => n + children(r, 'Ntry').length, 0),
  );
  const balanceLines = new LineCursor(
    lines.get('Bal'),
    recordNodes.reduce((n, r) => n + children(r, 'Bal').length, 0),
  );
  const headerDate = datePartOf(firstText(message.node, 'GrpHdr', 'CreDtTm'));
  const statements = recordNodes.map((node) => {
    const record: CamtRecord = {
      node,
      line: recordLines.take(1),
      createdDate: datePartOf(firstText(node, 'CreDtTm')) ?? headerDate,
      ownIban: normaliseIban(firstText(node, 'Acct', 'Id', 'IBAN')),
    };
    return readRecord(ctx, record, format, entryLines, balanceLines);
  });
  return { format, statements };
}
