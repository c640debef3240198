import QRCode from 'qrcode';
import { validateIban } from './iban.ts';
import { formatAmount } from './money.ts';
import { normalizeReference } from './references.ts';

// The EPC QR code ("GiroCode", "scan to pay") of EPC069-12: a SEPA credit transfer that a banking
// app fills in from the code. Rules: /work/shared/REFERENCE.md §3.8.
// Payload: 12 lines separated by LF, version 002 (BIC optional), character set 1 = UTF-8, SCT.
// Trailing optional lines that are empty are left off, and the last line has no line break.

export interface EpcQrInput {
  /** BIC (8 or 11 characters). Optional in version 002 within the EEA. */
  bic?: string | null;
  /** Beneficiary name, at most 70 characters. */
  name: string;
  /** Beneficiary IBAN, in any usual notation (spaces are removed). */
  iban: string;
  /** Amount in euro cents: 1 (EUR0.01) … 99999999999 (EUR999999999.99). EUR only. */
  amount: bigint;
  /**
   * Structured creditor reference: an ISO 11649 RF reference, a Belgian OGM/VCS or a Dutch
   * betalingskenmerk. Written in any usual notation; the payload carries the compact form.
   */
  reference?: string | null;
  /** Unstructured remittance information, at most 140 characters. Not together with `reference`. */
  text?: string | null;
  /** Beneficiary-to-originator information (shown to the payer), at most 70 characters. */
  information?: string | null;
}

/** EPC069-12: the payload may not exceed 331 bytes (QR version 13 at error correction level M). */
export const EPC_MAX_BYTES = 331;
const MAX_AMOUNT = 99_999_999_999n;
const BIC = /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/;
// Line breaks would shift every following element; other control characters have no business here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function field(value: string | null | undefined, what: string, max: number): string {
  const v = (value ?? '').trim();
  if (CONTROL.test(v)) throw new RangeError(`EPC QR: ${what} must not contain line breaks or control characters`);
  if ([...v].length > max) throw new RangeError(`EPC QR: ${what} is longer than ${max} characters`);
  return v;
}

/**
 * The EPC QR payload (EPC069-12, version 002, UTF-8) for a SEPA credit transfer in euro.
 * Throws RangeError with a message naming the offending element when an input breaks a rule.
 */
export function epcQrPayload(input: EpcQrInput): string {
  const bic = field(input.bic, 'BIC', 11).replace(/\s/g, '').toUpperCase();
  if (bic !== '' && !BIC.test(bic)) throw new RangeError(`EPC QR: BIC ${JSON.stringify(bic)} is not 8 or 11 valid characters`);

  const name = field(input.name, 'beneficiary name', 70);
  if (name === '') throw new RangeError('EPC QR: beneficiary name is required');

  const iban = validateIban(input.iban);
  if (!iban.ok) throw new RangeError(`EPC QR: IBAN is not valid: ${iban.reason}`);

  if (input.amount < 1n || input.amount > MAX_AMOUNT) {
    throw new RangeError('EPC QR: amount must be between EUR 0.01 and EUR 999999999.99');
  }
  const amount = `EUR${formatAmount(input.amount, 'EUR')}`;

  const rawReference = field(input.reference, 'reference', 35);
  const text = field(input.text, 'unstructured remittance text', 140);
  if (rawReference !== '' && text !== '') {
    throw new RangeError('EPC QR: give either a structured reference or an unstructured text, not both');
  }
  let reference = '';
  if (rawReference !== '') {
    const normalized = normalizeReference(rawReference);
    if (normalized === null) {
      throw new RangeError(`EPC QR: reference ${JSON.stringify(rawReference)} is not a valid RF creditor reference, OGM or betalingskenmerk`);
    }
    reference = normalized.value;
  }
  const information = field(input.information, 'beneficiary-to-originator information', 70);

  const lines = ['BCD', '002', '1', 'SCT', bic, name, iban.iban, amount, '', reference, text, information];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const payload = lines.join('\n');
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > EPC_MAX_BYTES) throw new RangeError(`EPC QR: payload is ${bytes} bytes, more than the ${EPC_MAX_BYTES} allowed`);
  return payload;
}

function checkPayload(payload: string): void {
  if (!payload.startsWith('BCD\n')) throw new RangeError('EPC QR: payload must start with the service tag BCD');
  const bytes = Buffer.byteLength(payload, 'utf8');
  if (bytes > EPC_MAX_BYTES) throw new RangeError(`EPC QR: payload is ${bytes} bytes, more than the ${EPC_MAX_BYTES} allowed`);
}

/** The QR code for an EPC payload as an SVG document (error correction level M, quiet zone 4). */
export async function epcQrSvg(payload: string): Promise<string> {
  checkPayload(payload);
  return QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 });
}

/** The QR code for an EPC payload as a `data:image/png;base64,…` URL (error correction level M). */
export async function epcQrPngDataUrl(payload: string, width = 300): Promise<string> {
  checkPayload(payload);
  return QRCode.toDataURL(payload, { type: 'image/png', errorCorrectionLevel: 'M', margin: 4, width });
}
