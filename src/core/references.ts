import { createHash } from 'node:crypto';

// Structured payment references: the Dutch betalingskenmerk, the Belgian OGM/VCS and the
// ISO 11649 RF creditor reference. Invoices carry one so that cash application can match an
// incoming payment to its invoice without guessing from free text. Everything here is pure.
// Rules and test vectors: /work/shared/REFERENCE.md section 2.

export type ReferenceScheme = 'nl-kenmerk' | 'be-ogm' | 'rf';

export interface NormalizedReference {
  scheme: ReferenceScheme;
  /** Digits only for `nl-kenmerk` and `be-ogm`; `RF…` upper case without spaces for `rf`. */
  value: string;
}

type DigitSeed = bigint | number | string;

// ---------------------------------------------------------------------------------------------
// Dutch betalingskenmerk
// ---------------------------------------------------------------------------------------------

// NOTE: REFERENCE.md 2.1 — allowed lengths are 7, 9, 10, 11, 12, 13, 14 and 16 digits; 8 and 15
// are not in the list.
const KENMERK_LENGTHS: ReadonlySet<number> = new Set([7, 9, 10, 11, 12, 13, 14, 16]);

// NOTE: REFERENCE.md 2.1 — weights from the rightmost digit leftwards, repeating after 10 digits.
const KENMERK_WEIGHTS = [2, 4, 8, 5, 10, 9, 7, 3, 6, 1] as const;

/**
 * The betalingskenmerk check digit over `body` (every digit to the right of C, so including the
 * length code L when there is one).
 * NOTE: REFERENCE.md 2.1 — A = Σ digit×weight; C = 11 − (A mod 11); C = 10 → 1; C = 11 → 0.
 */
function kenmerkCheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (KENMERK_WEIGHTS[i % KENMERK_WEIGHTS.length] ?? 0);
  }
  const c = 11 - (sum % 11);
  if (c === 10) return 1;
  if (c === 11) return 0;
  return c;
}

/**
 * Whether `s` is a valid Dutch betalingskenmerk. Spaces and dots are ignored (people and banks
 * print it in groups such as `5000 0567 8901 2345` or `5000.0567.8901.2345`).
 *
 * NOTE: REFERENCE.md 2.1 — 7 digits carry no check digit (any 7 digits are valid); 16 digits are
 * C + 15 digits; 9–14 digits are C + L + N digits where the length code L is N mod 10
 * (7, 8, 9, 0, 1, 2 for N = 7 … 12). C is the leftmost digit and covers everything to its right.
 */
export function validateBetalingskenmerk(s: string): boolean {
  const digits = s.replace(/[\s.]/g, '');
  if (!/^\d+$/.test(digits) || !KENMERK_LENGTHS.has(digits.length)) return false;
  if (digits.length === 7) return true;
  if (digits.length <= 14) {
    const following = digits.length - 2;
    if (Number(digits[1]) !== following % 10) return false;
  }
  return Number(digits[0]) === kenmerkCheckDigit(digits.slice(1));
}

/** Canonical decimal digits of a non-negative integer seed; throws on anything else. */
function seedDigits(seed: DigitSeed, what: string): string {
  if (typeof seed === 'bigint') {
    if (seed < 0n) throw new RangeError(`${what}: seed must not be negative`);
    return seed.toString();
  }
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`${what}: seed must be a non-negative safe integer`);
    return String(seed);
  }
  if (!/^\d+$/.test(seed)) throw new RangeError(`${what}: seed must consist of digits only`);
  return seed;
}

/**
 * A 16-digit betalingskenmerk: C + the seed left-padded with zeros to 15 digits. The 16-digit form
 * is the one without a length code and the one Dutch banks show most; it is the form we issue.
 * Throws when the seed has more than 15 digits (counting leading zeros of a string seed).
 */
export function generateBetalingskenmerk(seed: DigitSeed): string {
  const digits = seedDigits(seed, 'generateBetalingskenmerk');
  if (digits.length > 15) throw new RangeError('generateBetalingskenmerk: seed has more than 15 digits');
  const body = digits.padStart(15, '0');
  return `${kenmerkCheckDigit(body)}${body}`;
}

// ---------------------------------------------------------------------------------------------
// Belgian OGM / VCS
// ---------------------------------------------------------------------------------------------

/** NOTE: REFERENCE.md 2.2 — check = base mod 97, and 97 when that is 0. */
function ogmCheck(base10: string): number {
  return Number(base10) % 97 || 97;
}

/**
 * The 12 digits of an OGM written as `+++ddd/dddd/ddddd+++`, `***ddd/dddd/ddddd***` or bare
 * (whitespace ignored, slashes optional), or null when it is not written in one of those forms.
 */
function ogmDigits(s: string): string | null {
  const compact = s.replace(/\s/g, '');
  const m = /^(\+\+\+|\*\*\*)?(\d{3})(\/?)(\d{4})\3(\d{5})\1$/.exec(compact);
  if (m === null) return null;
  return `${m[2]}${m[4]}${m[5]}`;
}

/**
 * Whether `s` is a valid Belgian structured communication (OGM/VCS): `+++123/4567/89002+++`,
 * `***123/4567/89002***` or the bare 12 digits `123456789002`.
 * NOTE: REFERENCE.md 2.2 — 10 base digits + 2 check digits; check = base mod 97, 0 → 97; so the
 * check is never `00` and the lowest valid value is `+++000/0000/00097+++`.
 */
export function validateOgm(s: string): boolean {
  const digits = ogmDigits(s);
  if (digits === null) return false;
  return ogmCheck(digits.slice(0, 10)) === Number(digits.slice(10));
}

/** The 12 OGM digits for a base of at most 10 digits (left-padded with zeros). Throws when longer. */
export function generateOgm(base: DigitSeed): string {
  const digits = seedDigits(base, 'generateOgm');
  if (digits.length > 10) throw new RangeError('generateOgm: base has more than 10 digits');
  const base10 = digits.padStart(10, '0');
  return `${base10}${String(ogmCheck(base10)).padStart(2, '0')}`;
}

/**
 * `+++ddd/dddd/ddddd+++` for 12 OGM digits (an already formatted OGM is accepted too). Throws when
 * the input is not 12 digits; it does not check the check digits (use validateOgm for that).
 */
export function formatOgm(digits12: string): string {
  const digits = ogmDigits(digits12);
  if (digits === null) throw new RangeError('formatOgm: expected 12 digits');
  return `+++${digits.slice(0, 3)}/${digits.slice(3, 7)}/${digits.slice(7)}+++`;
}

// ---------------------------------------------------------------------------------------------
// ISO 11649 RF creditor reference
// ---------------------------------------------------------------------------------------------

/**
 * ISO 7064 MOD 97-10 remainder of an alphanumeric string with letters converted A = 10 … Z = 35.
 * Processed digit by digit so that arbitrarily long input stays within integer precision.
 */
export function mod97(alnum: string): number {
  let rem = 0;
  for (const ch of alnum) {
    const code = ch.charCodeAt(0);
    if (code >= 48 && code <= 57) {
      rem = (rem * 10 + (code - 48)) % 97;
    } else if (code >= 65 && code <= 90) {
      rem = (rem * 100 + (code - 55)) % 97;
    } else {
      throw new RangeError(`mod97: unexpected character ${JSON.stringify(ch)}`);
    }
  }
  return rem;
}

function compactUpper(s: string): string {
  return s.replace(/\s/g, '').toUpperCase();
}

/**
 * Whether `s` is a valid ISO 11649 creditor reference. Spaces are ignored, case is not significant.
 * NOTE: REFERENCE.md 2.3 — `RF` + 2 check digits + 1…21 alphanumerics (25 characters at most);
 * moving the first 4 characters to the end and converting letters (A = 10 … Z = 35) must give
 * a value with mod 97 = 1.
 */
export function validateRf(s: string): boolean {
  const c = compactUpper(s);
  if (!/^RF\d{2}[A-Z0-9]{1,21}$/.test(c)) return false;
  return mod97(c.slice(4) + c.slice(0, 4)) === 1;
}

/**
 * `RF` + check digits + `ref`, without spaces. `ref` is 1…21 letters/digits (spaces are ignored,
 * letters upper-cased); anything else throws.
 * NOTE: REFERENCE.md 2.3 — check = 98 − ((ref + "RF00" converted to digits) mod 97).
 */
export function generateRf(ref: string): string {
  const body = compactUpper(ref);
  if (!/^[A-Z0-9]{1,21}$/.test(body)) throw new RangeError('generateRf: reference must be 1 to 21 letters or digits');
  const check = 98 - mod97(`${body}RF00`);
  return `RF${String(check).padStart(2, '0')}${body}`;
}

/**
 * An RF reference for display: upper case in groups of 4 (`RF18 5390 0754 7034`).
 * NOTE: REFERENCE.md 2.3 — display in groups of 4 characters. Does not validate.
 */
export function formatRf(s: string): string {
  return compactUpper(s).replace(/(.{4})(?!$)/g, '$1 ');
}

// ---------------------------------------------------------------------------------------------
// Recognising and issuing references
// ---------------------------------------------------------------------------------------------

/**
 * Recognises a valid structured reference written in any of the usual ways and returns its scheme
 * and canonical value, or null. Spaces, dots, slashes and `+++` / `***` framing are stripped;
 * the whole text must be the reference (this does not search free text).
 *
 * Ambiguity: a bare 12-digit value can be both a valid OGM and a valid 12-digit betalingskenmerk
 * (C + L=0 + 10 digits). OGM framing (`+++`/`***` or `ddd/dddd/ddddd`) decides for OGM; otherwise
 * `preferCountry` decides, and without it OGM wins, because 12 digits is the only OGM length while
 * a 12-digit kenmerk is rare (we issue 16-digit ones). Note that any 7 digits are a valid kenmerk
 * (REFERENCE.md 2.1: no check digit), so 7-digit numbers are recognised as `nl-kenmerk`.
 */
export function normalizeReference(text: string, preferCountry?: 'NL' | 'BE'): NormalizedReference | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const compact = trimmed
    .replace(/^(\+\+\+|\*\*\*)/, '')
    .replace(/(\+\+\+|\*\*\*)$/, '')
    .replace(/[\s./]/g, '')
    .toUpperCase();
  if (compact === '') return null;

  if (compact.startsWith('RF')) {
    return validateRf(compact) ? { scheme: 'rf', value: compact } : null;
  }
  if (!/^\d+$/.test(compact)) return null;

  const ogmFramed = /^(\+\+\+|\*\*\*)/.test(trimmed) || /^\d{3}\s*\/\s*\d{4}\s*\/\s*\d{5}$/.test(trimmed);
  const isOgm = compact.length === 12 && validateOgm(compact);
  if (ogmFramed) return isOgm ? { scheme: 'be-ogm', value: compact } : null;
  const isKenmerk = validateBetalingskenmerk(compact);
  if (isOgm && isKenmerk) {
    return preferCountry === 'NL' ? { scheme: 'nl-kenmerk', value: compact } : { scheme: 'be-ogm', value: compact };
  }
  if (isOgm) return { scheme: 'be-ogm', value: compact };
  if (isKenmerk) return { scheme: 'nl-kenmerk', value: compact };
  return null;
}

/** The first `count` decimal digits of sha256(seed) reduced mod 10^count, zero-padded. */
function hashDigits(seed: string, count: number): string {
  const hex = createHash('sha256').update(seed, 'utf8').digest('hex');
  return (BigInt(`0x${hex}`) % 10n ** BigInt(count)).toString().padStart(count, '0');
}

/**
 * The payment reference to print on an invoice, in the organisation's national scheme:
 * NL → 16-digit betalingskenmerk, BE → OGM formatted `+++ddd/dddd/ddddd+++`.
 *
 * How the digits are derived from `seed` (deterministic, so the same invoice always gets the same
 * reference):
 * - The seed is trimmed; an empty seed throws.
 * - If the seed is nothing but digits and fits (1–15 digits for NL, 1–10 for BE), those digits are
 *   the reference body, left-padded with zeros. Nothing is lost except leading zeros, so a plain
 *   sequence number stays readable in the reference (`42` → `…000000000042`).
 * - Otherwise (letters or separators such as `INV-2024-00042`, or too many digits) taking only the
 *   digits would lose information (`INV-…` and `CN-…` would collide), so the body is
 *   sha256(seed as UTF-8) as an integer mod 10^15 (NL) or mod 10^10 (BE). The seed is hashed
 *   case-sensitively as given after trimming.
 * References are not guaranteed unique (a 15- or 10-digit space); callers that need uniqueness
 * must check against the references already issued.
 */
export function referenceForInvoice(country: 'NL' | 'BE', seed: string): string {
  const s = seed.trim();
  if (s === '') throw new RangeError('referenceForInvoice: empty seed');
  switch (country) {
    case 'NL': {
      const body = /^\d{1,15}$/.test(s) ? s : hashDigits(s, 15);
      return generateBetalingskenmerk(body);
    }
    case 'BE': {
      const base = /^\d{1,10}$/.test(s) ? s : hashDigits(s, 10);
      return formatOgm(generateOgm(base));
    }
  }
}
