import type { Organisation } from '../../db/schema.ts';
import { formatAmount } from '../../core/money.ts';
import { nlB2bCollectionCosts, nlStatutoryInterest, wikCollectionCosts } from '../../core/law/nl.ts';
import { beCommercialInterest, beConsumerDamages, beFixedCompensation } from '../../core/law/be.ts';

// What a charge step may book on an invoice, by the creditor's country and the debtor's kind.
// NOTE: a charge books what is owed to date less what was charged before, never less than zero:
// a later charge step, or a repeating one, books only the interest accrued since the last charge,
// and the collection costs (a one-off sum by the principal) once.

export interface ChargeInput {
  country: Organisation['country'];
  debtorKind: 'business' | 'consumer';
  principal: bigint;
  dueDate: string;
  date: string;
  /** Costs and interest charged on the invoice before (their reversals deducted), in `currency`. */
  charged?: { costs: bigint; interest: bigint; currency: string };
}

export interface Charge {
  costs: bigint;
  costsRule: string;
  interest: bigint;
  interestRule: string | null;
}

export function computeCharge(input: ChargeInput, want: { costs: boolean; interest: boolean }): Charge {
  const { country, debtorKind, principal } = input;
  let costs = 0n;
  let costsRule = 'none';
  if (want.costs && principal > 0n) {
    if (country === 'NL') {
      // NOTE: consumers: WIK staffel, only after the 14-day letter (the step's condition); businesses: the staffel, at least €40.
      if (debtorKind === 'consumer') {
        costs = wikCollectionCosts(principal).total;
        costsRule = 'NL WIK staffel (consumer, after the 14-day letter)';
      } else {
        costs = nlB2bCollectionCosts({ principal }).total;
        costsRule = 'NL WIK staffel, at least €40 (business)';
      }
    } else if (debtorKind === 'consumer') {
      costs = beConsumerDamages(principal).amount;
      costsRule = 'BE Book XIX lump-sum damages';
    } else {
      costs = beFixedCompensation();
      costsRule = 'BE €40 fixed compensation (law of 2 August 2002)';
    }
  }
  let interest = 0n;
  let interestRule: string | null = null;
  // NOTE: interest runs from the day after the due date.
  const from = new Date(Date.parse(`${input.dueDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  if (want.interest && principal > 0n && from < input.date) {
    if (country === 'NL') {
      const kind = debtorKind === 'consumer' ? 'statutory' : 'commercial';
      interest = nlStatutoryInterest({ principal, from, to: input.date, kind }).interest;
      interestRule = kind === 'statutory' ? 'NL statutory interest (art. 6:119 BW)' : 'NL statutory commercial interest (art. 6:119a BW)';
    } else if (debtorKind === 'business') {
      interest = beCommercialInterest({ principal, from, to: input.date }).interest;
      interestRule = 'BE late-payment interest (law of 2 August 2002)';
    }
  }
  const before = input.charged;
  if (before && before.costs > 0n && costs > 0n) {
    costs = costs > before.costs ? costs - before.costs : 0n;
    costsRule = `${costsRule}, less ${formatAmount(before.costs, before.currency)} charged before`;
  }
  if (before && before.interest > 0n && interestRule !== null) {
    interest = interest > before.interest ? interest - before.interest : 0n;
    interestRule = `${interestRule} to ${input.date}, less ${formatAmount(before.interest, before.currency)} charged before`;
  }
  return { costs, costsRule, interest, interestRule };
}
