// Synthetic data for the cash-application benchmark: an organisation's open invoices (N over N/5
// debtors, some debtors with known IBANs) and a month of bank transactions, each with the ground
// truth of what it pays. Deterministic for a seed; money is integer cents throughout (no floating
// point touches an amount). The noise model is described in bench/cashapp/README.md.
//
//   import { generateOrganisation, generateTransactions, invoiceCsvChunks, camt053Statement } from './generate.ts';

import { formatRf, generateBetalingskenmerk, generateRf, mod97, referenceForInvoice } from '../../src/core/references.ts';
import { mulberry32 as prng } from '../../src/core/prng.ts';

// ---------------------------------------------------------------------------------------------
// Random numbers

export interface Random {
  /** 0 ≤ result < n (integer). */
  int(n: number): number;
  /** true with probability `percent` / 100 (to 0.01 %). */
  chance(percent: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the keys, with integer weights. */
  weighted<T extends string>(weights: Readonly<Record<T, number>>): T;
}

export function random(seed: number): Random {
  const next = prng(seed);
  const int = (n: number) => Math.floor((next() / 4294967296) * n);
  return {
    int,
    chance: (percent) => next() % 10_000 < percent * 100,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
    weighted: <T extends string>(weights: Readonly<Record<T, number>>): T => {
      const entries = Object.entries(weights) as [T, number][];
      let r = int(entries.reduce((s, [, w]) => s + w, 0));
      for (const [key, w] of entries) {
        if (r < w) return key;
        r -= w;
      }
      return entries[entries.length - 1]![0];
    },
  };
}

function digits(r: Random, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(r.int(10));
  return s;
}

// ---------------------------------------------------------------------------------------------
// Names, IBANs, dates, amounts

const FIRST = ['Jan', 'Piet', 'Klaas', 'Anna', 'Sanne', 'Fleur', 'Daan', 'Lotte', 'Bram', 'Eva', 'Sophie', 'Thomas', 'Lucas', 'Emma', 'Noah', 'Julia', 'Mila', 'Finn', 'Tess', 'Sem'];
const LAST = ['Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Dijk', 'Dekker', 'Peeters', 'Maes', 'Claes', 'Willems', 'Janssens', 'Wouters', "D'Hondt", 'Müller'];
const TRADE = ['Bakkerij', 'Installatiebedrijf', 'Transport', 'Bouwbedrijf', 'Adviesbureau', 'Drukkerij', 'Garage', 'Hoveniersbedrijf', 'Schildersbedrijf', 'Groothandel', 'Architectenbureau', 'Loodgieter', 'Kapsalon', 'Fietsenmaker', 'Cateringservice'];
const FORM = ['B.V.', 'V.O.F.', 'Holding B.V.', '', 'N.V.'];
const BANKS = ['ABNA', 'RABO', 'INGB', 'SNSB', 'TRIO', 'ASNB', 'KNAB', 'BUNQ'];

/** A valid Dutch IBAN with the given bank code and ten-digit account number. */
export function dutchIban(bank: string, account: string): string {
  const bban = `${bank}${account}`;
  const check = 98 - mod97(`${bban}NL00`);
  return `NL${String(check).padStart(2, '0')}${bban}`;
}

function randomIban(r: Random): string {
  return dutchIban(r.pick(BANKS), digits(r, 10));
}

/** Days since 1970-01-01 → `YYYY-MM-DD`. */
function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}
const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

/** Integer cents → `1234.56`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Integer cents → Dutch `1.234,56` as people write amounts in remittance text. */
function dutchAmount(cents: number): string {
  return `${String(Math.floor(cents / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${String(cents % 100).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// The organisation: debtors and open invoices

export const ORG_IBAN = 'NL91ABNA0417164300';
export const ORG_NAME = 'Bench Groothandel B.V.';
export const COUNTRY = 'NL' as const;

export interface Debtor {
  number: string;
  name: string;
  consumer: boolean;
  /** IBANs in debtor_bank_account before the statement is imported. */
  knownIbans: string[];
  /** An account of the debtor's that we have not seen yet (it pays from it now and then). */
  newIban: string;
}

export type Series = 'F' | 'INV' | 'DOT';

export interface Invoice {
  number: string;
  series: Series;
  year: number;
  seq: number;
  debtor: number;
  issueDate: string;
  dueDate: string;
  /** Total including VAT, integer cents. */
  amount: number;
  vat: number;
  /** The reference given in the file (the ERP's own), or null. */
  explicitReference: string | null;
  /** The reference the invoice carries after import (given, or referenceForInvoice's). */
  reference: string;
}

export interface Organisation {
  debtors: Debtor[];
  invoices: Invoice[];
  /** Invoice indexes per debtor. */
  byDebtor: number[][];
}

/** Formats an invoice number of a series. */
export function invoiceNumber(series: Series, year: number, seq: number): string {
  switch (series) {
    case 'F':
      return `F${year}-${String(seq).padStart(6, '0')}`;
    case 'INV':
      return `INV/${year}/${String(seq).padStart(5, '0')}`;
    case 'DOT':
      return `${year}.${String(seq).padStart(4, '0')}`;
  }
}

/**
 * N invoices over N/5 debtors. Three numbering series, counted per year: `F2026-004211` (65 %),
 * `INV/2025/00042` (20 %, a second ERP) and `2025.1234` (15 %, the old one). 25 % carry the ERP's
 * own betalingskenmerk and 5 % an RF reference; the rest get referenceForInvoice's at import.
 * Half of the debtors have a known IBAN (3 % two), 1 in 200 share one with another debtor (a holding).
 */
export function generateOrganisation(n: number, seed = 1): Organisation {
  const r = random(seed);
  const debtorCount = Math.max(1, Math.floor(n / 5));
  const debtors: Debtor[] = [];
  for (let k = 0; k < debtorCount; k++) {
    const consumer = r.chance(20);
    const last = r.pick(LAST);
    const name = consumer ? `${r.pick(FIRST)} ${last}` : `${r.pick(TRADE)} ${last} ${r.pick(FORM)}`.trim();
    const knownIbans: string[] = [];
    if (r.chance(50)) {
      knownIbans.push(randomIban(r));
      if (r.chance(3)) knownIbans.push(randomIban(r));
    }
    debtors.push({ number: `D${String(k + 1).padStart(7, '0')}`, name, consumer, knownIbans, newIban: randomIban(r) });
  }
  // A holding paying for its subsidiaries: one IBAN known for two debtors.
  for (let k = 1; k < debtorCount; k += 200) {
    const other = debtors[r.int(debtorCount)]!;
    const shared = debtors[k]!.knownIbans[0];
    if (shared && other !== debtors[k] && !other.knownIbans.includes(shared)) other.knownIbans.push(shared);
  }

  const invoices: Invoice[] = [];
  const byDebtor: number[][] = debtors.map(() => []);
  const counters = new Map<string, number>();
  const start = dayNumber('2025-01-01');
  const span = dayNumber('2026-11-20') - start;
  const terms = [14, 14, 30, 30, 30, 30, 45, 60];
  for (let i = 0; i < n; i++) {
    // Every fifth invoice introduces the next debtor (all appear); the rest skewed to big customers.
    const u = r.int(1_000_000) / 1_000_000;
    const debtor = i % 5 === 0 ? Math.min(i / 5, debtorCount - 1) : Math.floor(u * u * debtorCount);
    const issue = start + r.int(span);
    const issueDate = isoDate(issue);
    const year = Number(issueDate.slice(0, 4));
    const series = r.weighted<Series>({ F: 65, INV: 20, DOT: 15 });
    const seq = (counters.get(`${series}${year}`) ?? 0) + 1;
    counters.set(`${series}${year}`, seq);
    const number = invoiceNumber(series, year, seq);
    // Net 5.00 … 25,000.00, most small; VAT 21 % (9 % or 0 % now and then), rounded half up.
    const scale = r.pick([1_000, 10_000, 100_000, 1_000_000, 2_500_000]);
    const net = 500 + r.int(scale);
    const rate = r.chance(90) ? 21 : r.chance(50) ? 9 : 0;
    const vat = Math.floor((net * rate + 50) / 100);
    const kind = r.int(100);
    const explicitReference = kind < 25 ? generateBetalingskenmerk(7_000_000_000 + i) : kind < 30 ? formatRf(generateRf(`${year}${series}${seq}`)) : null;
    invoices.push({
      number, series, year, seq, debtor, issueDate, dueDate: isoDate(issue + r.pick(terms)), amount: net + vat, vat, explicitReference,
      reference: explicitReference ?? referenceForInvoice(COUNTRY, number),
    });
    byDebtor[debtor]!.push(i);
  }
  return { debtors, invoices, byDebtor };
}

const CSV_HEADER = 'invoice_number,debtor_number,debtor_name,debtor_type,country,issue_date,due_date,amount,vat_amount,payment_reference';

function csvCell(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The invoices as an ArFlow invoice CSV, in pieces. */
export function* invoiceCsvChunks(org: Organisation): Generator<string> {
  yield `${CSV_HEADER}\n`;
  let batch: string[] = [];
  for (const inv of org.invoices) {
    const d = org.debtors[inv.debtor]!;
    batch.push([inv.number, d.number, csvCell(d.name), d.consumer ? 'consumer' : 'business', 'NL', inv.issueDate, inv.dueDate, formatCents(inv.amount), formatCents(inv.vat), inv.explicitReference ?? ''].join(','));
    if (batch.length === 10_000) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Bank transactions with their ground truth

export const CASE_TYPES = ['reference', 'number_in_text', 'typo', 'multi_invoice', 'short_pay', 'iban_amount', 'third_party', 'noise'] as const;
export type CaseType = (typeof CASE_TYPES)[number];

/** Share of each case in the statement, in per mille (README: "Proportions"). */
export const CASE_WEIGHTS: Readonly<Record<CaseType, number>> = {
  reference: 350, number_in_text: 220, typo: 30, multi_invoice: 60, short_pay: 40, iban_amount: 120, third_party: 30, noise: 150,
};

export interface ExpectedLine {
  invoice: string;
  amount: number;
}

export interface BenchTransaction {
  /** The bank's reference (AcctSvcrRef): unique, ties the booked result back to the truth. */
  bankRef: string;
  case: CaseType;
  /** How this one was written (for the README's breakdown and for debugging). */
  variant: string;
  bookingDate: string;
  /** Signed integer cents: positive = credit. */
  amount: number;
  name: string;
  iban: string | null;
  ustrd: string | null;
  strdRef: string | null;
  /** What it pays; empty: it must never be booked. */
  expected: ExpectedLine[];
}

/** Working days of November 2026 from the 2nd: the statement month. */
export const BOOKING_DAYS: readonly string[] = (() => {
  const days: string[] = [];
  for (let d = dayNumber('2026-11-02'); d <= dayNumber('2026-11-30'); d++) {
    const w = new Date(d * 86_400_000).getUTCDay();
    if (w !== 0 && w !== 6) days.push(isoDate(d));
  }
  return days;
})();
export const BENCH_TODAY = '2026-11-30';

/** An invoice number as a payer copies it into the remittance text. */
function writeNumber(r: Random, inv: Invoice, variant: string): string {
  const seq = String(inv.seq);
  switch (variant) {
    case 'exact':
      return inv.number;
    case 'lowercase':
      return inv.number.toLowerCase();
    case 'separators': {
      // Other separators, or spaces: F2026/004211, F 2026 004211, INV-2025-00042, 2025-1234.
      const sep = r.pick(['/', ' ', '-', '.']);
      if (inv.series === 'F') return `F${r.chance(50) ? ' ' : ''}${inv.year}${sep}${String(inv.seq).padStart(6, '0')}`;
      if (inv.series === 'INV') return `INV${sep}${inv.year}${sep}${String(inv.seq).padStart(5, '0')}`;
      return `${inv.year}${sep === '.' ? '-' : sep}${String(inv.seq).padStart(4, '0')}`;
    }
    case 'zeros_dropped':
      if (inv.series === 'F') return `F${inv.year}-${seq}`;
      if (inv.series === 'INV') return `INV/${inv.year}/${seq}`;
      return `${inv.year}.${seq}`;
    case 'zeros_added':
      if (inv.series === 'F') return `F${inv.year}-${seq.padStart(8, '0')}`;
      if (inv.series === 'INV') return `INV/${inv.year}/${seq.padStart(7, '0')}`;
      return `${inv.year}.${seq.padStart(6, '0')}`;
    case 'other_prefix':
      // The payer's own word for it instead of the series prefix, as the one token: FACT2026-004211, nr.2025/00042.
      if (inv.series === 'F') return `${r.pick(['FACT', 'FAC', 'FA', 'Fn'])}${inv.year}-${String(inv.seq).padStart(6, '0')}`;
      if (inv.series === 'INV') return `${r.pick(['INVOICE', 'FACT', 'NR'])}/${inv.year}/${String(inv.seq).padStart(5, '0')}`;
      return `F${inv.year}.${String(inv.seq).padStart(4, '0')}`;
    case 'compact':
      return inv.number.replace(/[^A-Za-z0-9]/g, '');
    default:
      return inv.number;
  }
}

const NUMBER_VARIANTS: Readonly<Record<string, number>> = { exact: 40, lowercase: 8, separators: 15, zeros_dropped: 12, zeros_added: 5, other_prefix: 12, compact: 8 };

/** A reference as a payer or bank passes it on: structured field or text, compact or grouped. */
function writeReference(r: Random, inv: Invoice): { strdRef: string | null; text: string | null; variant: string } {
  const compact = inv.reference.replace(/[\s+/*]/g, '');
  const groups = compact.replace(/(.{4})(?!$)/g, '$1 ');
  const isRf = compact.startsWith('RF');
  const v = r.weighted({ strd: 55, strd_spaces: 10, text: 15, text_spaces: 10, text_dots: isRf ? 0 : 5, text_lower: isRf ? 10 : 0, only_digits_text: isRf ? 0 : 5 });
  switch (v) {
    case 'strd':
      return { strdRef: compact, text: null, variant: v };
    case 'strd_spaces':
      return { strdRef: groups, text: null, variant: v };
    case 'text':
      return { strdRef: null, text: `${r.pick(['betalingskenmerk', 'kenmerk', 'ref', 'Betaling', ''])} ${compact}`.trim(), variant: v };
    case 'text_spaces':
      return { strdRef: null, text: `${r.pick(['betalingskenmerk', 'kenmerk:', 'Ref.', ''])} ${groups}`.trim(), variant: v };
    case 'text_dots':
      return { strdRef: null, text: compact.replace(/(.{4})(?!$)/g, '$1.'), variant: v };
    case 'text_lower':
      return { strdRef: null, text: `${r.pick(['ref', 'betaling', ''])} ${groups.toLowerCase()}`.trim(), variant: v };
    case 'only_digits_text':
      return { strdRef: null, text: `${compact} ${r.pick(['', 'dank u', 'groet'])}`.trim(), variant: v };
  }
}

/** Words, dates, amounts and other numbers around the invoice number(s) in a free text. */
function wrapText(r: Random, core: string, amount: number): string {
  const before = r.pick(['', '', 'Factuur', 'factuurnr', 'Fact.', 'Betreft', 'Betaling fact', 'Inv.', 'Uw factuur', 'Betaling van', 'Termijn']);
  const after = [
    '', '', '', `d.d. ${r.int(28) + 1}-${r.int(12) + 1}-2026`, `EUR ${dutchAmount(amount)}`, `dd ${String(r.int(28) + 1).padStart(2, '0')}.${String(r.int(12) + 1).padStart(2, '0')}.2026`,
    `klantnr ${r.int(90_000) + 10_000}`, `order ${r.int(9000) + 1000}`, `PO ${r.int(900_000) + 100_000}`, 'met dank', 'ivm levering week 44', `betaald op ${isoDate(dayNumber('2026-10-01') + r.int(60))}`,
  ];
  return [before, core, r.pick(after), r.chance(20) ? r.pick(after) : ''].filter(Boolean).join(' ');
}

/** A one-character typo in the digits of a number (substitution, transposition, deletion, insertion). */
export function typo(r: Random, number: string): string {
  const positions = [...number].map((c, i) => (/\d/.test(c) ? i : -1)).filter((i) => i >= 0);
  // NOTE: typos in the sequence part, the part people copy by hand; the year is rarely mistyped.
  const tail = positions.slice(-Math.max(2, positions.length - 4));
  for (let attempt = 0; attempt < 20; attempt++) {
    const kind = r.int(4);
    const p = r.pick(tail);
    let out: string;
    if (kind === 0) out = number.slice(0, p) + String((Number(number[p]) + 1 + r.int(9)) % 10) + number.slice(p + 1);
    else if (kind === 1 && /\d/.test(number[p + 1] ?? '')) out = number.slice(0, p) + number[p + 1]! + number[p]! + number.slice(p + 2);
    else if (kind === 2) out = number.slice(0, p) + number.slice(p + 1);
    else out = number.slice(0, p) + String(r.int(10)) + number.slice(p);
    if (out !== number) return out;
  }
  return `${number}1`;
}

interface Picker {
  /** An unused invoice, optionally of a debtor that satisfies `ok`. */
  invoice(ok?: (inv: Invoice, d: Debtor) => boolean): Invoice;
  /** Up to `count` more unused invoices of the same debtor. */
  siblings(of: Invoice, count: number): Invoice[];
  use(inv: Invoice): void;
}

function makePicker(r: Random, org: Organisation): Picker {
  const used = new Set<number>();
  const indexOf = new Map<Invoice, number>();
  org.invoices.forEach((inv, i) => indexOf.set(inv, i));
  return {
    invoice(ok) {
      for (;;) {
        const i = r.int(org.invoices.length);
        const inv = org.invoices[i]!;
        if (used.has(i) || (ok && !ok(inv, org.debtors[inv.debtor]!))) continue;
        used.add(i);
        return inv;
      }
    },
    siblings(of, count) {
      const out: Invoice[] = [];
      const list = org.byDebtor[of.debtor]!;
      for (let tries = 0; tries < count * 4 && out.length < count && list.length > 1; tries++) {
        const i = r.pick(list);
        if (used.has(i)) continue;
        used.add(i);
        out.push(org.invoices[i]!);
      }
      return out;
    },
    use(inv) {
      used.add(indexOf.get(inv)!);
    },
  };
}

/** The account a debtor pays from: its known one mostly, otherwise one we have not seen. */
function payerIban(r: Random, d: Debtor): string {
  return d.knownIbans.length > 0 && r.chance(85) ? r.pick(d.knownIbans) : d.newIban;
}

function payerName(r: Random, d: Debtor): string {
  const upper = r.chance(50);
  const name = r.chance(30) ? d.name.replace(/\s*(B\.V\.|V\.O\.F\.|N\.V\.|Holding B\.V\.)$/, '') : d.name;
  return upper ? name.toUpperCase().replace(/\./g, '') : name;
}

const SHORT_REASONS = ['korting', 'betalingskorting 2%', 'minus creditnota', 'beschadigd geleverd', 'deelbetaling', 'rest volgt', 'ivm reclamatie', 'verrekend met retour', 'excl. kosten', 'eerste termijn'];

/** `count` transactions, by case type in CASE_WEIGHTS proportions, over the statement month. */
export function generateTransactions(org: Organisation, count: number, seed = 1): BenchTransaction[] {
  const r = random(seed * 7919 + 17);
  const pick = makePicker(r, org);
  const out: BenchTransaction[] = [];
  const hasKnown = (_: Invoice, d: Debtor) => d.knownIbans.length === 1;
  for (let i = 0; i < count; i++) {
    const kind = r.weighted(CASE_WEIGHTS);
    const bankRef = `BR${String(i + 1).padStart(8, '0')}`;
    const bookingDate = BOOKING_DAYS[Math.floor((i * BOOKING_DAYS.length) / count)]!;
    const base = { bankRef, bookingDate, case: kind };
    switch (kind) {
      case 'reference': {
        const inv = pick.invoice();
        const d = org.debtors[inv.debtor]!;
        const ref = writeReference(r, inv);
        out.push({ ...base, variant: ref.variant, amount: inv.amount, name: payerName(r, d), iban: payerIban(r, d), ustrd: ref.text, strdRef: ref.strdRef, expected: [{ invoice: inv.number, amount: inv.amount }] });
        break;
      }
      case 'number_in_text': {
        const inv = pick.invoice();
        const d = org.debtors[inv.debtor]!;
        const variant = r.weighted(NUMBER_VARIANTS);
        out.push({ ...base, variant, amount: inv.amount, name: payerName(r, d), iban: payerIban(r, d), ustrd: wrapText(r, writeNumber(r, inv, variant), inv.amount), strdRef: null, expected: [{ invoice: inv.number, amount: inv.amount }] });
        break;
      }
      case 'typo': {
        const inv = pick.invoice(hasKnown);
        const d = org.debtors[inv.debtor]!;
        const written = typo(r, r.chance(70) ? inv.number : writeNumber(r, inv, 'zeros_dropped'));
        out.push({ ...base, variant: 'typo', amount: inv.amount, name: payerName(r, d), iban: d.knownIbans[0]!, ustrd: wrapText(r, written, inv.amount), strdRef: null, expected: [{ invoice: inv.number, amount: inv.amount }] });
        break;
      }
      case 'multi_invoice': {
        const first = pick.invoice((inv) => org.byDebtor[inv.debtor]!.length >= 3);
        const all = [first, ...pick.siblings(first, 1 + r.int(3))];
        const d = org.debtors[first.debtor]!;
        const byRef = r.chance(20);
        const variant = byRef ? 'references' : r.weighted(NUMBER_VARIANTS);
        const parts = all.map((inv) => (byRef ? inv.reference.replace(/[\s+/*]/g, '') : writeNumber(r, inv, variant)));
        const total = all.reduce((s, inv) => s + inv.amount, 0);
        const text = `${r.pick(['Facturen', 'Betaling', 'fact.', ''])} ${parts.join(r.pick([', ', ' ', ' en ', ' + ', ' / ']))}`.trim();
        out.push({ ...base, variant: `${all.length}x ${variant}`, amount: total, name: payerName(r, d), iban: payerIban(r, d), ustrd: text, strdRef: null, expected: all.map((inv) => ({ invoice: inv.number, amount: inv.amount })) });
        break;
      }
      case 'short_pay': {
        const inv = pick.invoice((x) => x.amount >= 5_000);
        const d = org.debtors[inv.debtor]!;
        const reason = r.pick(SHORT_REASONS);
        const deduction = reason.startsWith('betalingskorting') ? Math.floor(inv.amount / 50) : reason === 'deelbetaling' || reason === 'eerste termijn' ? Math.floor(inv.amount / 2) : Math.max(100, Math.floor((inv.amount * (1 + r.int(20))) / 100));
        const paid = inv.amount - deduction;
        const byRef = r.chance(40);
        const core = byRef ? inv.reference.replace(/[\s+/*]/g, '') : writeNumber(r, inv, r.weighted(NUMBER_VARIANTS));
        out.push({ ...base, variant: byRef ? 'reference' : 'number', amount: paid, name: payerName(r, d), iban: payerIban(r, d), ustrd: `${core} ${reason}`, strdRef: null, expected: [{ invoice: inv.number, amount: paid }] });
        break;
      }
      case 'iban_amount': {
        const combination = r.chance(15);
        const first = pick.invoice(combination ? (inv, d) => hasKnown(inv, d) && org.byDebtor[inv.debtor]!.length >= 3 : hasKnown);
        const all = combination ? [first, ...pick.siblings(first, 1 + r.int(2))] : [first];
        const d = org.debtors[first.debtor]!;
        const total = all.reduce((s, inv) => s + inv.amount, 0);
        const text = r.pick(['', '', 'betaling', 'factuur', 'Termijn', `${d.name} betaling`, 'overboeking', 'zie specificatie']);
        out.push({ ...base, variant: all.length > 1 ? `combination of ${all.length}` : 'single', amount: total, name: payerName(r, d), iban: d.knownIbans[0]!, ustrd: text || null, strdRef: null, expected: all.map((inv) => ({ invoice: inv.number, amount: inv.amount })) });
        break;
      }
      case 'third_party': {
        const inv = pick.invoice();
        const d = org.debtors[inv.debtor]!;
        const other = org.debtors[r.int(org.debtors.length)]!;
        const viaDebtor = r.chance(50) && other.knownIbans.length > 0 && other !== d;
        const iban = viaDebtor ? other.knownIbans[0]! : randomIban(r);
        const name = viaDebtor ? other.name : r.pick([`Administratiekantoor ${r.pick(LAST)}`, `${r.pick(LAST)} Holding B.V.`, `Stichting ${r.pick(LAST)}`, `${r.pick(FIRST)} ${r.pick(LAST)}`]);
        const byRef = r.chance(40);
        const core = byRef ? inv.reference.replace(/[\s+/*]/g, '') : writeNumber(r, inv, r.weighted(NUMBER_VARIANTS));
        out.push({ ...base, variant: `${viaDebtor ? 'other debtor' : 'unknown'} IBAN, ${byRef ? 'reference' : 'number'}`, amount: inv.amount, name, iban, ustrd: wrapText(r, `${core} ${r.chance(50) ? `namens ${d.name}` : ''}`.trim(), inv.amount), strdRef: null, expected: [{ invoice: inv.number, amount: inv.amount }] });
        break;
      }
      case 'noise':
        out.push({ ...base, ...noise(r, org) });
        break;
    }
  }
  return out;
}

const SUPPLIERS = ['Staples Nederland B.V.', 'Office Centre', 'Shell Nederland Verkoopmaatschappij', 'KPN B.V.', 'Vodafone Libertel', 'Eneco', 'Makro Nederland', 'Hornbach Bouwmarkt', 'Coolblue B.V.', 'Bol.com B.V.'];

/** A transaction that is not a debtor paying an invoice (README: "Noise"). */
function noise(r: Random, org: Organisation): Omit<BenchTransaction, 'bankRef' | 'bookingDate' | 'case'> {
  const variant = r.weighted({ bank_costs: 12, supplier_payment: 18, supplier_refund: 15, tax_refund: 8, salary_refund: 6, interest: 5, internal: 8, chance_amount: 22, chance_amount_known_name: 6 });
  const year = r.pick([2025, 2026]);
  const numberLike = () => r.pick([`${year}-${String(r.int(60_000) + 1).padStart(5, '0')}`, `CN${year}${String(r.int(99_999)).padStart(5, '0')}`, `${r.int(9_000_000) + 1_000_000}`, `${year}/${r.int(9000) + 1}`]);
  const someAmount = () => 100 + r.int(r.pick([10_000, 100_000, 1_000_000]));
  switch (variant) {
    case 'bank_costs':
      return { variant, amount: -(100 + r.int(5_000)), name: 'ABN AMRO Bank N.V.', iban: null, ustrd: r.pick(['Kosten betalingsverkeer', 'Rente en kosten', 'Kosten zakelijk pakket', 'Transactiekosten iDEAL']), strdRef: null, expected: [] };
    case 'supplier_payment': {
      // Money out to a supplier, quoting the supplier's invoice (which may look like ours, amount too).
      const inv = org.invoices[r.int(org.invoices.length)]!;
      return { variant, amount: -(r.chance(30) ? inv.amount : someAmount()), name: r.pick(SUPPLIERS), iban: randomIban(r), ustrd: `Factuur ${r.chance(30) ? inv.number : numberLike()}`, strdRef: null, expected: [] };
    }
    case 'supplier_refund':
      // Money in from a supplier: a credit note of theirs, numbered their way.
      return { variant, amount: someAmount(), name: r.pick(SUPPLIERS), iban: randomIban(r), ustrd: `${r.pick(['Creditnota', 'Terugbetaling', 'Retour', 'Credit'])} ${numberLike()} ${r.pick(['', 'retourzending', 'dubbel betaald', `klant ${r.int(99_999)}`])}`.trim(), strdRef: null, expected: [] };
    case 'tax_refund':
      return { variant, amount: someAmount(), name: 'Belastingdienst', iban: 'NL86INGB0002445588', ustrd: `TERUGGAAF ${r.pick(['OMZETBELASTING', 'VENNOOTSCHAPSBELASTING', 'LOONHEFFINGEN'])} ${year} KENMERK ${digits(r, 4)}.${digits(r, 2)}.${digits(r, 3)}.B.01`, strdRef: r.chance(50) ? digits(r, 16) : null, expected: [] };
    case 'salary_refund':
      // An employee paying back an advance, or UWV paying sick pay for one.
      return r.chance(50)
        ? { variant, amount: someAmount(), name: `${r.pick(FIRST)} ${r.pick(LAST)}`, iban: randomIban(r), ustrd: `terugbetaling voorschot salaris ${r.pick(['september', 'oktober', 'november'])}`, strdRef: null, expected: [] }
        : { variant, amount: someAmount(), name: 'UWV', iban: 'NL59INGB0000004477', ustrd: `Ziektewet uitkering periode ${year}-${String(r.int(12) + 1).padStart(2, '0')} loonheffingennr ${digits(r, 9)}L01`, strdRef: null, expected: [] };
    case 'interest':
      return { variant, amount: 1 + r.int(20_000), name: 'ABN AMRO Bank N.V.', iban: null, ustrd: `Rente ${r.pick(['3e', '4e'])} kwartaal ${year}`, strdRef: null, expected: [] };
    case 'internal':
      return { variant, amount: (1 + r.int(500)) * 10_000, name: ORG_NAME, iban: dutchIban('ABNA', '0417164311'), ustrd: r.pick(['Overboeking van spaarrekening', 'Eigen rekening', 'Kasstorting', 'Van deposito']), strdRef: null, expected: [] };
    case 'chance_amount': {
      // Someone we do not know pays exactly what some invoice is open for, for something else.
      const inv = org.invoices[r.int(org.invoices.length)]!;
      const name = r.chance(50) ? `${r.pick(FIRST)} ${r.pick(LAST)}` : `${r.pick(['Stichting', 'Vereniging', 'Sportclub'])} ${r.pick(LAST)}`;
      return { variant, amount: inv.amount, name, iban: randomIban(r), ustrd: r.pick(['gift', 'huur oktober', 'terugbetaling lening', 'Marktplaats', `bestelling ${numberLike()}`, 'contributie 2026', '']) || null, strdRef: null, expected: [] };
    }
    case 'chance_amount_known_name': {
      // As above, but the payer's name is also a debtor's (Jansen is a common name): still not ours.
      const inv = org.invoices[r.int(org.invoices.length)]!;
      const d = org.debtors[inv.debtor]!;
      const surname = d.name.replace(/^(\S+ )/, '').replace(/\s*(B\.V\.|V\.O\.F\.|N\.V\.|Holding B\.V\.)$/, '');
      return { variant: 'chance_amount_known_name', amount: inv.amount, name: `${r.pick(FIRST)[0]}. ${surname}`, iban: randomIban(r), ustrd: r.pick(['terugbetaling', 'voor de verjaardag', 'huur', 'Tikkie', '']) || null, strdRef: null, expected: [] };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The statement file

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function entry(t: BenchTransaction): string {
  const credit = t.amount > 0;
  const party = credit
    ? `<Dbtr><Nm>${xml(t.name)}</Nm></Dbtr>${t.iban ? `<DbtrAcct><Id><IBAN>${t.iban}</IBAN></Id></DbtrAcct>` : ''}`
    : `<Cdtr><Nm>${xml(t.name)}</Nm></Cdtr>${t.iban ? `<CdtrAcct><Id><IBAN>${t.iban}</IBAN></Id></CdtrAcct>` : ''}`;
  const rmt = `${t.ustrd ? `<Ustrd>${xml(t.ustrd)}</Ustrd>` : ''}${t.strdRef ? `<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp><Ref>${xml(t.strdRef)}</Ref></CdtrRefInf></Strd>` : ''}`;
  return `<Ntry><Amt Ccy="EUR">${formatCents(Math.abs(t.amount))}</Amt><CdtDbtInd>${credit ? 'CRDT' : 'DBIT'}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${t.bookingDate}</Dt></BookgDt><ValDt><Dt>${t.bookingDate}</Dt></ValDt><AcctSvcrRef>${t.bankRef}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>${credit ? 'RCDT' : 'ICDT'}</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><RltdPties>${party}</RltdPties>${rmt ? `<RmtInf>${rmt}</RmtInf>` : ''}</TxDtls></NtryDtls></Ntry>\n`;
}

/** A camt.053.001.02 file with one statement per booking day, balances chained, in pieces. */
export function* camt053Chunks(transactions: readonly BenchTransaction[], openingCents = 100_000_00): Generator<string> {
  const byDay = new Map<string, BenchTransaction[]>();
  for (const t of transactions) {
    const list = byDay.get(t.bookingDate);
    if (list) list.push(t);
    else byDay.set(t.bookingDate, [t]);
  }
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>BENCH-${transactions.length}</MsgId><CreDtTm>${BENCH_TODAY}T18:00:00</CreDtTm></GrpHdr>\n`;
  const bal = (code: string, cents: number, date: string) => `<Bal><Tp><CdOrPrtry><Cd>${code}</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${formatCents(Math.abs(cents))}</Amt><CdtDbtInd>${cents < 0 ? 'DBIT' : 'CRDT'}</CdtDbtInd><Dt><Dt>${date}</Dt></Dt></Bal>`;
  let balance = openingCents;
  let seq = 0;
  for (const [day, list] of [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    seq++;
    const closing = balance + list.reduce((s, t) => s + t.amount, 0);
    yield `<Stmt><Id>BENCH-${day}</Id><ElctrncSeqNb>${seq}</ElctrncSeqNb><CreDtTm>${day}T18:00:00</CreDtTm><Acct><Id><IBAN>${ORG_IBAN}</IBAN></Id><Ccy>EUR</Ccy></Acct>${bal('OPBD', balance, day)}${bal('CLBD', closing, day)}\n`;
    for (let i = 0; i < list.length; i += 2000) yield list.slice(i, i + 2000).map(entry).join('');
    yield '</Stmt>\n';
    balance = closing;
  }
  yield '</BkToCstmrStmt></Document>\n';
}
