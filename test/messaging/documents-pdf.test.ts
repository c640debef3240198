import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { invoicePdf, statementPdf, type InvoiceDocumentInput, type StatementDocumentInput } from '../../src/modules/messaging/documents-pdf.ts';
import { hasPdftotext, pdfText } from '../support/pdf.ts';

// The invoice copy and the statement of account, read back as text by poppler (what a reader sees).

const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;
const skip = hasPdftotext ? false : 'poppler (pdftotext) is not installed';

const organisation = { legalName: 'Veldhuis Technische Groothandel B.V.', country: 'NL', iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', vatNumber: 'NL000099998B57', cocNumber: '34127658' };
const debtor = { name: 'Café De Hoek VOF', number: 'K-1001', addressLine: 'Kerkstraat 5', postalCode: '1234 AB', city: 'Amsterdam', country: 'NL', vatNumber: 'NL123456789B01' };

function invoiceInput(overrides: Partial<InvoiceDocumentInput['invoice']> = {}, language: InvoiceDocumentInput['language'] = 'nl'): InvoiceDocumentInput {
  return {
    language, organisation, debtor,
    invoice: { number: 'F2026-0042', kind: 'invoice', issueDate: '2026-01-05', dueDate: '2026-02-04', currency: 'EUR', amountTotal: 121000n, vatAmount: 21000n, openAmount: 121000n, poNumber: 'PO-77', paymentReference: '5000000020250042', ...overrides },
  };
}

/** One line of `pdftotext -layout` output, whitespace collapsed. */
function lines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter(Boolean);
}

test('the invoice PDF: number, dates, debtor, net, VAT, total, IBAN and the payment reference', { skip }, async () => {
  const text = lines(pdfText(await invoicePdf(invoiceInput())));
  assert.ok(text.includes('Factuur F2026-0042'));
  assert.ok(text.includes('Factuurnummer F2026-0042'));
  assert.ok(text.includes('Factuurdatum 5 januari 2026'));
  assert.ok(text.includes('Vervaldatum 4 februari 2026'));
  assert.ok(text.includes('Klantnummer K-1001'));
  assert.ok(text.includes('Btw-nummer NL123456789B01'));
  assert.ok(text.includes('Uw referentie PO-77'));
  assert.ok(text.includes('Café De Hoek VOF'));
  assert.ok(text.includes('1234 AB Amsterdam'));
  assert.ok(text.includes('Bedrag excl. btw € 1.000,00'));
  assert.ok(text.includes('Btw € 210,00'));
  assert.ok(text.includes('Totaal incl. btw € 1.210,00'));
  assert.ok(!text.some((l) => l.startsWith('Te betalen')), 'nothing paid yet: no separate line to pay');
  assert.ok(text.includes('Wij verzoeken u € 1.210,00 uiterlijk 4 februari 2026 te betalen.'));
  assert.ok(text.includes('IBAN NL91 ABNA 0417 1643 00 ten name van Veldhuis Technische Groothandel B.V.'));
  assert.ok(text.includes('Betalingskenmerk: 5000 0000 2025 0042'));
  assert.ok(text.some((l) => l.includes('KvK 34127658') && l.includes('btw NL000099998B57') && l.includes('Pagina 1/1')));
});

test('the invoice PDF carries an EPC QR code that a banking app reads as this transfer', { skip }, async () => {
  const pdf = await invoicePdf(invoiceInput());
  const dir = mkdtempSync(join(tmpdir(), 'arflow-inv-'));
  try {
    writeFileSync(join(dir, 'i.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', '150', '-png', '-singlefile', join(dir, 'i.pdf'), join(dir, 'p')]);
    const png = PNG.sync.read(readFileSync(join(dir, 'p.png')));
    const qr = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
    assert.ok(qr, 'a QR code is found on the page');
    const fields = qr.data.split('\n');
    assert.deepEqual([fields[0], fields[3], fields[5], fields[6], fields[7], fields[9]], ['BCD', 'SCT', 'Veldhuis Technische Groothandel B.V.', 'NL91ABNA0417164300', 'EUR1210.00', '5000000020250042']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a partly paid invoice shows what was paid and what is left; a credit note asks for nothing', { skip }, async () => {
  const paid = lines(pdfText(await invoicePdf(invoiceInput({ openAmount: 21000n }, 'en'))));
  assert.ok(paid.includes('Invoice F2026-0042'));
  assert.ok(paid.includes('Total incl. VAT €1,210.00'));
  assert.ok(paid.includes('Paid or credited -€1,000.00'));
  assert.ok(paid.includes('To pay €210.00'));
  assert.ok(paid.includes('Please pay €210.00 by February 4, 2026.') || paid.includes('Please pay €210.00 by 4 February 2026.'), paid.join('\n'));
  const credit = lines(pdfText(await invoicePdf(invoiceInput({ kind: 'credit_note', number: 'C-7', amountTotal: -12100n, vatAmount: -2100n, openAmount: -12100n, paymentReference: null }, 'en'))));
  assert.ok(credit.includes('Credit note C-7'));
  assert.ok(credit.includes('Total incl. VAT -€121.00'));
  assert.ok(!credit.some((l) => l.startsWith('Please pay') || l.startsWith('Due date')));
});

test('the same invoice gives the same bytes (what was stored can be made again and compared)', async () => {
  const a = await invoicePdf(invoiceInput());
  const b = await invoicePdf(invoiceInput());
  assert.ok(Buffer.from(a).equals(Buffer.from(b)));
  assert.equal(Buffer.from(a).subarray(0, 5).toString('latin1'), '%PDF-');
});

function statementInput(items: StatementDocumentInput['items'], language: StatementDocumentInput['language'] = 'nl'): StatementDocumentInput {
  return { language, date: '2026-03-01', organisation, debtor, items };
}

test('the statement lists every open item, oldest due first, with days overdue and totals', { skip }, async () => {
  const text = lines(pdfText(await statementPdf(statementInput([
    { number: 'F2', kind: 'invoice', issueDate: '2026-02-05', dueDate: '2026-03-07', currency: 'EUR', amountTotal: 50000n, openAmount: 25000n },
    { number: 'F1', kind: 'invoice', issueDate: '2026-01-05', dueDate: '2026-02-04', currency: 'EUR', amountTotal: 121000n, openAmount: 121000n },
    { number: 'C1', kind: 'credit_note', issueDate: '2026-02-10', dueDate: '2026-02-10', currency: 'EUR', amountTotal: -10000n, openAmount: -10000n },
  ]))));
  assert.ok(text.includes('Rekeningoverzicht'));
  assert.ok(text.includes('Openstaande posten op 1 maart 2026'));
  const rows = text.filter((l) => /^(F\d|Creditnota C\d)/.test(l));
  assert.deepEqual(rows, [
    'F1 5-1-2026 4-2-2026 25 € 1.210,00 € 1.210,00',
    'Creditnota C1 10-2-2026 10-2-2026 € -100,00 € -100,00',
    'F2 5-2-2026 7-3-2026 € 500,00 € 250,00',
  ]);
  assert.ok(text.includes('Totaal openstaand (EUR) € 1.360,00'));
  assert.ok(text.includes('waarvan vervallen € 1.210,00'));
});

test('the statement never adds across currencies, and runs onto more pages when long', { skip }, async () => {
  const items: StatementDocumentInput['items'] = Array.from({ length: 60 }, (_, i) => ({
    number: `F${String(i + 1).padStart(3, '0')}`, kind: 'invoice' as const, issueDate: '2026-01-05', dueDate: `2026-02-${String((i % 28) + 1).padStart(2, '0')}`,
    currency: i % 2 === 0 ? 'EUR' : 'USD', amountTotal: 10000n, openAmount: 10000n,
  }));
  const text = pdfText(await statementPdf(statementInput(items, 'en')));
  const flat = lines(text);
  for (const item of items) assert.ok(flat.some((l) => l.startsWith(`${item.number} `)), `${item.number} is listed`);
  assert.ok(flat.includes('Total open (EUR) €3,000.00'));
  assert.ok(flat.includes('Total open (USD) US$3,000.00') || flat.includes('Total open (USD) $3,000.00'), flat.filter((l) => l.startsWith('Total')).join('\n'));
  assert.match(text, /Page 1\/2/);
  assert.match(text, /Page 2\/2/);
});

test('a statement without open items says so', { skip }, async () => {
  assert.ok(lines(pdfText(await statementPdf(statementInput([], 'en')))).includes('There are no open items.'));
});
