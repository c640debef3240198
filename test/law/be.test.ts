import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  beCommercialInterest, beConsumerDamages, beConsumerMaxInterest, beConsumerReminderRules, beConsumerWaitingPeriod,
  beFixedCompensation, beLegalInterest,
} from '../../src/core/law/be.ts';
import { bePublicHolidays } from '../../src/core/law/holidays.ts';

// Expected values worked out by hand from REFERENCE.md §6 and §10. Amounts are cents.

const eur = (whole: number, cents = 0): bigint => BigInt(whole) * 100n + BigInt(cents);

void describe('Book XIX consumer damages: REFERENCE.md §10 rows', () => {
  void it('100.00 → 20.00', () => {
    assert.deepEqual(beConsumerDamages(eur(100)), { outstanding: eur(100), amount: eur(20), bracket: 'up-to-150', capped: false });
  });

  void it('300.00 → 45.00 (30 + 10% × 150)', () => {
    assert.deepEqual(beConsumerDamages(eur(300)), { outstanding: eur(300), amount: eur(45), bracket: '150.01-500', capped: false });
  });

  void it('1,000.00 → 90.00 (65 + 5% × 500)', () => {
    assert.deepEqual(beConsumerDamages(eur(1000)), { outstanding: eur(1000), amount: eur(90), bracket: 'above-500', capped: false });
  });

  void it('50,000.00 → 2,000.00 (maximum)', () => {
    assert.deepEqual(beConsumerDamages(eur(50_000)), { outstanding: eur(50_000), amount: eur(2000), bracket: 'above-500', capped: true });
  });
});

void describe('Book XIX consumer damages: bracket edges and §6.1 text', () => {
  void it('150.00 → 20.00; 150.01 → 30.00 (10% of 0.01 rounds to nothing)', () => {
    assert.equal(beConsumerDamages(eur(150)).amount, eur(20));
    assert.equal(beConsumerDamages(eur(150, 1)).amount, eur(30));
    assert.equal(beConsumerDamages(eur(150, 1)).bracket, '150.01-500');
  });

  void it('500.00 → 65.00 (30 + 35) in the middle bracket; 500.01 → 65.00 in the top bracket', () => {
    assert.deepEqual(beConsumerDamages(eur(500)), { outstanding: eur(500), amount: eur(65), bracket: '150.01-500', capped: false });
    assert.deepEqual(beConsumerDamages(eur(500, 1)), { outstanding: eur(500, 1), amount: eur(65), bracket: 'above-500', capped: false });
  });

  void it('rounds half up: 150.05 → 30.01 (0.5 ct), 150.04 → 30.00; 500.10 → 65.01 (0.5 ct)', () => {
    assert.equal(beConsumerDamages(eur(150, 5)).amount, eur(30, 1));
    assert.equal(beConsumerDamages(eur(150, 4)).amount, eur(30));
    assert.equal(beConsumerDamages(eur(500, 10)).amount, eur(65, 1));
  });

  void it('the cap is reached at 39,200.00 (65 + 5% × 38,700 = 2,000)', () => {
    assert.deepEqual(beConsumerDamages(eur(39_200)), { outstanding: eur(39_200), amount: eur(2000), bracket: 'above-500', capped: false });
    assert.equal(beConsumerDamages(eur(39_100)).amount, eur(1995));
    assert.deepEqual(beConsumerDamages(eur(39_201)), { outstanding: eur(39_201), amount: eur(2000), bracket: 'above-500', capped: true });
  });

  void it('refuses zero and negative amounts', () => {
    assert.throws(() => beConsumerDamages(0n), RangeError);
    assert.throws(() => beConsumerDamages(-100n), RangeError);
  });
});

void describe('Book XIX reminder rules and waiting period', () => {
  void it('the rules as data', () => {
    const r = beConsumerReminderRules();
    assert.equal(r.firstReminderFree, true);
    assert.equal(r.freeRemindersPerYearRegularSupply, 3);
    assert.equal(r.furtherReminderMaxCost, eur(7, 50));
    assert.equal(r.waitingPeriodDays, 14);
    assert.equal(r.appliesToContractsFrom, '2023-09-01');
    assert.equal(r.appliesToOlderContractsFrom, '2023-12-01');
    assert.equal(r.interestCap, 'commercial-late-payment-rate');
    assert.equal(r.firstReminderMustState.length, 4);
  });

  void it('paper, dispatched Monday 8 January 2024: starts Thursday, chargeable 17 days after dispatch', () => {
    assert.deepEqual(beConsumerWaitingPeriod({ dispatchDate: '2024-01-08', channel: 'paper' }), { start: '2024-01-11', end: '2024-01-24', chargeableFrom: '2024-01-25' });
  });

  void it('paper, dispatched Thursday: the weekend does not count as working days', () => {
    assert.deepEqual(beConsumerWaitingPeriod({ dispatchDate: '2024-01-04', channel: 'paper' }), { start: '2024-01-09', end: '2024-01-22', chargeableFrom: '2024-01-23' });
  });

  void it('paper, dispatched Monday 29 April 2024: 1 May is a public holiday', () => {
    assert.deepEqual(beConsumerWaitingPeriod({ dispatchDate: '2024-04-29', channel: 'paper' }), { start: '2024-05-03', end: '2024-05-16', chargeableFrom: '2024-05-17' });
    assert.deepEqual(beConsumerWaitingPeriod({ dispatchDate: '2024-04-29', channel: 'paper', holidays: [] }), { start: '2024-05-02', end: '2024-05-15', chargeableFrom: '2024-05-16' });
  });

  void it('electronic: starts the day after dispatch, 14 days', () => {
    assert.deepEqual(beConsumerWaitingPeriod({ dispatchDate: '2024-01-04', channel: 'electronic' }), { start: '2024-01-05', end: '2024-01-18', chargeableFrom: '2024-01-19' });
  });

  void it('the Belgian public holidays of 2024', () => {
    assert.deepEqual(bePublicHolidays(2024), ['2024-01-01', '2024-04-01', '2024-05-01', '2024-05-09', '2024-05-20', '2024-07-21', '2024-08-15', '2024-11-01', '2024-11-11', '2024-12-25']);
  });
});

void describe('BE commercial interest (Law of 2 August 2002)', () => {
  void it('REFERENCE.md §10: 10,000.00 from 2017-01-01 to 2018-01-01 at 8% → 800.00', () => {
    const r = beCommercialInterest({ principal: eur(10_000), from: '2017-01-01', to: '2018-01-01' });
    assert.equal(r.interest, eur(800));
    assert.deepEqual(r.warnings, []);
  });

  void it('no compounding: two years at 8% → 1,600.00 (NL would give 1,664.00)', () => {
    const r = beCommercialInterest({ principal: eur(10_000), from: '2017-01-01', to: '2019-01-01' });
    assert.equal(r.interest, eur(1600));
    assert.ok(r.periods.every((p) => p.base === eur(10_000)));
  });

  void it('semester change: 2023 at 10.5% then 12%', () => {
    const r = beCommercialInterest({ principal: eur(10_000), from: '2023-01-01', to: '2024-01-01' });
    // 10.5% × 181/365 = 520.684… → 520.68; 12% × 184/365 = 604.931… → 604.93
    assert.deepEqual(r.periods.map((p) => [p.from, p.to, p.rateBp, p.interest]), [
      ['2023-01-01', '2023-07-01', 1050, eur(520, 68)],
      ['2023-07-01', '2024-01-01', 1200, eur(604, 93)],
    ]);
    assert.equal(r.interest, eur(1125, 61));
  });

  void it('leap year: 2024 at 12.5% in both semesters is one period, 366/366 → 1,250.00', () => {
    const r = beCommercialInterest({ principal: eur(10_000), from: '2024-01-01', to: '2025-01-01' });
    assert.deepEqual(r.periods.map((p) => [p.days, p.yearDays, p.rateBp, p.interest]), [[366, 366, 1250, eur(1250)]]);
  });

  void it('contracts concluded before 16 March 2013 keep 7.5% until 15 March 2015', () => {
    const oldContract = beCommercialInterest({ principal: eur(10_000), from: '2014-01-01', to: '2015-01-01', contractDate: '2013-01-15' });
    assert.equal(oldContract.interest, eur(750));
    const newContract = beCommercialInterest({ principal: eur(10_000), from: '2014-01-01', to: '2015-01-01', contractDate: '2013-03-16' });
    assert.equal(newContract.interest, eur(850));
    assert.equal(beCommercialInterest({ principal: eur(10_000), from: '2014-01-01', to: '2015-01-01' }).interest, eur(850));
    // 2015 H1 for an old contract: 7.5% × 74/365 = 152.05; 8.5% × 107/365 = 249.18
    const split = beCommercialInterest({ principal: eur(10_000), from: '2015-01-01', to: '2015-07-01', contractDate: '2012-06-30' });
    assert.deepEqual(split.periods.map((p) => [p.to, p.rateBp, p.interest]), [['2015-03-16', 750, eur(152, 5)], ['2015-07-01', 850, eur(249, 18)]]);
    assert.equal(split.interest, eur(401, 23));
  });

  void it('the consumer interest cap follows the commercial rate', () => {
    assert.equal(beConsumerMaxInterest({ principal: eur(1000), from: '2024-01-01', to: '2025-01-01' }).interest, eur(125));
  });

  void it('the €40 fixed compensation', () => {
    assert.equal(beFixedCompensation(), eur(40));
  });
});

void describe('BE ordinary legal interest', () => {
  void it('2023 at 5.25% → 525.00; 2024 + 2025 without compounding', () => {
    assert.equal(beLegalInterest({ principal: eur(10_000), from: '2023-01-01', to: '2024-01-01' }).interest, eur(525));
    // 2024: 5.75% (366/366) = 575.00; 2025: 4.5% = 450.00
    assert.equal(beLegalInterest({ principal: eur(10_000), from: '2024-01-01', to: '2026-01-01' }).interest, eur(1025));
  });

  void it('refuses the uncollected years 2016–2022', () => {
    assert.throws(() => beLegalInterest({ principal: eur(10_000), from: '2021-01-01', to: '2023-06-01' }), /2016-01-01 to 2022-12-31/);
    assert.throws(() => beLegalInterest({ principal: eur(10_000), from: '2015-06-01', to: '2016-06-01' }), RangeError);
  });
});
