import type { RateEntry, RateTable } from './types.ts';

// Belgian rates, from REFERENCE.md §6.3 (tags resolve in §9 there). The FPS Finance publishes each
// semester's rate in the Moniteur belge / Belgisch Staatsblad; check new entries there.

const COMMERCIAL_RULE = 'Law of 2 August 2002, art. 5: ECB main refinancing rate ("taux directeur") + 8 points, rounded up to the next half percentage point, set per semester [MONEYTALK][ETAAMB-2023]. Contracts concluded before 16-3-2013 kept +7 points until 15-3-2015 [VANOST][SCHOUPS-16].';

/** Semester rates from 2015-07-01 on, the same for all contracts. */
const COMMON_FROM_2015_H2: readonly RateEntry[] = [
  { from: '2015-07-01', rateBp: 850, source: '[SCHOUPS-16][VANOST]', status: 'verified' },
  { from: '2016-01-01', rateBp: 850, source: '[SCHOUPS-16][VANOST]', status: 'verified' },
  { from: '2016-07-01', rateBp: 800, source: '[VANOST][PCADV][BOUWUNIE][PHC]', status: 'verified', note: 'Unchanged 2016 H2 … 2022 H2.' },
  { from: '2023-01-01', rateBp: 1050, source: '[ETAAMB-2023][RAWLINGS]', status: 'verified' },
  { from: '2023-07-01', rateBp: 1200, source: '[SCHOUPS-23]', status: 'verified' },
  { from: '2024-01-01', rateBp: 1250, source: '[MEDENAM]', status: 'verified' },
  { from: '2024-07-01', rateBp: 1250, source: '[FORUM][TRENDS]', status: 'verified' },
  { from: '2025-01-01', rateBp: 1150, source: '[LEUROPE]', status: 'verified' },
  {
    from: '2025-07-01', rateBp: 1050, source: '[EMBUILD]', status: 'verified',
    note: 'REFERENCE.md quotes the source as "unchanged, still 10.50", which does not fit 11.5 % in 2025 H1; the formula (2.15 + 8 → 10.5) agrees with 10.5 %.',
  },
  { from: '2026-01-01', rateBp: 1050, source: '[EMBUILD]', status: 'unverified', note: 'Reported as unchanged before publication in the Moniteur.' },
];

/**
 * Late-payment interest in commercial transactions (Law of 2-8-2002) for contracts concluded on or
 * after 16 March 2013 (and, from 16 March 2015, for all contracts). Also the cap for consumer
 * late interest under Book XIX CEL (art. XIX.4).
 */
export const BE_COMMERCIAL_RATES: RateTable = {
  id: 'be-commercial',
  title: 'Interest for late payment in commercial transactions (Law of 2 August 2002)',
  rule: COMMERCIAL_RULE,
  entries: [
    { from: '2013-01-01', rateBp: 900, source: '[VANOST][SCHOUPS-16]', status: 'verified', note: 'Contracts concluded from 16-3-2013.' },
    { from: '2013-07-01', rateBp: 850, source: '[VANOST][MONEYTALK]', status: 'verified' },
    ...COMMON_FROM_2015_H2,
  ],
  knownUntil: '2026-07-01',
  gaps: [],
};

/** The same, for contracts concluded before 16 March 2013 (+7 points until 15-3-2015). */
export const BE_COMMERCIAL_RATES_OLD_CONTRACTS: RateTable = {
  id: 'be-commercial-pre-2013-03-16',
  title: 'Interest for late payment in commercial transactions (Law of 2 August 2002), contracts concluded before 16 March 2013',
  rule: COMMERCIAL_RULE,
  entries: [
    { from: '2013-01-01', rateBp: 800, source: '[VANOST][SCHOUPS-16]', status: 'verified' },
    { from: '2013-07-01', rateBp: 750, source: '[VANOST][MONEYTALK]', status: 'verified' },
    { from: '2015-03-16', rateBp: 850, source: '[SCHOUPS-16][VANOST]', status: 'verified', note: '8.5 % for all contracts from 16-3-2015.' },
    ...COMMON_FROM_2015_H2,
  ],
  knownUntil: '2026-07-01',
  gaps: [],
};

/** Book XIX CEL, art. XIX.4: consumer late interest may not exceed the commercial late-payment rate [ELEGIS][CRITS]. */
export const BE_CONSUMER_INTEREST_CAP_RATES: RateTable = BE_COMMERCIAL_RATES;

/** Ordinary legal interest rate (civil and consumer claims), set per calendar year. */
export const BE_LEGAL_RATES: RateTable = {
  id: 'be-legal',
  title: 'Ordinary legal interest rate (wettelijke interestvoet / taux d\'intérêt légal)',
  rule: 'Set per calendar year and published by the FPS Finance in the Moniteur belge.',
  entries: [
    { from: '2013-01-01', rateBp: 275, source: '[VYNCK][CORBUS-2013]', status: 'verified', note: '2013 and 2014.' },
    { from: '2015-01-01', rateBp: 250, source: '[VYNCK]', status: 'verified' },
    { from: '2023-01-01', rateBp: 525, source: '[SCHOUPS-23][RAWLINGS]', status: 'verified' },
    { from: '2024-01-01', rateBp: 575, source: '[LEUROPE]', status: 'verified' },
    { from: '2025-01-01', rateBp: 450, source: '[LEUROPE]', status: 'verified' },
    { from: '2026-01-01', rateBp: 450, source: '[EMBUILD]', status: 'verified' },
  ],
  knownUntil: '2027-01-01',
  gaps: [{ from: '2016-01-01', to: '2023-01-01', note: 'The rates for 2016–2022 were not collected; add them from the FPS Finance notices.' }],
};
