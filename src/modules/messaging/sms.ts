import { parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { normalizePhone } from '../../core/contact.ts';
import { gsm7Length } from './render.ts';

// What an SMS or a call needs before it goes out: the number in E.164, checked for the channel, and
// how many SMS parts the text takes (what the provider bills). Pure.

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7, an extension character counts 2) or UTF-16 code units (UCS-2). */
  units: number;
  segments: number;
}

/**
 * The SMS parts a text takes. NOTE: 3GPP TS 23.038/23.040: one SMS carries 140 octets, i.e. 160
 * GSM-7 septets or 70 UCS-2 characters; a concatenated SMS spends 6 octets of every part on the
 * user data header, leaving 153 septets or 67 characters a part. Characters of the GSM-7 extension
 * table (`^ { } \ [ ~ ] | €`, form feed) take two septets (escape + character); one character
 * outside the GSM-7 alphabet makes the whole text UCS-2. A two-unit character (an escape pair, a
 * UTF-16 surrogate pair such as an emoji) is never split over two parts, so a part may hold one
 * unit less. An empty text is one (empty) SMS.
 */
export function countSmsSegments(text: string): SmsSegments {
  const gsm = gsm7Length(text) !== null;
  const sizes = [...text].map((ch) => (gsm ? (gsm7Length(ch) ?? 1) : ch.length));
  const units = sizes.reduce((a, b) => a + b, 0);
  const encoding = gsm ? 'GSM-7' : 'UCS-2';
  if (units <= (gsm ? 160 : 70)) return { encoding, units, segments: 1 };
  const perPart = gsm ? 153 : 67;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perPart) {
      segments++;
      used = 0;
    }
    used += size;
  }
  return { encoding, units, segments };
}

export type PhoneForChannel = { ok: true; e164: string } | { ok: false; reason: string };

// libphonenumber-js types that can receive an SMS (FIXED_LINE_OR_MOBILE: plans such as the US that do
// not tell them apart).
const SMS_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER']);

/**
 * The number in E.164 for an SMS or a call, or why it cannot be used: invalid for its country
 * (`normalizePhone`, max metadata), not a mobile number for an SMS, a premium-rate number for either.
 * `defaultCountry` applies to a number written without a country code.
 */
export function phoneForChannel(raw: string, defaultCountry: string, channel: 'sms' | 'voice'): PhoneForChannel {
  const normalized = normalizePhone(raw, defaultCountry);
  if (!normalized.ok) return { ok: false, reason: `${raw}: ${normalized.reason}` };
  const type = parsePhoneNumberWithError(normalized.e164).getType();
  if (type === 'PREMIUM_RATE') return { ok: false, reason: `${normalized.e164} is a premium-rate number` };
  if (channel === 'sms' && type !== undefined && !SMS_TYPES.has(type)) {
    return { ok: false, reason: `${normalized.e164} is not a mobile number (${type.toLowerCase().replace(/_/g, ' ')}): it cannot receive an SMS` };
  }
  return normalized;
}
