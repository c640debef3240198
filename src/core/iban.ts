import { mod97 } from './references.ts';

// IBAN validation for every country of the SWIFT IBAN registry (ISO 13616): country code, length,
// BBAN structure and the ISO 7064 MOD 97-10 check digits. Pure; no network, no bank directory.
// REFERENCE.md has no IBAN section; the table below follows the SWIFT IBAN Registry (release 101,
// December 2025), column "BBAN structure", in the registry's own notation:
//   n = digits, a = upper-case letters, c = upper-case letters and digits, `!` = fixed length.
// The IBAN length is 4 (country + check digits) + the BBAN length; it is derived from the structure
// and spelled out in IBAN_LENGTHS as a cross-check (the test suite asserts both agree).
// NOTE: territories the registry lists under another country use that country's prefix
// (French overseas departments → FR, Åland → FI, Jersey/Guernsey/Isle of Man → GB), so their own
// ISO codes (GF, GP, AX, JE …) are not IBAN prefixes and are rejected. "Experimental"/partial IBANs
// that are not in the registry (e.g. AO, CI, MA, SN) are rejected as unknown countries too.

export const IBAN_BBAN_STRUCTURES: Readonly<Record<string, string>> = {
  AD: '4!n4!n12!c',
  AE: '3!n16!n',
  AL: '8!n16!c',
  AT: '5!n11!n',
  AZ: '4!a20!c',
  BA: '3!n3!n8!n2!n',
  BE: '3!n7!n2!n',
  BG: '4!a4!n2!n8!c',
  BH: '4!a14!c',
  BI: '5!n5!n11!n2!n',
  BR: '8!n5!n10!n1!a1!c',
  BY: '4!c4!n16!c',
  CH: '5!n12!c',
  CR: '4!n14!n',
  CY: '3!n5!n16!c',
  CZ: '4!n6!n10!n',
  DE: '8!n10!n',
  DJ: '5!n5!n11!n2!n',
  DK: '4!n9!n1!n',
  DO: '4!c20!n',
  EE: '2!n14!n',
  EG: '4!n4!n17!n',
  ES: '4!n4!n1!n1!n10!n',
  FI: '3!n11!n',
  FK: '2!a12!n',
  FO: '4!n9!n1!n',
  FR: '5!n5!n11!c2!n',
  GB: '4!a6!n8!n',
  GE: '2!a16!n',
  GI: '4!a15!c',
  GL: '4!n9!n1!n',
  GR: '3!n4!n16!c',
  GT: '4!c20!c',
  HN: '4!a20!n',
  HR: '7!n10!n',
  HU: '3!n4!n1!n15!n1!n',
  IE: '4!a6!n8!n',
  IL: '3!n3!n13!n',
  IQ: '4!a3!n12!n',
  IS: '4!n2!n6!n10!n',
  IT: '1!a5!n5!n12!c',
  JO: '4!a4!n18!c',
  KW: '4!a22!c',
  KZ: '3!n13!c',
  LB: '4!n20!c',
  LC: '4!a24!c',
  LI: '5!n12!c',
  LT: '5!n11!n',
  LU: '3!n13!c',
  LV: '4!a13!c',
  LY: '3!n3!n15!n',
  MC: '5!n5!n11!c2!n',
  MD: '2!c18!c',
  ME: '3!n13!n2!n',
  MK: '3!n10!c2!n',
  MN: '4!n12!n',
  MR: '5!n5!n11!n2!n',
  MT: '4!a5!n18!c',
  MU: '4!a2!n2!n12!n3!n3!a',
  NI: '4!a20!n',
  NL: '4!a10!n',
  NO: '4!n6!n1!n',
  OM: '3!n16!c',
  PK: '4!a16!c',
  PL: '8!n16!n',
  PS: '4!a21!c',
  PT: '4!n4!n11!n2!n',
  QA: '4!a21!c',
  RO: '4!a16!c',
  RS: '3!n13!n2!n',
  RU: '9!n5!n15!c',
  SA: '2!n18!c',
  SC: '4!a2!n2!n16!n3!a',
  SD: '2!n12!n',
  SE: '3!n16!n1!n',
  SI: '5!n8!n2!n',
  SK: '4!n6!n10!n',
  SM: '1!a5!n5!n12!c',
  SO: '4!n3!n12!n',
  ST: '8!n11!n2!n',
  SV: '4!a20!n',
  TL: '3!n14!n2!n',
  TN: '2!n3!n13!n2!n',
  TR: '5!n1!n16!c',
  UA: '6!n19!c',
  VA: '3!n15!n',
  VG: '4!a16!n',
  XK: '4!n10!n2!n',
  YE: '4!a4!n18!c',
};

/** Total IBAN length per registry country ("IBAN length" column of the registry). */
export const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28,
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

interface CountrySpec {
  length: number;
  bban: RegExp;
}

const CLASS: Readonly<Record<string, string>> = { n: '[0-9]', a: '[A-Z]', c: '[A-Z0-9]' };

/** Compiles registry notation (`4!a10!n`) to an anchored regex and its fixed length. */
export function compileBbanStructure(structure: string): { regex: RegExp; length: number } {
  let source = '';
  let length = 0;
  const re = /(\d+)(!?)([nac])/gy;
  let consumed = 0;
  for (let m = re.exec(structure); m !== null; m = re.exec(structure)) {
    const count = Number(m[1]);
    const cls = CLASS[m[3] ?? ''];
    if (cls === undefined) break;
    // Every element in the current registry is fixed-length (`!`); a variable element would mean
    // "up to n" and make the length ambiguous, so it is rejected rather than guessed.
    if (m[2] !== '!') throw new Error(`compileBbanStructure: variable-length element in ${structure}`);
    source += `${cls}{${count}}`;
    length += count;
    consumed = re.lastIndex;
  }
  if (consumed !== structure.length || length === 0) throw new Error(`compileBbanStructure: cannot parse ${structure}`);
  return { regex: new RegExp(`^${source}$`), length };
}

const SPECS: ReadonlyMap<string, CountrySpec> = new Map(
  Object.entries(IBAN_BBAN_STRUCTURES).map(([country, structure]) => {
    const { regex, length } = compileBbanStructure(structure);
    return [country, { length: length + 4, bban: regex }];
  }),
);

export type IbanResult = { ok: true; iban: string; country: string } | { ok: false; reason: string };

/** Electronic format: spaces (incl. no-break spaces) and dashes removed, upper case. */
function electronic(s: string): string {
  return s.replace(/[\s\u00a0\u202f-]/g, '').toUpperCase();
}

/**
 * Validates an IBAN as people write it (`NL91 ABNA 0417 1643 00`, lower case, dashes).
 * On success `iban` is the electronic format (upper case, no spaces) and `country` the prefix.
 * Checks in order: characters, known registry country, length for that country, BBAN structure,
 * MOD 97-10 (rearranged IBAN mod 97 must be 1, ISO 13616). National BBAN check digits (e.g. the old
 * Dutch elfproef) are not checked: MOD 97 already catches typing errors, and several national
 * schemes have exceptions that make a strict check reject real accounts.
 */
export function validateIban(s: string): IbanResult {
  const iban = electronic(s.replace(/^IBAN[:\s]*/i, ''));
  if (iban === '') return { ok: false, reason: 'empty IBAN' };
  if (!/^[A-Z0-9]+$/.test(iban)) return { ok: false, reason: 'IBAN may only contain letters and digits' };
  if (!/^[A-Z]{2}\d{2}/.test(iban)) return { ok: false, reason: 'IBAN must start with a country code and 2 check digits' };
  const country = iban.slice(0, 2);
  const spec = SPECS.get(country);
  if (spec === undefined) return { ok: false, reason: `country ${country} does not use IBAN (not in the SWIFT IBAN registry)` };
  if (iban.length !== spec.length) {
    return { ok: false, reason: `IBAN for ${country} must be ${spec.length} characters, got ${iban.length}` };
  }
  if (!spec.bban.test(iban.slice(4))) {
    return { ok: false, reason: `account part does not match the ${country} format ${IBAN_BBAN_STRUCTURES[country] ?? ''}` };
  }
  if (mod97(iban.slice(4) + iban.slice(0, 4)) !== 1) return { ok: false, reason: 'IBAN check digits are wrong' };
  return { ok: true, iban, country };
}

export function isValidIban(s: string): boolean {
  return validateIban(s).ok;
}

/**
 * Print format: electronic format in groups of 4 (`NL91 ABNA 0417 1643 00`). Does not validate.
 */
export function formatIban(s: string): string {
  return electronic(s).replace(/(.{4})(?!$)/g, '$1 ');
}

/** Registry countries (IBAN prefixes), sorted. */
export function ibanCountries(): string[] {
  return [...SPECS.keys()].sort();
}
