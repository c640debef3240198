import { isSupportedCountry, parsePhoneNumberWithError, ParseError } from 'libphonenumber-js/max';

// Contact data checks for debtors: e-mail, phone, postal address. Dunning letters and reminders
// are only as good as the address they go to, so these run when contact data is entered or
// imported. Pure: no DNS or SMTP lookups.

// ---------------------------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------------------------

// Local part: RFC 5322 dot-atom (unquoted), plus non-ASCII letters/digits (RFC 6531). Quoted local
// parts and IP-literal domains are legal but never seen on invoices; rejecting them catches typos.
const LOCAL_PART = /^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(?:\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*$/u;
// A domain label: letters/digits (incl. IDN letters) with inner hyphens, 1–63 characters.
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
// Top-level domain: at least 2 letters, or an A-label (`xn--…`) for an IDN TLD.
const TLD = /^(?:\p{L}{2,63}|xn--[a-z0-9-]{1,59})$/iu;

/**
 * Pragmatic e-mail syntax check: exactly one `@`, a non-empty local part without leading, trailing
 * or doubled dots, a domain of at least two valid labels whose last (the TLD) is ≥ 2 letters, no
 * whitespace anywhere (the value is checked as given: trim before storing), and the RFC 5321
 * length limits (local part ≤ 64, whole address ≤ 254).
 */
export function validateEmail(s: string): boolean {
  if (s.length === 0 || s.length > 254 || /\s/u.test(s)) return false;
  const at = s.indexOf('@');
  if (at <= 0 || at !== s.lastIndexOf('@')) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2) return false;
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return TLD.test(labels[labels.length - 1] ?? '');
}

// ---------------------------------------------------------------------------------------------
// Phone
// ---------------------------------------------------------------------------------------------

export type PhoneResult = { ok: true; e164: string } | { ok: false; reason: string };

const PARSE_REASONS: Readonly<Record<string, string>> = {
  NOT_A_NUMBER: 'not a phone number',
  INVALID_COUNTRY: 'country calling code missing or unknown',
  TOO_SHORT: 'phone number is too short',
  TOO_LONG: 'phone number is too long',
  INVALID_LENGTH: 'phone number has an invalid length',
};

/**
 * Normalises a phone number to E.164 (`+31612345678`) using libphonenumber-js with the *max*
 * metadata, so `isValid()` checks the number against the allocated ranges of its country, not just
 * its length (the default *min* metadata accepts e.g. `06-1234567` as a Belgian number).
 * A consequence: numbers in unallocated ranges are rejected even when their length is right
 * (`+32 2 123 45 67` is refused: Brussels numbers starting 21 are not allocated).
 *
 * Handles the usual Dutch/Belgian ways of writing numbers: national trunk prefix (`06-12345678`,
 * `020-1234567`, `0470 12 34 56`), international `+31`, the `00` international prefix
 * (`0031612345678`), the redundant trunk zero in brackets (`+31 (0)6 1234 5678`), dashes, dots,
 * brackets and spaces. `defaultCountry` (ISO 3166-1, e.g. 'NL', 'BE') applies to numbers written
 * without a country calling code. Extensions are dropped (E.164 has none).
 */
export function normalizePhone(raw: string, defaultCountry: string): PhoneResult {
  const country = defaultCountry.trim().toUpperCase();
  if (!isSupportedCountry(country)) return { ok: false, reason: `unsupported country ${defaultCountry}` };
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'empty phone number' };
  // `+31 (0)20 …`: the bracketed trunk zero is not dialled after a country code; drop it.
  const cleaned = text.replace(/^((?:\+|00)\s*\d{1,3})\s*\(\s*0\s*\)/, '$1 ');
  try {
    const phone = parsePhoneNumberWithError(cleaned, { defaultCountry: country, extract: false });
    if (!phone.isValid()) return { ok: false, reason: 'not a valid phone number for its country' };
    return { ok: true, e164: phone.number };
  } catch (err) {
    if (err instanceof ParseError) return { ok: false, reason: PARSE_REASONS[err.message] ?? err.message };
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Postal address
// ---------------------------------------------------------------------------------------------

export interface PostalAddressInput {
  addressLine?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
}

export type PostalAddressResult =
  | { ok: true; postalCode: string }
  | { ok: false; missing: string[]; invalid: string[]; reason: string };

/**
 * `1234 AB` for a Dutch postcode written in any case with or without spaces, else null.
 * Four digits, the first not 0 (1000–9999), then two letters; PostNL does not issue the letter
 * combinations SA, SD and SS, so those are rejected.
 */
export function normalizeDutchPostcode(s: string): string | null {
  const compact = s.replace(/\s/g, '').toUpperCase();
  const m = /^([1-9]\d{3})([A-Z]{2})$/.exec(compact);
  if (m === null) return null;
  const letters = m[2] ?? '';
  if (letters === 'SA' || letters === 'SD' || letters === 'SS') return null;
  return `${m[1]} ${letters}`;
}

/** A Belgian postcode: 4 digits, 1000–9999 (spaces ignored), else null. */
function normalizeBelgianPostcode(s: string): string | null {
  const compact = s.replace(/\s/g, '');
  return /^[1-9]\d{3}$/.test(compact) ? compact : null;
}

/**
 * Whether a postal address is complete enough to send a letter (a dunning letter that does not
 * arrive proves nothing). All four fields must be non-empty; NL postcodes must be `1234 AB`
 * (normalised; returned as `postalCode` on success), BE postcodes 4 digits 1000–9999; other
 * countries only need a non-empty postcode. `country` is an ISO 3166-1 alpha-2 code (any case).
 * On failure `missing` lists empty fields, `invalid` fields that are present but malformed.
 */
export function checkPostalAddress(address: PostalAddressInput): PostalAddressResult {
  const value = (v: string | null | undefined): string => (v ?? '').trim();
  const fields = {
    addressLine: value(address.addressLine),
    postalCode: value(address.postalCode),
    city: value(address.city),
    country: value(address.country).toUpperCase(),
  };
  const missing = (Object.keys(fields) as (keyof typeof fields)[]).filter((k) => fields[k] === '');
  const invalid: string[] = [];
  const problems: string[] = [];
  if (missing.length > 0) problems.push(`missing ${missing.join(', ')}`);

  if (fields.country !== '' && !/^[A-Z]{2}$/.test(fields.country)) {
    invalid.push('country');
    problems.push('country must be a 2-letter ISO code');
  }
  let postalCode = fields.postalCode;
  if (postalCode !== '') {
    if (fields.country === 'NL') {
      const pc = normalizeDutchPostcode(postalCode);
      if (pc === null) {
        invalid.push('postalCode');
        problems.push('Dutch postcode must look like 1234 AB');
      } else {
        postalCode = pc;
      }
    } else if (fields.country === 'BE') {
      const pc = normalizeBelgianPostcode(postalCode);
      if (pc === null) {
        invalid.push('postalCode');
        problems.push('Belgian postcode must be 4 digits (1000-9999)');
      } else {
        postalCode = pc;
      }
    }
  }
  if (missing.length > 0 || invalid.length > 0) {
    return { ok: false, missing, invalid, reason: problems.join('; ') };
  }
  return { ok: true, postalCode };
}
