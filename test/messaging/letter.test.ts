import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PDFDocument } from 'pdf-lib';
import { ADDRESS_WINDOW_MM, ADDRESS_ZONE_MM, letterPdf } from '../../src/modules/messaging/letter-pdf.ts';
import { darkIn, decodeQr, hasPoppler, inkIn, renderPage as render } from '../support/pdf.ts';

// The letter as the post office and the debtor's banking app see it: rendered by poppler, the
// address inside the envelope window, the QR code decoded to an EPC payload.

async function sampleLetter(bodyParagraphs = 3): Promise<Uint8Array> {
  return letterPdf({
    organisation: { legalName: 'Veldhuis Technische Groothandel B.V.', addressLines: ['Industrieweg 12', '3542 AD Utrecht'], iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', vatNumber: 'NL000099998B57', cocNumber: '34127658', primaryColor: '#1f4a87' },
    recipient: { name: 'Café De Hoek VOF', lines: ['t.a.v. de crediteurenadministratie', 'Kerkstraat 5', '1234 AB  AMSTERDAM'] },
    date: 'Utrecht, 22 november 2026',
    subject: 'Veertiendagenbrief: factuur F2026-0001',
    body: Array.from({ length: bodyParagraphs }, (_, i) => `Alinea ${i + 1}. Wij verzoeken u het openstaande bedrag van € 121,00 binnen veertien dagen vanaf de dag nadat deze brief bij u is bezorgd te betalen.`).join('\n\n'),
    payment: { amount: 12100n, reference: '5000000020250042' },
  });
}

test('the letter is a valid A4 PDF with page numbers', async () => {
  const pdf = await PDFDocument.load(await sampleLetter(40));
  assert.ok(pdf.getPageCount() >= 2);
  const { width, height } = pdf.getPage(0).getSize();
  assert.deepEqual([Math.round(width), Math.round(height)], [595, 842]);
});

test('the address sits inside the envelope window', { skip: hasPoppler ? false : 'pdftoppm (poppler-utils) is not installed' }, async () => {
  const dpi = 100;
  const png = render(await sampleLetter(), dpi);
  const w = ADDRESS_WINDOW_MM;
  assert.ok(darkIn(png, dpi, w) > 300, 'the address is printed in the window');
  // Nothing printed around the window in its band: the address does not run out of it.
  assert.equal(darkIn(png, dpi, { left: 0, top: w.top, width: w.left, height: w.height }), 0, 'left of the window');
  assert.equal(darkIn(png, dpi, { left: w.left + w.width, top: w.top + 12, width: 70, height: w.height - 12 }), 0, 'right of the window');
  assert.equal(darkIn(png, dpi, { left: w.left, top: w.top + w.height, width: w.width, height: 8 }), 0, 'below the window');
  // The print-and-mail layout: the address in its zone, nothing in the postage band above it nor at the sheet's edge.
  const z = ADDRESS_ZONE_MM;
  assert.ok(darkIn(png, dpi, z) > 300, 'the address is in the address zone');
  assert.equal(inkIn(png, dpi, { left: 20, top: 40, width: 89.5, height: 20 }), 0, 'the postage band is clear');
  assert.equal(inkIn(png, dpi, { left: 0, top: 0, width: 210, height: 5 }), 0, 'the top edge is clear');
  assert.equal(inkIn(png, dpi, { left: 0, top: 0, width: 5, height: 297 }), 0, 'the left edge is clear');
});

test('the QR code decodes to a valid EPC payload with amount and structured reference', { skip: hasPoppler ? false : 'pdftoppm (poppler-utils) is not installed' }, async () => {
  const png = render(await sampleLetter(), 200);
  const code = decodeQr(png);
  assert.ok(code, 'a QR code is found on the page');
  const lines = code.split('\n');
  assert.deepEqual(lines.slice(0, 4), ['BCD', '002', '1', 'SCT']);
  assert.equal(lines[4], 'ABNANL2A');
  assert.equal(lines[5], 'Veldhuis Technische Groothandel B.V.');
  assert.equal(lines[6], 'NL91ABNA0417164300');
  assert.equal(lines[7], 'EUR121.00');
  assert.equal(lines[9], '5000000020250042');
});
