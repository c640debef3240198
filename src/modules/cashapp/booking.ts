import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Insertable } from 'kysely';
import type { AllocationTable, LedgerEntryTable, Organisation, TransactionReviewTable } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { validateIban } from '../../core/iban.ts';
import { decideMatch, splitOverComponents, textKeys, type AllocationLine, type CandidateInvoice, type FoundBy, type MatchDecision, type Suggestion } from './matching.ts';

// Matching a set of bank credits against the open invoices, set-based: one query finds every
// candidate (by reference, number, known IBAN and amount), the scorer decides in memory, and the
// bookings are written in bulk: allocations, ledger entries split over costs/interest/principal,
// learned IBANs and the review queue.

export interface CreditToMatch {
  transactionId: string;
  bookingDate: string;
  amount: bigint;
  currency: string;
  counterpartyAccount: string | null;
  counterpartyName: string | null;
  structuredReference: string | null;
  text: string;
}

export interface MatchOutcome {
  booked: number;
  bookedAmount: bigint;
  review: number;
  allocations: number;
}

interface CandidateRow {
  invoice_id: string;
  number: string;
  debtor_id: string;
  debtor_name: string;
  payment_reference: string | null;
  open_amount: bigint;
  currency: string;
  issue_date: string;
  due_date: string;
}

interface HitRow extends CandidateRow {
  idx: number;
  found: FoundBy[];
}

const CHUNK = 2000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/**
 * The invoices every credit names, in one set-based query: by reference and by number in its
 * spellings; and, for a credit that names none and comes from an account we do not know, up to 20
 * of the same amount (for the review's suggestions). The open invoices of known payers come from
 * `debtorInvoices`, once per debtor rather than once per credit.
 */
async function findCandidates(trx: Trx, orgId: string, credits: readonly CreditToMatch[], knownIbans: ReadonlySet<string>): Promise<Map<number, HitRow[]>> {
  const keyIdx: number[] = [];
  const keyKind: string[] = [];
  const keyValue: string[] = [];
  credits.forEach((c, idx) => {
    const keys = textKeys(`${c.structuredReference ?? ''} ${c.text}`);
    const add = (kind: string, key: string) => {
      keyIdx.push(idx);
      keyKind.push(kind);
      keyValue.push(key);
    };
    for (const k of keys.compact) add('compact', k);
    for (const k of keys.digits) add('digits', k);
    for (const k of keys.groups) add('groups', k);
  });
  // NOTE: JIT compiling this query costs more than it saves at any size.
  await sql`SET LOCAL jit = off`.execute(trx);
  await sql`CREATE TEMP TABLE match_key ON COMMIT DROP AS SELECT * FROM unnest(${keyIdx}::int4[], ${keyKind}::text[], ${keyValue}::text[]) AS k(idx, kind, key)`.execute(trx);
  const unknownPayer = credits.map((c) => c.counterpartyAccount === null || !knownIbans.has(c.counterpartyAccount));
  await sql`CREATE TEMP TABLE match_tx ON COMMIT DROP AS SELECT * FROM unnest(${credits.map((_, i) => i)}::int4[], ${unknownPayer}::bool[], ${credits.map((c) => c.amount.toString())}::int8[], ${credits.map((c) => c.currency)}::text[]) AS t(idx, unknown_payer, amount, currency)`.execute(trx);
  await sql`ANALYZE match_key`.execute(trx);
  await sql`ANALYZE match_tx`.execute(trx);
  // NOTE: row-level security keeps the planner from using the (org_id, expression) indexes here:
  // the expressions are not leakproof. So each branch computes its key over the organisation's open
  // invoices once and hash-joins the keys; the numeric groups inline (as arflow_number_groups
  // computes them), several times faster than calling that SQL function per invoice.
  const result = await sql<HitRow>`
    WITH text_hits AS (
      SELECT k.idx, i.invoice_id, 'reference' AS found FROM match_key k
        JOIN invoice i ON i.org_id = ${orgId} AND upper(regexp_replace(i.payment_reference, '[^A-Za-z0-9]', '', 'g')) = k.key
        WHERE k.kind = 'compact' AND i.payment_reference IS NOT NULL AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'number' FROM match_key k
        JOIN invoice i ON i.org_id = ${orgId} AND upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = k.key
        WHERE k.kind = 'compact' AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'groups' FROM match_key k
        JOIN invoice i ON i.org_id = ${orgId}
          AND regexp_replace(btrim(regexp_replace(i.number, '[^0-9]+', '-', 'g'), '-'), '(^|-)0+([0-9])', '\\1\\2', 'g') = k.key
        WHERE k.kind = 'groups' AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'digits' FROM match_key k
        JOIN invoice i ON i.org_id = ${orgId} AND ltrim(regexp_replace(i.number, '[^0-9]', '', 'g'), '0') = k.key
        WHERE k.kind = 'digits' AND i.open_amount > 0
    ), hits AS (
      SELECT * FROM text_hits
      UNION ALL
      SELECT t.idx, x.invoice_id, 'amount' FROM match_tx t
        CROSS JOIN LATERAL (
          SELECT i.invoice_id FROM invoice i
          WHERE i.org_id = ${orgId} AND i.open_amount = t.amount AND i.open_amount > 0 AND i.currency = t.currency
          ORDER BY i.due_date LIMIT 20
        ) x
        WHERE t.unknown_payer AND NOT EXISTS (SELECT 1 FROM text_hits th WHERE th.idx = t.idx)
    )
    SELECT h.idx, array_agg(DISTINCT h.found) AS found, i.invoice_id, i.number, i.debtor_id, d.name AS debtor_name, i.payment_reference,
      i.open_amount, i.currency, i.issue_date, i.due_date
    FROM hits h
    JOIN invoice i ON i.org_id = ${orgId} AND i.invoice_id = h.invoice_id
    JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
    GROUP BY h.idx, i.org_id, i.invoice_id, d.name
  `.execute(trx);
  const byTx = new Map<number, HitRow[]>();
  for (const row of result.rows) {
    const list = byTx.get(row.idx);
    if (list) list.push(row);
    else byTx.set(row.idx, [row]);
  }
  return byTx;
}

/** The open invoices of these debtors (the known payers of a statement), by debtor. */
async function debtorInvoices(trx: Trx, orgId: string, debtorIds: readonly string[]): Promise<Map<string, CandidateRow[]>> {
  const byDebtor = new Map<string, CandidateRow[]>(debtorIds.map((d) => [d, []]));
  if (debtorIds.length === 0) return byDebtor;
  const result = await sql<CandidateRow>`
    SELECT i.invoice_id, i.number, i.debtor_id, d.name AS debtor_name, i.payment_reference, i.open_amount, i.currency, i.issue_date, i.due_date
    FROM debtor d
    JOIN invoice i ON i.org_id = d.org_id AND i.debtor_id = d.debtor_id
    WHERE d.org_id = ${orgId} AND d.debtor_id = ANY(${debtorIds}::text[]) AND i.open_amount > 0
  `.execute(trx);
  for (const row of result.rows) byDebtor.get(row.debtor_id)!.push(row);
  return byDebtor;
}

/** Open costs and interest of these invoices (what a payment pays first), by invoice. */
async function openComponents(trx: Trx, orgId: string, invoiceIds: readonly string[]): Promise<Map<string, { costs: bigint; interest: bigint }>> {
  const out = new Map<string, { costs: bigint; interest: bigint }>();
  for (const chunk of chunks([...invoiceIds], 50_000)) {
    const result = await sql<{ invoice_id: string; costs: bigint; interest: bigint }>`
      SELECT e.invoice_id, coalesce(sum(e.amount) FILTER (WHERE e.component = 'costs'), 0)::int8 AS costs,
        coalesce(sum(e.amount) FILTER (WHERE e.component = 'interest'), 0)::int8 AS interest
      FROM ledger_entry e
      WHERE e.org_id = ${orgId} AND e.invoice_id = ANY(${chunk}::text[]) AND e.component <> 'principal'
      GROUP BY e.invoice_id
    `.execute(trx);
    for (const r of result.rows) out.set(r.invoice_id, { costs: r.costs, interest: r.interest });
  }
  return out;
}

/** Matches and books the credits; returns what was booked and what went to review. */
export async function matchCredits(trx: Trx, org: Organisation, credits: readonly CreditToMatch[], context: { actor: string; batchId: string | null; today: string }): Promise<MatchOutcome> {
  const outcome: MatchOutcome = { booked: 0, bookedAmount: 0n, review: 0, allocations: 0 };
  if (credits.length === 0) return outcome;
  const ibans = [...new Set(credits.map((c) => c.counterpartyAccount).filter((x): x is string => x !== null))];
  const ibanRows: { iban: string; debtor_id: string }[] = [];
  for (const chunk of chunks(ibans, 20_000)) ibanRows.push(...(await trx.selectFrom('debtor_bank_account').select(['iban', 'debtor_id']).where('iban', 'in', chunk).execute()));
  const debtorsByIban = new Map<string, string[]>();
  for (const r of ibanRows) debtorsByIban.set(r.iban, [...(debtorsByIban.get(r.iban) ?? []), r.debtor_id]);
  const candidates = await findCandidates(trx, org.org_id, credits, new Set(debtorsByIban.keys()));
  // The known payers' open invoices; and those of the debtors named by a new account that pays more
  // than once in this statement (learned on its first payment, needed for the next).
  const uses = new Map<string, number>();
  for (const c of credits) if (c.counterpartyAccount) uses.set(c.counterpartyAccount, (uses.get(c.counterpartyAccount) ?? 0) + 1);
  const prefetch = new Set(ibanRows.map((r) => r.debtor_id));
  credits.forEach((c, idx) => {
    if (c.counterpartyAccount && !debtorsByIban.has(c.counterpartyAccount) && (uses.get(c.counterpartyAccount) ?? 0) > 1) {
      for (const h of candidates.get(idx) ?? []) if (h.found.some((f) => f !== 'amount')) prefetch.add(h.debtor_id);
    }
  });
  const byDebtor = await debtorInvoices(trx, org.org_id, [...prefetch]);

  // Open amounts change as the batch books: one shared state per invoice.
  const open = new Map<string, { amount: bigint }>();
  const stateOf = (r: CandidateRow) => {
    let state = open.get(r.invoice_id);
    if (!state) {
      state = { amount: r.open_amount };
      open.set(r.invoice_id, state);
    }
    return state;
  };
  const candidate = (r: CandidateRow, foundBy: ReadonlySet<FoundBy>): CandidateInvoice => ({
    invoiceId: r.invoice_id, number: r.number, debtorId: r.debtor_id, debtorName: r.debtor_name, paymentReference: r.payment_reference,
    // NOTE: costs and interest do not change the decision; they are read for the invoices booked, below.
    openAmount: stateOf(r).amount, openCosts: 0n, openInterest: 0n, currency: r.currency, issueDate: r.issue_date, dueDate: r.due_date, foundBy,
  });
  const byIban = new Set<FoundBy>(['iban']);
  const threshold = Number(org.match_threshold);
  const order = credits.map((_, i) => i).sort((a, b) => credits[a]!.bookingDate.localeCompare(credits[b]!.bookingDate) || a - b);

  const allocations: Insertable<AllocationTable>[] = [];
  const booked: { line: AllocationLine; allocationId: string; credit: CreditToMatch; rule: string }[] = [];
  const reviews: Insertable<TransactionReviewTable>[] = [];
  const learned = new Map<string, { debtorId: string; iban: string; holder: string | null }>();

  for (const idx of order) {
    const credit = credits[idx]!;
    const ibanDebtors = credit.counterpartyAccount ? (debtorsByIban.get(credit.counterpartyAccount) ?? []) : [];
    // A payer learned earlier in this statement: its open invoices are read now.
    const missing = ibanDebtors.filter((d) => !byDebtor.has(d));
    if (missing.length > 0) for (const [d, rows] of await debtorInvoices(trx, org.org_id, missing)) byDebtor.set(d, rows);
    const hits = candidates.get(idx) ?? [];
    const seen = new Set(hits.map((h) => h.invoice_id));
    const list: CandidateInvoice[] = hits.map((r) => candidate(r, new Set(ibanDebtors.includes(r.debtor_id) ? [...r.found, 'iban'] : r.found)));
    for (const d of ibanDebtors) for (const r of byDebtor.get(d) ?? []) if (!seen.has(r.invoice_id) && stateOf(r).amount > 0n) list.push(candidate(r, byIban));
    const decision: MatchDecision = decideMatch(
      { amount: credit.amount, currency: credit.currency, counterpartyAccount: credit.counterpartyAccount, counterpartyName: credit.counterpartyName, structuredReference: credit.structuredReference, text: credit.text },
      list,
      { rule: org.allocation_rule, today: context.today, threshold, ibanDebtors },
    );
    if (decision.kind === 'review') {
      outcome.review++;
      reviews.push({ org_id: org.org_id, transaction_id: credit.transactionId, reason: decision.reason, suggestions: JSON.stringify(decision.suggestions.map(presentSuggestion)) });
      continue;
    }
    outcome.booked++;
    outcome.bookedAmount += credit.amount;
    for (const line of decision.lines) {
      const allocationId = newId('alc');
      outcome.allocations++;
      allocations.push({
        org_id: org.org_id, allocation_id: allocationId, transaction_id: credit.transactionId, debtor_id: decision.debtorId, invoice_id: line.invoiceId,
        amount: line.amount, currency: credit.currency, rule: decision.rule, confidence: decision.confidence.toFixed(3), note: decision.note, created_by: context.actor,
      });
      if (line.invoiceId) {
        open.get(line.invoiceId)!.amount -= line.amount;
        booked.push({ line, allocationId, credit, rule: decision.rule });
      }
    }
    if (decision.learnIban && credit.counterpartyAccount && validateIban(credit.counterpartyAccount).ok) {
      learned.set(`${decision.debtorId}|${credit.counterpartyAccount}`, { debtorId: decision.debtorId, iban: credit.counterpartyAccount, holder: credit.counterpartyName });
      // Known from now on, also for the next credits of this statement.
      debtorsByIban.set(credit.counterpartyAccount, [...(debtorsByIban.get(credit.counterpartyAccount) ?? []), decision.debtorId]);
    }
  }

  // Ledger entries, split over costs, interest and principal in booking order.
  const components = await openComponents(trx, org.org_id, [...new Set(booked.map((b) => b.line.invoiceId!))]);
  const entries: Insertable<LedgerEntryTable>[] = [];
  for (const b of booked) {
    const state = { amount: 0n, costs: 0n, interest: 0n, ...components.get(b.line.invoiceId!) };
    entries.push(...ledgerEntriesFor(org.org_id, b.line, b.allocationId, state, b.credit, context, b.rule));
    components.set(b.line.invoiceId!, { costs: state.costs, interest: state.interest });
  }

  // NOTE: one statement each, columns as arrays: the ledger trigger then updates the invoices once
  // (one join) instead of once per chunk of rows.
  if (allocations.length > 0) {
    const col = <K extends keyof Insertable<AllocationTable>>(k: K) => allocations.map((a) => (a[k] === null || a[k] === undefined ? null : String(a[k])));
    await sql`
      INSERT INTO allocation (org_id, allocation_id, transaction_id, debtor_id, invoice_id, amount, currency, rule, confidence, note, created_by)
      SELECT * FROM unnest(${col('org_id')}::text[], ${col('allocation_id')}::text[], ${col('transaction_id')}::text[], ${col('debtor_id')}::text[],
        ${col('invoice_id')}::text[], ${col('amount')}::int8[], ${col('currency')}::text[], ${col('rule')}::text[], ${col('confidence')}::numeric[],
        ${col('note')}::text[], ${col('created_by')}::text[])`.execute(trx);
  }
  if (entries.length > 0) {
    const col = <K extends keyof Insertable<LedgerEntryTable>>(k: K) => entries.map((e) => (e[k] === null || e[k] === undefined ? null : String(e[k])));
    await sql`
      INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, batch_id, reason, created_by, component, allocation_id)
      SELECT * FROM unnest(${col('org_id')}::text[], ${col('entry_id')}::text[], ${col('invoice_id')}::text[], ${col('entry_type')}::text[],
        ${col('amount')}::int8[], ${col('currency')}::text[], ${col('booking_date')}::date[], ${col('batch_id')}::text[], ${col('reason')}::text[],
        ${col('created_by')}::text[], ${col('component')}::text[], ${col('allocation_id')}::text[])`.execute(trx);
  }
  await insertChunked(reviews, (chunk) => trx.insertInto('transaction_review').values(chunk).execute());
  if (learned.size > 0) {
    // NOTE: every confirmed payment teaches us the payer's IBAN and holder name, so the next one
    // from that account is recognised even without a reference.
    for (const chunk of chunks([...learned.values()], CHUNK)) {
      await trx
        .insertInto('debtor_bank_account')
        .values(chunk.map((l) => ({ org_id: org.org_id, debtor_id: l.debtorId, iban: l.iban, holder_name: l.holder, source: 'learned' })))
        .onConflict((oc) => oc.columns(['org_id', 'debtor_id', 'iban']).doNothing())
        .execute();
    }
  }
  return outcome;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** The ledger entries of one allocation line; updates the shared open state. */
export function ledgerEntriesFor(
  orgId: string,
  line: AllocationLine,
  allocationId: string,
  state: { amount: bigint; costs: bigint; interest: bigint },
  credit: { bookingDate: string; currency: string },
  context: { actor: string; batchId: string | null },
  rule: string,
): Insertable<LedgerEntryTable>[] {
  const parts = splitOverComponents(line.amount, { costs: state.costs, interest: state.interest });
  state.amount -= line.amount;
  return parts.map((p) => {
    if (p.component === 'costs') state.costs -= p.amount;
    if (p.component === 'interest') state.interest -= p.amount;
    return {
      org_id: orgId, entry_id: newId('led'), invoice_id: line.invoiceId!, entry_type: 'payment_allocated', amount: -p.amount, currency: credit.currency,
      booking_date: credit.bookingDate, batch_id: context.batchId, reason: rule, created_by: context.actor, component: p.component, allocation_id: allocationId,
    };
  });
}

export function presentSuggestion(s: Suggestion) {
  return { debtor_id: s.debtorId, invoice_ids: s.invoiceIds, amount: s.amount.toString(), score: s.score, why: s.why };
}
