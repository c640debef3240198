import { addDays, addMonths, daysBetween, isBusinessDate } from '../dates.ts';
import type { RateEntry, RateStatus, RateTable } from './rates/types.ts';

// Shared arithmetic for the law module: bigint only, explicit rounding.
//
// Interest conventions (used for NL and BE alike; REFERENCE.md §5.5 and §10):
// - Interest runs for every day d with from <= d < to: `from` is the first day of interest,
//   `to` is the day of payment (not counted). 2017-01-01 → 2018-01-01 is exactly one year.
// - "Interest years" run from the start date to each anniversary (12-month periods from the start,
//   not calendar years; a 29 February start has its anniversary on 28 February).
// - Within an interest year the interest is simple. A period is cut where the rate changes
//   (art. 6:120(1) BW: running interest follows a new rate from its effective date) and at each
//   anniversary.
// - Day count: days in the period / days in the interest year it lies in (365 or 366). A whole
//   interest year therefore always yields exactly the annual rate, leap year or not, which is what
//   §10 needs (2016-01-01 → 2017-01-01 at 2 % on 10,000.00 = 200.00 even though 2016 has 366 days).
// - Rounding: each period's interest is rounded to the cent, half up (amounts are never negative),
//   and the total is the sum of the rounded periods, so a printed breakdown adds up. Adjacent
//   stretches with the same rate, base and denominator form one period (rounded once), so splitting
//   a table entry for bookkeeping or crossing an anniversary without compounding changes nothing.
// - Compounding (NL only, art. 6:119(2) / 6:119a(3) BW): at each anniversary the base is increased by
//   the (rounded) interest of the interest year just ended.

/** Rounds numerator/denominator to the nearest integer, halves up. Both must be non-negative / positive. */
export function roundHalfUp(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('roundHalfUp: the denominator must be positive.');
  if (numerator < 0n) throw new RangeError('roundHalfUp: the numerator must not be negative.');
  return (2n * numerator + denominator) / (2n * denominator);
}

/** `bp` basis points of an amount in cents, rounded to the cent half up. */
export function basisPointsOf(amount: bigint, bp: number | bigint): bigint {
  return roundHalfUp(amount * BigInt(bp), 10_000n);
}

/** 815 → "8.15%", 1050 → "10.50%". */
export function formatRateBp(bp: number): string {
  if (!Number.isSafeInteger(bp) || bp < 0) throw new RangeError(`Not a rate in basis points: ${bp}.`);
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}%`;
}

export interface RateAt {
  rateBp: number;
  /** The table entries this stretch rests on (consecutive entries with the same rate are joined). */
  entries: RateEntry[];
  /** The sources of those entries, joined. */
  source: string;
  /** The weakest status of those entries ('unverified' beyond the table's `knownUntil`). */
  status: RateStatus;
  /** Exclusive end of the stretch over which this rate is known to apply; null when open-ended. */
  until: string | null;
  /** True beyond the table's `knownUntil`: the last rate is assumed to continue. */
  assumed: boolean;
}

const STATUS_RANK: Readonly<Record<RateStatus, number>> = { verified: 0, derived: 1, unverified: 2 };

function joinSources(entries: readonly RateEntry[]): string {
  const tags: string[] = [];
  for (const e of entries) for (const tag of e.source.match(/\[[^\]]+\]/g) ?? [e.source]) if (!tags.includes(tag)) tags.push(tag);
  return tags.join('');
}

/**
 * The rate of a table on a day, and how far it runs unchanged. Consecutive entries with the same
 * rate are joined, so splitting an entry for bookkeeping (a source or status change) never changes
 * an amount. Throws RangeError before the first entry or inside a gap.
 */
export function rateOn(table: RateTable, date: string): RateAt {
  const first = table.entries[0];
  if (first === undefined || date < first.from) {
    throw new RangeError(`${table.title}: no rate is recorded before ${first?.from ?? 'any date'}, so none for ${date}.`);
  }
  for (const gap of table.gaps) {
    if (date >= gap.from && date < gap.to) {
      throw new RangeError(`${table.title}: no rate is recorded from ${gap.from} to ${addDays(gap.to, -1)}, so none for ${date}. ${gap.note}`);
    }
  }
  let index = 0;
  for (let i = 0; i < table.entries.length; i++) if (table.entries[i]!.from <= date) index = i;
  const entry = table.entries[index]!;
  if (date >= table.knownUntil) {
    return { rateBp: entry.rateBp, entries: [entry], source: entry.source, status: 'unverified', until: null, assumed: true };
  }
  let until = table.knownUntil;
  for (const gap of table.gaps) if (gap.from > date && gap.from < until) until = gap.from;
  const entries = [entry];
  for (let i = index + 1; i < table.entries.length; i++) {
    const next = table.entries[i]!;
    if (next.from >= until) break;
    if (next.rateBp !== entry.rateBp) {
      until = next.from;
      break;
    }
    entries.push(next);
  }
  let status: RateStatus = 'verified';
  for (const e of entries) if (STATUS_RANK[e.status] > STATUS_RANK[status]) status = e.status;
  return { rateBp: entry.rateBp, entries, source: joinSources(entries), status, until, assumed: false };
}

export interface InterestPeriod {
  /** First day of the period (inclusive). */
  from: string;
  /** End of the period (exclusive): the next period's `from`, or the payment date. */
  to: string;
  days: number;
  /** Days of the interest year the period lies in (365 or 366): the day-count denominator. */
  yearDays: number;
  rateBp: number;
  /** Amount the interest is computed on (principal, plus capitalised interest when compounding). */
  base: bigint;
  /** base × rate × days / yearDays, rounded to the cent half up. */
  interest: bigint;
  source: string;
  status: RateStatus;
  /** True when the period lies beyond the rate table (last rate assumed to continue). */
  assumed: boolean;
}

export interface InterestResult {
  interest: bigint;
  periods: InterestPeriod[];
  /** Non-verified or assumed rates used; empty when every period rests on a verified rate. */
  warnings: string[];
}

export interface InterestInput {
  principal: bigint;
  /** First day of interest, `YYYY-MM-DD`. */
  from: string;
  /** Payment date (exclusive), `YYYY-MM-DD`. */
  to: string;
}

function addWarning(warnings: string[], message: string): void {
  if (!warnings.includes(message)) warnings.push(message);
}

/** Interest over [from, to) with the table's rates; see the conventions at the top of this file. */
export function computeInterest(input: InterestInput & { table: RateTable; compound: boolean }): InterestResult {
  const { principal, from, to, table, compound } = input;
  if (!isBusinessDate(from)) throw new RangeError(`Not a valid date: "${from}" (use YYYY-MM-DD).`);
  if (!isBusinessDate(to)) throw new RangeError(`Not a valid date: "${to}" (use YYYY-MM-DD).`);
  if (to < from) throw new RangeError(`The end date ${to} is before the start date ${from}.`);
  if (principal < 0n) throw new RangeError('The principal must not be negative.');

  const periods: InterestPeriod[] = [];
  const warnings: string[] = [];
  let total = 0n;
  let base = principal;
  let year = 0;
  let yearStart = from;
  let yearEnd = addMonths(from, 12);
  let yearInterest = 0n;
  let cursor = from;
  while (cursor < to) {
    if (cursor >= yearEnd) {
      if (compound) base += yearInterest;
      yearInterest = 0n;
      year++;
      yearStart = yearEnd;
      yearEnd = addMonths(from, 12 * (year + 1));
      continue;
    }
    const rate = rateOn(table, cursor);
    let end = to < yearEnd ? to : yearEnd;
    if (rate.until !== null && rate.until < end) end = rate.until;
    const days = daysBetween(cursor, end);
    const yearDays = daysBetween(yearStart, yearEnd);
    const previous = periods.at(-1);
    let interest: bigint;
    if (previous !== undefined && previous.to === cursor && previous.rateBp === rate.rateBp && previous.base === base
      && previous.yearDays === yearDays && previous.status === rate.status && previous.source === rate.source && previous.assumed === rate.assumed) {
      // Same rate, base and denominator across an anniversary (simple interest, or no interest to
      // capitalise): one period, rounded once.
      const merged = roundHalfUp(base * BigInt(rate.rateBp) * BigInt(previous.days + days), 10_000n * BigInt(yearDays));
      interest = merged - previous.interest;
      previous.to = end;
      previous.days += days;
      previous.interest = merged;
    } else {
      interest = roundHalfUp(base * BigInt(rate.rateBp) * BigInt(days), 10_000n * BigInt(yearDays));
      periods.push({ from: cursor, to: end, days, yearDays, rateBp: rate.rateBp, base, interest, source: rate.source, status: rate.status, assumed: rate.assumed });
    }
    for (const e of rate.entries) {
      if (e.status === 'verified') continue;
      addWarning(warnings, `${table.title}: ${formatRateBp(e.rateBp)} from ${e.from} is ${e.status} ${e.source}${e.note === undefined ? '' : `. ${e.note}`}`);
    }
    if (rate.assumed) {
      addWarning(warnings, `${table.title}: no rate is recorded from ${table.knownUntil}; ${formatRateBp(rate.rateBp)} is assumed to continue. Add the published rate to src/core/law/rates/.`);
    }
    yearInterest += interest;
    total += interest;
    cursor = end;
  }
  return { interest: total, periods, warnings };
}
