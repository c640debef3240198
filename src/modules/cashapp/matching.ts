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

/**
 * Keys under which a remittance text may name an invoice number or payment reference, whatever
 * the prefix, separators or leading zeros: every token (letters and digits joined by - / . _), every
 * run of digit groups separated by spaces (references printed in groups of four), compact and as
 * digits only.
 */
export function textKeys(text: string): { compact: Set<string>; digits: Set<string>; groups: Set<string> } {
  const compact = new Set<string>();
  const digits = new Set<string>();
  const groups = new Set<string>();
  const upper = text.toUpperCase();
  for (const m of upper.matchAll(/[A-Z0-9]+(?:[-/._:+*][A-Z0-9]+)*/g)) {
    const token = m[0];
    const c = compactKey(token);
    if (c.length >= 4 && /\d/.test(c)) compact.add(c);
    const d = digitsKey(token);
    if (d.length >= 5) digits.add(d);
    const g = groupsKey(token);
    if (g) groups.add(g);
    // NOTE: "FACTUUR2026001" style: also the part after a leading word.
    const tail = /^[A-Z]+(\d[A-Z0-9]*)$/.exec(c);
    if (tail?.[1] && tail[1].length >= 4) compact.add(tail[1]);
  }
  // Digit groups separated by spaces: "5000 0567 8901 2345", "+++123/4567/89002+++" already a token.
  for (const m of upper.matchAll(/\d{2,5}(?:\s+\d{2,5}){1,5}/g)) {
    const joined = m[0].replace(/\s+/g, '');
    if (joined.length >= 7) {
      compact.add(joined);
      digits.add(joined.replace(/^0+/, ''));
    }
  }
  return { compact, digits, groups };
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

/** Finds the one combination of 2–4 invoices whose open amounts add up to exactly the amount. */
export function uniqueCombination(amount: bigint, invoices: readonly CandidateInvoice[], maxSize = 4): CandidateInvoice[] | null | 'ambiguous' {
  const list = invoices.filter((i) => i.openAmount > 0n && i.openAmount < amount).slice(0, 25);
  let found: CandidateInvoice[] | null = null;
  const pick: CandidateInvoice[] = [];
  let count = 0;
  const walk = (start: number, sum: bigint): void => {
    if (count > 1) return;
    if (sum === amount && pick.length >= 2) {
      count++;
      found = [...pick];
      return;
    }
    if (pick.length === maxSize || sum >= amount) return;
    for (let i = start; i < list.length; i++) {
      pick.push(list[i]!);
      walk(i + 1, sum + list[i]!.openAmount);
      pick.pop();
      if (count > 1) return;
    }
  };
  walk(0, 0n);
  if (count > 1) return 'ambiguous';
  return found;
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

/** Decides what a credit pays. `candidates` are the open invoices found for it, in its currency. */
export function decideMatch(tx: MatchTransaction, candidates: readonly CandidateInvoice[], options: MatchOptions): MatchDecision {
  const amount = tx.amount;
  const inCurrency = candidates.filter((c) => c.currency === tx.currency && c.openAmount > 0n);
  const byReference = inCurrency.filter((c) => c.foundBy.has('reference'));
  const byNumber = inCurrency.filter((c) => c.foundBy.has('number') || c.foundBy.has('groups'));
  const byDigits = inCurrency.filter((c) => c.foundBy.has('digits') && !c.foundBy.has('number') && !c.foundBy.has('groups'));
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

  // 1. Documents named in the payment: structured references first, then invoice numbers.
  for (const [hits, rule, exact, short, over] of [
    [byReference, 'reference', 0.99, 0.96, 0.95],
    [byNumber, 'invoice_number', 0.97, 0.92, 0.92],
    // NOTE: the number's digits alone, without its prefix: strong when long, weak when short.
    [byDigits, 'invoice_number_digits', 0.96, 0.91, 0.9],
  ] as const) {
    if (hits.length === 0) continue;
    const debtors = new Set(hits.map((h) => h.debtorId));
    const payerAgrees = [...debtors].every((d) => known.has(d));
    const bonus = payerAgrees ? 0.02 : 0;
    const total = sum(hits);
    const ordered = orderByRule(hits, options.rule, options.today);
    const sugg = [suggestion(hits[0]!.debtorId, ordered, amount, exact, `${rule}: ${hits.map((h) => h.number).join(', ')}`)];
    if (debtors.size > 1) {
      if (amount === total) return book(hits[0]!.debtorId, `${rule}_multi_debtor`, 0.88 + bonus, spread(amount, ordered), 'one payment for invoices of several debtors', sugg);
      return { kind: 'review', reason: 'the payment names invoices of several debtors', confidence: 0.5, suggestions: sugg };
    }
    const debtorId = hits[0]!.debtorId;
    const multi = hits.length > 1 ? '_multi' : '';
    if (amount === total) return book(debtorId, `${rule}${multi}`, Math.min(0.999, exact + bonus), spread(amount, ordered), null, sugg);
    if (amount < total) {
      const note = hits.length === 1 ? `short payment: ${tx.text.slice(0, 200)}` : `partly paid, allocated ${options.rule.replace('_', ' ')}`;
      return book(debtorId, `${rule}${multi}_short`, Math.min(0.999, short + bonus), spread(amount, ordered), note, sugg);
    }
    return book(debtorId, `${rule}${multi}_over`, Math.min(0.999, over + bonus), spread(amount, ordered), 'overpayment kept as a credit on the debtor', sugg);
  }

  // 2. A payer we know by IBAN.
  if (known.size === 1) {
    const debtorId = [...known][0]!;
    const open = inCurrency.filter((c) => c.debtorId === debtorId);
    const ordered = orderByRule(open, options.rule, options.today);
    const equal = ordered.filter((c) => c.openAmount === amount);
    // A number with one typo, where amount and payer agree.
    const keys = textKeys(tx.text);
    const typo = equal.filter((c) => {
      const n = compactKey(c.number);
      if (n.length < EDIT_DISTANCE_MIN_LENGTH) return false;
      for (const k of keys.compact) if (k.length >= EDIT_DISTANCE_MIN_LENGTH && withinOneEdit(k, n)) return true;
      return false;
    });
    if (typo.length === 1) return book(debtorId, 'invoice_number_typo', 0.95, [{ invoiceId: typo[0]!.invoiceId, amount }], null);
    if (equal.length === 1) return book(debtorId, 'iban_amount', 0.95, [{ invoiceId: equal[0]!.invoiceId, amount }], null);
    if (equal.length > 1) return book(debtorId, 'iban_amount_oldest', 0.9, [{ invoiceId: equal[0]!.invoiceId, amount }], `${equal.length} open invoices of this amount; allocated by rule`);
    const combo = uniqueCombination(amount, ordered);
    if (Array.isArray(combo)) return book(debtorId, 'iban_combination', 0.93, combo.map((c) => ({ invoiceId: c.invoiceId, amount: c.openAmount })), null);
    if (open.length === 0) return book(debtorId, 'iban_on_account', 0.9, [{ invoiceId: null, amount }], 'a known payer with nothing open: kept as a credit');
    return book(debtorId, `iban_${options.rule}`, 0.9, spread(amount, ordered), amount < sum(open) ? 'partly paid, allocated by rule' : 'more than open: the rest kept as a credit');
  }
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
    return book(best.c.debtorId, 'name_amount', 0.9, [{ invoiceId: best.c.invoiceId, amount }], null, suggestions);
  }
  return { kind: 'review', reason: sameAmount.length ? 'no reference or known payer; candidates by amount' : 'no invoice, reference or known payer found', confidence: suggestions[0]?.score ?? 0, suggestions };
}
