import type { AllocationRule } from '../../db/schema.ts';

// The matching scorer: pure. Given a bank credit and the open invoices that could be meant (found
// by reference, by number, by the payer's known IBAN or by amount), decide what to book, with which
// rule and how sure we are; below the organisation's threshold nothing is booked and the
// transaction goes to review with ranked suggestions.

export interface MatchTransaction {
  amount: bigint;
  currency: string;
  counterpartyAccount: string | null;
  counterpartyName: string | null;
  structuredReference: string | null;
  text: string;
}

export type FoundBy = 'reference' | 'number' | 'groups' | 'digits' | 'iban' | 'amount';

export interface CandidateInvoice {
  invoiceId: string;
  number: string;
  debtorId: string;
  debtorName: string;
  paymentReference: string | null;
  openAmount: bigint;
  openCosts: bigint;
  openInterest: bigint;
  currency: string;
  issueDate: string;
  dueDate: string;
  foundBy: ReadonlySet<FoundBy>;
}

export interface AllocationLine {
  /** null: on the debtor's account (a credit balance), not on an invoice. */
  invoiceId: string | null;
  amount: bigint;
}

export interface Suggestion {
  debtorId: string;
  invoiceIds: string[];
  amount: bigint;
  score: number;
  why: string;
}

export type MatchDecision =
  | { kind: 'book'; debtorId: string; rule: string; confidence: number; lines: AllocationLine[]; note: string | null; learnIban: boolean; suggestions: Suggestion[] }
  | { kind: 'review'; reason: string; confidence: number; suggestions: Suggestion[] };

export interface MatchOptions {
  rule: AllocationRule;
  today: string;
  threshold: number;
  /** Debtors that have paid from this IBAN before (learned or entered). */
  ibanDebtors: readonly string[];
}

const EDIT_DISTANCE_MIN_LENGTH = 5;

/** Upper-case letters and digits only: `F 2026/001` → `F2026001`. */
export function compactKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The digits without leading zeros: `INV-2026-00042` → `202600042`. */
export function digitsKey(text: string): string {
  return text.replace(/\D/g, '').replace(/^0+/, '');
}

/** Numeric groups without leading zeros: `F2026-0003` → `2026-3`; null with fewer than two groups. */
export function groupsKey(text: string): string | null {
  const groups = text.match(/\d+/g);
  if (!groups || groups.length < 2) return null;
  const key = groups.map((g) => g.replace(/^0+(?=\d)/, '')).join('-');
  return key.replace(/-/g, '').length >= 4 ? key : null;
}

/** A date as people write one in a remittance text (`12-11-2026`, `2026/11/12`, `5.3.2026`): never an invoice number. */
export function isDateToken(token: string): boolean {
  const m = /^(\d{1,4})[-/.](\d{1,2})[-/.](\d{1,4})$/.exec(token);
  if (!m) return false;
  const date = (y: string, month: string, day: string) => y.length === 4 && /^(19|20)/.test(y) && day.length <= 2 && Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31;
  return date(m[1]!, m[2]!, m[3]!) || date(m[3]!, m[2]!, m[1]!);
}

/** One thing in a remittance text that may be an invoice number or payment reference, in its normal forms. */
export interface TextToken {
  compact: string;
  digits: string;
  groups: string | null;
  /** The letters before the first digit (`F`, `INV`, `FACT`), '' for none. */
  letters: string;
  /** Digit groups separated by spaces, joined: how the number was separated is not known. */
  spaced?: boolean;
}

const leadingLetters = (compact: string): string => /^[A-Z]*/.exec(compact)?.[0] ?? '';

function token(text: string, compact = compactKey(text)): TextToken {
  return { compact, digits: digitsKey(text), groups: groupsKey(text), letters: leadingLetters(compact) };
}

/**
 * The tokens of a remittance text that contain digits: every word of letters and digits joined by
 * - / . _ : + * (dates left out), every run of digit groups separated by spaces (references printed
 * in groups of four, `2025 001430`), and RF references printed in groups (`RF18 5390 0754 7034`).
 */
export function textTokens(text: string): TextToken[] {
  const out: TextToken[] = [];
  const upper = text.toUpperCase();
  for (const m of upper.matchAll(/[A-Z0-9]+(?:[-/._:+*][A-Z0-9]+)*/g)) {
    if (isDateToken(m[0]) || !/\d/.test(m[0])) continue;
    out.push(token(m[0]));
  }
  // NOTE: whole digit groups only: "F2025 002314" gives 2025002314, never a cut 202500231; and every
  // stretch of a run, since "2025 30179 2026/62934" holds 2025 30179.
  for (const m of upper.matchAll(/(?<![0-9])\d{2,6}(?:\s+\d{2,6}){1,5}(?![0-9])/g)) {
    const groups = m[0].split(/\s+/);
    for (let from = 0; from < groups.length - 1; from++) {
      for (let to = from + 2; to <= groups.length; to++) {
        const part = groups.slice(from, to);
        const joined = part.join('');
        if (joined.length >= 7) out.push({ ...token(part.join(' '), joined), letters: '', spaced: true });
      }
    }
  }
  for (const m of upper.matchAll(/(?<![A-Z0-9])RF\d{2}(?:\s+[A-Z0-9]{1,4})+(?![A-Z0-9])/g)) out.push(token(m[0]));
  return out;
}

/**
 * Keys under which a remittance text may name an invoice number or payment reference, whatever
 * the prefix, separators or leading zeros: every token compact and as digits only, its numeric
 * groups, and the number after a leading word (`FACTUUR2026001`).
 */
export function textKeys(text: string): { compact: Set<string>; digits: Set<string>; groups: Set<string> } {
  const compact = new Set<string>();
  const digits = new Set<string>();
  const groups = new Set<string>();
  for (const t of textTokens(text)) {
    if (t.compact.length >= 4) compact.add(t.compact);
    if (t.digits.length >= 5) digits.add(t.digits);
    if (t.groups) groups.add(t.groups);
    // NOTE: "FACTUUR2026001" style: also the part after a leading word.
    const tail = /^[A-Z]+(\d[A-Z0-9]*)$/.exec(t.compact);
    if (tail?.[1] && tail[1].length >= 4) compact.add(tail[1]);
  }
  return { compact, digits, groups };
}

/**
 * How strongly a token names an invoice: 4 its payment reference, 3 its number (separators and case
 * aside), 2 the same digits, 1 the same numeric groups (leading zeros aside), each of 2 and 1 only
 * where the letters agree (none written, or one a prefix of the other: `FACT` for `F`); 0 the same
 * digits or groups under other letters (`CN2025-0042` for `2025.0042`). null: it does not name it.
 */
export type Strength = 0 | 1 | 2 | 3 | 4;

interface InvoiceKeys {
  reference: string | null;
  compact: string;
  letters: string;
  digits: string;
  groups: string | null;
}

function invoiceKeys(inv: CandidateInvoice): InvoiceKeys {
  const compact = compactKey(inv.number);
  return { reference: inv.paymentReference ? compactKey(inv.paymentReference) : null, compact, letters: leadingLetters(compact), digits: digitsKey(inv.number), groups: groupsKey(inv.number) };
}

function strengthOf(t: TextToken, k: InvoiceKeys): Strength | null {
  if (k.reference !== null && t.compact === k.reference) return 4;
  // NOTE: "INV 2026 26205" is as much 2026.26205 as INV/2026/26205: digits, not the number as written.
  if (t.compact === k.compact) return t.spaced ? 2 : 3;
  const agree = t.letters === '' || (k.letters !== '' && (t.letters.startsWith(k.letters) || k.letters.startsWith(t.letters)));
  if (t.digits.length >= 5 && t.digits === k.digits) return agree ? 2 : 0;
  if (t.groups !== null && t.groups === k.groups) return agree ? 1 : 0;
  const tail = /^[A-Z]+(\d[A-Z0-9]*)$/.exec(t.compact)?.[1];
  return tail !== undefined && tail === k.compact ? 0 : null;
}

export function tokenStrength(t: TextToken, inv: CandidateInvoice): Strength | null {
  return strengthOf(t, invoiceKeys(inv));
}

/**
 * The invoices a payment names, with how strongly. Each token names only the invoices it matches
 * best: `INV-2025-00008` names INV/2025/00008, not also F2025-000008 and 2025.0008 that share its
 * numeric groups.
 */
export function namedInvoices(tx: Pick<MatchTransaction, 'structuredReference' | 'text'>, candidates: readonly CandidateInvoice[]): Map<string, Strength> {
  const named = new Map<string, Strength>();
  const tokens = textTokens(`${tx.structuredReference ?? ''} ${tx.text}`);
  if (tokens.length === 0) return named;
  // Only what the text's keys found (not a known payer's other invoices, nor those of its amount).
  const found = candidates.filter((c) => c.foundBy.has('reference') || c.foundBy.has('number') || c.foundBy.has('groups') || c.foundBy.has('digits'));
  const keys = found.map(invoiceKeys);
  for (const t of tokens) {
    let best = -1;
    let hits: string[] = [];
    found.forEach((c, i) => {
      const s = strengthOf(t, keys[i]!);
      if (s === null || s < best) return;
      if (s > best) {
        best = s;
        hits = [];
      }
      hits.push(c.invoiceId);
    });
    for (const id of hits) named.set(id, Math.max(named.get(id) ?? 0, best) as Strength);
  }
  return named;
}

/** Whether some token is one typing error away from the invoice's number (compact, digits or groups). */
export function typoOf(tokens: readonly TextToken[], inv: CandidateInvoice): boolean {
  const k = invoiceKeys(inv);
  if (k.compact.length < EDIT_DISTANCE_MIN_LENGTH) return false;
  return tokens.some(
    (t) =>
      (t.compact.length >= EDIT_DISTANCE_MIN_LENGTH && withinOneEdit(t.compact, k.compact)) ||
      (t.digits.length >= EDIT_DISTANCE_MIN_LENGTH && withinOneEdit(t.digits, k.digits)) ||
      (t.groups !== null && k.groups !== null && t.groups.split('-').length === k.groups.split('-').length && withinOneEdit(t.groups, k.groups)),
  );
}

/** Damerau–Levenshtein distance, but only asking whether it is at most one. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1); // deletion / insertion
}

/** Orders a debtor's open invoices by the organisation's allocation rule. */
export function orderByRule(invoices: readonly CandidateInvoice[], rule: AllocationRule, today: string): CandidateInvoice[] {
  const byAge = (a: CandidateInvoice, b: CandidateInvoice) => a.issueDate.localeCompare(b.issueDate) || a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number);
  const list = [...invoices];
  switch (rule) {
    case 'oldest_first':
      return list.sort(byAge);
    case 'overdue_first':
      return list.sort((a, b) => Number(b.dueDate < today) - Number(a.dueDate < today) || a.dueDate.localeCompare(b.dueDate) || byAge(a, b));
    case 'largest_first':
      return list.sort((a, b) => (a.openAmount === b.openAmount ? byAge(a, b) : a.openAmount > b.openAmount ? -1 : 1));
    case 'smallest_first':
      return list.sort((a, b) => (a.openAmount === b.openAmount ? byAge(a, b) : a.openAmount < b.openAmount ? -1 : 1));
  }
}

/** Spreads an amount over invoices in the given order; what is left goes on the debtor's account. */
export function spread(amount: bigint, ordered: readonly CandidateInvoice[]): AllocationLine[] {
  const lines: AllocationLine[] = [];
  let left = amount;
  for (const inv of ordered) {
    if (left <= 0n) break;
    const take = inv.openAmount < left ? inv.openAmount : left;
    if (take > 0n) lines.push({ invoiceId: inv.invoiceId, amount: take });
    left -= take;
  }
  if (left > 0n) lines.push({ invoiceId: null, amount: left });
  return lines;
}

/**
 * Splits what is paid on one invoice over its parts: first the costs, then the interest, then the
 * principal. NOTE: art. 6:44 BW (Dutch Civil Code): a payment goes first to costs, then to interest,
 * then to the principal and the interest running.
 */
export function splitOverComponents(amount: bigint, open: { costs: bigint; interest: bigint }): { component: 'costs' | 'interest' | 'principal'; amount: bigint }[] {
  const out: { component: 'costs' | 'interest' | 'principal'; amount: bigint }[] = [];
  let left = amount;
  for (const [component, available] of [['costs', open.costs], ['interest', open.interest]] as const) {
    if (left <= 0n || available <= 0n) continue;
    const take = available < left ? available : left;
    out.push({ component, amount: take });
    left -= take;
  }
  if (left > 0n) out.push({ component: 'principal', amount: left });
  return out;
}

/** Above this many open invoices a combination is not looked for: too many sums, none of them telling. */
const COMBINATION_MAX_INVOICES = 400;
/** Triples are searched up to this many invoices, quadruples up to the second. */
const TRIPLES_MAX_INVOICES = 400;
const QUADRUPLES_MAX_INVOICES = 40;

/**
 * Finds the one combination of 2–4 invoices whose open amounts add up to exactly the amount, over all
 * the invoices given (not only the first few): 'ambiguous' when there are several, or when there are
 * too many invoices to tell (pairs and triples over up to 400, quadruples over up to 40).
 */
export function uniqueCombination(amount: bigint, invoices: readonly CandidateInvoice[], maxSize = 4): CandidateInvoice[] | null | 'ambiguous' {
  const list = invoices.filter((i) => i.openAmount > 0n && i.openAmount < amount);
  const n = list.length;
  if (n < 2) return null;
  if (n > COMBINATION_MAX_INVOICES) return 'ambiguous';
  // NOTE: cents as numbers for speed: exact below 2^53 (90 trillion euros).
  const target = Number(amount);
  const values = list.map((i) => Number(i.openAmount));
  const at = new Map<number, number[]>();
  values.forEach((v, i) => {
    const slot = at.get(v);
    if (slot) slot.push(i);
    else at.set(v, [i]);
  });
  const result: { found: number[] | null } = { found: null };
  let count = 0;
  const after = (need: number, from: number, picked: number[]): void => {
    for (const k of at.get(need) ?? []) {
      if (k <= from) continue;
      count++;
      result.found = [...picked, k];
      if (count > 1) return;
    }
  };
  for (let i = 0; i < n && count < 2; i++) after(target - values[i]!, i, [i]);
  if (maxSize >= 3 && n <= TRIPLES_MAX_INVOICES) {
    for (let i = 0; i < n && count < 2; i++) {
      for (let j = i + 1; j < n && count < 2; j++) {
        const need = target - values[i]! - values[j]!;
        if (need > 0) after(need, j, [i, j]);
      }
    }
  }
  if (maxSize >= 4 && n <= QUADRUPLES_MAX_INVOICES) {
    for (let i = 0; i < n && count < 2; i++) {
      for (let j = i + 1; j < n && count < 2; j++) {
        for (let k = j + 1; k < n && count < 2; k++) {
          const need = target - values[i]! - values[j]! - values[k]!;
          if (need > 0) after(need, k, [i, j, k]);
        }
      }
    }
  }
  if (count > 1) return 'ambiguous';
  return result.found === null ? null : result.found.map((i) => list[i]!);
}

function nameSimilarity(a: string | null, b: string): number {
  if (!a) return 0;
  const words = (s: string) => new Set(s.toUpperCase().replace(/\b(B\.?V\.?|N\.?V\.?|BVBA|VOF|SA|SRL|DE|HET|THE|EN|AND)\b/g, ' ').split(/[^A-Z0-9]+/).filter((w) => w.length >= 2));
  const wa = words(a);
  const wb = words(b);
  if (wa.size === 0 || wb.size === 0) return 0;
  let common = 0;
  for (const w of wa) if (wb.has(w)) common++;
  return common / Math.min(wa.size, wb.size);
}

const sum = (xs: readonly CandidateInvoice[]) => xs.reduce((s, i) => s + i.openAmount, 0n);

function suggestion(debtorId: string, invoices: readonly CandidateInvoice[], amount: bigint, score: number, why: string): Suggestion {
  return { debtorId, invoiceIds: invoices.map((i) => i.invoiceId), amount, score: Math.round(score * 1000) / 1000, why };
}

const RULE_BY_STRENGTH: Readonly<Record<Strength, string>> = { 4: 'reference', 3: 'invoice_number', 2: 'invoice_number_digits', 1: 'invoice_number_groups', 0: 'invoice_number_loose' };
/** Confidence of a document named with this strength and paid exactly, short, or over. */
const CONFIDENCE: Readonly<Record<Strength, { exact: number; short: number; over: number }>> = {
  4: { exact: 0.99, short: 0.96, over: 0.95 },
  3: { exact: 0.97, short: 0.92, over: 0.92 },
  2: { exact: 0.96, short: 0.91, over: 0.9 },
  1: { exact: 0.94, short: 0.91, over: 0.9 },
  0: { exact: 0.92, short: 0.8, over: 0.8 },
};

/** Decides what a credit pays. `candidates` are the open invoices found for it, in its currency. */
export function decideMatch(tx: MatchTransaction, candidates: readonly CandidateInvoice[], options: MatchOptions): MatchDecision {
  const amount = tx.amount;
  const inCurrency = candidates.filter((c) => c.currency === tx.currency && c.openAmount > 0n);
  const known = new Set(options.ibanDebtors);
  const book = (debtorId: string, rule: string, confidence: number, lines: AllocationLine[], note: string | null, suggestions: Suggestion[] = []): MatchDecision =>
    confidence >= options.threshold
      ? {
          kind: 'book', debtorId, rule, confidence, lines, suggestions,
          // NOTE: a third party paying on a debtor's behalf is booked on the debtor, but its IBAN is
          // not learned as the debtor's: it belongs to someone else we know, or says nothing about the debtor.
          note: known.size > 0 && !known.has(debtorId) ? [note, 'paid by a third party'].filter(Boolean).join('; ') : note,
          learnIban: tx.counterpartyAccount !== null && known.size === 0,
        }
      : { kind: 'review', reason: `${rule} below the threshold (${confidence.toFixed(2)})`, confidence, suggestions: suggestions.length ? suggestions : [suggestion(debtorId, lines.filter((l) => l.invoiceId).map((l) => inCurrency.find((c) => c.invoiceId === l.invoiceId)!), amount, confidence, rule)] };

  // 1. Documents named in the payment: references and invoice numbers, each token naming only what
  // it matches best.
  const named = namedInvoices(tx, inCurrency);
  const hits = inCurrency.filter((c) => named.has(c.invoiceId));
  let namedReview: MatchDecision | null = null;
  if (hits.length > 0) {
    const decided = decideNamed(tx, hits, named, known, inCurrency, options, book);
    if (decided.kind === 'book') return decided;
    namedReview = decided;
  }

  // 2. A payer we know by IBAN.
  const tokens = textTokens(`${tx.structuredReference ?? ''} ${tx.text}`);
  if (known.size === 1) {
    const debtorId = [...known][0]!;
    const open = inCurrency.filter((c) => c.debtorId === debtorId);
    const equal = orderByRule(open.filter((c) => c.openAmount === amount), options.rule, options.today);
    // A number with one typo, where amount and payer agree.
    const typo = tokens.length > 0 ? equal.filter((c) => !named.has(c.invoiceId) && typoOf(tokens, c)) : [];
    if (typo.length === 1) return book(debtorId, 'invoice_number_typo', 0.95, [{ invoiceId: typo[0]!.invoiceId, amount }], null);
    // NOTE: the payment names invoices its amount does not fit; guessing from the amount alone would
    // overrule what the payer wrote.
    if (namedReview) return namedReview;
    if (equal.length === 1) return book(debtorId, 'iban_amount', 0.95, [{ invoiceId: equal[0]!.invoiceId, amount }], null);
    if (equal.length > 1) return book(debtorId, 'iban_amount_oldest', 0.9, [{ invoiceId: equal[0]!.invoiceId, amount }], `${equal.length} open invoices of this amount; allocated by rule`);
    const combo = uniqueCombination(amount, open);
    if (Array.isArray(combo)) return book(debtorId, 'iban_combination', 0.93, orderByRule(combo, options.rule, options.today).map((c) => ({ invoiceId: c.invoiceId, amount: c.openAmount })), null);
    if (open.length === 0) return book(debtorId, 'iban_on_account', 0.9, [{ invoiceId: null, amount }], 'a known payer with nothing open: kept as a credit');
    // NOTE: an amount that fits no invoice or combination, spread by the rule: a guess, so below the
    // default threshold (0.9); an organisation that wants it booked lowers its threshold.
    return book(debtorId, `iban_${options.rule}`, 0.85, spread(amount, orderByRule(open, options.rule, options.today)), amount < sum(open) ? 'partly paid, allocated by rule' : 'more than open: the rest kept as a credit');
  }
  if (namedReview) return namedReview;
  if (known.size > 1) {
    return { kind: 'review', reason: 'this IBAN pays for several debtors', confidence: 0.4, suggestions: inCurrency.filter((c) => c.openAmount === amount).slice(0, 10).map((c) => suggestion(c.debtorId, [c], amount, 0.6, 'IBAN and amount')) };
  }

  // 3. An unknown payer: only the amount and the name to go by.
  const sameAmount = inCurrency.filter((c) => c.openAmount === amount);
  const ranked = sameAmount
    .map((c) => ({ c, similarity: nameSimilarity(tx.counterpartyName, c.debtorName) }))
    .sort((a, b) => b.similarity - a.similarity || a.c.dueDate.localeCompare(b.c.dueDate));
  const suggestions = ranked.slice(0, 10).map(({ c, similarity }) => suggestion(c.debtorId, [c], amount, 0.4 + 0.45 * similarity, similarity > 0 ? 'amount and payer name' : 'amount'));
  const best = ranked[0];
  if (best && best.similarity >= 0.99 && ranked.filter((r) => r.similarity >= 0.5).length === 1) {
    // NOTE: a name and an amount are weak together: among many debtors, a "J. de Vries" paying back a
    // loan can owe nothing while Transport de Vries has an invoice of that amount open. Suggested at
    // the top of the review, booked only where the organisation's threshold is 0.85 or lower.
    return book(best.c.debtorId, 'name_amount', 0.85, [{ invoiceId: best.c.invoiceId, amount }], null, suggestions);
  }
  return { kind: 'review', reason: sameAmount.length ? 'no reference or known payer; candidates by amount' : 'no invoice, reference or known payer found', confidence: suggestions[0]?.score ?? 0, suggestions };
}

type Book = (debtorId: string, rule: string, confidence: number, lines: AllocationLine[], note: string | null, suggestions?: Suggestion[]) => MatchDecision;

/**
 * What the named invoices say: paid exactly (all of them, exactly one of them, or exactly a unique
 * combination of them), or short or over. A review decision when they do not settle it, so that the
 * payer's IBAN may still find a typo; never a guess.
 */
function decideNamed(
  tx: MatchTransaction, hits: readonly CandidateInvoice[], named: ReadonlyMap<string, Strength>, known: ReadonlySet<string>, all: readonly CandidateInvoice[], options: MatchOptions, book: Book,
): MatchDecision {
  const amount = tx.amount;
  const strength = (c: CandidateInvoice): Strength => named.get(c.invoiceId) ?? 0;
  const weakest = (xs: readonly CandidateInvoice[]): Strength => Math.min(...xs.map(strength)) as Strength;
  const top = Math.max(...hits.map(strength)) as Strength;
  const debtors = new Set(hits.map((h) => h.debtorId));
  const agrees = (xs: readonly CandidateInvoice[]) => xs.every((x) => known.has(x.debtorId));
  const bonus = (xs: readonly CandidateInvoice[]) => (agrees(xs) ? 0.02 : 0);
  const ordered = orderByRule(hits, options.rule, options.today);
  const sugg = [suggestion(hits[0]!.debtorId, ordered, amount, CONFIDENCE[top].exact, `${RULE_BY_STRENGTH[top]}: ${ordered.map((h) => h.number).join(', ')}`)];
  const review = (reason: string, confidence = 0.5): MatchDecision => ({ kind: 'review', reason, confidence, suggestions: sugg });

  // a. All of them, exactly.
  const total = sum(hits);
  if (amount === total) {
    const rule = `${RULE_BY_STRENGTH[weakest(hits)]}${hits.length > 1 ? '_multi' : ''}`;
    if (debtors.size > 1) return book(hits[0]!.debtorId, `${RULE_BY_STRENGTH[weakest(hits)]}_multi_debtor`, 0.88 + bonus(hits), spread(amount, ordered), 'one payment for invoices of several debtors', sugg);
    return book(hits[0]!.debtorId, rule, Math.min(0.999, CONFIDENCE[weakest(hits)].exact + bonus(hits)), spread(amount, ordered), null, sugg);
  }
  // b. Exactly one of them (the others named by a stray number: an order, a date, another series).
  const equal = hits.filter((c) => c.openAmount === amount);
  if (equal.length > 0) {
    const best = Math.max(...equal.map(strength)) as Strength;
    const strongest = equal.filter((c) => strength(c) === best);
    if (strongest.length === 1 && best === top) {
      const c = strongest[0]!;
      return book(c.debtorId, RULE_BY_STRENGTH[best], Math.min(0.999, CONFIDENCE[best].exact + bonus([c])), [{ invoiceId: c.invoiceId, amount }], null, sugg);
    }
    return review('the payment names several invoices of its amount');
  }
  // c. Exactly a unique combination of them, of one debtor.
  if (hits.length > 2) {
    const combo = uniqueCombination(amount, ordered);
    if (Array.isArray(combo) && new Set(combo.map((c) => c.debtorId)).size === 1) {
      return book(combo[0]!.debtorId, `${RULE_BY_STRENGTH[weakest(combo)]}_multi`, Math.min(0.999, CONFIDENCE[weakest(combo)].exact - 0.02 + bonus(combo)), combo.map((c) => ({ invoiceId: c.invoiceId, amount: c.openAmount })), null, sugg);
    }
  }
  // d. Short or over: what the payment names, of one debtor, when that is firm enough: a reference;
  // or a number the payer's known IBAN agrees with; or, from an unknown account in the debtor's name,
  // a number with letters as written (F2026-004211), paid at least half when short. Not a bare
  // 2026.4211: a club's "bestelling 2026/4211" or a supplier's credit note carries one just as well.
  const firm = hits.filter((c) => strength(c) === top);
  const firmDebtors = new Set(firm.map((c) => c.debtorId));
  if (firmDebtors.size > 1) return review('the payment names invoices of several debtors');
  // NOTE: other invoices named more loosely may be what the rest of the money is for (`F2026-002550,
  // F2025.1357`): not short or over, but for a person to sort out.
  if (firm.length < hits.length) return review('the payment names invoices its amount does not fit');
  const firmTotal = sum(firm);
  const short = amount < firmTotal;
  const payerAgrees = agrees(firm);
  const lettered = firm.every((c) => /^[A-Za-z]/.test(c.number));
  const payerNamed = firm.every((c) => nameSimilarity(tx.counterpartyName, c.debtorName) >= 0.5);
  const allowed = top === 4 || (payerAgrees && top >= 1) || (known.size === 0 && payerNamed && top === 3 && lettered && (!short || amount * 2n >= firmTotal));
  if (!allowed) return review(short ? 'paid less than the invoices named, and the payer is not known for them' : 'paid more than the invoices named, and the payer is not known for them');
  // NOTE: the payer has another invoice open of exactly this amount: a mistyped number rather than a
  // short payment; the IBAN step looks for the typo, and otherwise it is for a person to decide.
  if (all.some((c) => c.openAmount === amount && known.has(c.debtorId) && !named.has(c.invoiceId))) return review('the payment names one invoice and pays exactly another of the payer\'s');
  const debtorId = firm[0]!.debtorId;
  const multi = firm.length > 1 ? '_multi' : '';
  const firmOrdered = orderByRule(firm, options.rule, options.today);
  const rule = RULE_BY_STRENGTH[top];
  if (short) {
    const note = firm.length === 1 ? `short payment: ${tx.text.slice(0, 200)}` : `partly paid, allocated ${options.rule.replace('_', ' ')}`;
    return book(debtorId, `${rule}${multi}_short`, Math.min(0.999, CONFIDENCE[top].short + bonus(firm)), spread(amount, firmOrdered), note, sugg);
  }
  return book(debtorId, `${rule}${multi}_over`, Math.min(0.999, CONFIDENCE[top].over + bonus(firm)), spread(amount, firmOrdered), 'overpayment kept as a credit on the debtor', sugg);
}
