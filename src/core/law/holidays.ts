import { addDays } from '../dates.ts';

// Public holidays that the law module's day counting skips. These lists are not in REFERENCE.md:
// - NL: the "algemeen erkende feestdagen" of art. 3(1) Algemene termijnenwet (New Year's Day, Easter
//   Monday, Ascension Day, Whit Monday, both Christmas days, King's Day, 5 May). Good Friday is not one.
// - BE: the ten legal public holidays (Royal Decree of 18 April 1974): New Year's Day, Easter Monday,
//   1 May, Ascension Day, Whit Monday, 21 July, 15 August, 1 November, 11 November, Christmas Day.
// Callers with their own calendar pass it to the functions instead.

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Gregorian Easter Sunday (anonymous Gregorian algorithm; integer arithmetic only). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

function isSunday(date: string): boolean {
  return weekday(date) === 0;
}

/** Dutch public holidays of a year (art. 3(1) Algemene termijnenwet), sorted. */
export function nlPublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  let kingsDay: string;
  if (year >= 2014) {
    kingsDay = `${year}-04-27`;
    if (isSunday(kingsDay)) kingsDay = `${year}-04-26`;
  } else {
    kingsDay = `${year}-04-30`;
    if (isSunday(kingsDay)) kingsDay = `${year}-04-29`;
  }
  return [
    `${year}-01-01`,
    addDays(easter, 1),
    kingsDay,
    `${year}-05-05`,
    addDays(easter, 39),
    addDays(easter, 50),
    `${year}-12-25`,
    `${year}-12-26`,
  ].sort();
}

/** Belgian legal public holidays of a year (Royal Decree of 18 April 1974), sorted. */
export function bePublicHolidays(year: number): string[] {
  const easter = easterSunday(year);
  return [
    `${year}-01-01`,
    addDays(easter, 1),
    `${year}-05-01`,
    addDays(easter, 39),
    addDays(easter, 50),
    `${year}-07-21`,
    `${year}-08-15`,
    `${year}-11-01`,
    `${year}-11-11`,
    `${year}-12-25`,
  ].sort();
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}
