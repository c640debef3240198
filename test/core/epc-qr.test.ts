import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { EPC_MAX_BYTES, epcQrPayload, epcQrPngDataUrl, epcQrSvg } from '../../src/core/epc-qr.ts';

const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

const base = { name: 'Voorbeeld BV', iban: 'NL91ABNA0417164300', amount: 12100n };

test('the REFERENCE.md §3.8 sample payload, line by line', () => {
  const payload = epcQrPayload({ ...base, reference: 'RF25INV20250042', information: 'Factuur 2025-0042' });
  assert.deepEqual(payload.split('\n'), [
    'BCD', // service tag
    '002', // version
    '1', // character set: UTF-8
    'SCT', // identification
    '', // BIC: optional in version 002
    'Voorbeeld BV',
    'NL91ABNA0417164300',
    'EUR121.00',
    '', // purpose
    'RF25INV20250042', // structured creditor reference
    '', // unstructured remittance (exclusive with the reference)
    'Factuur 2025-0042', // beneficiary-to-originator information
  ]);
  assert.equal(Buffer.byteLength(payload), 92, 'the sample is 92 bytes');
  assert.ok(!payload.endsWith('\n'), 'no line break after the last line');
});

test('BIC, IBAN and references are written in their compact forms; trailing empty lines are left off', () => {
  const payload = epcQrPayload({ bic: 'abna nl2a', name: '  Voorbeeld BV ', iban: 'nl91 abna 0417 1643 00', amount: 1n });
  assert.equal(payload, 'BCD\n002\n1\nSCT\nABNANL2A\nVoorbeeld BV\nNL91ABNA0417164300\nEUR0.01');
  assert.equal(epcQrPayload({ ...base, reference: '+++020/2500/04229+++' }).split('\n')[9], '020250004229', 'Belgian OGM');
  assert.equal(epcQrPayload({ ...base, reference: '5000 0000 2025 0042' }).split('\n')[9], '5000000020250042', 'Dutch betalingskenmerk');
  assert.equal(epcQrPayload({ ...base, reference: 'rf18 5390 0754 7034' }).split('\n')[9], 'RF18539007547034', 'RF in groups');
  const withText = epcQrPayload({ ...base, text: 'Factuur 2025-0042' }).split('\n');
  assert.equal(withText.length, 11);
  assert.equal(withText[9], '');
  assert.equal(withText[10], 'Factuur 2025-0042');
});

test('amount limits: EUR 0.01 … EUR 999999999.99', () => {
  assert.equal(epcQrPayload({ ...base, amount: 99_999_999_999n }).split('\n')[7], 'EUR999999999.99');
  assert.equal(epcQrPayload({ ...base, amount: 100n }).split('\n')[7], 'EUR1.00');
  for (const amount of [0n, -1n, 100_000_000_000n]) {
    assert.throws(() => epcQrPayload({ ...base, amount }), (e: unknown) => e instanceof RangeError && /amount/.test(e.message), String(amount));
  }
});

test('field limits and validation throw RangeError with a clear message', () => {
  const bad = (input: Parameters<typeof epcQrPayload>[0], pattern: RegExp): void => {
    assert.throws(() => epcQrPayload(input), (e: unknown) => e instanceof RangeError && pattern.test(e.message), pattern.source);
  };
  assert.doesNotThrow(() => epcQrPayload({ ...base, name: 'N'.repeat(70) }));
  bad({ ...base, name: 'N'.repeat(71) }, /beneficiary name is longer than 70/);
  bad({ ...base, name: '  ' }, /beneficiary name is required/);
  bad({ ...base, name: 'Voorbeeld\nBV' }, /line breaks/);
  bad({ ...base, iban: 'NL91ABNA0417164301' }, /IBAN is not valid/);
  bad({ ...base, bic: 'ABNANL2' }, /BIC/);
  bad({ ...base, reference: 'RF25INV20250043' }, /not a valid RF creditor reference/);
  bad({ ...base, reference: 'RF25INV20250042', text: 'Factuur 2025-0042' }, /either a structured reference or an unstructured text/);
  assert.doesNotThrow(() => epcQrPayload({ ...base, text: 'x'.repeat(140) }));
  bad({ ...base, text: 'x'.repeat(141) }, /longer than 140/);
  bad({ ...base, information: 'x'.repeat(71) }, /longer than 70/);
});

test('the payload may not exceed 331 bytes (UTF-8)', () => {
  // 70 + 140 + 70 characters of two-byte letters: well over 331 bytes although every field fits.
  assert.throws(
    () => epcQrPayload({ ...base, name: 'é'.repeat(70), text: 'ü'.repeat(140), information: 'ö'.repeat(70) }),
    (e: unknown) => e instanceof RangeError && /more than the 331 allowed/.test(e.message),
  );
  // Every field at its own maximum adds up to more than 331 bytes: the total is a limit of its own.
  const full = { ...base, bic: 'ABNANL2AXXX', name: 'N'.repeat(70), information: 'i'.repeat(70) };
  const longest = epcQrPayload({ ...full, text: 'x'.repeat(132) });
  assert.equal(Buffer.byteLength(longest), EPC_MAX_BYTES);
  assert.throws(() => epcQrPayload({ ...full, text: 'x'.repeat(133) }), /payload is 332 bytes/);
  // Level M keeps the code at QR version 13 or lower for any valid payload.
  assert.ok(QRCode.create(longest, { errorCorrectionLevel: 'M' }).version <= 13);
});

test('qrcode produces an SVG and a PNG that decodes back to the payload', async () => {
  const payload = epcQrPayload({ ...base, bic: 'ABNANL2A', reference: 'RF25INV20250042' });
  const svg = await epcQrSvg(payload);
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\s*$/);
  assert.match(svg, /<path/);

  const url = await epcQrPngDataUrl(payload);
  assert.ok(url.startsWith('data:image/png;base64,'));
  const png = PNG.sync.read(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64'));
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  assert.ok(code, 'the QR code decodes');
  assert.equal(code.data, payload);

  await assert.rejects(epcQrSvg('not an EPC payload'), RangeError);
});
