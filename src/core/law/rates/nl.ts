import type { RateTable } from './types.ts';

// Dutch statutory interest rates, from REFERENCE.md §5.4 (tags resolve in §9 there).

/** Wettelijke rente for non-commercial transactions, art. 6:119 BW (rate set under art. 6:120(1) BW). */
export const NL_STATUTORY_RATES: RateTable = {
  id: 'nl-statutory',
  title: 'Wettelijke rente (art. 6:119 BW)',
  rule: 'ECB main refinancing rate (end of October for 1 January, end of April for 1 July) + 2.25 points, rounded to a whole percent (halves up), a single change capped at 2 points [STB2014][SCHRIJFTOLK][SMK].',
  entries: [
    { from: '2009-07-01', rateBp: 400, source: '[STB2009]', status: 'verified' },
    { from: '2010-01-01', rateBp: 300, source: '[SCHRIJFTOLK][SDU2010]', status: 'verified' },
    { from: '2011-07-01', rateBp: 400, source: '[VLEX2011]', status: 'verified' },
    { from: '2012-07-01', rateBp: 300, source: '[STB2014][FINTOOL]', status: 'verified' },
    { from: '2015-01-01', rateBp: 200, source: '[STB2014]', status: 'verified' },
    { from: '2023-01-01', rateBp: 400, source: '[WETGIT][DBA2023]', status: 'verified' },
    { from: '2023-07-01', rateBp: 600, source: '[DBA2023][WATSON]', status: 'verified' },
    { from: '2024-01-01', rateBp: 700, source: '[SMK][EJUST]', status: 'verified' },
    { from: '2024-07-01', rateBp: 700, source: '[METAAL]', status: 'verified' },
    { from: '2025-01-01', rateBp: 600, source: '[VVO]', status: 'verified' },
    { from: '2025-07-01', rateBp: 500, source: '[BSI-ECB]', status: 'derived', note: 'ECB MRO 2.40 % at end of April 2025 + 2.25 = 4.65 → 5 %.' },
    { from: '2026-01-01', rateBp: 400, source: '[ECB-JUN25]', status: 'derived', note: 'ECB MRO 2.15 % at end of October 2025 + 2.25 = 4.40 → 4 % (assumes no ECB change June–October 2025).' },
  ],
  knownUntil: '2026-07-01',
  gaps: [],
};

/** Wettelijke handelsrente for commercial transactions, art. 6:119a BW (rate under art. 6:120(2) BW). */
export const NL_COMMERCIAL_RATES: RateTable = {
  id: 'nl-commercial',
  title: 'Wettelijke handelsrente (art. 6:119a BW)',
  rule: 'ECB rate of the most recent main refinancing operation before 1 January / 1 July + 8 points (+7 points before 16 March 2013), reset on 1 January and 1 July [ADMNET][DIR-2011][OAA].',
  entries: [
    { from: '2009-07-01', rateBp: 800, source: '[VDKRAAN][RVA]', status: 'verified' },
    {
      from: '2011-07-01', rateBp: 800, source: '[VDKRAAN][RVA]', status: 'unverified',
      note: 'REFERENCE.md gives 8 % for the whole of 1-7-2009 … 31-12-2012, but the formula gives 8.25 % for the second half of 2011 (ECB MRO 1.25 % from 13-4-2011 + 7). Check the Staatscourant notice.',
    },
    { from: '2012-01-01', rateBp: 800, source: '[VDKRAAN][RVA]', status: 'verified' },
    { from: '2013-01-01', rateBp: 775, source: '[VDKRAAN]', status: 'verified' },
    { from: '2013-03-16', rateBp: 875, source: '[OAA][BSI-ECB]', status: 'derived', note: 'ECB MRO 0.75 % + 8 (the +8 rule of Directive 2011/7/EU from 16-3-2013).' },
    { from: '2013-07-01', rateBp: 850, source: '[FINTOOL]', status: 'verified' },
    { from: '2014-01-01', rateBp: 825, source: '[BSI-ECB]', status: 'derived', note: 'ECB MRO 0.25 % + 8.' },
    { from: '2014-07-01', rateBp: 815, source: '[OSTE]', status: 'verified' },
    { from: '2015-01-01', rateBp: 805, source: '[OSTE][BOOGAARD]', status: 'verified' },
    { from: '2015-07-01', rateBp: 805, source: '[BSI-ECB]', status: 'derived', note: 'ECB MRO 0.05 % + 8.' },
    { from: '2016-01-01', rateBp: 805, source: '[RECHTNET]', status: 'verified' },
    { from: '2016-07-01', rateBp: 800, source: '[BSI-ECB]', status: 'derived', note: 'ECB MRO 0.00 % from 16-3-2016 to 27-7-2022 + 8.' },
    { from: '2021-01-01', rateBp: 800, source: '[RIJKS][WATSON][LEGALSEARCH]', status: 'verified' },
    { from: '2023-01-01', rateBp: 1050, source: '[DBA2023]', status: 'verified' },
    { from: '2023-07-01', rateBp: 1200, source: '[WATSON][DBA2023]', status: 'verified' },
    { from: '2024-01-01', rateBp: 1250, source: '[EJUST][WIKI-NL]', status: 'verified' },
    { from: '2024-07-01', rateBp: 1225, source: '[METAAL]', status: 'verified' },
    { from: '2025-01-01', rateBp: 1115, source: '[VVO]', status: 'verified' },
    { from: '2025-07-01', rateBp: 1015, source: '[ECB-JUN25]', status: 'derived', note: 'ECB MRO 2.15 % from 11-6-2025 + 8.' },
    { from: '2026-01-01', rateBp: 1015, source: '[ECB-JUN25]', status: 'derived', note: 'Same as 1-7-2025, assuming no ECB change before 1-1-2026 (that assumption is unverified).' },
  ],
  knownUntil: '2026-07-01',
  gaps: [],
};
