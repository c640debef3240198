import type { Trx } from '../../db/database.ts';
import type { NoSendDays, Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { addDays, isBusinessDate } from '../../core/dates.ts';
import { isBusinessDay, weekday } from '../../core/holidays.ts';
import { AppError } from '../../errors.ts';

// The organisation's days without sending: weekdays (ISO, Monday 1 … Sunday 7) and dates, such as
// its own closing days. Message and formal-notice steps due on such a day go out on the next
// business day that is not one; tasks, charges and hand-overs keep their dates.

export function noSendDaysOf(org: Pick<Organisation, 'no_send_days'>): NoSendDays {
  const v = (org.no_send_days ?? {}) as Partial<NoSendDays>;
  return { weekdays: v.weekdays ?? [], dates: v.dates ?? [] };
}

/** Whether nothing is sent on `date`. */
export function isNoSendDay(days: NoSendDays, date: string): boolean {
  return days.weekdays.includes(weekday(date)) || days.dates.includes(date);
}

/** The date itself when it is a business day on which the organisation sends, else the next one. */
export function nextSendingDay(days: NoSendDays, date: string, country: 'NL' | 'BE'): string {
  let d = date;
  // NOTE: validation keeps a working weekday open, so this ends within a week plus the closed dates.
  for (let i = 0; i < 3700; i++) {
    if (isBusinessDay(d, country) && !isNoSendDay(days, d)) return d;
    d = addDays(d, 1);
  }
  throw new Error(`No sending day within ten years of ${date}.`);
}

export function validateNoSendDays(input: NoSendDays): NoSendDays {
  input.weekdays.forEach((w, i) => {
    if (!Number.isInteger(w) || w < 1 || w > 7) throw new AppError('bad_request', `weekdays[${i}]: ${w} is not an ISO weekday (1 = Monday … 7 = Sunday).`);
  });
  const weekdays = [...new Set(input.weekdays)].sort((a, b) => a - b);
  if ([1, 2, 3, 4, 5].every((w) => weekdays.includes(w))) throw new AppError('bad_request', 'weekdays: at least one of Monday to Friday must stay a sending day.');
  input.dates.forEach((d, i) => {
    if (!isBusinessDate(d)) throw new AppError('bad_request', `dates[${i}]: "${d}" is not a date (YYYY-MM-DD).`);
  });
  if (input.dates.length > 1000) throw new AppError('bad_request', 'dates: at most 1,000 dates.');
  return { weekdays, dates: [...new Set(input.dates)].sort() };
}

/** Sets the organisation's days without sending; an event records the old and new values. */
export async function setNoSendDays(trx: Trx, org: Organisation, input: NoSendDays, actor: string): Promise<NoSendDays> {
  const next = validateNoSendDays(input);
  const before = noSendDaysOf(org);
  if (JSON.stringify(before) === JSON.stringify(next)) return next;
  await trx.updateTable('organisation').set({ no_send_days: JSON.stringify(next) }).where('org_id', '=', org.org_id).execute();
  await trx.insertInto('event').values({ org_id: org.org_id, event_id: newId('evt'), type: 'organisation.no_send_days_changed', subject_type: 'organisation', subject_id: org.org_id, actor, data: JSON.stringify({ before, after: next }) }).execute();
  return next;
}
