import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  b2bFixedCompensation, fourteenDayLetterDeadline, nlB2bCollectionCosts, nlStatutoryInterest, wikCollectionCosts,
} from '../../src/core/law/nl.ts';
import { nlPublicHolidays } from '../../src/core/law/holidays.ts';

// Expected values are worked out by hand from REFERENCE.md §5 and §10 (the arithmetic is in the
// comments), never read back from the module. Amounts are cents.

const eur = (whole: number, cents = 0): bigint => BigInt(whole) * 100n + BigInt(cents);

void describe('WIK collection costs: REFERENCE.md §10 rows', () => {
  void it('250.00 → 40.00 (minimum; the staffel gives 15% × 250 = 37.50)', () => {
    const r = wikCollectionCosts(eur(250));
    assert.equal(r.staffel, eur(37, 50));
    assert.equal(r.amount, eur(40));
    assert.equal(r.rule, 'minimum');
    assert.equal(r.vat, 0n);
    assert.equal(r.total, eur(40));
  });

  void it('1,000.00 → 150.00', () => {
    assert.equal(wikCollectionCosts(eur(1000)).amount, eur(150));
    assert.equal(wikCollectionCosts(eur(1000)).total, eur(150));
  });

  void it('3,000.00 → 425.00 (375 + 10% × 500)', () => {
    const r = wikCollectionCosts(eur(3000));
    assert.equal(r.amount, eur(425));
    assert.deepEqual(r.brackets, [
      { from: 0n, to: eur(2500), rateBp: 1500, base: eur(2500), amount: eur(375) },
      { from: eur(2500), to: eur(5000), rateBp: 1000, base: eur(500), amount: eur(50) },
    ]);
  });

  void it('10,000.00 → 875.00 (375 + 250 + 250)', () => {
    assert.equal(wikCollectionCosts(eur(10_000)).amount, eur(875));
  });

  void it('50,000.00 → 1,275.00 (875 + 1% × 40,000)', () => {
    assert.equal(wikCollectionCosts(eur(50_000)).amount, eur(1275));
  });

  void it('1,000.00 with 21% VAT the creditor cannot deduct → 181.50', () => {
    const r = wikCollectionCosts(eur(1000), { vatRateBp: 2100 });
    assert.equal(r.amount, eur(150));
    assert.equal(r.vat, eur(31, 50));
    assert.equal(r.total, eur(181, 50));
    assert.equal(r.vatRateBp, 2100);
  });

  void it('5,000,000.00 → 6,775.00 (maximum)', () => {
    const r = wikCollectionCosts(eur(5_000_000));
    assert.equal(r.amount, eur(6775));
    assert.equal(r.rule, 'maximum');
    // 2,775 + 0.5% × 4,800,000 = 26,775 before the cap
    assert.equal(r.staffel, eur(26_775));
  });
});

void describe('WIK collection costs: §5.1 text examples and bracket edges', () => {
  void it('VAT uplift also applies to the minimum: 40.00 → 48.40 at 21%', () => {
    const r = wikCollectionCosts(eur(250), { vatRateBp: 2100 });
    assert.equal(r.amount, eur(40));
    assert.equal(r.vat, eur(8, 40));
    assert.equal(r.total, eur(48, 40));
  });

  void it('2,500.00 → 375.00 and 2,500.01 → 375.00 (10% of 0.01 = 0.001, rounds down)', () => {
    assert.equal(wikCollectionCosts(eur(2500)).amount, eur(375));
    const r = wikCollectionCosts(eur(2500, 1));
    assert.equal(r.amount, eur(375));
    assert.equal(r.brackets.length, 2);
    assert.equal(r.brackets[1]?.base, 1n);
    assert.equal(r.brackets[1]?.amount, 0n);
  });

  void it('rounds half up: 2,500.05 → 375.01 (10% of 5 ct = 0.5 ct), 2,500.04 → 375.00', () => {
    assert.equal(wikCollectionCosts(eur(2500, 5)).amount, eur(375, 1));
    assert.equal(wikCollectionCosts(eur(2500, 4)).amount, eur(375));
  });

  void it('5,000.00 → 625.00; 10,000.00 → 875.00; 20,000.00 → 975.00', () => {
    assert.equal(wikCollectionCosts(eur(5000)).amount, eur(625));
    assert.equal(wikCollectionCosts(eur(5000, 1)).amount, eur(625));
    assert.equal(wikCollectionCosts(eur(10_000, 1)).amount, eur(875));
    assert.equal(wikCollectionCosts(eur(20_000)).amount, eur(975));
  });

  void it('200,000.00 → 2,775.00; 1,000,000.00 → 6,775.00 exactly by the staffel; above → maximum', () => {
    assert.equal(wikCollectionCosts(eur(200_000)).amount, eur(2775));
    const top = wikCollectionCosts(eur(1_000_000));
    assert.equal(top.amount, eur(6775));
    assert.equal(top.rule, 'staffel'); // 2,775 + 0.5% × 800,000 = 6,775
    assert.equal(top.brackets.at(-1)?.to, null);
    assert.equal(top.brackets.at(-1)?.base, eur(800_000));
    // 0.5% of 0.01 rounds to nothing; 0.5% of 1.00 is 0.5 ct, rounded up to 6,775.01 → the maximum.
    assert.equal(wikCollectionCosts(eur(1_000_000, 1)).rule, 'staffel');
    const above = wikCollectionCosts(eur(1_000_001));
    assert.equal(above.staffel, eur(6775, 1));
    assert.equal(above.amount, eur(6775));
    assert.equal(above.rule, 'maximum');
    assert.equal(wikCollectionCosts(eur(500_000)).amount, eur(4275)); // 2,775 + 0.5% × 300,000
  });

  void it('the minimum starts below 266.67: 266.66 → 40.00 by rounding (39.999), 266.63 → minimum', () => {
    const a = wikCollectionCosts(eur(266, 67)); // 40.0005 → 40.00
    assert.equal(a.amount, eur(40));
    assert.equal(a.rule, 'staffel');
    const b = wikCollectionCosts(eur(266, 66)); // 39.999 → 40.00
    assert.equal(b.amount, eur(40));
    assert.equal(b.rule, 'staffel');
    const c = wikCollectionCosts(eur(266, 63)); // 39.9945 → 39.99 → minimum 40.00
    assert.equal(c.staffel, eur(39, 99));
    assert.equal(c.rule, 'minimum');
    assert.equal(c.amount, eur(40));
  });

  void it('VAT uplift on the maximum and at 9%', () => {
    assert.equal(wikCollectionCosts(eur(5_000_000), { vatRateBp: 2100 }).total, eur(8197, 75)); // 6,775 × 1.21
    assert.equal(wikCollectionCosts(eur(3000), { vatRateBp: 900 }).vat, eur(38, 25)); // 425 × 9%
  });

  void it('refuses a zero or negative principal and a bad VAT rate', () => {
    assert.throws(() => wikCollectionCosts(0n), RangeError);
    assert.throws(() => wikCollectionCosts(-1n), RangeError);
    assert.throws(() => wikCollectionCosts(eur(100), { vatRateBp: 21.5 }), RangeError);
    assert.throws(() => wikCollectionCosts(eur(100), { vatRateBp: 10_001 }), RangeError);
  });
});

void describe('B2B collection costs', () => {
  void it('the fixed compensation is 40.00', () => {
    assert.equal(b2bFixedCompensation(), eur(40));
  });

  void it('without a clause: the staffel, at least 40.00', () => {
    const small = nlB2bCollectionCosts({ principal: eur(100) });
    assert.equal(small.amount, eur(40));
    assert.equal(small.basis, 'staffel');
    assert.equal(nlB2bCollectionCosts({ principal: eur(3000) }).amount, eur(425));
    assert.equal(nlB2bCollectionCosts({ principal: eur(3000), vatRateBp: 2100 }).total, eur(514, 25));
  });

  void it('with an agreed amount: that amount, never below 40.00, flagged when above the staffel', () => {
    const agreedLow = nlB2bCollectionCosts({ principal: eur(1000), agreedAmount: eur(100) });
    assert.equal(agreedLow.amount, eur(100));
    assert.equal(agreedLow.basis, 'agreed');
    assert.deepEqual(agreedLow.notes, []);
    const agreedHigh = nlB2bCollectionCosts({ principal: eur(1000), agreedAmount: eur(200) });
    assert.equal(agreedHigh.amount, eur(200));
    assert.equal(agreedHigh.staffel.amount, eur(150));
    assert.equal(agreedHigh.notes.length, 1);
    const agreedTiny = nlB2bCollectionCosts({ principal: eur(1000), agreedAmount: eur(10) });
    assert.equal(agreedTiny.amount, eur(40));
  });
});

void describe('NL statutory interest: REFERENCE.md §10 rows', () => {
  void it('commercial, 10,000.00 from 2017-01-01 to 2018-01-01 at 8% → 800.00', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2017-01-01', to: '2018-01-01', kind: 'commercial' });
    assert.equal(r.interest, eur(800));
    assert.equal(r.periods.length, 1);
    assert.equal(r.periods[0]?.rateBp, 800);
    assert.equal(r.periods[0]?.days, 365);
  });

  void it('commercial, 10,000.00 from 2017-01-01 to 2019-01-01, compounded after year 1 → 1,664.00', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2017-01-01', to: '2019-01-01', kind: 'commercial' });
    assert.equal(r.interest, eur(1664)); // 800 + 8% × 10,800
    assert.deepEqual(r.periods.map((p) => [p.from, p.to, p.base, p.interest]), [
      ['2017-01-01', '2018-01-01', eur(10_000), eur(800)],
      ['2018-01-01', '2019-01-01', eur(10_800), eur(864)],
    ]);
  });

  void it('statutory, 10,000.00 from 2016-01-01 to 2018-01-01 at 2%, compounded → 404.00 (leap year 2016 counts as one year)', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2016-01-01', to: '2018-01-01', kind: 'statutory' });
    assert.equal(r.interest, eur(404)); // 200 + 2% × 10,200
    assert.deepEqual(r.periods.map((p) => [p.days, p.yearDays, p.base, p.interest]), [
      [366, 366, eur(10_000), eur(200)],
      [365, 365, eur(10_200), eur(204)],
    ]);
    assert.deepEqual(r.warnings, []);
  });
});

void describe('NL statutory interest: rate changes, leap years, compounding', () => {
  void it('splits at a mid-year rate change: statutory 2023 (4% then 6%)', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2023-01-01', to: '2024-01-01', kind: 'statutory' });
    // 10,000 × 4% × 181/365 = 198.356… → 198.36; 10,000 × 6% × 184/365 = 302.465… → 302.47
    assert.deepEqual(r.periods.map((p) => [p.from, p.to, p.days, p.rateBp, p.interest]), [
      ['2023-01-01', '2023-07-01', 181, 400, eur(198, 36)],
      ['2023-07-01', '2024-01-01', 184, 600, eur(302, 47)],
    ]);
    assert.equal(r.interest, eur(500, 83));
  });

  void it('16 March 2013: the +8 rule splits the first half of 2013 (7.75% then 8.75%)', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2013-01-01', to: '2013-07-01', kind: 'commercial' });
    // 10,000 × 7.75% × 74/365 = 157.123… → 157.12; 10,000 × 8.75% × 107/365 = 256.506… → 256.51
    assert.deepEqual(r.periods.map((p) => [p.to, p.days, p.rateBp, p.interest]), [
      ['2013-03-16', 74, 775, eur(157, 12)],
      ['2013-07-01', 107, 875, eur(256, 51)],
    ]);
    assert.equal(r.interest, eur(413, 63));
  });

  void it('leap year inside an interest year: days / 366', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2024-01-01', to: '2025-01-01', kind: 'commercial' });
    // 12.5% × 182/366 = 621.584… → 621.58; 12.25% × 184/366 = 615.846… → 615.85
    assert.deepEqual(r.periods.map((p) => [p.days, p.yearDays, p.rateBp, p.interest]), [
      [182, 366, 1250, eur(621, 58)],
      [184, 366, 1225, eur(615, 85)],
    ]);
    assert.equal(r.interest, eur(1237, 43));
  });

  void it('an interest year starting mid-year that contains 29 February has 366 days', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2023-07-01', to: '2024-07-01', kind: 'statutory' });
    // 6% × 184/366 = 301.639… → 301.64; 7% × 182/366 = 348.087… → 348.09
    assert.deepEqual(r.periods.map((p) => [p.days, p.yearDays, p.interest]), [
      [184, 366, eur(301, 64)],
      [182, 366, eur(348, 9)],
    ]);
    assert.equal(r.interest, eur(649, 73));
  });

  void it('a start on 29 February has its anniversary on 28 February; one full year = the annual rate', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2016-02-29', to: '2017-02-28', kind: 'statutory' });
    assert.equal(r.interest, eur(200));
    assert.equal(r.periods[0]?.yearDays, 365);
  });

  void it('compounds on the anniversary, not on 1 January, with rate changes in both years', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2022-10-01', to: '2024-10-01', kind: 'commercial' });
    // Year 1 (365 days): 8% × 92/365 = 201.64; 10.5% × 181/365 = 520.68; 12% × 92/365 = 302.47 → 1,024.79
    // Year 2 (366 days) on 11,024.79: 12% × 92/366 = 332.55; 12.5% × 182/366 = 685.28; 12.25% × 92/366 = 339.48
    assert.deepEqual(r.periods.map((p) => [p.from, p.to, p.rateBp, p.base, p.interest]), [
      ['2022-10-01', '2023-01-01', 800, eur(10_000), eur(201, 64)],
      ['2023-01-01', '2023-07-01', 1050, eur(10_000), eur(520, 68)],
      ['2023-07-01', '2023-10-01', 1200, eur(10_000), eur(302, 47)],
      ['2023-10-01', '2024-01-01', 1200, eur(11_024, 79), eur(332, 55)],
      ['2024-01-01', '2024-07-01', 1250, eur(11_024, 79), eur(685, 28)],
      ['2024-07-01', '2024-10-01', 1225, eur(11_024, 79), eur(339, 48)],
    ]);
    assert.equal(r.interest, eur(2382, 10));
  });

  void it('no interest for an empty period; errors for reversed dates and dates before the table', () => {
    assert.equal(nlStatutoryInterest({ principal: eur(100), from: '2020-05-05', to: '2020-05-05', kind: 'statutory' }).interest, 0n);
    assert.throws(() => nlStatutoryInterest({ principal: eur(100), from: '2020-05-05', to: '2020-05-04', kind: 'statutory' }), RangeError);
    assert.throws(() => nlStatutoryInterest({ principal: eur(100), from: '2009-01-01', to: '2010-01-01', kind: 'statutory' }), RangeError);
    assert.throws(() => nlStatutoryInterest({ principal: eur(100), from: '2020-02-30', to: '2021-01-01', kind: 'statutory' }), RangeError);
  });

  void it('derived rates and dates past the table come with warnings', () => {
    const r = nlStatutoryInterest({ principal: eur(10_000), from: '2026-01-01', to: '2027-01-01', kind: 'statutory' });
    assert.deepEqual(r.periods.map((p) => [p.from, p.to, p.rateBp, p.status, p.assumed]), [
      ['2026-01-01', '2026-07-01', 400, 'derived', false],
      ['2026-07-01', '2027-01-01', 400, 'unverified', true],
    ]);
    // 4% × 181/365 = 198.356… → 198.36; 4% × 184/365 = 201.643… → 201.64
    assert.equal(r.interest, eur(400));
    assert.equal(r.warnings.length, 2);
  });
});

void describe('veertiendagenbrief dates', () => {
  void it('Friday dispatch: Saturday counts, Sunday and Monday do not → delivered Tuesday', () => {
    assert.deepEqual(fourteenDayLetterDeadline('2024-03-01'), { deliveryDate: '2024-03-05', termStart: '2024-03-06', deadline: '2024-03-19' });
  });

  void it('Tuesday dispatch: Wednesday and Thursday', () => {
    assert.deepEqual(fourteenDayLetterDeadline('2024-03-05'), { deliveryDate: '2024-03-07', termStart: '2024-03-08', deadline: '2024-03-21' });
  });

  void it('King\'s Day (Saturday 27 April 2024) is skipped', () => {
    assert.deepEqual(fourteenDayLetterDeadline('2024-04-25'), { deliveryDate: '2024-04-30', termStart: '2024-05-01', deadline: '2024-05-14' });
    // The same dispatch with an empty holiday list: Friday and Saturday.
    assert.deepEqual(fourteenDayLetterDeadline('2024-04-25', []), { deliveryDate: '2024-04-27', termStart: '2024-04-28', deadline: '2024-05-11' });
  });

  void it('Christmas: Sunday, Monday 25 and Tuesday 26 December 2023 are skipped', () => {
    assert.deepEqual(fourteenDayLetterDeadline('2023-12-23'), { deliveryDate: '2023-12-28', termStart: '2023-12-29', deadline: '2024-01-11' });
  });

  void it('Good Friday is not a public holiday; Easter Monday is a Monday anyway', () => {
    assert.equal(fourteenDayLetterDeadline('2024-03-28').deliveryDate, '2024-03-30');
    assert.equal(fourteenDayLetterDeadline('2024-03-30').deliveryDate, '2024-04-03');
  });

  void it('Ascension Day (Thursday 9 May 2024) is skipped', () => {
    assert.equal(fourteenDayLetterDeadline('2024-05-08').deliveryDate, '2024-05-11');
  });

  void it('the Dutch public holidays of 2024 and King\'s Day on a Sunday (2025)', () => {
    assert.deepEqual(nlPublicHolidays(2024), ['2024-01-01', '2024-04-01', '2024-04-27', '2024-05-05', '2024-05-09', '2024-05-20', '2024-12-25', '2024-12-26']);
    assert.ok(nlPublicHolidays(2025).includes('2025-04-26'));
    assert.ok(!nlPublicHolidays(2025).includes('2025-04-27'));
  });

  void it('refuses an invalid date', () => {
    assert.throws(() => fourteenDayLetterDeadline('2024-02-30'), RangeError);
  });
});
