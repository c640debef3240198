import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { basisPointsOf, formatRateBp, rateOn, roundHalfUp } from '../../src/core/law/interest.ts';
import { BE_COMMERCIAL_RATES, BE_COMMERCIAL_RATES_OLD_CONTRACTS, BE_CONSUMER_INTEREST_CAP_RATES, BE_LEGAL_RATES } from '../../src/core/law/rates/be.ts';
import { NL_COMMERCIAL_RATES, NL_STATUTORY_RATES } from '../../src/core/law/rates/nl.ts';
import { isBusinessDate } from '../../src/core/dates.ts';

const TABLES = [NL_STATUTORY_RATES, NL_COMMERCIAL_RATES, BE_COMMERCIAL_RATES, BE_COMMERCIAL_RATES_OLD_CONTRACTS, BE_LEGAL_RATES];

void describe('rate tables', () => {
  for (const table of TABLES) {
    void it(`${table.id}: sorted dates, integer basis points, source tags, statuses`, () => {
      let previous = '';
      for (const e of table.entries) {
        assert.ok(isBusinessDate(e.from), e.from);
        assert.ok(e.from > previous, `${e.from} after ${previous}`);
        previous = e.from;
        assert.ok(Number.isSafeInteger(e.rateBp) && e.rateBp > 0 && e.rateBp < 5000, `${e.from}: ${e.rateBp}`);
        assert.match(e.source, /^(\[[A-Z0-9-]+\])+$/);
        assert.ok(['verified', 'derived', 'unverified'].includes(e.status));
      }
      assert.ok(isBusinessDate(table.knownUntil) && table.knownUntil > previous);
      for (const gap of table.gaps) assert.ok(gap.from < gap.to);
    });
  }

  void it('REFERENCE.md §5.4 figures on sample dates', () => {
    const nlStat: [string, number][] = [['2009-07-01', 400], ['2010-06-30', 300], ['2011-07-01', 400], ['2012-07-01', 300], ['2014-12-31', 300], ['2015-01-01', 200], ['2022-12-31', 200], ['2023-01-01', 400], ['2023-07-01', 600], ['2024-01-01', 700], ['2024-12-31', 700], ['2025-01-01', 600], ['2025-07-01', 500], ['2026-01-01', 400]];
    for (const [date, bp] of nlStat) assert.equal(rateOn(NL_STATUTORY_RATES, date).rateBp, bp, date);
    const nlComm: [string, number][] = [['2012-12-31', 800], ['2013-01-01', 775], ['2013-03-15', 775], ['2013-03-16', 875], ['2013-07-01', 850], ['2014-01-01', 825], ['2014-07-01', 815], ['2015-01-01', 805], ['2016-06-30', 805], ['2016-07-01', 800], ['2022-12-31', 800], ['2023-01-01', 1050], ['2023-07-01', 1200], ['2024-01-01', 1250], ['2024-07-01', 1225], ['2025-01-01', 1115], ['2025-07-01', 1015], ['2026-06-30', 1015]];
    for (const [date, bp] of nlComm) assert.equal(rateOn(NL_COMMERCIAL_RATES, date).rateBp, bp, date);
  });

  void it('REFERENCE.md §6.3 figures on sample dates', () => {
    const be: [string, number][] = [['2013-06-30', 900], ['2013-07-01', 850], ['2015-03-16', 850], ['2016-06-30', 850], ['2016-07-01', 800], ['2022-12-31', 800], ['2023-01-01', 1050], ['2023-07-01', 1200], ['2024-01-01', 1250], ['2024-07-01', 1250], ['2025-01-01', 1150], ['2025-07-01', 1050], ['2026-01-01', 1050]];
    for (const [date, bp] of be) assert.equal(rateOn(BE_COMMERCIAL_RATES, date).rateBp, bp, date);
    const old: [string, number][] = [['2013-01-01', 800], ['2013-07-01', 750], ['2015-03-15', 750], ['2015-03-16', 850], ['2016-07-01', 800]];
    for (const [date, bp] of old) assert.equal(rateOn(BE_COMMERCIAL_RATES_OLD_CONTRACTS, date).rateBp, bp, date);
    assert.equal(BE_CONSUMER_INTEREST_CAP_RATES, BE_COMMERCIAL_RATES);
    const legal: [string, number][] = [['2014-12-31', 275], ['2015-01-01', 250], ['2023-01-01', 525], ['2024-01-01', 575], ['2025-01-01', 450], ['2026-01-01', 450]];
    for (const [date, bp] of legal) assert.equal(rateOn(BE_LEGAL_RATES, date).rateBp, bp, date);
  });

  void it('statuses as REFERENCE.md marks them', () => {
    assert.equal(rateOn(NL_STATUTORY_RATES, '2025-07-01').status, 'derived');
    assert.equal(rateOn(NL_STATUTORY_RATES, '2025-01-01').status, 'verified');
    assert.equal(rateOn(NL_COMMERCIAL_RATES, '2013-03-16').status, 'derived');
    assert.equal(rateOn(NL_COMMERCIAL_RATES, '2014-01-01').status, 'derived');
    assert.equal(rateOn(NL_COMMERCIAL_RATES, '2024-07-01').status, 'verified');
    assert.equal(rateOn(BE_COMMERCIAL_RATES, '2026-01-01').status, 'unverified');
  });

  void it('rateOn joins consecutive entries with the same rate and stops at rate changes, gaps and the table end', () => {
    const a = rateOn(NL_COMMERCIAL_RATES, '2017-05-01'); // 2016-07-01 (derived) and 2021-01-01 (verified), both 8%
    assert.equal(a.until, '2023-01-01');
    assert.equal(a.status, 'derived');
    assert.equal(a.source, '[BSI-ECB][RIJKS][WATSON][LEGALSEARCH]');
    assert.equal(rateOn(NL_STATUTORY_RATES, '2024-03-01').until, '2025-01-01'); // 7% on 1-1-2024 and 1-7-2024
    assert.equal(rateOn(BE_LEGAL_RATES, '2015-05-01').until, '2016-01-01');
    assert.equal(rateOn(NL_STATUTORY_RATES, '2026-03-01').until, '2026-07-01');
    const beyond = rateOn(NL_STATUTORY_RATES, '2026-07-01');
    assert.equal(beyond.assumed, true);
    assert.equal(beyond.status, 'unverified');
    assert.equal(beyond.until, null);
    assert.throws(() => rateOn(BE_LEGAL_RATES, '2019-01-01'), RangeError);
    assert.throws(() => rateOn(NL_STATUTORY_RATES, '2009-06-30'), RangeError);
  });
});

void describe('bigint rounding helpers', () => {
  void it('roundHalfUp', () => {
    assert.equal(roundHalfUp(5n, 10n), 1n);
    assert.equal(roundHalfUp(4n, 10n), 0n);
    assert.equal(roundHalfUp(15n, 10n), 2n);
    assert.equal(roundHalfUp(149n, 100n), 1n);
    assert.equal(roundHalfUp(0n, 7n), 0n);
    assert.throws(() => roundHalfUp(-1n, 2n), RangeError);
    assert.throws(() => roundHalfUp(1n, 0n), RangeError);
  });

  void it('basisPointsOf and formatRateBp', () => {
    assert.equal(basisPointsOf(15_000n, 2100), 3150n);
    assert.equal(basisPointsOf(1n, 5000), 1n); // 0.5 ct → 1 ct
    assert.equal(basisPointsOf(1n, 4999), 0n);
    assert.equal(formatRateBp(815), '8.15%');
    assert.equal(formatRateBp(1050), '10.50%');
    assert.equal(formatRateBp(50), '0.50%');
  });
});
