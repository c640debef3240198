import { mod97 } from './references.ts';

// VAT identification numbers of EU member states (plus XI, Northern Ireland). Pure format checks,
// with the check-digit algorithm for the two home markets (NL, BE). This does not tell whether the
// number is registered (that is a VIES lookup, which is I/O and lives elsewhere).

export type VatResult = { ok: true; normalized: string; country: string } | { ok: false; reason: string };

/**
 * Format per VAT prefix, applied to the whole normalised number (prefix included).
 * Sources: the European Commission's VIES "VAT number format" table. No checksum for these.
 */
const VAT_PATTERNS: Readonly<Record<string, RegExp>> = {
  AT: /^ATU\d{8}$/,
  BE: /^BE[01]\d{9}$/,
  BG: /^BG\d{9,10}$/,
  CY: /^CY\d{8}[A-Z]$/,
  CZ: /^CZ\d{8,10}$/,
  DE: /^DE\d{9}$/,
  DK: /^DK\d{8}$/,
  EE: /^EE\d{9}$/,
  EL: /^EL\d{9}$/,
  ES: /^ES[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^FI\d{8}$/,
  FR: /^FR[0-9A-HJ-NP-Z]{2}\d{9}$/,
  HR: /^HR\d{11}$/,
  HU: /^HU\d{8}$/,
  IE: /^IE(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^IT\d{11}$/,
  LT: /^LT(\d{9}|\d{12})$/,
  LU: /^LU\d{8}$/,
  LV: /^LV\d{11}$/,
  MT: /^MT\d{8}$/,
  NL: /^NL\d{9}B\d{2}$/,
  PL: /^PL\d{10}$/,
  PT: /^PT\d{9}$/,
  RO: /^RO[1-9]\d{1,9}$/,
  SE: /^SE\d{10}01$/,
  SI: /^SI\d{8}$/,
  SK: /^SK\d{10}$/,
  XI: /^XI(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};

/** ISO 3166-1 code → VAT prefix where they differ (Greece uses EL in VAT numbers). */
const PREFIX_FOR_COUNTRY: Readonly<Record<string, string>> = { GR: 'EL' };
/** VAT prefix → ISO 3166-1 country reported in results (Northern Ireland's XI belongs to GB). */
const COUNTRY_FOR_PREFIX: Readonly<Record<string, string>> = { EL: 'GR', XI: 'GB' };

/** VAT prefixes this module knows (EU member states + XI). */
export function vatPrefixes(): string[] {
  return Object.keys(VAT_PATTERNS).sort();
}

/**
 * Old-style Dutch btw-id (omzetbelastingnummer derived from the RSIN/BSN): weights 9…2 on the first
 * 8 digits, Σ mod 11 must equal the 9th digit. A remainder of 10 can never equal a digit, so such
 * numbers are invalid without a special case.
 */
function nlMod11(nine: string): boolean {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(nine[i]) * (9 - i);
  return sum % 11 === Number(nine[8]);
}

/**
 * New-style Dutch btw-id (issued to sole traders since 1 Jan 2020, not derived from the BSN):
 * ISO 7064 MOD 97-10 over the whole `NL…B..` string, letters converted A=10…Z=35
 * (N=23, L=21, B=11), must give 1.
 */
function nlMod97(full: string): boolean {
  return mod97(full) === 1;
}

/** Belgian enterprise number: 97 − (first 8 digits mod 97) must equal the last 2 digits. */
function beCheck(ten: string): boolean {
  return 97 - (Number(ten.slice(0, 8)) % 97) === Number(ten.slice(8));
}

function normalize(s: string): string {
  return s.replace(/[\s\u00a0.\-_/]/g, '').toUpperCase();
}

/** Adds the Belgian leading 0 to a 9-digit (pre-2005 style) enterprise number. */
function fixBelgian(candidate: string): string {
  return /^BE\d{9}$/.test(candidate) ? `BE0${candidate.slice(2)}` : candidate;
}

function checkOne(candidate: string, prefix: string): VatResult {
  const pattern = VAT_PATTERNS[prefix];
  if (pattern === undefined) return { ok: false, reason: `unknown VAT country prefix ${prefix}` };
  const value = prefix === 'BE' ? fixBelgian(candidate) : candidate;
  if (!pattern.test(value)) return { ok: false, reason: `not a valid ${prefix} VAT number format` };
  if (prefix === 'NL' && !nlMod11(value.slice(2, 11)) && !nlMod97(value)) {
    return { ok: false, reason: 'NL VAT number check digit is wrong (neither mod 11 nor mod 97 holds)' };
  }
  if (prefix === 'BE' && !beCheck(value.slice(2))) return { ok: false, reason: 'BE VAT number check digits are wrong' };
  return { ok: true, normalized: value, country: COUNTRY_FOR_PREFIX[prefix] ?? prefix };
}

/**
 * Validates an EU VAT number. Normalises first: upper case; spaces, dots, dashes, underscores and
 * slashes removed. `country` (ISO code such as 'NL', 'GR', or the VAT prefix 'EL'/'XI') is optional:
 * with it, a number written without its prefix (`123456782B01`) gets the prefix added, and a number
 * with a different prefix is rejected. `normalized` keeps the VAT prefix (`EL…` for Greece),
 * `country` is the ISO 3166-1 code (`GR` for EL, `GB` for XI).
 *
 * NL: `NL` + 9 digits + `B` + 2 digits, valid when the old mod-11 check (btw-id derived from the
 * RSIN) OR the mod 97-10 check (new btw-id for sole traders since 2020) holds.
 * BE: `BE` + 10 digits starting with 0 or 1 (9 digits get a leading 0),
 * 97 − (first 8 digits mod 97) = last 2 digits.
 * Other EU countries: format only, no checksum.
 */
export function validateVatNumber(s: string, country?: string): VatResult {
  // Greek numbers are often written with the ISO code GR; the VAT prefix is EL.
  const value = normalize(s).replace(/^GR(?=\d{9}$)/, 'EL');
  if (value === '') return { ok: false, reason: 'empty VAT number' };
  if (!/^[A-Z0-9+*]+$/.test(value)) return { ok: false, reason: 'VAT number contains invalid characters' };

  if (country !== undefined && country.trim() !== '') {
    const c = country.trim().toUpperCase();
    const prefix = PREFIX_FOR_COUNTRY[c] ?? c;
    if (VAT_PATTERNS[prefix] === undefined) return { ok: false, reason: `no VAT number format known for country ${c}` };
    if (value.startsWith(prefix)) {
      const withPrefix = checkOne(value, prefix);
      if (withPrefix.ok) return withPrefix;
      // e.g. a French number whose key happens to start with the letters of the prefix: try as local.
      const local = checkOne(prefix + value, prefix);
      return local.ok ? local : withPrefix;
    }
    const other = value.slice(0, 2);
    if (/^[A-Z]{2}$/.test(other) && VAT_PATTERNS[other] !== undefined) {
      const asLocal = checkOne(prefix + value, prefix);
      if (asLocal.ok) return asLocal;
      return { ok: false, reason: `VAT number prefix ${other} does not match country ${c}` };
    }
    return checkOne(prefix + value, prefix);
  }

  const prefix = value.slice(0, 2);
  if (!/^[A-Z]{2}$/.test(prefix)) return { ok: false, reason: 'VAT number has no country prefix and no country was given' };
  return checkOne(value, prefix);
}

export function isValidVatNumber(s: string, country?: string): boolean {
  return validateVatNumber(s, country).ok;
}
