// Synthetic follow-up data, loaded set-based (generate_series) straight into the tables as the owner
// role: debtors over the five default segments, open invoices with their ledger 'issued' entries,
// some partial payments, open disputes and promises, and the follow-up history of the days before
// the run date (executions, the messages they sent, the charges they booked, the hand-overs), so
// that the run date is an ordinary day in a steady state. Deterministic: every random choice is a
// hash of the row number and the seed (`hashint8`), not `random()`. See bench/README.md.

import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import { addDays } from '../../src/core/dates.ts';
import { nextBusinessDay } from '../../src/core/holidays.ts';
import { parseAmount } from '../../src/core/money.ts';

type SegmentsModule = typeof import('../../src/modules/followup/segments.ts');
type DatabaseModule = typeof import('../../src/db/database.ts');

export interface LoadOptions {
  invoices: number;
  debtors: number;
  /** The run date: history is made for the days before it. */
  date: string;
  seed: number;
}

export interface LoadSteps {
  /** Called after each statement with a label and its milliseconds (for the load report). */
  onStep?: (label: string, ms: number) => void;
}

/** The code under test's segment functions and transaction helper (this src/, or a --src copy). */
export interface LoaderSubject {
  segments: Pick<SegmentsModule, 'ensureDefaultSegments' | 'loadSegments' | 'segmentOfDebtorSql'>;
  inOrg: DatabaseModule['inOrg'];
}

/** The debtors' segments (by the default rules), in percent of the debtors. */
export const SEGMENT_MIX = [
  ['intercompany (tag, excluded)', 1],
  ['key accounts (tag)', 4],
  ['consumers NL', 40],
  ['consumers BE', 10],
  ['businesses (NL 80%, BE 20%)', 45],
] as const;

/** Age of an open invoice in days: 110 × u^1.5 (most open invoices are young); payment terms 14/30/60 days. */
const AGE_DAYS = 110;

export async function loadFollowupData(db: Db, org: Organisation, subject: LoaderSubject, options: LoadOptions, steps: LoadSteps = {}): Promise<void> {
  const { invoices: n, debtors: d, date, seed } = options;
  const orgId = org.org_id;
  const run = async (label: string, query: RawBuilder<unknown>): Promise<void> => {
    const start = performance.now();
    await query.execute(db);
    steps.onStep?.(label, performance.now() - start);
  };

  // u(key, salt): a uniform number in [0, 1) from the row number, the salt and the seed.
  await run('helper function', sql`
    CREATE OR REPLACE FUNCTION bench_u(k bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashint8(k * 1000003 + salt * 7919 + ${sql.lit(seed)}) & 2147483647)::float8 / 2147483648 $$`);

  // Debtors: the segment by a hash of the number (tags and kind/country the default rules look at).
  await run('debtors', sql`
    INSERT INTO debtor (org_id, debtor_id, number, name, kind, language, country, tags)
    SELECT ${orgId}, 'dbt_' || lpad(to_hex(g), 28, '0'), 'D' || lpad(g::text, 7, '0'),
      CASE WHEN x.p < 5 OR x.p >= 55 THEN 'Bedrijf ' || g || ' B.V.' ELSE 'Klant ' || g END,
      CASE WHEN x.p >= 5 AND x.p < 55 THEN 'consumer' ELSE 'business' END,
      CASE WHEN x.p >= 45 AND x.p < 55 AND bench_u(g, 2) < 0.4 THEN 'fr' ELSE 'nl' END,
      CASE WHEN (x.p >= 45 AND x.p < 55) OR (x.p >= 55 AND bench_u(g, 3) < 0.2) THEN 'BE' ELSE 'NL' END,
      CASE WHEN x.p < 1 THEN ARRAY['intercompany'] WHEN x.p < 5 THEN ARRAY['key-account'] ELSE '{}'::text[] END
    FROM generate_series(1, ${d}::int) g
    CROSS JOIN LATERAL (SELECT floor(bench_u(g, 1) * 100)::int AS p) x`);

  // Invoices: every debtor one (a permutation spreads those over the ages), the rest skewed to the
  // low debtor numbers (big customers); the age 0..109 days, most invoices young; the BEFORE INSERT
  // trigger sets open_amount = amount_total. NOTE: numbered (and so laid out) roughly in the order
  // of their invoice dates, give or take two days, as invoices are imported when they are issued and
  // ids are time-ordered: the steps due on one day then fall on a few stretches of the tables.
  await run('invoices', sql`
    INSERT INTO invoice (org_id, invoice_id, number, kind, debtor_id, issue_date, due_date, currency, amount_total, vat_amount, original_format)
    SELECT ${orgId}, 'inv_' || lpad(to_hex(g), 28, '0'), 'F' || lpad(g::text, 8, '0'), 'invoice',
      'dbt_' || lpad(to_hex(CASE WHEN x.k <= ${d}::int THEN x.k ELSE 1 + floor(${d}::int * bench_u(g, 11) ^ 2)::int END), 28, '0'),
      v.issue, v.issue + v.terms, 'EUR', v.cents, round(v.cents * 21 / 121.0)::int8, 'api'
    FROM generate_series(1, ${n}::int) g
    CROSS JOIN LATERAL (SELECT ((g::int8 * 1000003) % ${n}::int + 1)::int AS k) x
    CROSS JOIN LATERAL (SELECT ${date}::date - greatest(0, floor(${AGE_DAYS} * ((${n}::int - g + 0.5) / ${n}::int) ^ 1.5)::int + floor(bench_u(g, 12) * 5)::int - 2) AS issue,
      CASE WHEN bench_u(g, 13) < 0.3 THEN 14 WHEN bench_u(g, 13) < 0.85 THEN 30 ELSE 60 END AS terms,
      1500 + floor(1000000 * bench_u(g, 14) ^ 3)::int8 AS cents) v`);
  await run('ledger: issued entries', sql`
    INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, created_by)
    SELECT org_id, 'led_' || substr(invoice_id, 5), invoice_id, 'issued', amount_total, currency, issue_date, 'bench' FROM invoice`);
  // 10% partly paid (half); the statement trigger lowers open_amount, set-based.
  await run('ledger: partial payments', sql`
    INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, created_by)
    SELECT org_id, 'led_p' || substr(invoice_id, 6), invoice_id, 'payment_allocated', -(amount_total / 2), currency, issue_date, 'bench'
    FROM invoice WHERE bench_u(hashtext(invoice_id), 21) < 0.1`);

  // The segments and workflows, as the run makes them, and each debtor's segment by the run's own rules.
  await subject.inOrg(db, orgId, (trx) => subject.segments.ensureDefaultSegments(trx, orgId));
  const segments = (await subject.inOrg(db, orgId, (trx) => subject.segments.loadSegments(trx))).filter((s) => s.workflowId !== null);
  const stepRows = segments.flatMap((s) => s.steps.map((step, rank) => ({ s, step, rank })));
  const col = <T>(f: (r: (typeof stepRows)[number]) => T): T[] => stepRows.map(f);
  const days: string[] = [];
  const next: string[] = [];
  for (let x = addDays(date, -(AGE_DAYS + 400)); x <= addDays(date, 1); x = addDays(x, 1)) {
    days.push(x);
    next.push(nextBusinessDay(x, org.country));
  }
  const historyRun = 'run_bench_history';
  await db.connection().execute(async (conn) => {
    const step = async (label: string, query: RawBuilder<unknown>): Promise<void> => {
      const start = performance.now();
      await query.execute(conn);
      steps.onStep?.(label, performance.now() - start);
    };
    await step('history: work tables', sql`
      CREATE TEMP TABLE bench_step AS SELECT * FROM unnest(
        ${col((r) => r.s.segmentId)}::text[], ${col((r) => r.s.workflowId)}::text[], ${col((r) => r.step.key)}::text[], ${col((r) => r.rank)}::int4[],
        ${col((r) => r.step.type)}::text[], ${col((r) => r.step.anchor)}::text[], ${col((r) => r.step.offsetDays)}::int4[], ${col((r) => r.step.businessDays ?? false)}::bool[],
        ${col((r) => (r.step.conditions?.minOpenAmount ? (parseAmount(r.step.conditions.minOpenAmount, org.currency) ?? 0n).toString() : null))}::int8[],
        ${col((r) => r.step.conditions?.debtorKind ?? null)}::text[], ${col((r) => r.step.notice?.kind ?? null)}::text[]
      ) AS s(segment_id, workflow_id, step_key, step_rank, step_type, anchor, offset_days, business_days, min_open, debtor_kind, notice_kind)`);
    await step('history: work tables', sql`CREATE TEMP TABLE bench_bday AS SELECT * FROM unnest(${days}::date[], ${next}::date[]) AS b(d, next_bd)`);
    await step('history: work tables', sql`
      CREATE TEMP TABLE bench_seg AS
      SELECT d.debtor_id, ${subject.segments.segmentOfDebtorSql(segments, org.currency)} AS segment_id
      FROM debtor d LEFT JOIN (SELECT debtor_id, sum(open_amount) AS open_total FROM invoice WHERE currency = ${org.currency} GROUP BY debtor_id) t USING (debtor_id)`);
    await step('history: work tables', sql`ANALYZE bench_step, bench_bday, bench_seg`);
    // Every step due before the run date, conditions on amount and kind checked, as executed on its day.
    await step('history: due steps', sql`
      CREATE TEMP TABLE bench_hist AS
      SELECT i.invoice_id, i.debtor_id, i.open_amount, i.currency, s.workflow_id, s.step_key, s.step_rank, s.step_type, s.notice_kind, coalesce(b.next_bd, r.raw) AS step_date
      FROM invoice i
      JOIN debtor d ON d.debtor_id = i.debtor_id
      JOIN bench_seg g ON g.debtor_id = i.debtor_id
      JOIN bench_step s ON s.segment_id = g.segment_id
      CROSS JOIN LATERAL (SELECT (CASE s.anchor WHEN 'due_date' THEN i.due_date ELSE i.issue_date END) + s.offset_days AS raw) r
      LEFT JOIN bench_bday b ON s.business_days AND b.d = r.raw
      WHERE coalesce(b.next_bd, r.raw) < ${date}::date
        AND (s.min_open IS NULL OR i.open_amount >= s.min_open) AND (s.debtor_kind IS NULL OR d.kind = s.debtor_kind)`);
    // One message per debtor, day and step (the 14-day letter and the BE first reminder with their deadline).
    await step('history: messages', sql`
      INSERT INTO outbox_message (org_id, message_id, debtor_id, invoice_ids, kind, step_key, template, tone, language, channels, idempotency_key,
        amount_total, currency, status, scheduled_for, data)
      SELECT ${orgId}, 'msg_' || left(md5(h.debtor_id || h.step_date || h.step_key), 28), h.debtor_id, array_agg(h.invoice_id), min(h.step_type), h.step_key,
        coalesce(min(h.notice_kind), h.step_key), 'neutral', 'nl', ARRAY['email', 'letter'], 'bench:' || md5(h.debtor_id || h.step_date || h.step_key),
        sum(h.open_amount), min(h.currency), 'sent', h.step_date,
        jsonb_build_object('deadline', CASE WHEN min(h.notice_kind) IN ('nl_14_day_letter', 'be_first_reminder') THEN (h.step_date + 17)::text END)
      FROM bench_hist h WHERE h.step_type IN ('message', 'formal_notice')
      GROUP BY h.debtor_id, h.step_date, h.step_key`);
    await step('history: executions', sql`
      INSERT INTO followup_execution (org_id, execution_id, invoice_id, debtor_id, workflow_id, step_key, step_type, due_date, run_date, run_id, status, message_id)
      SELECT ${orgId}, 'exe_' || substr(h.invoice_id, 5) || '_' || h.step_rank, h.invoice_id, h.debtor_id, h.workflow_id, h.step_key, h.step_type, h.step_date, h.step_date,
        ${historyRun}, 'done', CASE WHEN h.step_type IN ('message', 'formal_notice') THEN 'msg_' || left(md5(h.debtor_id || h.step_date || h.step_key), 28) END
      FROM bench_hist h`);
    // Charges booked: €40 costs and some interest, as ledger entries of their own component; the
    // costs of a Dutch consumer name the 14-day letter, as the run books them.
    await step('history: charges', sql`
      INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, created_by, component, reason)
      SELECT ${orgId}, 'led_' || c.kind || substr(h.invoice_id, 6), h.invoice_id, c.kind || '_charged', c.amount, h.currency, h.step_date, 'followup', c.component,
        CASE WHEN c.kind = 'fee' AND l.invoice_id IS NOT NULL
          THEN 'NL WIK costs stated in the 14-day letter msg_' || left(md5(l.debtor_id || l.step_date || l.step_key), 28) ELSE 'bench' END
      FROM bench_hist h
      LEFT JOIN bench_hist l ON l.invoice_id = h.invoice_id AND l.notice_kind = 'nl_14_day_letter'
      CROSS JOIN LATERAL (VALUES ('fee', 'costs', 4000::int8), ('interest', 'interest', 1 + h.open_amount / 200)) c(kind, component, amount)
      WHERE h.step_type = 'charge'`);
    await step('history: hand-overs', sql`
      UPDATE invoice i SET collection_status = 'in_collection' FROM bench_hist h WHERE h.step_type = 'handover' AND i.invoice_id = h.invoice_id`);
    await step('history: work tables', sql`DROP TABLE bench_step, bench_bday, bench_seg, bench_hist`);
  });
  await run('history: run row', sql`
    INSERT INTO followup_run (org_id, run_id, run_date, summary, finished_at) VALUES (${orgId}, ${historyRun}, ${addDays(date, -1)}::date, '{}', now())`);

  // Open disputes on 0.5% of the invoices; open promises of 1% of the debtors for all their
  // invoices, promised for dates from 4 days ago (grace 3 days: settled on the run date) to 30 ahead.
  await run('disputes', sql`
    INSERT INTO dispute (org_id, dispute_id, invoice_id, debtor_id, reason, created_by)
    SELECT org_id, 'dsp_' || substr(invoice_id, 5), invoice_id, debtor_id, 'bench', 'bench' FROM invoice
    WHERE bench_u(hashtext(invoice_id), 31) < 0.005`);
  await run('promises', sql`
    INSERT INTO payment_promise (org_id, promise_id, debtor_id, invoice_ids, promised_date, grace_days, created_by)
    SELECT i.org_id, 'prm_' || substr(i.debtor_id, 5), i.debtor_id, array_agg(i.invoice_id ORDER BY i.invoice_id),
      ${date}::date - 4 + floor(bench_u(hashtext(i.debtor_id), 33) * 34)::int, 3, 'bench'
    FROM invoice i WHERE bench_u(hashtext(i.debtor_id), 32) < 0.01 AND i.collection_status IS NULL
    GROUP BY i.org_id, i.debtor_id`);
  await run('drop helper', sql`DROP FUNCTION bench_u(bigint, int)`);
}
