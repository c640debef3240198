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
  idx: number;
  found: FoundBy[];
  invoice_id: string;
  number: string;
  debtor_id: string;
  debtor_name: string;
  payment_reference: string | null;
  open_amount: bigint;
  open_costs: bigint;
  open_interest: bigint;
  currency: string;
  issue_date: string;
  due_date: string;
}

const CHUNK = 2000;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/** Finds the candidates of every credit in one set-based query. */
async function findCandidates(trx: Trx, credits: readonly CreditToMatch[]): Promise<Map<number, CandidateRow[]>> {
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
  await sql`CREATE TEMP TABLE match_key ON COMMIT DROP AS SELECT * FROM unnest(${keyIdx}::int4[], ${keyKind}::text[], ${keyValue}::text[]) AS k(idx, kind, key)`.execute(trx);
  await sql`CREATE TEMP TABLE match_tx ON COMMIT DROP AS SELECT * FROM unnest(${credits.map((_, i) => i)}::int4[], ${credits.map((c) => c.counterpartyAccount)}::text[], ${credits.map((c) => c.amount.toString())}::int8[], ${credits.map((c) => c.currency)}::text[]) AS t(idx, iban, amount, currency)`.execute(trx);
  await sql`ANALYZE match_key`.execute(trx);
  await sql`ANALYZE match_tx`.execute(trx);
  const result = await sql<CandidateRow>`
    WITH hits AS (
      SELECT k.idx, i.invoice_id, 'reference' AS found FROM match_key k
        JOIN invoice i ON upper(regexp_replace(i.payment_reference, '[^A-Za-z0-9]', '', 'g')) = k.key
        WHERE k.kind = 'compact' AND i.payment_reference IS NOT NULL AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'number' FROM match_key k
        JOIN invoice i ON upper(regexp_replace(i.number, '[^A-Za-z0-9]', '', 'g')) = k.key
        WHERE k.kind = 'compact' AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'groups' FROM match_key k
        JOIN invoice i ON arflow_number_groups(i.number) = k.key
        WHERE k.kind = 'groups' AND i.open_amount > 0
      UNION ALL
      SELECT k.idx, i.invoice_id, 'digits' FROM match_key k
        JOIN invoice i ON ltrim(regexp_replace(i.number, '[^0-9]', '', 'g'), '0') = k.key
        WHERE k.kind = 'digits' AND i.open_amount > 0
      UNION ALL
      SELECT t.idx, i.invoice_id, 'iban' FROM match_tx t
        JOIN debtor_bank_account b ON b.iban = t.iban
        JOIN invoice i ON i.org_id = b.org_id AND i.debtor_id = b.debtor_id AND i.open_amount > 0
      UNION ALL
      SELECT t.idx, x.invoice_id, 'amount' FROM match_tx t
        CROSS JOIN LATERAL (SELECT i.invoice_id FROM invoice i WHERE i.open_amount = t.amount AND i.currency = t.currency ORDER BY i.due_date LIMIT 20) x
    )
    SELECT h.idx, array_agg(DISTINCT h.found) AS found, i.invoice_id, i.number, i.debtor_id, d.name AS debtor_name, i.payment_reference,
      i.open_amount, i.currency, i.issue_date, i.due_date,
      coalesce(c.costs, 0)::int8 AS open_costs, coalesce(c.interest, 0)::int8 AS open_interest
    FROM hits h
    JOIN invoice i ON i.invoice_id = h.invoice_id
    JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
    LEFT JOIN LATERAL (
      SELECT sum(e.amount) FILTER (WHERE e.component = 'costs') AS costs, sum(e.amount) FILTER (WHERE e.component = 'interest') AS interest
      FROM ledger_entry e WHERE e.org_id = i.org_id AND e.invoice_id = i.invoice_id AND e.component <> 'principal'
    ) c ON true
    GROUP BY h.idx, i.org_id, i.invoice_id, d.name, c.costs, c.interest
  `.execute(trx);
  const byTx = new Map<number, CandidateRow[]>();
  for (const row of result.rows) {
    const list = byTx.get(row.idx) ?? [];
    list.push(row);
    byTx.set(row.idx, list);
  }
  return byTx;
}

/** Matches and books the credits; returns what was booked and what went to review. */
export async function matchCredits(trx: Trx, org: Organisation, credits: readonly CreditToMatch[], context: { actor: string; batchId: string | null; today: string }): Promise<MatchOutcome> {
  const outcome: MatchOutcome = { booked: 0, bookedAmount: 0n, review: 0, allocations: 0 };
  if (credits.length === 0) return outcome;
  const candidates = await findCandidates(trx, credits);
  const ibans = [...new Set(credits.map((c) => c.counterpartyAccount).filter((x): x is string => x !== null))];
  const ibanRows = ibans.length ? await trx.selectFrom('debtor_bank_account').select(['iban', 'debtor_id']).where('iban', 'in', ibans).execute() : [];
  const debtorsByIban = new Map<string, string[]>();
  for (const r of ibanRows) debtorsByIban.set(r.iban, [...(debtorsByIban.get(r.iban) ?? []), r.debtor_id]);

  // Open amounts change as the batch books: shared per invoice.
  const open = new Map<string, { amount: bigint; costs: bigint; interest: bigint }>();
  const threshold = Number(org.match_threshold);
  const order = credits.map((_, i) => i).sort((a, b) => credits[a]!.bookingDate.localeCompare(credits[b]!.bookingDate) || a - b);

  const allocations: Insertable<AllocationTable>[] = [];
  const entries: Insertable<LedgerEntryTable>[] = [];
  const reviews: Insertable<TransactionReviewTable>[] = [];
  const learned = new Map<string, { debtorId: string; iban: string; holder: string | null }>();

  for (const idx of order) {
    const credit = credits[idx]!;
    const rows = candidates.get(idx) ?? [];
    const list: CandidateInvoice[] = rows.map((r) => {
      let state = open.get(r.invoice_id);
      if (!state) {
        state = { amount: r.open_amount, costs: r.open_costs, interest: r.open_interest };
        open.set(r.invoice_id, state);
      }
      return {
        invoiceId: r.invoice_id, number: r.number, debtorId: r.debtor_id, debtorName: r.debtor_name, paymentReference: r.payment_reference,
        openAmount: state.amount, openCosts: state.costs, openInterest: state.interest, currency: r.currency, issueDate: r.issue_date,
        dueDate: r.due_date, foundBy: new Set(r.found),
      };
    });
    const decision: MatchDecision = decideMatch(
      { amount: credit.amount, currency: credit.currency, counterpartyAccount: credit.counterpartyAccount, counterpartyName: credit.counterpartyName, structuredReference: credit.structuredReference, text: credit.text },
      list,
      { rule: org.allocation_rule, today: context.today, threshold, ibanDebtors: credit.counterpartyAccount ? (debtorsByIban.get(credit.counterpartyAccount) ?? []) : [] },
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
      if (line.invoiceId) entries.push(...ledgerEntriesFor(org.org_id, line, allocationId, open.get(line.invoiceId)!, credit, context, decision.rule));
    }
    if (decision.learnIban && credit.counterpartyAccount && validateIban(credit.counterpartyAccount).ok) {
      learned.set(`${decision.debtorId}|${credit.counterpartyAccount}`, { debtorId: decision.debtorId, iban: credit.counterpartyAccount, holder: credit.counterpartyName });
      // Known from now on, also for the next credits of this statement.
      debtorsByIban.set(credit.counterpartyAccount, [...(debtorsByIban.get(credit.counterpartyAccount) ?? []), decision.debtorId]);
    }
  }

  await insertChunked(allocations, (chunk) => trx.insertInto('allocation').values(chunk).execute());
  await insertChunked(entries, (chunk) => trx.insertInto('ledger_entry').values(chunk).execute());
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
