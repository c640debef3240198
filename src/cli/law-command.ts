import { checkKnown, UsageError } from './args.ts';
import { parseBusinessDate } from '../core/dates.ts';
import { formatAmount, parseAmount, type DecimalMark } from '../core/money.ts';
import { beCommercialInterest, beConsumerDamages, beConsumerReminderRules, beFixedCompensation, beLegalInterest } from '../core/law/be.ts';
import type { InterestResult } from '../core/law/interest.ts';
import { nlB2bCollectionCosts, nlStatutoryInterest, wikCollectionCosts, type WikBracket, type WikCosts } from '../core/law/nl.ts';

// `arflow law costs …` and `arflow law interest …`: the law core on the command line. Pure
// computation, no database. With --json: one JSON document, amounts as decimal strings.

export interface LawArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export interface LawIo {
  out(text: string): void;
}

const CURRENCY = 'EUR';

export const LAW_USAGE = `Usage:
  arflow law costs --country NL|BE --principal AMOUNT [--consumer] [--vat-rate 21]
  arflow law interest --country NL|BE --kind commercial|statutory --principal AMOUNT --from D --to D

AMOUNT like 1234.56 or 1.234,56; dates YYYY-MM-DD or DD-MM-YYYY. Interest runs from --from (first day
of interest) up to --to (the payment day, not counted). --vat-rate (NL only): the creditor cannot
deduct the VAT its collection service charges and says so.`;

function money(amount: bigint): string {
  return formatAmount(amount, CURRENCY);
}

/** 815 → "8.15" (percent, for JSON and text). */
function percent(bp: number): string {
  return `${Math.trunc(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
}

function required(args: LawArgs, name: string, hint: string): string {
  const value = args.options.get(name);
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required (${hint}).`);
  return value.trim();
}

function parseCountry(args: LawArgs): 'NL' | 'BE' {
  const country = required(args, 'country', 'NL or BE').toUpperCase();
  if (country !== 'NL' && country !== 'BE') throw new UsageError(`--country must be NL or BE, not "${country}".`);
  return country;
}

/**
 * Reads an amount written either way. The decimal mark is the last `.` or `,` followed by one or two
 * final digits; without one, a separator can only group thousands (EUR has two decimals), so
 * `1.500` and `1,500` both mean 1500.00.
 */
export function parsePrincipal(text: string, option = 'principal'): bigint {
  const compact = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  const shown = /([.,])\d{1,2}$/.exec(compact);
  let mark: DecimalMark;
  if (shown !== null) mark = shown[1] === ',' ? ',' : '.';
  else mark = compact.includes('.') ? ',' : '.';
  const value = parseAmount(compact, CURRENCY, mark);
  if (value === null) throw new UsageError(`--${option} "${text}" is not an amount; write it like 1234.56 or 1.234,56.`);
  if (value <= 0n) throw new UsageError(`--${option} must be more than zero.`);
  return value;
}

/** "21", "21%", "5.5", "5,5" → basis points. */
export function parseVatRate(text: string): number {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?\s*%?$/.exec(text.trim());
  if (m === null) throw new UsageError(`--vat-rate "${text}" is not a percentage; write it like 21 or 5.5.`);
  const bp = Number(m[1]) * 100 + Number(((m[2] ?? '') + '00').slice(0, 2));
  if (bp > 10_000) throw new UsageError(`--vat-rate ${text} is more than 100%.`);
  return bp;
}

function parseDate(args: LawArgs, name: string): string {
  const text = required(args, name, 'a date like 2024-01-31');
  const date = parseBusinessDate(text);
  if (date === null) throw new UsageError(`--${name} "${text}" is not a date; write it like 2024-01-31 or 31-01-2024.`);
  return date;
}

function table(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd()).join('\n');
}

function bracketLabel(b: WikBracket): string {
  return b.to === null ? `above ${money(b.from)}` : `${money(b.from)} – ${money(b.to)}`;
}

// ---------------------------------------------------------------------------------------------
// law costs

function costs(args: LawArgs, io: LawIo, json: boolean): number {
  checkKnown(args, ['country', 'principal', 'consumer', 'vat-rate'], 'law costs');
  const country = parseCountry(args);
  const principal = parsePrincipal(required(args, 'principal', 'the unpaid principal, e.g. 1234.56'));
  const consumer = args.flags.has('consumer');
  const vatText = args.options.get('vat-rate');
  if (vatText !== undefined && country !== 'NL') throw new UsageError('--vat-rate applies only to Dutch collection costs (--country NL).');
  const vatRateBp = vatText === undefined ? undefined : parseVatRate(vatText);
  const vatOption = vatRateBp === undefined ? {} : { vatRateBp };

  if (country === 'NL') {
    let calc: WikCosts;
    let amount: bigint;
    let vat: bigint;
    let total: bigint;
    const notes: string[] = [];
    if (consumer) {
      calc = wikCollectionCosts(principal, vatOption);
      ({ amount, vat, total } = calc);
      notes.push('Owed only after a 14-day letter (art. 6:96(6) BW) that states this exact amount, once 14 days from the day after delivery have passed unused.');
    } else {
      const b2b = nlB2bCollectionCosts({ principal, ...vatOption });
      calc = b2b.staffel;
      ({ amount, vat, total } = b2b);
      notes.push('Business debtor: the staffel is default law and never less than the €40 fixed compensation; a contract clause may agree another amount.', ...b2b.notes);
    }
    if (vatRateBp !== undefined) notes.push('VAT uplift only when the creditor cannot deduct the VAT of its collection service and states this explicitly.');
    if (json) {
      io.out(JSON.stringify({
        country, debtor: consumer ? 'consumer' : 'business', regime: 'WIK staffel (Besluit vergoeding voor buitengerechtelijke incassokosten)',
        currency: CURRENCY, principal: money(principal), staffel: money(calc.staffel), rule: calc.rule, amount: money(amount),
        vat_rate: vatRateBp === undefined ? null : percent(vatRateBp), vat: money(vat), total: money(total),
        brackets: calc.brackets.map((b) => ({ from: money(b.from), to: b.to === null ? null : money(b.to), rate: percent(b.rateBp), base: money(b.base), amount: money(b.amount) })),
        notes,
      }, null, 2));
      return 0;
    }
    const rows: string[][] = [['Principal', `${CURRENCY} ${money(principal)}`]];
    for (const b of calc.brackets) rows.push([`  ${percent(b.rateBp)}% of ${money(b.base)} (${bracketLabel(b)})`, money(b.amount)]);
    rows.push(['Staffel', money(calc.staffel)]);
    if (calc.rule !== 'staffel') rows.push([calc.rule === 'minimum' ? 'Minimum applies' : 'Maximum applies', money(calc.amount)]);
    rows.push(['Collection costs', money(amount)]);
    if (vatRateBp !== undefined) {
      rows.push([`VAT uplift ${percent(vatRateBp)}%`, money(vat)]);
      rows.push(['Total', money(total)]);
    }
    io.out([`NL extrajudicial collection costs, ${consumer ? 'consumer' : 'business'} debtor (WIK staffel)`, table(rows), '', ...notes.map((n) => `- ${n}`)].join('\n'));
    return 0;
  }

  if (consumer) {
    const damages = beConsumerDamages(principal);
    const rules = beConsumerReminderRules();
    const notes = [
      'Book XIX CEL: maximum lump-sum damages, only if the contract provides for them (and reciprocally).',
      `The first reminder is free; nothing may be charged before ${rules.waitingPeriodDays} days have passed, counted from ${rules.waitingPeriodStart.paper} (paper) or ${rules.waitingPeriodStart.electronic} (e-mail).`,
      `Each further reminder at most ${CURRENCY} ${money(rules.furtherReminderMaxCost)} plus postage. Late interest at most the commercial late-payment rate.`,
    ];
    if (json) {
      io.out(JSON.stringify({
        country, debtor: 'consumer', regime: 'Book XIX CEL (art. XIX.4)', currency: CURRENCY, outstanding: money(principal),
        bracket: damages.bracket, capped: damages.capped, amount: money(damages.amount), total: money(damages.amount),
        first_reminder_free: true, waiting_period_days: rules.waitingPeriodDays, further_reminder_max: money(rules.furtherReminderMaxCost), notes,
      }, null, 2));
      return 0;
    }
    const bracketText = { 'up-to-150': 'up to 150.00: 20.00', '150.01-500': '150.01 – 500.00: 30.00 + 10% above 150.00', 'above-500': 'above 500.00: 65.00 + 5% above 500.00, max 2000.00' }[damages.bracket];
    const rows = [['Outstanding', `${CURRENCY} ${money(principal)}`], [`Bracket ${bracketText}`, ''], [damages.capped ? 'Maximum damages (cap)' : 'Maximum damages', money(damages.amount)]];
    io.out(['BE consumer debt, maximum lump-sum damages (Book XIX CEL)', table(rows), '', ...notes.map((n) => `- ${n}`)].join('\n'));
    return 0;
  }

  const fixed = beFixedCompensation();
  const notes = ['Law of 2 August 2002 art. 6: a fixed €40 for recovery costs, plus reasonable extra costs that can be shown.'];
  if (json) {
    io.out(JSON.stringify({ country, debtor: 'business', regime: 'Law of 2 August 2002 (late payment in commercial transactions)', currency: CURRENCY, principal: money(principal), amount: money(fixed), total: money(fixed), notes }, null, 2));
    return 0;
  }
  io.out(['BE commercial debt, fixed compensation for recovery costs', table([['Principal', `${CURRENCY} ${money(principal)}`], ['Fixed compensation', money(fixed)]]), '', ...notes.map((n) => `- ${n}`)].join('\n'));
  return 0;
}

// ---------------------------------------------------------------------------------------------
// law interest

function interest(args: LawArgs, io: LawIo, json: boolean): number {
  checkKnown(args, ['country', 'kind', 'principal', 'from', 'to'], 'law interest');
  const country = parseCountry(args);
  const kind = required(args, 'kind', 'commercial or statutory').toLowerCase();
  if (kind !== 'commercial' && kind !== 'statutory') throw new UsageError(`--kind must be commercial or statutory, not "${kind}".`);
  const principal = parsePrincipal(required(args, 'principal', 'the unpaid principal, e.g. 1234.56'));
  const from = parseDate(args, 'from');
  const to = parseDate(args, 'to');
  if (to < from) throw new UsageError(`--to ${to} is before --from ${from}.`);

  let result: InterestResult;
  let title: string;
  let compounded: boolean;
  try {
    if (country === 'NL') {
      result = nlStatutoryInterest({ principal, from, to, kind });
      title = kind === 'commercial' ? 'NL statutory commercial interest (art. 6:119a BW)' : 'NL statutory interest (art. 6:119 BW)';
      compounded = true;
    } else if (kind === 'commercial') {
      result = beCommercialInterest({ principal, from, to });
      title = 'BE late-payment interest in commercial transactions (Law of 2 August 2002)';
      compounded = false;
    } else {
      result = beLegalInterest({ principal, from, to });
      title = 'BE ordinary legal interest';
      compounded = false;
    }
  } catch (e) {
    if (e instanceof RangeError) throw new UsageError(e.message);
    throw e;
  }
  const method = compounded
    ? 'Simple interest within each year from the start date; at each anniversary the year\'s interest is added to the base (art. 6:119(2) BW). Day count: days / days of that interest year. Each period rounded to the cent, half up.'
    : 'Simple interest, no compounding. Day count: days / days of the 12-month period from the start date. Each period rounded to the cent, half up.';

  if (json) {
    io.out(JSON.stringify({
      country, kind, title, currency: CURRENCY, principal: money(principal), from, to, compounded, interest: money(result.interest),
      total: money(principal + result.interest), method,
      periods: result.periods.map((p) => ({ from: p.from, to: p.to, days: p.days, year_days: p.yearDays, rate: percent(p.rateBp), base: money(p.base), interest: money(p.interest), source: p.source, status: p.status, assumed: p.assumed })),
      warnings: result.warnings,
    }, null, 2));
    return 0;
  }
  const rows: string[][] = [['From', 'To (excl.)', 'Days', 'Rate', 'Base', 'Interest', 'Status']];
  for (const p of result.periods) rows.push([p.from, p.to, `${p.days}/${p.yearDays}`, `${percent(p.rateBp)}%`, money(p.base), money(p.interest), p.assumed ? 'assumed' : p.status]);
  const lines = [
    title,
    `Principal ${CURRENCY} ${money(principal)}, interest from ${from} up to ${to}.`,
    '',
    table(rows),
    '',
    `Interest ${CURRENCY} ${money(result.interest)}; principal + interest ${CURRENCY} ${money(principal + result.interest)}.`,
    method,
  ];
  if (result.warnings.length > 0) lines.push('', 'Check these rates against the official publication:', ...result.warnings.map((w) => `- ${w}`));
  io.out(lines.join('\n'));
  return 0;
}

function run(args: LawArgs, io: LawIo, json: boolean): number {
  const positionals = args.positionals[0] === 'law' ? args.positionals.slice(1) : args.positionals;
  const [sub, ...extra] = positionals;
  if (args.flags.has('help') || sub === 'help') {
    io.out(LAW_USAGE);
    return 0;
  }
  if (extra.length > 0) throw new UsageError(`"law ${sub}" takes no further arguments (got "${extra.join(' ')}").`);
  switch (sub) {
    case 'costs':
      return costs(args, io, json);
    case 'interest':
      return interest(args, io, json);
    case undefined:
      throw new UsageError('Use "arflow law costs …" or "arflow law interest …"; see "arflow law --help".');
    default:
      throw new UsageError(`Unknown law command "${sub}"; use "law costs" or "law interest".`);
  }
}

/**
 * `law costs` and `law interest`. `args.positionals` may start with "law" or with the subcommand.
 * Throws UsageError for bad input; returns the exit code.
 */
export function lawCommand(args: LawArgs, io: LawIo, json: boolean): Promise<number> {
  return Promise.resolve().then(() => run(args, io, json));
}
