import { addDays, isBusinessDate } from '../dates.ts';
import { nlPublicHolidays, weekday } from './holidays.ts';
import { basisPointsOf, computeInterest, type InterestResult } from './interest.ts';
import { NL_COMMERCIAL_RATES, NL_STATUTORY_RATES } from './rates/nl.ts';
import type { RateTable } from './rates/types.ts';

// Dutch collection law (REFERENCE.md §5). Amounts are bigint cents; rates are integer basis points.

/** WIK minimum (€40), art. 2 Besluit vergoeding voor buitengerechtelijke incassokosten [WIK-HUUR]. */
export const WIK_MINIMUM = 4_000n;
/** WIK maximum (€6,775) [WIK-HUUR][WIK-STEDIN]. */
export const WIK_MAXIMUM = 677_500n;
/** Fixed compensation for recovery costs in commercial transactions (Directive 2011/7/EU art. 6) [SCHUERMANS][OAA]. */
export const NL_B2B_FIXED_COMPENSATION = 4_000n;

/** The staffel: upper bound of each bracket (cents, exclusive of the next) and its rate. */
const WIK_STAFFEL: readonly { upTo: bigint | null; rateBp: number }[] = [
  { upTo: 250_000n, rateBp: 1500 }, // first €2,500: 15 %
  { upTo: 500_000n, rateBp: 1000 }, // next €2,500: 10 %
  { upTo: 1_000_000n, rateBp: 500 }, // next €5,000: 5 %
  { upTo: 20_000_000n, rateBp: 100 }, // next €190,000: 1 %
  { upTo: null, rateBp: 50 }, // above €200,000: 0.5 % (the maximum is reached at €1,000,000)
];

export interface WikBracket {
  /** Lower bound of the bracket (cents). */
  from: bigint;
  /** Upper bound of the bracket (cents); null for the open top bracket. */
  to: bigint | null;
  rateBp: number;
  /** The part of the principal that falls in this bracket. */
  base: bigint;
  /** base × rate, rounded to the cent half up (only the highest bracket used can have a remainder). */
  amount: bigint;
}

export interface WikCosts {
  principal: bigint;
  /** The plain staffel sum, before the minimum and maximum. */
  staffel: bigint;
  /** Collection costs excluding VAT uplift: the staffel sum within [€40, €6,775]. */
  amount: bigint;
  rule: 'staffel' | 'minimum' | 'maximum';
  /** VAT uplift rate, or null when no uplift applies. */
  vatRateBp: number | null;
  vat: bigint;
  total: bigint;
  brackets: WikBracket[];
}

function checkVatRate(vatRateBp: number | undefined): void {
  if (vatRateBp !== undefined && (!Number.isSafeInteger(vatRateBp) || vatRateBp < 0 || vatRateBp > 10_000)) {
    throw new RangeError(`The VAT rate must be whole basis points between 0 and 10000, not ${vatRateBp}.`);
  }
}

/**
 * Extrajudicial collection costs under the WIK staffel (REFERENCE.md §5.1). The basis is the
 * principal without accrued interest. Rounding: each bracket to the cent, half up; full brackets are
 * whole cents, so this equals rounding the sum once.
 *
 * `vatRateBp`: only when the creditor hired a collection service charging VAT, cannot deduct that VAT
 * and states so explicitly (art. 2(3) Besluit) [DAS-BTW][RUEB][BETALIS]. The uplift is computed on the
 * amount after the minimum/maximum, so it also applies to the €40 minimum (→ €48.40 at 21 %).
 */
export function wikCollectionCosts(principal: bigint, options: { vatRateBp?: number } = {}): WikCosts {
  if (principal <= 0n) throw new RangeError('The principal must be more than zero.');
  checkVatRate(options.vatRateBp);
  const brackets: WikBracket[] = [];
  let lower = 0n;
  let staffel = 0n;
  for (const { upTo, rateBp } of WIK_STAFFEL) {
    if (principal <= lower) break;
    const top = upTo === null || principal < upTo ? principal : upTo;
    const base = top - lower;
    const amount = basisPointsOf(base, rateBp);
    brackets.push({ from: lower, to: upTo, rateBp, base, amount });
    staffel += amount;
    if (upTo === null) break;
    lower = upTo;
  }
  let amount = staffel;
  let rule: WikCosts['rule'] = 'staffel';
  if (amount < WIK_MINIMUM) {
    amount = WIK_MINIMUM;
    rule = 'minimum';
  } else if (amount > WIK_MAXIMUM) {
    amount = WIK_MAXIMUM;
    rule = 'maximum';
  }
  const vatRateBp = options.vatRateBp ?? null;
  const vat = vatRateBp === null ? 0n : basisPointsOf(amount, vatRateBp);
  return { principal, staffel, amount, rule, vatRateBp, vat, total: amount + vat, brackets };
}

/** The €40 fixed compensation for recovery costs in commercial transactions (a minimum) [SCHUERMANS][OAA]. */
export function b2bFixedCompensation(): bigint {
  return NL_B2B_FIXED_COMPENSATION;
}

export interface NlB2bCosts {
  /** Costs claimed, excluding VAT uplift. */
  amount: bigint;
  basis: 'staffel' | 'agreed';
  /** The WIK calculation, for comparison (the staffel is default law and a floor in practice). */
  staffel: WikCosts;
  fixedCompensation: bigint;
  vat: bigint;
  total: bigint;
  notes: string[];
}

/**
 * Collection costs for a non-consumer (REFERENCE.md §5.1 B2B and §5.3). Without a contractual clause
 * the staffel applies as default law, never less than the €40 fixed compensation. With an agreed
 * amount that amount is claimed (never below €40); a court may reduce an amount above the staffel
 * unless higher actual costs are shown [WIK-HUUR].
 */
export function nlB2bCollectionCosts(input: { principal: bigint; agreedAmount?: bigint; vatRateBp?: number }): NlB2bCosts {
  const staffel = wikCollectionCosts(input.principal, input.vatRateBp === undefined ? {} : { vatRateBp: input.vatRateBp });
  const notes: string[] = [];
  let amount: bigint;
  let basis: NlB2bCosts['basis'];
  if (input.agreedAmount === undefined) {
    amount = staffel.amount > NL_B2B_FIXED_COMPENSATION ? staffel.amount : NL_B2B_FIXED_COMPENSATION;
    basis = 'staffel';
  } else {
    if (input.agreedAmount < 0n) throw new RangeError('The agreed amount must not be negative.');
    basis = 'agreed';
    amount = input.agreedAmount;
    if (amount < NL_B2B_FIXED_COMPENSATION) {
      amount = NL_B2B_FIXED_COMPENSATION;
      notes.push('The agreed amount is below the €40 fixed compensation, which applies as a minimum.');
    }
    if (amount > staffel.amount) notes.push('A court may reduce an agreed amount above the WIK staffel to the staffel unless higher actual costs are shown.');
  }
  const vat = input.vatRateBp === undefined ? 0n : basisPointsOf(amount, input.vatRateBp);
  return { amount, basis, staffel, fixedCompensation: NL_B2B_FIXED_COMPENSATION, vat, total: amount + vat, notes };
}

export type NlInterestKind = 'statutory' | 'commercial';

export function nlRateTable(kind: NlInterestKind): RateTable {
  return kind === 'commercial' ? NL_COMMERCIAL_RATES : NL_STATUTORY_RATES;
}

/**
 * Statutory interest (art. 6:119 BW) or statutory commercial interest (art. 6:119a BW) on a principal
 * over [from, to): `from` is the first day of interest (the day after the due date / the day of
 * default), `to` the payment date. Compounded yearly per art. 6:119(2) / 6:119a(3) BW: at each
 * anniversary of `from` the base grows by that year's interest. Periods are split at rate changes
 * and anniversaries; each period's interest is base × rate × days / days-in-that-interest-year,
 * rounded to the cent half up (see interest.ts).
 */
export function nlStatutoryInterest(input: { principal: bigint; from: string; to: string; kind: NlInterestKind }): InterestResult {
  return computeInterest({ principal: input.principal, from: input.from, to: input.to, table: nlRateTable(input.kind), compound: true });
}

export interface FourteenDayLetterDates {
  /** Assumed delivery: the second day after dispatch that is not a Sunday, Monday or public holiday. */
  deliveryDate: string;
  /** First day of the 14-day term (the day after delivery). */
  termStart: string;
  /** Last day on which the consumer can pay without owing collection costs (delivery + 14). */
  deadline: string;
}

/**
 * Dates of the veertiendagenbrief (art. 6:96(6) BW, HR 25-11-2016, REFERENCE.md §5.2): delivery is
 * assumed on the second day after dispatch not counting Sundays, Mondays or public holidays; the
 * 14 days start the day after delivery, so the deadline is delivery + 14 days. Collection costs are
 * due from the day after the deadline. `holidays` defaults to the Dutch public holidays
 * (Algemene termijnenwet); pass a list to use another calendar.
 *
 * The deadline itself is not moved off weekends or holidays (REFERENCE.md gives no such rule).
 */
export function fourteenDayLetterDeadline(dispatchDate: string, holidays?: Iterable<string>): FourteenDayLetterDates {
  if (!isBusinessDate(dispatchDate)) throw new RangeError(`Not a valid date: "${dispatchDate}" (use YYYY-MM-DD).`);
  const year = Number(dispatchDate.slice(0, 4));
  const skip = new Set(holidays ?? [...nlPublicHolidays(year), ...nlPublicHolidays(year + 1)]);
  let day = dispatchDate;
  let counted = 0;
  while (counted < 2) {
    day = addDays(day, 1);
    const wd = weekday(day);
    if (wd === 0 || wd === 1 || skip.has(day)) continue;
    counted++;
  }
  return { deliveryDate: day, termStart: addDays(day, 1), deadline: addDays(day, 14) };
}
