import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInvoiceCsv, shownDecimalMark, normalizeHeaderName } from '../../src/formats/invoice-csv.ts';
import { parseAmount, type DecimalMark } from '../../src/core/money.ts';
import { InvalidFileError, type InvoiceInput, type RowError } from '../../src/formats/invoice-input.ts';

const HEADER = 'invoice_number,debtor_number,issue_date,due_date,amount';

function only(invoices: InvoiceInput[]): InvoiceInput {
  assert.equal(invoices.length, 1);
  const [inv] = invoices;
  assert.ok(inv);
  return inv;
}

function errorsOf(csv: string): RowError[] {
  return parseInvoiceCsv(csv, 'invoices.csv').errors;
}

function invalid(content: Buffer | string, message: RegExp | string): void {
  assert.throws(
    () => parseInvoiceCsv(content, 'invoices.csv'),
    (e: unknown) => {
      assert.ok(e instanceof InvalidFileError, `expected InvalidFileError, got ${String(e)}`);
      assert.equal(e.name, 'InvalidFileError');
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      return true;
    },
  );
}

void test('a comma file with decimal points and every column', () => {
  const csv = [
    'invoice_number,debtor_number,debtor_name,debtor_type,email,phone,address,postal_code,city,country,language,vat_number,coc_number,issue_date,due_date,currency,amount,vat_amount,po_number,project_reference,payment_reference,type,related_invoice',
    'F-2024-001,D100,"Acme, Inc.",business,ap@acme.example,+31 20 123 4567,"Keizersgracht 1",1015 AA,Amsterdam,nl,NL,NL123456789B01,12345678,2024-03-01,2024-03-31,eur,"1,234.56",214.26,PO-9,PRJ-1,RF18 5390 0754 7034,invoice,',
    'F-2024-002,D101,Jan Jansen,consumer,,,,,,,,,,2024-03-02,2024-04-01,,99.5,,,,,,',
  ].join('\n');
  const result = parseInvoiceCsv(csv, 'invoices.csv');
  assert.equal(result.format, 'csv');
  assert.equal(result.originalDocument, null);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.invoices, [
    {
      line: 2,
      number: 'F-2024-001',
      kind: 'invoice',
      debtor: {
        number: 'D100',
        name: 'Acme, Inc.',
        kind: 'business',
        email: 'ap@acme.example',
        phone: '+31 20 123 4567',
        addressLine: 'Keizersgracht 1',
        postalCode: '1015 AA',
        city: 'Amsterdam',
        country: 'NL',
        language: 'nl',
        vatNumber: 'NL123456789B01',
        cocNumber: '12345678',
      },
      issueDate: '2024-03-01',
      dueDate: '2024-03-31',
      currency: 'EUR',
      amount: 123456n,
      vatAmount: 21426n,
      prepaidAmount: 0n,
      poNumber: 'PO-9',
      projectReference: 'PRJ-1',
      paymentReference: 'RF18 5390 0754 7034',
      relatedInvoiceNumber: null,
    },
    {
      line: 3,
      number: 'F-2024-002',
      kind: 'invoice',
      debtor: {
        number: 'D101',
        name: 'Jan Jansen',
        kind: 'consumer',
        email: null,
        phone: null,
        addressLine: null,
        postalCode: null,
        city: null,
        country: null,
        language: null,
        vatNumber: null,
        cocNumber: null,
      },
      issueDate: '2024-03-02',
      dueDate: '2024-04-01',
      currency: 'EUR',
      amount: 9950n,
      vatAmount: null,
      prepaidAmount: 0n,
      poNumber: null,
      projectReference: null,
      paymentReference: null,
      relatedInvoiceNumber: null,
    },
  ]);
});

void test('a Dutch Excel file: semicolons, 1.234,56, DD-MM-YYYY, BOM, CRLF, UTF-8 bytes', () => {
  const text =
    '\ufeffFactuur;Invoice Number;Debtor-Number;Debtor Name;Issue Date;Due Date;Amount;VAT Amount;Country;Debtor Type\r\n' +
    'x;2024-17;D-1;Café de Gouden Leeuw;05-03-2024;04-04-2024;1.234,56;214,26;Nederland;zakelijk\r\n' +
    'x;2024-18;D-2;Crème Brûlée BV;5-3-2024;4/4/2024;1.234;0;België;particulier\r\n' +
    ';;;;;;;;;\r\n';
  const result = parseInvoiceCsv(Buffer.from(text, 'utf-8'), 'export.csv');
  assert.deepEqual(result.errors, []);
  assert.equal(result.invoices.length, 2);
  const [a, b] = result.invoices;
  assert.ok(a && b);
  assert.equal(a.line, 2);
  assert.equal(a.number, '2024-17');
  assert.equal(a.debtor.name, 'Café de Gouden Leeuw');
  assert.equal(a.debtor.country, 'NL');
  assert.equal(a.debtor.kind, 'business');
  assert.equal(a.issueDate, '2024-03-05');
  assert.equal(a.dueDate, '2024-04-04');
  assert.equal(a.amount, 123456n);
  assert.equal(a.vatAmount, 21426n);
  assert.equal(b.debtor.name, 'Crème Brûlée BV');
  assert.equal(b.debtor.country, 'BE');
  assert.equal(b.debtor.kind, 'consumer');
  assert.equal(b.issueDate, '2024-03-05');
  assert.equal(b.amount, 123400n, '1.234 in a decimal-comma file is 1234');
  assert.equal(b.vatAmount, 0n);
});

void test('a Dutch Excel file saved as windows-1252 (Latin-1 bytes) is decoded, not rejected', () => {
  const text = 'invoice_number;debtor_number;debtor_name;issue_date;due_date;amount;currency\r\n' + 'F1;D1;Café Zoë € Co;01-02-2024;01-03-2024;-12,50;eur\r\n';
  const bytes = Buffer.from(text.replace('€', '\u0080'), 'latin1'); // windows-1252 puts € at 0x80
  assert.equal(bytes.includes(0xe9), true);
  const inv = only(parseInvoiceCsv(bytes, 'latin1.csv').invoices);
  assert.equal(inv.debtor.name, 'Café Zoë € Co');
  assert.equal(inv.amount, -1250n, 'a negative invoice keeps its sign');
  assert.equal(inv.currency, 'EUR');
});

void test('UTF-16 with a BOM (Excel "Unicode text") is decoded', () => {
  const text = 'invoice_number\tdebtor_number\tissue_date\tdue_date\tamount\r\nF1\tD1\t2024-01-01\t2024-01-31\t10.00\r\n';
  const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  assert.equal(only(parseInvoiceCsv(bytes, 'unicode.txt').invoices).amount, 1000n);
});

void test('credit notes are negative whatever sign was written; invoices keep theirs', () => {
  const csv = [
    'invoice_number,debtor_number,issue_date,due_date,amount,vat_amount,type,related_invoice',
    'C-1,D1,2024-01-10,2024-01-10,121.00,21.00,credit_note,F-1',
    'C-2,D1,2024-01-10,2024-01-10,-121.00,-21.00,Credit Note,F-1',
    'C-3,D1,2024-01-10,2024-01-10,50,,creditnota,',
    'C-4,D1,2024-01-10,2024-01-10,50,,CREDIT,',
    'C-5,D1,2024-01-10,2024-01-10,50,,creditnote,',
    'F-9,D1,2024-01-10,2024-01-10,-10.00,-2.10,factuur,',
  ].join('\n');
  const { invoices, errors } = parseInvoiceCsv(csv, 'credits.csv');
  assert.deepEqual(errors, []);
  assert.deepEqual(
    invoices.map((i) => [i.number, i.kind, i.amount, i.vatAmount, i.relatedInvoiceNumber]),
    [
      ['C-1', 'credit_note', -12100n, -2100n, 'F-1'],
      ['C-2', 'credit_note', -12100n, -2100n, 'F-1'],
      ['C-3', 'credit_note', -5000n, null, null],
      ['C-4', 'credit_note', -5000n, null, null],
      ['C-5', 'credit_note', -5000n, null, null],
      ['F-9', 'invoice', -1000n, -210n, null],
    ],
  );
});

void test('header names: case, spaces, dashes, any order; unknown columns ignored', () => {
  const csv = 'Amount,  DUE-DATE ,Notes,Issue Date,debtor number,INVOICE_NUMBER\n10,2024-02-01,whatever,2024-01-01,D1,F1\n';
  const inv = only(parseInvoiceCsv(csv, 'x.csv').invoices);
  assert.equal(inv.number, 'F1');
  assert.equal(inv.debtor.number, 'D1');
  assert.equal(inv.amount, 1000n);
  assert.equal(normalizeHeaderName(' Invoice-Number '), 'invoice_number');
});

void test('field values are trimmed; empty optional fields become null; lower-case currency and languages', () => {
  const csv = 'invoice_number,debtor_number,issue_date,due_date,amount,currency,language,country,debtor_name,debtor_type\n  F1 , D1 , 2024-01-01 , 2024-01-31 , 10.00 , usd , NL-be , be ,   ,  \n';
  const inv = only(parseInvoiceCsv(csv, 'x.csv').invoices);
  assert.equal(inv.number, 'F1');
  assert.equal(inv.debtor.number, 'D1');
  assert.equal(inv.currency, 'USD');
  assert.equal(inv.debtor.language, 'nl');
  assert.equal(inv.debtor.country, 'BE');
  assert.equal(inv.debtor.name, null);
  assert.equal(inv.debtor.kind, null);
  const b2b = parseInvoiceCsv('invoice_number,debtor_number,issue_date,due_date,amount,debtor_type\nF1,D1,2024-01-01,2024-01-31,1,B2B\nF2,D1,2024-01-01,2024-01-31,1,b2c\n', 'x.csv');
  assert.deepEqual(b2b.invoices.map((i) => i.debtor.kind), ['business', 'consumer']);
});

void test('currency exponent applies: JPY has no decimals', () => {
  const { invoices, errors } = parseInvoiceCsv(`${HEADER},currency\nF1,D1,2024-01-01,2024-01-31,1500,JPY\nF2,D1,2024-01-01,2024-01-31,15.50,JPY\n`, 'x.csv');
  assert.equal(only(invoices).amount, 1500n);
  assert.deepEqual(errors, [{ line: 3, column: 'amount', reason: '"15.50" is not an amount in JPY (use 1234.56 or 1.234,56)' }]);
});

void test('decimal mark detection', () => {
  assert.equal(shownDecimalMark('1.234,56'), ',');
  assert.equal(shownDecimalMark('1,234.5'), '.');
  assert.equal(shownDecimalMark('-12,5'), ',');
  assert.equal(shownDecimalMark('(12.50)'), '.');
  assert.equal(shownDecimalMark('12,50-'), ',');
  assert.equal(shownDecimalMark('1.234'), null);
  assert.equal(shownDecimalMark('1234'), null);

  // Comma file whose values show ',' somewhere: 1.234 means 1234.
  const comma = parseInvoiceCsv(`${HEADER}\nF1,D1,2024-01-01,2024-01-31,"1.234"\nF2,D1,2024-01-01,2024-01-31,"5,5"\n`, 'x.csv');
  assert.deepEqual(comma.invoices.map((i) => i.amount), [123400n, 550n]);
  // Comma file with nothing conclusive: '.' is the default, `1,234` is 1234.
  const plain = parseInvoiceCsv(`${HEADER}\nF1,D1,2024-01-01,2024-01-31,"1,234"\nF2,D1,2024-01-01,2024-01-31,7\n`, 'x.csv');
  assert.deepEqual(plain.invoices.map((i) => i.amount), [123400n, 700n]);
  // Semicolon file with nothing conclusive: ',' is the default, `1.234` is 1234.
  const semi = parseInvoiceCsv(`${HEADER.replaceAll(',', ';')}\nF1;D1;2024-01-01;2024-01-31;1.234\n`, 'x.csv');
  assert.equal(only(semi.invoices).amount, 123400n);
  // Semicolon file whose values show '.': '.' wins over the delimiter default.
  const semiDot = parseInvoiceCsv(`${HEADER.replaceAll(',', ';')}\nF1;D1;2024-01-01;2024-01-31;1234.56\nF2;D1;2024-01-01;2024-01-31;1,234\n`, 'x.csv');
  assert.deepEqual(semiDot.invoices.map((i) => i.amount), [123456n, 123400n]);
  // Mixed: each value by its own last separator; a value showing none by the delimiter default.
  const mixed = parseInvoiceCsv(
    `${HEADER.replaceAll(',', ';')};vat_amount\nF1;D1;2024-01-01;2024-01-31;1.234,56;214,26\nF2;D1;2024-01-01;2024-01-31;1,234.56;21.5\nF3;D1;2024-01-01;2024-01-31;2.000;\n`,
    'x.csv',
  );
  assert.deepEqual(mixed.errors, []);
  assert.deepEqual(mixed.invoices.map((i) => [i.amount, i.vatAmount]), [
    [123456n, 21426n],
    [123456n, 2150n],
    [200000n, null],
  ]);
});

void test('amounts agree with parseAmount for every shape', () => {
  const values = ['0', '-0', '7', '12.3', '12.30', '-99.5', '000123.45', '1,234.56', '12,3', '1.234', '-1.234.567,89', '12.345', '(5.00)', '5.00-', '+3', '1 234,56', '999999999999999.99', '12.', '.5', '1e3'];
  for (const mark of ['.', ','] as const satisfies readonly DecimalMark[]) {
    for (const currency of ['EUR', 'JPY', 'KWD']) {
      for (const value of values) {
        // The sample row sets the file's mark; a value showing the other mark makes the file mixed.
        const sample = mark === ',' ? '1,50' : '1.50';
        const csv = `invoice_number;debtor_number;issue_date;due_date;amount;currency\nS;D;2024-01-01;2024-01-01;${sample};EUR\nF;D;2024-01-01;2024-01-01;"${value}";${currency}\n`;
        const inv = parseInvoiceCsv(csv, 'x.csv').invoices.find((i) => i.number === 'F');
        assert.equal(inv?.amount ?? null, parseAmount(value, currency, shownDecimalMark(value) ?? mark), `${value} ${currency} ${mark}`);
      }
    }
  }
});

void test('row errors: every bad field is reported with line and canonical column, and the row is dropped', () => {
  const csv = [
    'Invoice Number,debtor_number,issue_date,due_date,amount,vat_amount,currency,type,debtor_type,country,language',
    'F1,D1,2024-01-01,2024-01-31,10.00,2.10,EUR,invoice,business,NL,nl', // 2: fine
    ',,,,,,,,,,', // 3: blank row, skipped silently
    ',D1,2024-01-01,2024-01-31,10.00,,,,,,', // 4: missing invoice number
    'F3,,31-02-2024,2024-13-01,abc,1.2.3,EURO,bill,company ltd,Nedrland,dutchish', // 5: many errors
    'F4,D1,2024-02-01,2024-01-31,10.00,,,,,,', // 6: due before issue
    'F5,D1,,,,,,,,,', // 7: required dates and amount missing
    'F1,D1,2024-01-01,2024-01-31,10.00,,,,,,', // 8: duplicate of line 2
    'F1,D1,2024-01-01,2024-01-31,10.00,,,credit_note,,,', // 9: same number, other type: fine
    'F6,D1,2024-01-01,2024-01-31', // 10: too few fields
    'F7,D1,2024-01-01,2024-01-31,10.00,,,,,,,surplus', // 11: too many fields
    'F8,D1,2024-01-01,2024-01-31,10.00,,,,,,,,', // 12: trailing empty padding: fine
    '"F9\nwith newline",D1,2024-01-01,2024-01-31,10.456,,,,,,', // 13-14: too many decimals
    'F1,D1,2024-01-01,2024-01-31,10.00,,,,,,', // 15: duplicate again, still names line 2
  ].join('\n');
  const result = parseInvoiceCsv(csv, 'invoices.csv');
  assert.deepEqual(
    result.invoices.map((i) => [i.line, i.number, i.kind]),
    [
      [2, 'F1', 'invoice'],
      [9, 'F1', 'credit_note'],
      [12, 'F8', 'invoice'],
    ],
  );
  assert.deepEqual(result.errors, [
    { line: 4, column: 'invoice_number', reason: 'invoice_number is required but empty' },
    { line: 5, column: 'debtor_number', reason: 'debtor_number is required but empty' },
    { line: 5, column: 'debtor_type', reason: '"company ltd" is not a debtor type (use business or consumer)' },
    { line: 5, column: 'country', reason: '"Nedrland" is not a country code (use two letters, such as NL or BE)' },
    { line: 5, column: 'language', reason: '"dutchish" is not a language code (use two letters, such as nl, fr, en or de)' },
    { line: 5, column: 'issue_date', reason: '"31-02-2024" is not a date (use YYYY-MM-DD or DD-MM-YYYY)' },
    { line: 5, column: 'due_date', reason: '"2024-13-01" is not a date (use YYYY-MM-DD or DD-MM-YYYY)' },
    { line: 5, column: 'currency', reason: '"EURO" is not a currency code (use three letters, such as EUR)' },
    { line: 5, column: 'amount', reason: '"abc" is not an amount (use 1234.56 or 1.234,56)' },
    { line: 5, column: 'vat_amount', reason: '"1.2.3" is not an amount (use 1234.56 or 1.234,56)' },
    { line: 5, column: 'type', reason: '"bill" is not a document type (use invoice or credit_note)' },
    { line: 6, column: 'due_date', reason: 'the due date 2024-01-31 is before the issue date 2024-02-01' },
    { line: 7, column: 'issue_date', reason: 'issue_date is required but empty' },
    { line: 7, column: 'due_date', reason: 'due_date is required but empty' },
    { line: 7, column: 'amount', reason: 'amount is required but empty' },
    { line: 8, column: 'invoice_number', reason: 'invoice number "F1" already appears on line 2' },
    { line: 10, column: '', reason: 'the row has 4 fields but the header has 11' },
    { line: 11, column: '', reason: 'the row has 12 fields but the header has 11' },
    { line: 13, column: 'amount', reason: '"10.456" is not an amount in EUR (use 1234.56 or 1.234,56)' },
    { line: 15, column: 'invoice_number', reason: 'invoice number "F1" already appears on line 2' },
  ]);
});

void test('duplicate credit note numbers are reported too', () => {
  const csv = `${HEADER},type\nC1,D1,2024-01-01,2024-01-31,5,credit_note\nC1,D2,2024-01-01,2024-01-31,5,credit\n`;
  assert.deepEqual(errorsOf(csv), [{ line: 3, column: 'invoice_number', reason: 'credit note number "C1" already appears on line 2' }]);
});

void test('a header-only file parses to nothing', () => {
  assert.deepEqual(parseInvoiceCsv(`${HEADER}\r\n`, 'x.csv'), { format: 'csv', invoices: [], errors: [], originalDocument: null });
});

void test('InvalidFileError: empty file', () => {
  invalid(Buffer.alloc(0), 'invoices.csv: the file is empty.');
  invalid('', 'invoices.csv: the file is empty.');
  invalid(Buffer.from('\ufeff\r\n\r\n  \n', 'utf-8'), 'invoices.csv: the file is empty.');
});

void test('InvalidFileError: binary content', () => {
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
  invalid(png, 'invoices.csv: the file holds binary data (a PNG image), not CSV text.');
  invalid(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]), /ZIP archive or Excel workbook/);
  // Not UTF-8 and with control characters: not text even as windows-1252.
  invalid(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0xff, 0x01, 0x02, 0x0a]), 'invoices.csv: the file holds binary data, not CSV text.');
  invalid(`${HEADER}\nF1\u0000,D1`, 'invoices.csv: the file holds binary data, not CSV text.');
});

void test('InvalidFileError: header without the required columns', () => {
  invalid('invoice_number,debtor_number,issue_date,note\nF1,D1,2024-01-01,x\n', 'invoices.csv: the header lacks the required columns due_date, amount (found: invoice_number, debtor_number, issue_date, note).');
  invalid('Invoice Number;Debtor;Issue Date;Due Date;Amount\n', 'invoices.csv: the header lacks the required column debtor_number (found: Invoice Number, Debtor, Issue Date, Due Date, Amount).');
  invalid('F1,D1,2024-01-01,2024-01-31,10.00\n', /^invoices\.csv: the header lacks the required columns invoice_number, debtor_number, issue_date, due_date, amount \(found: F1, D1, 2024-01-01, 2024-01-31, 10\.00\)\.$/);
});

void test('InvalidFileError: a known column twice', () => {
  invalid(`${HEADER},Amount\n`, 'invoices.csv: the header has the column amount (columns 5 and 6) more than once.');
});

void test('InvalidFileError: unterminated quote names the line', () => {
  invalid(`${HEADER}\nF1,D1,2024-01-01,2024-01-31,10\nF2,"D2,2024-01-01,2024-01-31,10\nF3,D3,2024-01-01,2024-01-31,10\n`, 'invoices.csv: the quoted field that starts on line 3 is never closed (a closing " is missing).');
});
