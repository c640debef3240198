import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { addMonths, daysBetween } from '../../core/dates.ts';

// Reports read the ledger as of a date: an invoice's open amount on date D is the sum of its entries
// booked on or before D. So the aging total is, to the cent, the sum of the open ledger amounts.

export const AGING_BUCKETS = ['not_due', 'd1_30', 'd31_60', 'd61_90', 'd91_180', 'over_180'] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export interface AgingLine {
  debtor_id: string;
  debtor_number: string;
  debtor_name: string;
  currency: string;
  buckets: Record<AgingBucket, bigint>;
  total: bigint;
}

export interface AgingReport {
  date: string;
  debtors: AgingLine[];
  totals: { currency: string; buckets: Record<AgingBucket, bigint>; total: bigint }[];
}

const BUCKET_SQL = sql<AgingBucket>`CASE
  WHEN o.days <= 0 THEN 'not_due' WHEN o.days <= 30 THEN 'd1_30' WHEN o.days <= 60 THEN 'd31_60'
  WHEN o.days <= 90 THEN 'd61_90' WHEN o.days <= 180 THEN 'd91_180' ELSE 'over_180' END`;

function emptyBuckets(): Record<AgingBucket, bigint> {
  return { not_due: 0n, d1_30: 0n, d31_60: 0n, d61_90: 0n, d91_180: 0n, over_180: 0n };
}

export async function agingReport(trx: Trx, date: string): Promise<AgingReport> {
  const rows = await sql<{ debtor_id: string; debtor_number: string; debtor_name: string; currency: string; bucket: AgingBucket; amount: bigint }>`
    WITH o AS (
      SELECT i.debtor_id, i.currency, ${date}::date - i.due_date AS days, sum(e.amount) AS open
      FROM invoice i JOIN ledger_entry e ON e.org_id = i.org_id AND e.invoice_id = i.invoice_id
      WHERE i.issue_date <= ${date}::date AND e.booking_date <= ${date}::date
      GROUP BY i.org_id, i.invoice_id
      HAVING sum(e.amount) <> 0
    )
    SELECT o.debtor_id, d.number AS debtor_number, d.name AS debtor_name, o.currency, ${BUCKET_SQL} AS bucket, sum(o.open)::int8 AS amount
    FROM o JOIN debtor d ON d.debtor_id = o.debtor_id
    GROUP BY o.debtor_id, d.number, d.name, o.currency, 5
    ORDER BY d.number, o.currency
  `.execute(trx);
  const byDebtor = new Map<string, AgingLine>();
  const totals = new Map<string, { currency: string; buckets: Record<AgingBucket, bigint>; total: bigint }>();
  for (const r of rows.rows) {
    const key = `${r.debtor_id}|${r.currency}`;
    let line = byDebtor.get(key);
    if (!line) {
      line = { debtor_id: r.debtor_id, debtor_number: r.debtor_number, debtor_name: r.debtor_name, currency: r.currency, buckets: emptyBuckets(), total: 0n };
      byDebtor.set(key, line);
    }
    line.buckets[r.bucket] += r.amount;
    line.total += r.amount;
    let t = totals.get(r.currency);
    if (!t) {
      t = { currency: r.currency, buckets: emptyBuckets(), total: 0n };
      totals.set(r.currency, t);
    }
    t.buckets[r.bucket] += r.amount;
    t.total += r.amount;
  }
  return { date, debtors: [...byDebtor.values()], totals: [...totals.values()] };
}

export interface DsoReport {
  date: string;
  currency: string;
  method: 'countback';
  receivables: bigint;
  dso: number;
  /** The months walked back: each month's credit sales and the days it contributed. */
  periods: { from: string; to: string; sales: bigint; days: number }[];
}

/**
 * DSO by the countback method: starting from the receivables on date D, walk back month by month,
 * subtracting each month's credit sales, until the receivables are used up; the days of the full
 * months plus the fraction of the last month are the DSO.
 */
export async function dsoReport(trx: Trx, date: string, currency: string, maxMonths = 24): Promise<DsoReport> {
  const ar = await sql<{ open: bigint }>`
    SELECT coalesce(sum(e.amount), 0)::int8 AS open FROM ledger_entry e JOIN invoice i ON i.org_id = e.org_id AND i.invoice_id = e.invoice_id
    WHERE e.booking_date <= ${date}::date AND i.issue_date <= ${date}::date AND e.currency = ${currency}
  `.execute(trx);
  const receivables = ar.rows[0]?.open ?? 0n;
  const from = addMonths(date, -maxMonths);
  const sales = await sql<{ issue_date: string; amount: bigint }>`
    SELECT i.issue_date, sum(i.amount_total)::int8 AS amount FROM invoice i
    WHERE i.currency = ${currency} AND i.issue_date > ${from}::date AND i.issue_date <= ${date}::date
    GROUP BY i.issue_date
  `.execute(trx);
  const periods: DsoReport['periods'] = [];
  let remaining = receivables;
  let dso = 0;
  for (let k = 1; k <= maxMonths && remaining > 0n; k++) {
    const periodTo = addMonths(date, -(k - 1));
    const periodFrom = addMonths(date, -k);
    const days = daysBetween(periodFrom, periodTo);
    let periodSales = 0n;
    for (const s of sales.rows) if (s.issue_date > periodFrom && s.issue_date <= periodTo) periodSales += s.amount;
    if (periodSales >= remaining && periodSales > 0n) {
      // NOTE: a ratio of two money amounts, as days: not money, so a float is right here.
      const part = Number((remaining * 1_000_000n) / periodSales) / 1_000_000;
      dso += part * days;
      periods.push({ from: periodFrom, to: periodTo, sales: periodSales, days: Math.round(part * days * 10) / 10 });
      remaining = 0n;
    } else {
      dso += days;
      remaining -= periodSales;
      periods.push({ from: periodFrom, to: periodTo, sales: periodSales, days });
    }
  }
  return { date, currency, method: 'countback', receivables, dso: Math.round(dso * 10) / 10, periods };
}
