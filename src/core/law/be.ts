import { addDays, isBusinessDate } from '../dates.ts';
import { bePublicHolidays, weekday } from './holidays.ts';
import { basisPointsOf, computeInterest, type InterestInput, type InterestResult } from './interest.ts';
import { BE_COMMERCIAL_RATES, BE_COMMERCIAL_RATES_OLD_CONTRACTS, BE_CONSUMER_INTEREST_CAP_RATES, BE_LEGAL_RATES } from './rates/be.ts';

// Belgian collection law (REFERENCE.md §6). Amounts are bigint cents; rates integer basis points.

/** Fixed compensation for recovery costs, Law of 2-8-2002 art. 6 (Directive 2011/7/EU) [SCHUERMANS][WORDSCOPE-6]. */
export const BE_B2B_FIXED_COMPENSATION = 4_000n;

// Book XIX CEL, art. XIX.4: maximum lump-sum damages [ELEGIS][CRITS].
const DAMAGES_LOW_LIMIT = 15_000n; // €150
const DAMAGES_LOW = 2_000n; // €20 up to €150
const DAMAGES_MID_LIMIT = 50_000n; // €500
const DAMAGES_MID_BASE = 3_000n; // €30 + 10 % of the part above €150 (up to €500)
const DAMAGES_HIGH_BASE = 6_500n; // €65 + 5 % of the part above €500
const DAMAGES_MAX = 200_000n; // €2,000

export interface BeConsumerDamages {
  outstanding: bigint;
  amount: bigint;
  bracket: 'up-to-150' | '150.01-500' | 'above-500';
  /** True when the €2,000 cap cut the amount (above €39,200 outstanding; at €39,200 the formula gives exactly €2,000). */
  capped: boolean;
}

/**
 * Maximum lump-sum damages on a consumer debt under Book XIX CEL (REFERENCE.md §6.1):
 * ≤ €150 → €20; €150.01–€500 → €30 + 10 % of the part above €150; > €500 → €65 + 5 % of the part
 * above €500, at most €2,000. Percentages are rounded to the cent half up.
 * Only claimable when the contract provides for it and after the waiting period of the first reminder.
 */
export function beConsumerDamages(outstanding: bigint): BeConsumerDamages {
  if (outstanding <= 0n) throw new RangeError('The outstanding amount must be more than zero.');
  if (outstanding <= DAMAGES_LOW_LIMIT) return { outstanding, amount: DAMAGES_LOW, bracket: 'up-to-150', capped: false };
  if (outstanding <= DAMAGES_MID_LIMIT) {
    return { outstanding, amount: DAMAGES_MID_BASE + basisPointsOf(outstanding - DAMAGES_LOW_LIMIT, 1000), bracket: '150.01-500', capped: false };
  }
  const amount = DAMAGES_HIGH_BASE + basisPointsOf(outstanding - DAMAGES_MID_LIMIT, 500);
  return amount > DAMAGES_MAX
    ? { outstanding, amount: DAMAGES_MAX, bracket: 'above-500', capped: true }
    : { outstanding, amount, bracket: 'above-500', capped: false };
}

export interface BeConsumerReminderRules {
  /** Book XIX applies to contracts concluded from this date [VILLAJ][ARDENT][ELEGIS][CRENO]. */
  appliesToContractsFrom: string;
  /** …and from this date also to older contracts whose arrears arose after 1 September 2023. */
  appliesToOlderContractsFrom: string;
  firstReminderFree: true;
  /** Regular-supply contracts: the first 3 reminders per calendar year are free [CRENO][BRICKS]. */
  freeRemindersPerYearRegularSupply: number;
  /** Each further reminder costs at most this (cents), plus postage [CRITS][CRENO][PRATO]. */
  furtherReminderMaxCost: bigint;
  furtherReminderPlusPostage: true;
  /** Minimum waiting period after the first reminder, calendar days [PRATO][BRICKS]. */
  waitingPeriodDays: number;
  waitingPeriodStart: { paper: string; electronic: string };
  /** No costs, interest or damages before the waiting period ends [CRENO][VILLAJ]. */
  nothingChargeableBeforeWaitingPeriodEnds: true;
  /** Late interest at most the commercial late-payment rate (Law of 2-8-2002 art. 5) [ELEGIS][CRITS]. */
  interestCap: 'commercial-late-payment-rate';
  /** Interest, damages and costs only when the contract provides for them, and reciprocally [ELEGIS][CRITS][JUSTIFIED]. */
  requiresContractClause: true;
  /** What the first reminder must state [PRATO][VILLAJ][CRENO]. */
  firstReminderMustState: string[];
}

/** The Book XIX CEL rules for reminders to consumers, as data (REFERENCE.md §6.1). */
export function beConsumerReminderRules(): BeConsumerReminderRules {
  return {
    appliesToContractsFrom: '2023-09-01',
    appliesToOlderContractsFrom: '2023-12-01',
    firstReminderFree: true,
    freeRemindersPerYearRegularSupply: 3,
    furtherReminderMaxCost: 750n,
    furtherReminderPlusPostage: true,
    waitingPeriodDays: 14,
    waitingPeriodStart: { paper: 'the third working day after dispatch', electronic: 'the day after dispatch' },
    nothingChargeableBeforeWaitingPeriodEnds: true,
    interestCap: 'commercial-late-payment-rate',
    requiresContractClause: true,
    firstReminderMustState: [
      'the amount due and the damages amount that will be claimed',
      'the creditor\'s name and enterprise number',
      'a description of the product or service and the due date',
      'the payment period',
    ],
  };
}

export interface BeWaitingPeriod {
  /** First day of the 14-day waiting period. */
  start: string;
  /** Last day of the waiting period. */
  end: string;
  /** First day on which costs, interest or damages may be charged. */
  chargeableFrom: string;
}

/**
 * The Book XIX waiting period after the first reminder (REFERENCE.md §6.1): at least 14 calendar days,
 * starting the third working day after dispatch (paper) or the day after dispatch (electronic).
 * Working day here: Monday to Friday, not a Belgian public holiday (`holidays` overrides the
 * calendar). The law text's notion of "working day" is not given in REFERENCE.md; this is an
 * assumption, conservative in that it never makes the period shorter than with Saturdays counted.
 */
export function beConsumerWaitingPeriod(input: { dispatchDate: string; channel: 'paper' | 'electronic'; holidays?: Iterable<string> }): BeWaitingPeriod {
  const { dispatchDate, channel } = input;
  if (!isBusinessDate(dispatchDate)) throw new RangeError(`Not a valid date: "${dispatchDate}" (use YYYY-MM-DD).`);
  let start: string;
  if (channel === 'electronic') {
    start = addDays(dispatchDate, 1);
  } else {
    const year = Number(dispatchDate.slice(0, 4));
    const skip = new Set(input.holidays ?? [...bePublicHolidays(year), ...bePublicHolidays(year + 1)]);
    let day = dispatchDate;
    let counted = 0;
    while (counted < 3) {
      day = addDays(day, 1);
      const wd = weekday(day);
      if (wd === 0 || wd === 6 || skip.has(day)) continue;
      counted++;
    }
    start = day;
  }
  const end = addDays(start, 13);
  return { start, end, chargeableFrom: addDays(end, 1) };
}

/** €40 fixed compensation for recovery costs in commercial transactions (plus reasonable extra costs). */
export function beFixedCompensation(): bigint {
  return BE_B2B_FIXED_COMPENSATION;
}

/** Contracts concluded before this date kept the old (+7 points) rates until 15-3-2015. */
export const BE_NEW_REGIME_CONTRACTS_FROM = '2013-03-16';

/**
 * Late-payment interest in commercial transactions (Law of 2-8-2002, REFERENCE.md §6.2–6.3): simple
 * interest, no compounding, at the semester rates, over [from, to). `contractDate` before 16-3-2013
 * selects the old-contract rates (7.5–8 % until 15-3-2015). Day count and rounding as in
 * interest.ts: days / days of the 12-month period from `from`, each period rounded half up.
 */
export function beCommercialInterest(input: InterestInput & { contractDate?: string }): InterestResult {
  if (input.contractDate !== undefined && !isBusinessDate(input.contractDate)) {
    throw new RangeError(`Not a valid date: "${input.contractDate}" (use YYYY-MM-DD).`);
  }
  const table = input.contractDate !== undefined && input.contractDate < BE_NEW_REGIME_CONTRACTS_FROM ? BE_COMMERCIAL_RATES_OLD_CONTRACTS : BE_COMMERCIAL_RATES;
  return computeInterest({ principal: input.principal, from: input.from, to: input.to, table, compound: false });
}

/**
 * The maximum late interest a consumer may be charged under Book XIX (art. XIX.4): the commercial
 * late-payment rate on the outstanding amount, simple interest. Only with a contract clause, and
 * only from the end of the waiting period.
 */
export function beConsumerMaxInterest(input: InterestInput): InterestResult {
  return computeInterest({ principal: input.principal, from: input.from, to: input.to, table: BE_CONSUMER_INTEREST_CAP_RATES, compound: false });
}

/**
 * Ordinary legal interest (calendar-year rates), simple interest. Refuses periods for which no rate
 * was collected (2016–2022, see rates/be.ts).
 */
export function beLegalInterest(input: InterestInput): InterestResult {
  return computeInterest({ principal: input.principal, from: input.from, to: input.to, table: BE_LEGAL_RATES, compound: false });
}
