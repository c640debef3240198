// Money is integer minor units (bigint) with an ISO 4217 currency; never a float.

const EXPONENT_0 = new Set(['BIF', 'CLP', 'DJF', 'GNF', 'ISK', 'JPY', 'KMF', 'KRW', 'PYG', 'RWF', 'UGX', 'UYI', 'VND', 'VUV', 'XAF', 'XOF', 'XPF']);
const EXPONENT_3 = new Set(['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND']);

/** Digits after the decimal mark for an ISO 4217 currency. */
export function currencyExponent(currency: string): number {
  if (EXPONENT_0.has(currency)) return 0;
  if (EXPONENT_3.has(currency)) return 3;
  return 2;
}

export function isCurrencyCode(value: string): boolean {
  return /^[A-Z]{3}$/.test(value);
}

export type DecimalMark = '.' | ',';

const GROUPED_COMMA = /^\d{1,3}(,\d{3})+$/;
const GROUPED_DOT = /^\d{1,3}(\.\d{3})+$/;

/**
 * Parses a decimal amount as written by people and ERPs into minor units.
 * Accepts `1234.56`, `-1234.5`, `1.234,56`, `1 234,56`, `1,234.56` (thousands separators only when
 * the decimal mark is given or unambiguous). Returns null when the text is not an amount or has more
 * decimals than the currency allows (rounding money silently is never right).
 */
export function parseAmount(text: string, currency: string, decimalMark: DecimalMark = '.'): bigint | null {
  let s = text.trim().replace(/[\s\u00a0\u202f']/g, '');
  if (s === '') return null;
  let negative = false;
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    s = s.slice(1, -1);
  }
  if (s.startsWith('-') || s.startsWith('\u2212')) {
    negative = !negative;
    s = s.slice(1);
  } else if (s.startsWith('+')) {
    s = s.slice(1);
  } else if (s.endsWith('-')) {
    negative = !negative;
    s = s.slice(0, -1);
  }
  const group = decimalMark === '.' ? ',' : '.';
  let intPart: string;
  let fracPart = '';
  const idx = s.lastIndexOf(decimalMark);
  if (idx >= 0) {
    intPart = s.slice(0, idx);
    fracPart = s.slice(idx + 1);
  } else {
    intPart = s;
  }
  if (intPart.includes(group)) {
    // Grouping must be in threes: 1.234.567
    if (!(group === ',' ? GROUPED_COMMA : GROUPED_DOT).test(intPart)) return null;
    intPart = intPart.split(group).join('');
  }
  if (intPart === '') intPart = '0';
  if (!/^\d+$/.test(intPart) || !/^\d*$/.test(fracPart)) return null;
  if (idx >= 0 && fracPart === '') return null;
  const exp = currencyExponent(currency);
  const trimmedFrac = fracPart.replace(/0+$/, '');
  if (trimmedFrac.length > exp) return null;
  const minor = BigInt(intPart) * 10n ** BigInt(exp) + (exp === 0 ? 0n : BigInt((trimmedFrac + '0'.repeat(exp)).slice(0, exp) || '0'));
  return negative ? -minor : minor;
}

/** Minor units to a plain decimal string (`1234.56`, `-0.05`), the form JSON and exports carry. */
export function formatAmount(minor: bigint, currency: string): string {
  const exp = currencyExponent(currency);
  const negative = minor < 0n;
  const abs = negative ? -minor : minor;
  if (exp === 0) return `${negative ? '-' : ''}${abs}`;
  const base = 10n ** BigInt(exp);
  const whole = abs / base;
  const frac = (abs % base).toString().padStart(exp, '0');
  return `${negative ? '-' : ''}${whole}.${frac}`;
}

/** Sums amounts; refuses to add across currencies. */
export function sumAmounts(items: readonly { amount: bigint; currency: string }[]): Map<string, bigint> {
  const totals = new Map<string, bigint>();
  for (const item of items) totals.set(item.currency, (totals.get(item.currency) ?? 0n) + item.amount);
  return totals;
}

export function absBigint(value: bigint): bigint {
  return value < 0n ? -value : value;
}
