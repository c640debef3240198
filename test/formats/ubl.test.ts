import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseUblInvoice } from '../../src/formats/ubl.ts';
import { InvalidFileError } from '../../src/formats/invoice-input.ts';
import type { InvoiceInput, ParsedInvoiceFile } from '../../src/formats/invoice-input.ts';

const corpora = new URL('../../../shared/corpora/', import.meta.url);
const corporaPresent = existsSync(fileURLToPath(corpora));
const SKIP = '../shared/corpora absent';

const CORPUS_DIRS = [
  'peppol-bis3/examples/',
  'peppol-bis3/snippets/',
  'peppol-bis3/national-examples/GR/',
  'peppol-bis3/national-examples/NO/',
  'en16931/ubl/examples/',
];

function corpusFiles(): string[] {
  const dirs = [...CORPUS_DIRS];
  const national = new URL('peppol-bis3/national-examples/', corpora);
  if (existsSync(fileURLToPath(national))) {
    for (const entry of readdirSync(national, { withFileTypes: true })) {
      const dir = `peppol-bis3/national-examples/${entry.name}/`;
      if (entry.isDirectory() && !dirs.includes(dir)) dirs.push(dir);
    }
  }
  return dirs.flatMap((dir) =>
    readdirSync(new URL(dir, corpora))
      .filter((name) => /\.xml$/i.test(name))
      .sort()
      .map((name) => dir + name),
  );
}

function parseCorpus(path: string): ParsedInvoiceFile {
  const xml = readFileSync(new URL(path, corpora), 'utf8');
  return parseUblInvoice(xml, path.slice(path.lastIndexOf('/') + 1));
}

function only(result: ParsedInvoiceFile): InvoiceInput {
  assert.deepEqual(result.errors, []);
  assert.equal(result.invoices.length, 1);
  const invoice = result.invoices[0];
  assert.ok(invoice);
  return invoice;
}

void test('every corpus UBL document parses into exactly one invoice without errors', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const files = corpusFiles();
  assert.ok(files.length >= 40, `expected the corpus documents, found ${files.length}`);
  for (const path of files) {
    const xml = readFileSync(new URL(path, corpora), 'utf8');
    const result = parseUblInvoice(xml, path);
    assert.deepEqual(result.errors, [], path);
    assert.equal(result.invoices.length, 1, path);
    assert.equal(result.format, 'ubl');
    assert.equal(result.originalDocument, xml);
    const invoice = result.invoices[0];
    assert.equal(invoice?.line, 1, path);
    assert.equal(invoice?.debtor.kind, 'business', path);
    assert.match(invoice?.issueDate ?? '', /^\d{4}-\d{2}-\d{2}$/, path);
  }
});

void test('base-example.xml: a Peppol invoice with every field', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/examples/base-example.xml'));
  assert.deepEqual(invoice, {
    line: 1,
    number: 'Snippet1',
    kind: 'invoice',
    debtor: {
      number: 'FR23342',
      name: 'Buyer Official Name',
      kind: 'business',
      email: 'lj@buyer.se',
      phone: '23434234',
      addressLine: 'Hovedgatan 32, Po box 878',
      postalCode: '456 34',
      city: 'Stockholm',
      country: 'SE',
      language: null,
      vatNumber: 'SE4598375937',
      cocNumber: '39937423947',
    },
    issueDate: '2017-11-13',
    dueDate: '2017-12-01',
    currency: 'EUR',
    amount: 165625n,
    vatAmount: 33125n,
    prepaidAmount: 0n,
    poNumber: null,
    projectReference: null,
    paymentReference: 'Snippet1',
    relatedInvoiceNumber: null,
  } satisfies InvoiceInput);
});

void test('base-creditnote-correction.xml: a credit note with positive totals is a negative amount', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/examples/base-creditnote-correction.xml'));
  assert.equal(invoice.kind, 'credit_note');
  assert.equal(invoice.number, 'Snippet1');
  assert.equal(invoice.issueDate, '2017-11-13');
  assert.equal(invoice.dueDate, null);
  assert.equal(invoice.amount, -165625n);
  assert.equal(invoice.vatAmount, -33125n);
  assert.equal(invoice.prepaidAmount, 0n);
  assert.equal(invoice.relatedInvoiceNumber, 'Snippet1');
  assert.equal(invoice.debtor.number, 'FR23342');
});

void test('base-negative-inv-correction.xml: a negative invoice keeps its sign', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/examples/base-negative-inv-correction.xml'));
  assert.equal(invoice.kind, 'invoice');
  assert.equal(invoice.number, 'Correction1');
  assert.equal(invoice.dueDate, '2017-12-01');
  assert.equal(invoice.amount, -165625n);
  assert.equal(invoice.vatAmount, -33125n);
  assert.equal(invoice.relatedInvoiceNumber, 'Snippet1');
});

void test('Allowance-example.xml: VAT is the TaxTotal in the document currency, not the tax currency', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/examples/Allowance-example.xml'));
  assert.equal(invoice.currency, 'EUR');
  assert.equal(invoice.amount, 712500n);
  assert.equal(invoice.vatAmount, 122500n); // not the SEK 9324.00 total
  assert.equal(invoice.prepaidAmount, 100000n);
  assert.equal(invoice.debtor.number, '4598375937');
});

void test('Snippet-cn.xml: credit note with prepaid amount, order reference and two billing references', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/snippets/Snippet-cn.xml'));
  assert.equal(invoice.kind, 'credit_note');
  assert.equal(invoice.amount, -500000n);
  assert.equal(invoice.vatAmount, -100000n);
  assert.equal(invoice.prepaidAmount, 100000n);
  assert.equal(invoice.poNumber, 'o-998877');
  assert.equal(invoice.relatedInvoiceNumber, '123');
  assert.equal(invoice.debtor.addressLine, 'Hovedgatan 32, Po box 878, Third line');
});

void test('Calc.xml: project reference and payment reference', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/snippets/Calc.xml'));
  assert.equal(invoice.projectReference, 'project333');
  assert.equal(invoice.poNumber, 'o-998877');
  assert.equal(invoice.paymentReference, 'Snippet1');
});

void test('Norwegian-example-1.xml: payable rounding is added, prepaid amount kept', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('peppol-bis3/national-examples/NO/Norwegian-example-1.xml'));
  assert.equal(invoice.number, 'TOSL108');
  assert.equal(invoice.currency, 'NOK');
  assert.equal(invoice.amount, 180200n); // 1801.78 + 0.22 rounding
  assert.equal(invoice.prepaidAmount, 100000n);
  assert.equal(invoice.vatAmount, 36528n);
  assert.equal(invoice.poNumber, '123');
  assert.equal(invoice.paymentReference, '0003434323213231');
  assert.equal(invoice.debtor.vatNumber, 'NO987654325MVA');
  assert.equal(invoice.debtor.cocNumber, '987654325');
});

void test('BIS3_Invoice_negativ.XML: negative DKK invoice', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('en16931/ubl/examples/BIS3_Invoice_negativ.XML'));
  assert.equal(invoice.kind, 'invoice');
  assert.equal(invoice.currency, 'DKK');
  assert.equal(invoice.amount, -78217943n);
  assert.equal(invoice.vatAmount, -15643589n);
});

void test('ubl-tc434-example5.xml: references, contact and a debtor identified by PartyIdentification', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('en16931/ubl/examples/ubl-tc434-example5.xml'));
  assert.equal(invoice.number, 'TOSL110');
  assert.equal(invoice.currency, 'DKK');
  assert.equal(invoice.amount, 467500n);
  assert.equal(invoice.prepaidAmount, 233750n);
  assert.equal(invoice.poNumber, 'PO4711');
  assert.equal(invoice.projectReference, 'Project345');
  assert.equal(invoice.paymentReference, 'Payref1');
  assert.equal(invoice.relatedInvoiceNumber, 'TOSL109');
  assert.deepEqual(invoice.debtor, {
    number: '5790000436057',
    name: 'Buyercompany ltd',
    kind: 'business',
    email: 'john.hansen@buyercompany.dk',
    phone: '+4598989898',
    addressLine: 'Anystreet, Building 1, 5th floor',
    postalCode: '101',
    city: 'Anytown',
    country: 'DK',
    language: null,
    vatNumber: 'DK16356607',
    cocNumber: 'DK16356607',
  });
});

void test('ubl-tc434-example6.xml: a debtor with only a name is numbered by its name', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('en16931/ubl/examples/ubl-tc434-example6.xml'));
  assert.equal(invoice.debtor.number, 'Buyercompany ltd');
  assert.equal(invoice.debtor.name, 'Buyercompany ltd');
});

void test('ubl-tc434-creditnote1.xml: EN 16931 credit note', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const invoice = only(parseCorpus('en16931/ubl/examples/ubl-tc434-creditnote1.xml'));
  assert.equal(invoice.kind, 'credit_note');
  assert.equal(invoice.number, '018304 / 28865');
  assert.equal(invoice.amount, -10011n);
  assert.equal(invoice.vatAmount, 0n);
});

// --- Synthetic documents ----------------------------------------------------------------------------

const NS_CAC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2';
const NS_CBC = 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2';

interface DocOptions {
  root?: 'Invoice' | 'CreditNote';
  header?: string;
  totals?: string;
  taxTotal?: string;
  party?: string;
}

function ublDoc(options: DocOptions = {}): string {
  const root = options.root ?? 'Invoice';
  const header =
    options.header ??
    `<cbc:ID>INV-1</cbc:ID>
  <cbc:IssueDate>2025-03-01</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>`;
  const party =
    options.party ??
    `<cac:Party>
      <cbc:EndpointID schemeID="0106">12345678</cbc:EndpointID>
      <cac:PartyLegalEntity><cbc:RegistrationName>Klant BV</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>`;
  const taxTotal = options.taxTotal ?? '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.00</cbc:TaxAmount></cac:TaxTotal>';
  const totals = options.totals ?? '<cbc:TaxInclusiveAmount currencyID="EUR">121.00</cbc:TaxInclusiveAmount>';
  return `<?xml version="1.0" encoding="UTF-8"?>
<${root} xmlns="urn:oasis:names:specification:ubl:schema:xsd:${root}-2" xmlns:cac="${NS_CAC}" xmlns:cbc="${NS_CBC}">
  ${header}
  <cac:AccountingCustomerParty>
    ${party}
  </cac:AccountingCustomerParty>
  ${taxTotal}
  <cac:LegalMonetaryTotal>${totals}</cac:LegalMonetaryTotal>
</${root}>`;
}

void test('a minimal synthetic invoice parses', () => {
  const invoice = only(parseUblInvoice(ublDoc(), 'inv.xml'));
  assert.equal(invoice.number, 'INV-1');
  assert.equal(invoice.amount, 12100n);
  assert.equal(invoice.vatAmount, 2100n);
  assert.equal(invoice.dueDate, null);
  assert.equal(invoice.debtor.number, '12345678');
  assert.equal(invoice.debtor.name, 'Klant BV');
  assert.equal(invoice.debtor.addressLine, null);
  assert.equal(invoice.debtor.country, null);
});

void test('prefixes are ignored: other prefixes, prefixed root, default cbc namespace, BOM', () => {
  const xml = `\uFEFF<?xml version="1.0"?>
<ubl:Invoice xmlns:ubl="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" xmlns:a="${NS_CAC}" xmlns="${NS_CBC}">
  <ID>X-9</ID><IssueDate>2025-01-31</IssueDate>
  <DocumentCurrencyCode>EUR</DocumentCurrencyCode>
  <a:PaymentMeans><PaymentMeansCode>30</PaymentMeansCode><PaymentDueDate>2025-03-02</PaymentDueDate><PaymentID>RF18539007547034</PaymentID></a:PaymentMeans>
  <a:AccountingCustomerParty><a:Party><a:PartyIdentification><ID>D-1</ID></a:PartyIdentification>
    <a:PartyName><Name>Trading name</Name></a:PartyName>
    <a:PostalAddress><StreetName>Dorpsstraat 1</StreetName><PostalZone>1234 AB</PostalZone><CityName>Utrecht</CityName>
      <a:Country><IdentificationCode>nl</IdentificationCode></a:Country></a:PostalAddress>
    <a:PartyTaxScheme><CompanyID>X1</CompanyID><a:TaxScheme><ID>FRE</ID></a:TaxScheme></a:PartyTaxScheme>
    <a:PartyTaxScheme><CompanyID>NL001234567B01</CompanyID><a:TaxScheme><ID>VAT</ID></a:TaxScheme></a:PartyTaxScheme>
  </a:Party></a:AccountingCustomerParty>
  <a:LegalMonetaryTotal><TaxInclusiveAmount currencyID="EUR">100</TaxInclusiveAmount></a:LegalMonetaryTotal>
</ubl:Invoice>`;
  const result = parseUblInvoice(xml, 'prefixed.xml');
  const invoice = only(result);
  assert.equal(result.originalDocument, xml);
  assert.equal(invoice.number, 'X-9');
  assert.equal(invoice.dueDate, '2025-03-02');
  assert.equal(invoice.paymentReference, 'RF18539007547034');
  assert.equal(invoice.amount, 10000n);
  assert.equal(invoice.vatAmount, null);
  assert.deepEqual(
    [invoice.debtor.number, invoice.debtor.name, invoice.debtor.addressLine, invoice.debtor.postalCode, invoice.debtor.city, invoice.debtor.country, invoice.debtor.vatNumber],
    ['D-1', 'Trading name', 'Dorpsstraat 1', '1234 AB', 'Utrecht', 'NL', 'NL001234567B01'],
  );
});

void test('a credit note with negative totals becomes a positive amount', () => {
  const xml = ublDoc({
    root: 'CreditNote',
    taxTotal: '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">-21.00</cbc:TaxAmount></cac:TaxTotal>',
    totals: '<cbc:TaxInclusiveAmount currencyID="EUR">-121.00</cbc:TaxInclusiveAmount>',
  });
  const invoice = only(parseUblInvoice(xml, 'cn.xml'));
  assert.equal(invoice.kind, 'credit_note');
  assert.equal(invoice.amount, 12100n);
  assert.equal(invoice.vatAmount, 2100n);
});

void test('a non-UBL XML document is an InvalidFileError naming the file and the root', () => {
  const xml = '<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>';
  assert.throws(
    () => parseUblInvoice(xml, 'orders.xml'),
    (err: unknown) => {
      assert.ok(err instanceof InvalidFileError);
      assert.equal(err.message, 'orders.xml is not a UBL invoice or credit note (root element <Order>).');
      return true;
    },
  );
});

void test('binary garbage, plain text, malformed XML and empty input are InvalidFileErrors', () => {
  const garbage = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0xff, 0xfe, 0x00, 0x9c, 0x3c, 0x3e]).toString('latin1');
  for (const [content, name] of [
    [garbage, 'archive.xml'],
    ['<\u0000\u0001\u0002>', 'nul.xml'],
    ['factuurnummer;bedrag\n1;12,00\n', 'invoices.xml'],
    ['<Invoice><cbc:ID>1</Invoice>', 'broken.xml'],
    ['', 'empty.xml'],
    ['\uFEFF  \n', 'blank.xml'],
  ] as const) {
    assert.throws(
      () => parseUblInvoice(content, name),
      (err: unknown) => {
        assert.ok(err instanceof InvalidFileError, name);
        assert.ok(err.message.startsWith(`${name} `), err.message);
        assert.ok(err.message.endsWith('.'), err.message);
        return true;
      },
    );
  }
});

void test('a document missing IssueDate yields an error row naming cbc:IssueDate', () => {
  const result = parseUblInvoice(ublDoc({ header: '<cbc:ID>INV-2</cbc:ID><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>' }), 'no-date.xml');
  assert.deepEqual(result.invoices, []);
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0]?.line, 1);
  assert.equal(result.errors[0]?.column, 'cbc:IssueDate');
  assert.match(result.errors[0]?.reason ?? '', /missing/);
});

void test('validation errors: bad date, missing ID, bad currency, missing totals, too many decimals', () => {
  const cases: { options: DocOptions; column: string; reason: RegExp }[] = [
    {
      options: { header: '<cbc:ID>A</cbc:ID><cbc:IssueDate>2025-02-30</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>' },
      column: 'cbc:IssueDate',
      reason: /2025-02-30/,
    },
    { options: { header: '<cbc:IssueDate>2025-02-03</cbc:IssueDate><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>' }, column: 'cbc:ID', reason: /missing/ },
    { options: { header: '<cbc:ID>A</cbc:ID><cbc:IssueDate>2025-02-03</cbc:IssueDate>' }, column: 'cbc:DocumentCurrencyCode', reason: /missing/ },
    {
      options: { header: '<cbc:ID>A</cbc:ID><cbc:IssueDate>2025-02-03</cbc:IssueDate><cbc:DocumentCurrencyCode>Euro</cbc:DocumentCurrencyCode>' },
      column: 'cbc:DocumentCurrencyCode',
      reason: /Euro/,
    },
    { options: { totals: '<cbc:PayableAmount currencyID="EUR">121.00</cbc:PayableAmount>' }, column: 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount', reason: /missing/ },
    { options: { totals: '<cbc:TaxInclusiveAmount currencyID="EUR">121.005</cbc:TaxInclusiveAmount>' }, column: 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount', reason: /more decimals than EUR/ },
    { options: { totals: '<cbc:TaxInclusiveAmount currencyID="EUR">1,21</cbc:TaxInclusiveAmount>' }, column: 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount', reason: /not a decimal/ },
    { options: { taxTotal: '<cac:TaxTotal><cbc:TaxAmount currencyID="EUR">21.0001</cbc:TaxAmount></cac:TaxTotal>' }, column: 'cac:TaxTotal/cbc:TaxAmount', reason: /more decimals/ },
    { options: { party: '<cac:Party><cac:Contact><cbc:Name>Jan</cbc:Name></cac:Contact></cac:Party>' }, column: 'cac:AccountingCustomerParty/cac:Party', reason: /identifier or name/ },
  ];
  for (const { options, column, reason } of cases) {
    const result = parseUblInvoice(ublDoc(options), 'bad.xml');
    assert.deepEqual(result.invoices, [], column);
    assert.equal(result.errors.length, 1, JSON.stringify(result.errors));
    assert.equal(result.errors[0]?.line, 1);
    assert.equal(result.errors[0]?.column, column);
    assert.match(result.errors[0]?.reason ?? '', reason);
  }
  const noTotals = parseUblInvoice(ublDoc().replace(/<cac:LegalMonetaryTotal>.*<\/cac:LegalMonetaryTotal>/, ''), 'bad.xml');
  assert.deepEqual(noTotals.errors.map((e) => e.column), ['cac:LegalMonetaryTotal']);
});

void test('amounts follow the currency exponent (JPY has no decimals, KWD three)', () => {
  const jpy = ublDoc({
    header: '<cbc:ID>J</cbc:ID><cbc:IssueDate>2025-02-03</cbc:IssueDate><cbc:DocumentCurrencyCode>JPY</cbc:DocumentCurrencyCode>',
    taxTotal: '',
    totals: '<cbc:TaxInclusiveAmount currencyID="JPY">1100</cbc:TaxInclusiveAmount>',
  });
  assert.equal(only(parseUblInvoice(jpy, 'jpy.xml')).amount, 1100n);
  const jpyFraction = parseUblInvoice(jpy.replace('>1100<', '>1100.5<'), 'jpy.xml');
  assert.equal(jpyFraction.errors[0]?.column, 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount');
  const kwd = jpy.replaceAll('JPY', 'KWD').replace('>1100<', '>12.345<');
  assert.equal(only(parseUblInvoice(kwd, 'kwd.xml')).amount, 12345n);
});
