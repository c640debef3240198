import { addDays } from './dates.ts';
import { easterSunday } from './law/holidays.ts';

// Public holidays on which banks and post do not work, NL and BE, and the business-day arithmetic
// the follow-up engine uses. NOTE: NL Bevrijdingsdag (5 May) is a national holiday every year but
// a day off by collective agreement only every fifth year (2025, 2030…): counted in those years.
// Good Friday is no official holiday in NL, but banks (TARGET2) are closed: counted.

export function weekday(date: string): number {
  // ISO weekday: Monday 1 … Sunday 7.
  const d = new Date(`${date}T00:00:00Z`).getUTCDay();
  return d === 0 ? 7 : d;
}

const cache = new Map<string, Set<string>>();

export function publicHolidays(country: 'NL' | 'BE', year: number): Set<string> {
  const key = `${country}${year}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const easter = easterSunday(year);
  const y = String(year);
  const days =
    country === 'NL'
      ? [
          `${y}-01-01`, addDays(easter, -2), easter, addDays(easter, 1),
          // Koningsdag: 27 April, the 26th when the 27th is a Sunday.
          weekday(`${y}-04-27`) === 7 ? `${y}-04-26` : `${y}-04-27`,
          ...(year % 5 === 0 ? [`${y}-05-05`] : []),
          addDays(easter, 39), addDays(easter, 49), addDays(easter, 50), `${y}-12-25`, `${y}-12-26`,
        ]
      : [
          `${y}-01-01`, addDays(easter, 1), `${y}-05-01`, addDays(easter, 39), addDays(easter, 50), `${y}-07-21`, `${y}-08-15`,
          `${y}-11-01`, `${y}-11-11`, `${y}-12-25`,
        ];
  const set = new Set(days);
  cache.set(key, set);
  return set;
}

export function isBusinessDay(date: string, country: 'NL' | 'BE'): boolean {
  return weekday(date) <= 5 && !publicHolidays(country, Number(date.slice(0, 4))).has(date);
}

/** The date itself when it is a business day, else the next one. */
export function nextBusinessDay(date: string, country: 'NL' | 'BE'): string {
  let d = date;
  while (!isBusinessDay(d, country)) d = addDays(d, 1);
  return d;
}

export function addBusinessDays(date: string, days: number, country: 'NL' | 'BE'): string {
  let d = date;
  let left = days;
  while (left > 0) {
    d = addDays(d, 1);
    if (isBusinessDay(d, country)) left--;
  }
  return d;
}
