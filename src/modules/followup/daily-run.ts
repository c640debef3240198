import { sql, type RawBuilder } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { addDays } from '../../core/dates.ts';
import { parseAmount } from '../../core/money.ts';
import { nextBusinessDay } from '../../core/holidays.ts';
import { fourteenDayLetterDeadline, wikCollectionCosts } from '../../core/law/nl.ts';
import { beConsumerDamages } from '../../core/law/be.ts';
import { ensureDefaultSegments, loadSegments, paymentBehaviourJoinSql, segmentOfDebtorSql, type SegmentWithWorkflow } from './segments.ts';
import { computeCharge } from './charges.ts';
import { isNoSendDay, nextSendingDay, noSendDaysOf } from './no-send-days.ts';
import type { WorkflowStep } from './workflow.ts';

// The daily run: for every open invoice, the steps of its debtor's segment workflow that are due
// on the run date and were never executed for it. Set-based: the due steps are found in one query
// over all open invoices; the unique key (invoice, step) and a per-organisation lock make a rerun,
// an overlapping run or a rerun after a crash harmless. After days without a run only the latest
// due step of an invoice is executed (the earlier ones are recorded as skipped), and a debtor gets
// at most one message a day, listing every invoice at that level.

export interface RunOptions {
  date: string;
  dryRun?: boolean;
  actor?: string;
}

export interface PlannedMessage {
  debtorId: string;
  debtorNumber: string;
  debtorName: string;
  stepKey: string;
  kind: string;
  template: string;
  channels: string[];
  invoices: string[];
  amount: bigint;
  deadline: string | null;
  statedCosts: bigint | null;
}

export interface PlannedTask {
  debtorId: string;
  debtorNumber: string;
  kind: string;
  title: string;
  assigneeRole: string;
  dueDate: string;
  invoices: string[];
}

export interface PlannedCharge {
  invoiceNumber: string;
  costs: bigint;
  interest: bigint;
  rule: string;
}

export interface RunResult {
  date: string;
  dryRun: boolean;
  runId: string | null;
  invoicesConsidered: number;
  executed: number;
  skipped: number;
  deferred: number;
  messages: PlannedMessage[];
  tasks: PlannedTask[];
  charges: PlannedCharge[];
  handovers: string[];
  promisesBroken: number;
  promisesKept: number;
}

class Rollback extends Error {}

/** The step types that send something to the debtor: they move off the days without sending. */
const SENDING: readonly string[] = ['message', 'formal_notice'];

/** Every day of a range simulated in one transaction that is rolled back: what the workflows will do. */
export async function forecastFollowup(db: Db, org: Organisation, range: { from: string; to: string }): Promise<RunResult[]> {
  const days: RunResult[] = [];
  try {
    await inOrg(db, org.org_id, async (trx) => {
      for (let d = range.from; d <= range.to; d = addDays(d, 1)) days.push(await runInTransaction(trx, org, { date: d, dryRun: true }));
      throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return days;
}

interface DueRow {
  invoice_id: string;
  number: string;
  debtor_id: string;
  debtor_number: string;
  debtor_name: string;
  debtor_kind: 'business' | 'consumer';
  debtor_language: string | null;
  account_manager_user_id: string | null;
  workflow_id: string;
  segment_id: string;
  step_key: string;
  /** The execution's key: the step key, with `#<n>` for a repeating step's n-th repetition. */
  exec_key: string;
  step_rank: number;
  step_date: string;
  open_amount: bigint;
  principal_open: bigint;
  due_date: string;
  currency: string;
  mandate_blocked: boolean;
  /** A step that sends before the due date, now past it. */
  expired: boolean;
  /** A message of the invoice from a later step went out already. */
  later_sent: boolean;
}

export async function runFollowup(db: Db, org: Organisation, options: RunOptions): Promise<RunResult> {
  let result: RunResult | null = null;
  try {
    await inOrg(db, org.org_id, async (trx) => {
      result = await runInTransaction(trx, org, options);
      if (options.dryRun) throw new Rollback();
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return result!;
}

/**
 * The follow-up state of every open invoice in follow-up, built from its executions without
 * running anything: what the runs before would have left (a benchmark's loaded history, or data
 * from before the state existed). A run without it reads every such invoice in full once.
 */
export async function refreshFollowupState(db: Db, org: Organisation, date: string): Promise<void> {
  await inOrg(db, org.org_id, async (trx) => {
    await runInTransaction(trx, org, { date, stateOnly: true });
  });
}

/** The run's work inside the caller's transaction (a forecast runs several days in one, then rolls back). */
export async function runInTransaction(trx: Trx, org: Organisation, options: RunOptions & { stateOnly?: boolean }): Promise<RunResult> {
  const date = options.date;
  const stateOnly = Boolean(options.stateOnly);
  const actor = options.actor ?? 'followup';
  // NOTE: one run per organisation at a time: a second waits, then finds the first one's work done.
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`followup:${org.org_id}`}))`.execute(trx);
  // NOTE: the run is a few big set-based statements: hash joins over all open invoices and their
  // executions want memory (not batches on disk), and JIT compiling them costs more than it saves.
  await sql`SELECT set_config('work_mem', '256MB', true), set_config('jit', 'off', true)`.execute(trx);
  await ensureDefaultSegments(trx, org.org_id);
  // A forecast runs several days in one transaction: the previous day's work tables go first.
  await sql`DROP TABLE IF EXISTS fu_step, fu_debtor, fu_invoice, fu_check, fu_bday`.execute(trx);
  const segments = (await loadSegments(trx)).filter((s) => s.workflowId !== null);
  const runId = newId('run');
  const result: RunResult = {
    date, dryRun: Boolean(options.dryRun), runId: options.dryRun ? null : runId, invoicesConsidered: 0, executed: 0, skipped: 0, deferred: 0,
    messages: [], tasks: [], charges: [], handovers: [], promisesBroken: 0, promisesKept: 0,
  };
  if (!stateOnly) {
    await trx.insertInto('followup_run').values({ org_id: org.org_id, run_id: runId, run_date: date, dry_run: Boolean(options.dryRun), summary: '{}' }).execute();
    await settlePromises(trx, org, date, result);
  }

  // The steps of every active workflow, as rows.
  const stepRows = segments.flatMap((s) => s.steps.map((step, rank) => ({ s, step, rank })));
  if (stepRows.length === 0) return stateOnly ? result : finish(trx, org, runId, result);
  const col = <T>(f: (r: (typeof stepRows)[number]) => T) => stepRows.map(f);
  await sql`
    CREATE TEMP TABLE fu_step ON COMMIT DROP AS
    SELECT * FROM unnest(
      ${col((r) => r.s.segmentId)}::text[], ${col((r) => r.s.workflowId)}::text[], ${col((r) => r.step.key)}::text[], ${col((r) => r.rank)}::int4[],
      ${col((r) => r.step.type)}::text[], ${col((r) => r.step.anchor)}::text[], ${col((r) => r.step.offsetDays)}::int4[], ${col((r) => r.step.businessDays ?? false)}::bool[],
      ${col((r) => (r.step.conditions?.minOpenAmount ? (parseAmount(r.step.conditions.minOpenAmount, org.currency) ?? 0n).toString() : null))}::int8[],
      ${col((r) => r.step.conditions?.debtorKind ?? null)}::text[], ${col((r) => r.step.conditions?.afterStep ?? null)}::text[],
      ${col((r) => r.step.conditions?.afterOutcome?.step ?? null)}::text[], ${col((r) => r.step.conditions?.afterOutcome?.outcome ?? null)}::text[],
      ${col((r) => SENDING.includes(r.step.type))}::bool[], ${col((r) => r.step.conditions?.noDirectDebitMandate ?? false)}::bool[],
      ${col((r) => r.step.repeatEveryDays ?? null)}::int4[]
    ) AS s(segment_id, workflow_id, step_key, step_rank, step_type, anchor, offset_days, business_days, min_open, debtor_kind, after_step, after_outcome_step, after_outcome, sends, no_mandate, repeat_days)
  `.execute(trx);
  await sql`ANALYZE fu_step`.execute(trx);

  // Open invoices in follow-up with their segment: not disputed, not in collection, no promise running.
  // NOTE: the debtors in follow-up with their segment first, a table with statistics of its own: a
  // filter on the segment expression itself has no statistics and made the planner walk the
  // invoices debtor by debtor. The debtors' open totals (read only when a segment rule has a
  // minimum) are one grouped pass; a running promise is an anti-join on its unnested invoice ids,
  // not a scan of every open promise for every invoice. Whether a debtor has a direct-debit mandate
  // in force on the run date is looked up only when a step's condition asks.
  const mandateAsked = stepRows.some((r) => r.step.conditions?.noDirectDebitMandate);
  const hasMandate = mandateAsked
    ? sql`EXISTS (SELECT 1 FROM sepa_mandate m WHERE m.org_id = d.org_id AND m.debtor_id = d.debtor_id AND m.signed_on <= ${date}::date AND (m.revoked_on IS NULL OR m.revoked_on > ${date}::date))`
    : sql`false`;
  await sql`
    CREATE TEMP TABLE fu_debtor ON COMMIT DROP AS
    SELECT d.org_id, d.debtor_id, d.number AS debtor_number, d.name AS debtor_name, d.kind AS debtor_kind, d.language AS debtor_language,
      d.account_manager_user_id, seg.segment_id, ${hasMandate} AS has_mandate
    FROM debtor d
    LEFT JOIN (SELECT o.org_id, o.debtor_id, sum(o.open_amount) AS open_total FROM invoice o WHERE o.currency = ${org.currency} GROUP BY o.org_id, o.debtor_id) t
      ON t.org_id = d.org_id AND t.debtor_id = d.debtor_id
    ${paymentBehaviourJoinSql(segments, org.currency, date)}
    CROSS JOIN LATERAL (SELECT ${segmentOfDebtorSql(segments, org.currency)} AS segment_id) seg
    WHERE seg.segment_id = ANY(${segments.filter((s) => !s.excluded).map((s) => s.segmentId)}::text[])
  `.execute(trx);
  await sql`ANALYZE fu_debtor`.execute(trx);
  await sql`
    CREATE TEMP TABLE fu_invoice ON COMMIT DROP AS
    SELECT i.invoice_id, i.number, i.debtor_id, d.debtor_number, d.debtor_name, d.debtor_kind, d.debtor_language,
      d.account_manager_user_id, i.issue_date, i.due_date, i.open_amount, i.currency, d.segment_id, d.has_mandate
    FROM invoice i
    JOIN fu_debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
    WHERE i.kind = 'invoice' AND i.open_amount > 0 AND i.collection_status IS NULL AND i.issue_date <= ${date}::date
      AND NOT EXISTS (SELECT 1 FROM dispute x WHERE x.org_id = i.org_id AND x.invoice_id = i.invoice_id AND x.status = 'open')
      AND NOT EXISTS (SELECT 1 FROM payment_promise p CROSS JOIN LATERAL unnest(p.invoice_ids) AS u(invoice_id)
                        WHERE p.org_id = i.org_id AND p.status = 'open' AND u.invoice_id = i.invoice_id AND p.promised_date + p.grace_days >= ${date}::date)
  `.execute(trx);
  // NOTE: statistics on what the due-steps query joins and filters on: with them it hashes the
  // executions once; without, it probes them per invoice and step (several times slower).
  await sql`ANALYZE fu_invoice (invoice_id, segment_id, debtor_kind, open_amount, issue_date, due_date)`.execute(trx);
  const counts = await sql<{ n: bigint; lo: string | null }>`SELECT count(*) AS n, min(least(issue_date, due_date)) - 400 AS lo FROM fu_invoice`.execute(trx);
  result.invoicesConsidered = Number(counts.rows[0]?.n ?? 0n);
  // Only the invoices that may have a step due are read in full: those whose follow-up state
  // (migration 0010) has a step without execution dated today or before, or is missing or no
  // longer holds (another workflow, other dates or debtor kind, a higher open amount).
  // NOTE: the state is a fact about executions, which are never deleted: an invoice left out has
  // every step of its workflow up to today executed (or failing an amount or debtor-kind
  // condition that still fails), so the due-steps query would find nothing for it either.
  await sql`
    CREATE TEMP TABLE fu_check ON COMMIT DROP AS
    SELECT f.*, w.workflow_id
    FROM fu_invoice f
    JOIN (SELECT DISTINCT segment_id, workflow_id FROM fu_step) w ON w.segment_id = f.segment_id
    LEFT JOIN followup_state st ON st.org_id = ${org.org_id} AND st.invoice_id = f.invoice_id
    WHERE ${stateOnly}::bool OR st.invoice_id IS NULL OR st.workflow_id <> w.workflow_id OR st.issue_date <> f.issue_date OR st.due_date <> f.due_date
      OR st.debtor_kind <> f.debtor_kind OR f.open_amount > st.open_amount OR st.next_date <= ${date}::date
  `.execute(trx);
  await sql`ANALYZE fu_check (invoice_id, segment_id, debtor_kind, open_amount, issue_date, due_date)`.execute(trx);
  const checkCount = Number((await sql<{ n: bigint }>`SELECT count(*) AS n FROM fu_check`.execute(trx)).rows[0]?.n ?? 0n);
  if (stateOnly) {
    await refreshState(trx, org.org_id, date, false);
    return result;
  }

  // Business days, for the steps that move off weekends and holidays, and sending days, for the
  // steps that send (off the organisation's days without sending as well).
  const noSend = noSendDaysOf(org);
  const nextOpen = (d: string): string => (isNoSendDay(noSend, d) ? nextSendingDay(noSend, d, org.country) : d);
  const from = counts.rows[0]?.lo ?? date;
  const days: string[] = [];
  const next: string[] = [];
  const nextSend: string[] = [];
  const nextOpenDay: string[] = [];
  for (let d = from; d <= addDays(date, 1); d = addDays(d, 1)) {
    days.push(d);
    next.push(nextBusinessDay(d, org.country));
    nextSend.push(nextSendingDay(noSend, d, org.country));
    nextOpenDay.push(nextOpen(d));
  }
  await sql`CREATE TEMP TABLE fu_bday ON COMMIT DROP AS SELECT * FROM unnest(${days}::date[], ${next}::date[], ${nextSend}::date[], ${nextOpenDay}::date[]) AS b(d, next_bd, next_send_bd, next_open)`.execute(trx);
  // A business-day step is due when the next business day from its date is today or before: as
  // that is monotonic, when its date is on or before the last day whose next business day is not
  // after today (today itself on a business day). The candidates are filtered on that plain date.
  // The same for sending steps with the next sending day; on a day without sending none is due.
  const lastDayOf = (f: (d: string) => string): string => {
    let d = date;
    while (f(d) > date) d = addDays(d, -1);
    return d;
  };
  const lastDay = lastDayOf((d) => nextBusinessDay(d, org.country));
  const lastSendDay = lastDayOf((d) => nextSendingDay(noSend, d, org.country));
  const lastOpenDay = lastDayOf(nextOpen);
  const sendsToday = !isNoSendDay(noSend, date);

  // Every step due today or before and never executed for the invoice, conditions checked. The
  // candidates (date, amount, kind, never executed) come first; the conditions that look at earlier
  // executions, and the principal, only for those.
  // A repeating step's latest occurrence on or before today is its candidate, under its own key.
  // NOTE: without repeating steps the key is the plain step key, so the anti-join on the
  // executions stays a plain column match for the planner.
  const limit = sql`(CASE WHEN s.sends AND s.business_days THEN ${lastSendDay}::date WHEN s.sends THEN ${lastOpenDay}::date
                          WHEN s.business_days THEN ${lastDay}::date ELSE ${date}::date END)`;
  const repeats = stepRows.some((r) => r.step.repeatEveryDays !== undefined);
  const occurrence = repeats ? sql`CASE WHEN s.repeat_days IS NULL THEN 0 ELSE (${limit} - r.first) / s.repeat_days END` : sql`0`;
  const execKey = repeats ? sql`CASE WHEN o.n = 0 THEN s.step_key ELSE s.step_key || '#' || o.n END` : sql`s.step_key`;
  // NOTE: when the state leaves few invoices to read (an ordinary day), each candidate probes the
  // executions' unique index (a lateral LIMIT 1, which the planner cannot turn into a hash join);
  // when it leaves many (no state yet), the anti-join hashes the executions once.
  const probe = checkCount * 5 < result.invoicesConsidered;
  const notExecuted = probe
    ? sql`NOT (SELECT EXISTS (SELECT 1 FROM followup_execution e WHERE e.org_id = ${org.org_id} AND e.invoice_id = f.invoice_id AND e.step_key = ${execKey} LIMIT 1) OFFSET 0)`
    : sql`NOT EXISTS (SELECT 1 FROM followup_execution e WHERE e.org_id = ${org.org_id} AND e.invoice_id = f.invoice_id AND e.step_key = ${execKey})`;
  const due = await sql<DueRow>`
    WITH c AS MATERIALIZED (
      SELECT f.invoice_id, f.number, f.debtor_id, f.debtor_number, f.debtor_name, f.debtor_kind, f.debtor_language, f.account_manager_user_id,
        s.workflow_id, f.segment_id, s.step_key, s.step_rank, s.business_days, s.sends, s.after_step, s.after_outcome_step, s.after_outcome,
        r.first + o.n * coalesce(s.repeat_days, 0) AS raw, ${execKey} AS exec_key,
        (s.no_mandate AND f.has_mandate) AS mandate_blocked, (s.sends AND s.anchor = 'due_date' AND s.offset_days < 0) AS before_due,
        f.open_amount, f.due_date, f.currency
      FROM fu_check f
      JOIN fu_step s ON s.segment_id = f.segment_id
      CROSS JOIN LATERAL (SELECT (CASE s.anchor WHEN 'due_date' THEN f.due_date ELSE f.issue_date END) + s.offset_days AS first) r
      CROSS JOIN LATERAL (SELECT ${occurrence} AS n) o
      WHERE r.first <= ${limit}
        AND (${sendsToday}::bool OR NOT s.sends)
        AND (s.min_open IS NULL OR f.open_amount >= s.min_open)
        AND (s.debtor_kind IS NULL OR f.debtor_kind = s.debtor_kind)
        AND ${notExecuted}
    )
    SELECT c.invoice_id, c.number, c.debtor_id, c.debtor_number, c.debtor_name, c.debtor_kind, c.debtor_language, c.account_manager_user_id,
      c.workflow_id, c.segment_id, c.step_key, c.exec_key, c.step_rank, x.step_date, c.open_amount, c.due_date, c.currency, c.mandate_blocked,
      (c.before_due AND c.due_date < ${date}::date) AS expired, coalesce(l.met, false) AS later_sent,
      c.open_amount - coalesce((SELECT sum(e.amount) FROM ledger_entry e WHERE e.org_id = ${org.org_id} AND e.invoice_id = c.invoice_id AND e.component <> 'principal'), 0)::int8 AS principal_open
    FROM c
    LEFT JOIN fu_bday b ON (c.business_days OR c.sends) AND b.d = c.raw
    CROSS JOIN LATERAL (SELECT coalesce(CASE WHEN c.sends AND c.business_days THEN b.next_send_bd WHEN c.sends THEN b.next_open ELSE b.next_bd END, c.raw) AS step_date) x
    -- NOTE: the conditions on earlier executions are probed per candidate (a lateral LIMIT 1), so
    -- that the planner never hashes every execution and its message for them instead.
    LEFT JOIN LATERAL (
      SELECT true AS met FROM followup_execution e LEFT JOIN outbox_message m ON m.org_id = e.org_id AND m.message_id = e.message_id
      WHERE c.after_step IS NOT NULL AND e.org_id = ${org.org_id} AND e.invoice_id = c.invoice_id AND e.step_key = c.after_step AND e.status = 'done'
        AND (m.data->>'deadline' IS NULL OR (m.data->>'deadline')::date < ${date}::date)
      LIMIT 1) a ON true
    LEFT JOIN LATERAL (
      SELECT true AS met FROM followup_execution e JOIN task t ON t.org_id = e.org_id AND t.task_id = e.task_id
      WHERE c.after_outcome_step IS NOT NULL AND e.org_id = ${org.org_id} AND e.invoice_id = c.invoice_id AND e.step_key = c.after_outcome_step AND t.outcome = c.after_outcome
      LIMIT 1) o ON true
    -- NOTE: a message of the invoice from a later step went out already: this one would go backwards.
    LEFT JOIN LATERAL (
      SELECT true AS met FROM followup_execution e JOIN fu_step s2 ON s2.workflow_id = c.workflow_id AND s2.step_key = e.step_key
      WHERE c.sends AND e.org_id = ${org.org_id} AND e.invoice_id = c.invoice_id AND e.status = 'done' AND s2.sends AND s2.step_rank > c.step_rank
      LIMIT 1) l ON true
    WHERE x.step_date <= ${date}::date
      AND (c.after_step IS NULL OR a.met)
      AND (c.after_outcome_step IS NULL OR o.met)
    ORDER BY c.debtor_id, c.invoice_id, c.step_rank
  `.execute(trx);

  // Per invoice the steps due on the latest date run; earlier ones are superseded (catching up after
  // days without a run never floods a debtor). Charges are never superseded: costs and interest due
  // are booked even when a later step is due as well.
  const segmentById = new Map(segments.map((s) => [s.segmentId, s]));
  const stepOf = (r: DueRow): WorkflowStep => segmentById.get(r.segment_id)!.steps[r.step_rank]!;
  // NOTE: a step due while the debtor has a direct-debit mandate in force is skipped for good (not
  // kept for later): were the mandate revoked afterwards, it would otherwise come after later steps.
  const mandateBlocked = due.rows.filter((r) => r.mandate_blocked);
  // NOTE: never a step backwards: a notice before the due date is not sent after it, and no message
  // goes out once a later message of the invoice has (a condition that came to hold late, say an
  // amount corrected upwards). They are recorded as skipped, for good.
  const stale = due.rows.filter((r) => !r.mandate_blocked && (r.expired || r.later_sent));
  const byInvoice = groupBy(due.rows.filter((r) => !r.mandate_blocked && !r.expired && !r.later_sent), (r) => r.invoice_id);
  const chosen: DueRow[] = [];
  const superseded: DueRow[] = [];
  const rankOf = (r: DueRow) => (stepOf(r).type === 'formal_notice' ? 1000 : 0) + r.step_rank;
  const sends = (r: DueRow) => SENDING.includes(stepOf(r).type);
  for (const rows of byInvoice.values()) {
    const latestDate = rows.reduce((m, r) => (r.step_date > m ? r.step_date : m), '');
    // NOTE: two messages of one invoice due on the same day (days without sending pushed them
    // together): the higher one goes, the lower one is superseded, not sent on a later day.
    const latestSending = rows.filter((r) => r.step_date === latestDate && sends(r));
    const topSending = latestSending.length > 0 ? latestSending.reduce((a, b) => (rankOf(b) > rankOf(a) ? b : a)) : null;
    for (const r of rows) {
      if (stepOf(r).type === 'charge' || (r.step_date === latestDate && (!sends(r) || r === topSending))) chosen.push(r);
      else superseded.push(r);
    }
  }

  // What the run writes, collected and inserted set-based at the end (one statement per table).
  const messages: Row[] = [];
  const tasks: Row[] = [];
  const entries: Row[] = [];
  const events: Row[] = [];

  // One message a day per debtor: the highest step wins, deferring the other invoices' messages.
  // NOTE: an invoice sent today does not count: a debtor who gets invoices every day would otherwise never be reminded.
  const alreadyToday = new Set(
    (await trx.selectFrom('outbox_message').select('debtor_id').where('scheduled_for', '=', date).where('kind', '<>', 'invoice_delivery').execute()).map((r) => r.debtor_id),
  );
  const messageRows = chosen.filter(sends);
  const byDebtor = groupBy(messageRows, (r) => r.debtor_id);
  const deferred = new Set<string>();
  const executions: { row: DueRow; status: 'done' | 'skipped'; detail: string | null; messageId: string | null; taskId: string | null }[] = [];
  for (const [debtorId, rows] of byDebtor) {
    if (alreadyToday.has(debtorId)) {
      for (const r of rows) deferred.add(r.invoice_id);
      continue;
    }
    // NOTE: a 14-day letter or formal notice outranks a reminder; among equals the later step wins.
    const top = rows.reduce((a, b) => (rankOf(b) > rankOf(a) ? b : a));
    const level = rows.filter((r) => r.step_key === top.step_key);
    for (const r of rows) if (r.step_key !== top.step_key) deferred.add(r.invoice_id);
    const step = stepOf(top);
    const segment = segmentById.get(top.segment_id)!;
    const messageId = newId('msg');
    const amount = level.reduce((s, r) => s + r.open_amount, 0n);
    const principal = level.reduce((s, r) => s + r.principal_open, 0n);
    let deadline: string | null = null;
    let statedCosts: bigint | null = null;
    if (step.notice?.kind === 'nl_14_day_letter') {
      // NOTE: the letter states the exact costs and a term of 14 days from the day after receipt.
      deadline = fourteenDayLetterDeadline(date).deadline;
      statedCosts = principal > 0n ? wikCollectionCosts(principal).total : 0n;
    } else if (step.notice?.kind === 'be_first_reminder') {
      deadline = addDays(date, 17);
      statedCosts = principal > 0n ? beConsumerDamages(principal).amount : 0n;
    }
    const planned: PlannedMessage = {
      debtorId, debtorNumber: top.debtor_number, debtorName: top.debtor_name, stepKey: top.step_key, kind: step.type,
      template: step.message?.template ?? step.notice?.kind ?? step.key, channels: step.message?.channels ?? step.notice?.channels ?? ['letter'],
      invoices: level.map((r) => r.number), amount, deadline, statedCosts,
    };
    result.messages.push(planned);
    messages.push({
      message_id: messageId, debtor_id: debtorId, invoice_ids: level.map((r) => r.invoice_id), kind: step.type, step_key: top.step_key,
      template: planned.template, tone: step.message?.tone ?? segment.tone, language: top.debtor_language ?? org.language, channels: planned.channels,
      idempotency_key: `followup:${debtorId}:${date}`, amount_total: amount, currency: top.currency, scheduled_for: date,
      data: JSON.stringify({ invoices: level.map((r) => ({ id: r.invoice_id, number: r.number, open: r.open_amount.toString(), due_date: r.due_date })), deadline, stated_costs: statedCosts?.toString() ?? null, registered: step.notice?.registered ?? false }),
    });
    for (const r of level) executions.push({ row: r, status: 'done', detail: null, messageId, taskId: null });
  }

  // Tasks: one per debtor and step, listing its invoices.
  const taskRows = chosen.filter((r) => stepOf(r).type === 'task');
  const taskGroups = groupBy(taskRows, (r) => `${r.debtor_id}|${r.step_key}`);
  for (const rows of taskGroups.values()) {
    const first = rows[0]!;
    const t = stepOf(first).task!;
    const taskId = newId('tsk');
    const assignee = t.assignee === 'account_manager' && first.account_manager_user_id ? first.account_manager_user_id : null;
    const dueDate = addDays(date, t.dueInDays ?? 2);
    const title = t.title ?? t.kind.replace(/_/g, ' ');
    tasks.push({
      task_id: taskId, debtor_id: first.debtor_id, invoice_ids: rows.map((r) => r.invoice_id), kind: t.kind, step_key: first.step_key,
      title, assignee_role: assignee ? 'account_manager' : t.assignee === 'account_manager' ? 'credit_controller' : t.assignee, assignee_user_id: assignee, due_date: dueDate,
    });
    result.tasks.push({ debtorId: first.debtor_id, debtorNumber: first.debtor_number, kind: t.kind, title, assigneeRole: t.assignee, dueDate, invoices: rows.map((r) => r.number) });
    for (const r of rows) executions.push({ row: r, status: 'done', detail: null, messageId: null, taskId });
  }

  // Charges: costs and interest as ledger entries of their own component.
  const charging = chosen.filter((x) => stepOf(x).type === 'charge');
  // NOTE: art. 6:96(6) BW: a Dutch consumer owes the costs the 14-day letter stated, once per letter
  // (the staffel over the letter's total principal), not the staffel per invoice.
  const letters = new Map<string, { messageId: string; stated: bigint; charged: boolean }>();
  if (org.country === 'NL' && charging.some((r) => r.debtor_kind === 'consumer')) {
    // A letter is charged when a costs entry's reason names it (LIKE '%<id>%'). NOTE: not a LIKE
    // of every letter against every costs entry (quadratic): the ids the entries name are taken
    // out once, in one pass, and joined. For ids as newId makes them ('msg_' and 28 hex digits)
    // that is the same test: 'msg.' and 28 hex digits, as LIKE's '_' matches any character, and
    // such matches cannot overlap. Any other id still gets the LIKE.
    const rows = await sql<{ invoice_id: string; message_id: string; stated: string | null; charged: boolean }>`
      WITH letter AS MATERIALIZED (
        SELECT e.invoice_id, m.org_id, m.message_id, m.data->>'stated_costs' AS stated
        FROM followup_execution e JOIN outbox_message m ON m.org_id = e.org_id AND m.message_id = e.message_id
        WHERE e.invoice_id = ANY(${charging.map((r) => r.invoice_id)}::text[]) AND m.template = 'nl_14_day_letter'
      ), named AS MATERIALIZED (
        SELECT DISTINCT l.org_id, substr(x.id[1], 5) AS hex
        FROM ledger_entry l CROSS JOIN LATERAL regexp_matches(l.reason, 'msg.[0-9a-f]{28}', 'g') AS x(id)
        WHERE l.entry_type = 'fee_charged' AND l.reason LIKE '%msg_%' AND l.org_id IN (SELECT org_id FROM letter)
      )
      SELECT t.invoice_id, t.message_id, t.stated,
        CASE WHEN t.message_id ~ '^msg_[0-9a-f]{28}$' THEN EXISTS (SELECT 1 FROM named n WHERE n.org_id = t.org_id AND n.hex = substr(t.message_id, 5))
          ELSE EXISTS (SELECT 1 FROM ledger_entry l WHERE l.org_id = t.org_id AND l.entry_type = 'fee_charged' AND l.reason LIKE '%' || t.message_id || '%') END AS charged
      FROM letter t
    `.execute(trx);
    for (const row of rows.rows) letters.set(row.invoice_id, { messageId: row.message_id, stated: BigInt(row.stated ?? '0'), charged: row.charged });
  }
  // Costs and interest charged before, per invoice: a charge books only what was not charged yet.
  // NOTE: a reversal entry keeps the component of what it reverses only by its link, so it is
  // joined to the entry it reverses.
  const charged = new Map<string, { costs: bigint; interest: bigint; currency: string }>();
  if (charging.length > 0) {
    const rows = await sql<{ invoice_id: string; currency: string; costs: bigint; interest: bigint }>`
      SELECT e.invoice_id, min(e.currency) AS currency,
        coalesce(sum(e.amount) FILTER (WHERE coalesce(x.entry_type, e.entry_type) = 'fee_charged'), 0)::int8 AS costs,
        coalesce(sum(e.amount) FILTER (WHERE coalesce(x.entry_type, e.entry_type) = 'interest_charged'), 0)::int8 AS interest
      FROM ledger_entry e
      LEFT JOIN ledger_entry x ON e.entry_type = 'reversed' AND x.org_id = e.org_id AND x.entry_id = e.reverses_entry_id
      WHERE e.org_id = ${org.org_id} AND e.invoice_id = ANY(${[...new Set(charging.map((r) => r.invoice_id))]}::text[])
        AND e.entry_type IN ('fee_charged', 'interest_charged', 'reversed')
      GROUP BY e.invoice_id
    `.execute(trx);
    for (const row of rows.rows) charged.set(row.invoice_id, { costs: row.costs, interest: row.interest, currency: row.currency });
  }
  const lettersCharged = new Set<string>();
  for (const r of charging) {
    const before = charged.get(r.invoice_id) ?? { costs: 0n, interest: 0n, currency: r.currency };
    const c = computeCharge({ country: org.country, debtorKind: r.debtor_kind, principal: r.principal_open, dueDate: r.due_date, date, charged: before }, stepOf(r).charge!);
    const letter = r.debtor_kind === 'consumer' ? letters.get(r.invoice_id) : undefined;
    if (letter && stepOf(r).charge!.costs) {
      const first = !letter.charged && !lettersCharged.has(letter.messageId);
      lettersCharged.add(letter.messageId);
      c.costs = first ? letter.stated : 0n;
      c.costsRule = first ? `NL WIK costs stated in the 14-day letter ${letter.messageId}` : `costs of the 14-day letter ${letter.messageId} charged on another invoice`;
    }
    // Two charge steps of one invoice in one run (after days without a run): the second books what the first did not.
    charged.set(r.invoice_id, { ...before, costs: before.costs + c.costs, interest: before.interest + c.interest });
    if (c.costs > 0n) entries.push({ entry_id: newId('led'), invoice_id: r.invoice_id, entry_type: 'fee_charged', amount: c.costs, currency: r.currency, reason: c.costsRule, component: 'costs' });
    if (c.interest > 0n) entries.push({ entry_id: newId('led'), invoice_id: r.invoice_id, entry_type: 'interest_charged', amount: c.interest, currency: r.currency, reason: c.interestRule, component: 'interest' });
    result.charges.push({ invoiceNumber: r.number, costs: c.costs, interest: c.interest, rule: [c.costsRule, c.interestRule].filter(Boolean).join('; ') });
    executions.push({ row: r, status: 'done', detail: [c.costsRule, c.interestRule].filter(Boolean).join('; '), messageId: null, taskId: null });
  }

  // Hand-over: the invoice leaves the follow-up; a task for the controller to send the dossier.
  const handovers = chosen.filter((x) => stepOf(x).type === 'handover');
  if (handovers.length > 0) {
    const ids = handovers.map((r) => r.invoice_id);
    await sql`UPDATE invoice SET collection_status = 'in_collection', updated_at = ${new Date()} WHERE invoice_id = ANY(${ids}::text[])`.execute(trx);
    for (const rows of groupBy(handovers, (r) => r.debtor_id).values()) {
      const taskId = newId('tsk');
      tasks.push({
        task_id: taskId, debtor_id: rows[0]!.debtor_id, invoice_ids: rows.map((r) => r.invoice_id), kind: 'handover', step_key: rows[0]!.step_key,
        title: 'Hand the dossier to the collection agency', assignee_role: 'credit_controller', assignee_user_id: null, due_date: addDays(date, 2),
      });
      result.tasks.push({ debtorId: rows[0]!.debtor_id, debtorNumber: rows[0]!.debtor_number, kind: 'handover', title: 'Hand the dossier to the collection agency', assigneeRole: 'credit_controller', dueDate: addDays(date, 2), invoices: rows.map((r) => r.number) });
      for (const r of rows) {
        executions.push({ row: r, status: 'done', detail: 'handed over to collection', messageId: null, taskId });
        result.handovers.push(r.number);
        events.push({ event_id: newId('evt'), type: 'invoice.handed_over', subject_type: 'invoice', subject_id: r.invoice_id, actor, data: JSON.stringify({ step: r.step_key, date }) });
      }
    }
  }
  for (const r of chosen.filter((x) => stepOf(x).type === 'wait')) executions.push({ row: r, status: 'done', detail: 'wait', messageId: null, taskId: null });

  for (const r of mandateBlocked) executions.push({ row: r, status: 'skipped', detail: 'the debtor has a direct-debit mandate in force', messageId: null, taskId: null });
  for (const r of stale) {
    executions.push({ row: r, status: 'skipped', detail: r.expired ? 'the due date has passed: a notice before it is no longer sent' : 'a later message of the invoice went out already', messageId: null, taskId: null });
  }
  // Superseded steps are recorded as skipped, unless their invoice's message was deferred today.
  for (const r of superseded) if (!deferred.has(r.invoice_id)) executions.push({ row: r, status: 'skipped', detail: 'superseded by a later step due at the same time', messageId: null, taskId: null });
  result.deferred = deferred.size;

  const orgId = org.org_id;
  await insertRows(trx, 'outbox_message', orgId, messages, {
    message_id: 'text', debtor_id: 'text', invoice_ids: 'text[]', kind: 'text', step_key: 'text', template: 'text', tone: 'text', language: 'text',
    channels: 'text[]', idempotency_key: 'text', amount_total: 'int8', currency: 'text', scheduled_for: 'date', data: 'jsonb',
  });
  await insertRows(trx, 'task', orgId, tasks, {
    task_id: 'text', debtor_id: 'text', invoice_ids: 'text[]', kind: 'text', step_key: 'text', title: 'text', assignee_role: 'text', assignee_user_id: 'text', due_date: 'date',
  });
  // NOTE: one statement, so the ledger trigger updates each charged invoice's open amount once.
  // NOTE: rows go in in invoice order: index inserts and foreign-key checks then walk the invoice
  // side of each index in order rather than at random.
  const byInvoiceId = (a: Row, b: Row): number => (String(a.invoice_id) < String(b.invoice_id) ? -1 : String(a.invoice_id) > String(b.invoice_id) ? 1 : 0);
  await insertRows(trx, 'ledger_entry', orgId, entries.map((e) => ({ ...e, booking_date: date, created_by: actor })).sort(byInvoiceId), {
    entry_id: 'text', invoice_id: 'text', entry_type: 'text', amount: 'int8', currency: 'text', booking_date: 'date', reason: 'text', created_by: 'text', component: 'text',
  });
  await insertRows(trx, 'event', orgId, events, { event_id: 'text', type: 'text', subject_type: 'text', subject_id: 'text', actor: 'text', data: 'jsonb' });
  const rows = executions.map((e) => ({
    execution_id: newId('exe'), invoice_id: e.row.invoice_id, debtor_id: e.row.debtor_id, workflow_id: e.row.workflow_id, step_key: e.row.exec_key,
    step_type: stepOf(e.row).type, due_date: e.row.step_date, run_date: date, run_id: runId, status: e.status, detail: e.detail, task_id: e.taskId, message_id: e.messageId,
  }));
  await insertRows(trx, 'followup_execution', orgId, rows.sort(byInvoiceId), {
    execution_id: 'text', invoice_id: 'text', debtor_id: 'text', workflow_id: 'text', step_key: 'text', step_type: 'text', due_date: 'date', run_date: 'date',
    run_id: 'text', status: 'text', detail: 'text', task_id: 'text', message_id: 'text',
  }, sql`ON CONFLICT (org_id, invoice_id, step_key) DO NOTHING`);
  await refreshState(trx, orgId, date, probe);
  result.executed = executions.filter((e) => e.status === 'done').length;
  result.skipped = executions.filter((e) => e.status === 'skipped').length;
  return finish(trx, org, runId, result);
}

/** The follow-up state of the invoices read in full (fu_check), from their executions as they are now. */
async function refreshState(trx: Trx, orgId: string, date: string, probe: boolean): Promise<void> {
  // NOTE: as in the due-steps query: few invoices probe the executions' index, many hash them once.
  // A step dated after the run date counts without looking (it may have an execution under an
  // earlier workflow or due date, which only makes the state read the invoice sooner than needed).
  const join = probe ? sql`` : sql`LEFT JOIN followup_execution e ON e.org_id = ${orgId} AND e.invoice_id = g.invoice_id AND e.step_key = s.step_key`;
  const notExecuted = probe
    ? sql`NOT (SELECT EXISTS (SELECT 1 FROM followup_execution e WHERE e.org_id = ${orgId} AND e.invoice_id = g.invoice_id AND e.step_key = s.step_key LIMIT 1) OFFSET 0)`
    : sql`e.invoice_id IS NULL`;
  await sql`
    INSERT INTO followup_state (org_id, invoice_id, workflow_id, issue_date, due_date, open_amount, debtor_kind, next_date)
    SELECT ${orgId}, f.invoice_id, f.workflow_id, f.issue_date, f.due_date, f.open_amount, f.debtor_kind, n.next_date
    FROM fu_check f
    LEFT JOIN (
      SELECT g.invoice_id, min(r.first) AS next_date
      FROM fu_check g
      JOIN fu_step s ON s.segment_id = g.segment_id
      CROSS JOIN LATERAL (SELECT (CASE s.anchor WHEN 'due_date' THEN g.due_date ELSE g.issue_date END) + s.offset_days AS first) r
      ${join}
      WHERE s.repeat_days IS NOT NULL
        OR ((s.min_open IS NULL OR g.open_amount >= s.min_open) AND (s.debtor_kind IS NULL OR g.debtor_kind = s.debtor_kind)
          AND CASE WHEN r.first > ${date}::date THEN true ELSE ${notExecuted} END)
      GROUP BY g.invoice_id
    ) n ON n.invoice_id = f.invoice_id
    ORDER BY f.invoice_id
    ON CONFLICT (org_id, invoice_id) DO UPDATE SET workflow_id = excluded.workflow_id, issue_date = excluded.issue_date, due_date = excluded.due_date,
      open_amount = excluded.open_amount, debtor_kind = excluded.debtor_kind, next_date = excluded.next_date, updated_at = now()
  `.execute(trx);
}

type Row = Record<string, string | bigint | string[] | null>;
type ColumnType = 'text' | 'int8' | 'date' | 'jsonb' | 'text[]';

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/**
 * One INSERT … SELECT FROM unnest(…) for all rows, a parameter per column (no row-by-row round
 * trips, no statement with a parameter per value). Lists (`text[]`) travel as JSON text per row.
 */
async function insertRows(trx: Trx, table: string, orgId: string, rows: readonly Row[], columns: Record<string, ColumnType>, tail: RawBuilder<unknown> = sql``): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  const params = names.map((name, i) => {
    const type = columns[name]!;
    const values = rows.map((r) => {
      const v = r[name] ?? null;
      if (v === null) return null;
      if (type === 'text[]') return JSON.stringify(v);
      return typeof v === 'bigint' ? v.toString() : v;
    });
    const array = sql`${values}::${sql.raw(type === 'int8' || type === 'date' ? `${type}[]` : 'text[]')}`;
    const column = sql.raw(`u.c${i}`);
    const value = type === 'text[]' ? sql`ARRAY(SELECT jsonb_array_elements_text(${column}::jsonb))` : type === 'jsonb' ? sql`${column}::jsonb` : column;
    return { array, value };
  });
  await sql`
    INSERT INTO ${sql.table(table)} (org_id, ${sql.join(names.map((n) => sql.ref(n)))})
    SELECT ${orgId}, ${sql.join(params.map((p) => p.value))}
    FROM unnest(${sql.join(params.map((p) => p.array))}) AS u(${sql.raw(names.map((_, i) => `c${i}`).join(', '))})
    ${tail}
  `.execute(trx);
}

async function finish(trx: Trx, _org: Organisation, runId: string, result: RunResult): Promise<RunResult> {
  await trx
    .updateTable('followup_run')
    .set({
      finished_at: new Date(),
      summary: JSON.stringify({ considered: result.invoicesConsidered, executed: result.executed, skipped: result.skipped, deferred: result.deferred, messages: result.messages.length, tasks: result.tasks.length, charges: result.charges.length, handovers: result.handovers.length }),
    })
    .where('run_id', '=', runId)
    .execute();
  return result;
}

/** Promises past their date plus grace: kept when the invoices are paid, else broken (a task, and the follow-up resumes). */
async function settlePromises(trx: Trx, org: Organisation, date: string, result: RunResult): Promise<void> {
  const due = await sql<{ promise_id: string; debtor_id: string; debtor_number: string; invoice_ids: string[]; invoice_numbers: string[]; open: bigint }>`
    SELECT p.promise_id, p.debtor_id, p.invoice_ids, (SELECT number FROM debtor d WHERE d.org_id = p.org_id AND d.debtor_id = p.debtor_id) AS debtor_number,
      (SELECT array_agg(number ORDER BY number) FROM invoice i WHERE i.org_id = p.org_id AND i.invoice_id = ANY(p.invoice_ids)) AS invoice_numbers,
      coalesce((SELECT sum(i.open_amount) FROM invoice i WHERE i.org_id = p.org_id AND i.invoice_id = ANY(p.invoice_ids) AND i.open_amount > 0), 0)::int8 AS open
    FROM payment_promise p WHERE p.status = 'open' AND p.promised_date + p.grace_days < ${date}::date
  `.execute(trx);
  for (const p of due.rows) {
    const kept = p.open === 0n;
    await trx.updateTable('payment_promise').set({ status: kept ? 'kept' : 'broken', settled_at: new Date() }).where('promise_id', '=', p.promise_id).execute();
    await trx.insertInto('event').values({ org_id: org.org_id, event_id: newId('evt'), type: kept ? 'promise.kept' : 'promise.broken', subject_type: 'debtor', subject_id: p.debtor_id, actor: 'followup', data: JSON.stringify({ promise_id: p.promise_id, date }) }).execute();
    if (kept) {
      result.promisesKept++;
      continue;
    }
    result.promisesBroken++;
    // NOTE: a broken promise escalates: the controller calls, and the workflow's latest due step runs.
    await trx
      .insertInto('task')
      .values({ org_id: org.org_id, task_id: newId('tsk'), debtor_id: p.debtor_id, invoice_ids: p.invoice_ids, kind: 'promise_broken', step_key: null, title: 'A payment promise was broken: call the debtor', assignee_role: 'credit_controller', due_date: addDays(date, 1) })
      .execute();
    result.tasks.push({ debtorId: p.debtor_id, debtorNumber: p.debtor_number, kind: 'promise_broken', title: 'A payment promise was broken: call the debtor', assigneeRole: 'credit_controller', dueDate: addDays(date, 1), invoices: p.invoice_numbers });
  }
}

export type { SegmentWithWorkflow };
