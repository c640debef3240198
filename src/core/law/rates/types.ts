// Shape of the statutory rate tables. Rates are integer basis points (1 bp = 0.01 %), never floats.
// Every entry carries its source tag(s) from REFERENCE.md §9 and a status:
// - verified:   stated directly by the cited source;
// - derived:    computed from a cited rule and cited input (e.g. ECB rate + margin); check the
//               Staatsblad / Moniteur belge before relying on it;
// - unverified: plausible, no adequate source; a to-do.
// Correct a rate by editing the data file; no code change is needed.

export type RateStatus = 'verified' | 'derived' | 'unverified';

export interface RateEntry {
  /** First day (inclusive) on which the rate applies, `YYYY-MM-DD`. It applies until the next entry's `from`. */
  readonly from: string;
  /** Annual rate in basis points: 800 = 8.00 %. */
  readonly rateBp: number;
  /** Source tags from REFERENCE.md §9, e.g. `[VDKRAAN][RVA]`. */
  readonly source: string;
  readonly status: RateStatus;
  readonly note?: string;
}

export interface RateGap {
  /** First day without a known rate (inclusive). */
  readonly from: string;
  /** First day with a known rate again (exclusive end of the gap). */
  readonly to: string;
  readonly note: string;
}

export interface RateTable {
  readonly id: string;
  readonly title: string;
  /** How the rate is set (the legal rule), for display and for whoever extends the table. */
  readonly rule: string;
  /** Sorted by `from`, strictly increasing. */
  readonly entries: readonly RateEntry[];
  /**
   * Exclusive end of the period the table covers (end of the last published semester or year).
   * From this day on the last rate is assumed to continue: such periods are reported as
   * `unverified` with a warning, so somebody adds the new rate.
   */
  readonly knownUntil: string;
  /** Periods inside the table for which no rate was collected; interest over them is refused. */
  readonly gaps: readonly RateGap[];
}
