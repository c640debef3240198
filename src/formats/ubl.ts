// UBL 2.1 / Peppol BIS Billing 3.0 Invoice and CreditNote documents into the neutral invoice shape.
// Elements are matched on their local names: prefixes differ between senders and default namespaces
// are common, so `cac:`/`cbc:` in this file and in error columns are only the conventional spelling.

import { all, ATTR, attr, children, first, firstText, isNode, parseXmlDocument, TEXT, textOf, XMLValidator, type XmlNode } from './xml.ts';
import { currencyExponent, isCurrencyCode, parseAmount } from '../core/money.ts';
import { isBusinessDate } from '../core/dates.ts';
import { InvalidFileError } from './invoice-input.ts';
import type { DebtorInput, DocumentKind, InvoiceInput, ParsedInvoiceFile, RowError } from './invoice-input.ts';

const XSD_DATE = /^(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?$/;
const XSD_DECIMAL = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)$/;

/** `YYYY-MM-DD` from an xsd:date (a time-zone suffix is dropped); null when not a valid date. */
function readDate(text: string): string | null {
  const m = XSD_DATE.exec(text);
  return m?.[1] !== undefined && isBusinessDate(m[1]) ? m[1] : null;
}

/** The document element: the root, or the Invoice/CreditNote inside a Peppol SBDH envelope. */
function documentElement(parsed: XmlNode): { name: string; node: XmlNode } | null {
  const names = Object.keys(parsed).filter((k) => k !== TEXT && !k.startsWith(ATTR));
  const name = names[0];
  const node = name === undefined ? undefined : children(parsed, name)[0];
  if (name === undefined || node === undefined) return null;
  if (name === 'StandardBusinessDocument') {
    for (const inner of ['Invoice', 'CreditNote']) {
      const wrapped = children(node, inner)[0];
      if (wrapped !== undefined) return { name: inner, node: wrapped };
    }
  }
  return { name, node };
}

function parseXml(xml: string, fileName: string): XmlNode {
  const body = xml.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new InvalidFileError(`${fileName} is empty.`);
  // Binary data (a PDF, a zip, a misnamed spreadsheet) never starts with markup and usually holds NULs.
  if (!body.trimStart().startsWith('<') || body.includes('\u0000')) {
    throw new InvalidFileError(`${fileName} is not an XML document.`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) {
    throw new InvalidFileError(`${fileName} is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`.replace(/\.?\)$/, ').'));
  }
  const parsed: unknown = parseXmlDocument(body);
  if (!isNode(parsed)) throw new InvalidFileError(`${fileName} is not an XML document.`);
  return parsed;
}

interface AmountReader {
  currency: string;
  errors: RowError[];
}

/**
 * Reads a UBL amount element in the document currency into minor units. Records an error and returns
 * null when the element is required but missing, is not a decimal, is in another currency, or has more
 * decimals than the currency allows. Returns undefined when an optional element is absent.
 */
function readAmount(ctx: AmountReader, el: XmlNode | undefined, column: string, required: boolean): bigint | null | undefined {
  const text = textOf(el);
  if (text === null) {
    if (required) ctx.errors.push({ line: 1, column, reason: el === undefined ? 'is missing' : 'is empty' });
    return required ? null : undefined;
  }
  if (!XSD_DECIMAL.test(text)) {
    ctx.errors.push({ line: 1, column, reason: `'${text}' is not a decimal amount` });
    return null;
  }
  const currencyId = attr(el, 'currencyID');
  if (currencyId !== null && currencyId !== ctx.currency) {
    ctx.errors.push({ line: 1, column, reason: `is in ${currencyId}, not in the document currency ${ctx.currency}` });
    return null;
  }
  const minor = parseAmount(text, ctx.currency, '.');
  if (minor === null) {
    const exp = currencyExponent(ctx.currency);
    ctx.errors.push({
      line: 1,
      column,
      reason: `'${text}' has more decimals than ${ctx.currency} allows (${exp === 0 ? 'none' : exp})`,
    });
    return null;
  }
  return minor;
}

/** The VAT total in the document currency (a second TaxTotal may repeat it in the tax currency). */
function vatTotalElement(root: XmlNode, currency: string): XmlNode | undefined {
  const amounts = all(root, 'TaxTotal', 'TaxAmount');
  return amounts.find((el) => attr(el, 'currencyID') === currency) ?? (amounts.length === 1 && attr(amounts[0], 'currencyID') === null ? amounts[0] : undefined);
}

function readDebtor(root: XmlNode, errors: RowError[]): DebtorInput | null {
  const party = first(root, 'AccountingCustomerParty', 'Party');
  const registrationName = firstText(party, 'PartyLegalEntity', 'RegistrationName');
  const name = registrationName ?? firstText(party, 'PartyName', 'Name');

  const taxSchemes = all(party, 'PartyTaxScheme');
  const vatScheme = taxSchemes.find((s) => firstText(s, 'TaxScheme', 'ID')?.toUpperCase() === 'VAT' && firstText(s, 'CompanyID') !== null);
  const vatNumber = firstText(vatScheme, 'CompanyID') ?? firstText(party, 'PartyTaxScheme', 'CompanyID');
  const cocNumber = firstText(party, 'PartyLegalEntity', 'CompanyID');

  const number = firstText(party, 'PartyIdentification', 'ID') ?? firstText(party, 'EndpointID') ?? vatNumber ?? cocNumber ?? name;
  if (number === null) {
    errors.push({
      line: 1,
      column: party === undefined ? 'cac:AccountingCustomerParty' : 'cac:AccountingCustomerParty/cac:Party',
      reason: party === undefined ? 'is missing (the buyer is required)' : 'has no identifier or name for the buyer',
    });
    return null;
  }

  const address = first(party, 'PostalAddress');
  const addressParts = [
    firstText(address, 'StreetName'),
    firstText(address, 'AdditionalStreetName'),
    ...all(address, 'AddressLine', 'Line').map(textOf),
  ].filter((p): p is string => p !== null);

  return {
    number,
    name,
    kind: 'business',
    email: firstText(party, 'Contact', 'ElectronicMail'),
    phone: firstText(party, 'Contact', 'Telephone'),
    addressLine: addressParts.length > 0 ? addressParts.join(', ') : null,
    postalCode: firstText(address, 'PostalZone'),
    city: firstText(address, 'CityName'),
    country: firstText(address, 'Country', 'IdentificationCode')?.toUpperCase() ?? null,
    language: null,
    vatNumber,
    cocNumber,
  };
}

/**
 * Parses one UBL 2.1 `Invoice` or `CreditNote` (Peppol BIS Billing 3.0, EN 16931) into exactly one
 * invoice on line 1, or validation errors for it. Throws InvalidFileError when the file is not XML or
 * not a UBL invoice or credit note.
 */
export function parseUblInvoice(xml: string, fileName: string): ParsedInvoiceFile {
  const doc = documentElement(parseXml(xml, fileName));
  if (doc === null) throw new InvalidFileError(`${fileName} contains no XML element.`);
  let kind: DocumentKind;
  if (doc.name === 'Invoice') kind = 'invoice';
  else if (doc.name === 'CreditNote') kind = 'credit_note';
  else throw new InvalidFileError(`${fileName} is not a UBL invoice or credit note (root element <${doc.name}>).`);
  const root = doc.node;
  const errors: RowError[] = [];
  const result = (invoices: InvoiceInput[]): ParsedInvoiceFile => ({ format: 'ubl', invoices, errors, originalDocument: xml });

  const number = firstText(root, 'ID');
  if (number === null) errors.push({ line: 1, column: 'cbc:ID', reason: 'is missing (the invoice number is required)' });

  const issueText = firstText(root, 'IssueDate');
  const issueDate = issueText === null ? null : readDate(issueText);
  if (issueText === null) errors.push({ line: 1, column: 'cbc:IssueDate', reason: 'is missing (the issue date is required)' });
  else if (issueDate === null) errors.push({ line: 1, column: 'cbc:IssueDate', reason: `'${issueText}' is not a valid date (YYYY-MM-DD)` });

  let dueDate: string | null = null;
  const dueSources: [string, string | null][] = [
    ['cbc:DueDate', firstText(root, 'DueDate')],
    ['cac:PaymentMeans/cbc:PaymentDueDate', firstText(root, 'PaymentMeans', 'PaymentDueDate')],
  ];
  for (const [column, text] of dueSources) {
    if (text === null) continue;
    dueDate = readDate(text);
    if (dueDate === null) errors.push({ line: 1, column, reason: `'${text}' is not a valid date (YYYY-MM-DD)` });
    break;
  }

  const currencyText = firstText(root, 'DocumentCurrencyCode');
  const currency = currencyText !== null && isCurrencyCode(currencyText) ? currencyText : null;
  if (currencyText === null) errors.push({ line: 1, column: 'cbc:DocumentCurrencyCode', reason: 'is missing (the currency is required)' });
  else if (currency === null) errors.push({ line: 1, column: 'cbc:DocumentCurrencyCode', reason: `'${currencyText}' is not an ISO 4217 currency code` });

  // Amounts can only be read in a known currency (its exponent decides the allowed decimals).
  let gross: bigint | null = null;
  let vat: bigint | null = null;
  let prepaid: bigint | null = 0n;
  if (currency !== null) {
    const ctx: AmountReader = { currency, errors };
    const totals = first(root, 'LegalMonetaryTotal');
    if (totals === undefined) {
      errors.push({ line: 1, column: 'cac:LegalMonetaryTotal', reason: 'is missing (the document totals are required)' });
    } else {
      const inclusive = readAmount(ctx, first(totals, 'TaxInclusiveAmount'), 'cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount', true);
      const rounding = readAmount(ctx, first(totals, 'PayableRoundingAmount'), 'cac:LegalMonetaryTotal/cbc:PayableRoundingAmount', false);
      const paid = readAmount(ctx, first(totals, 'PrepaidAmount'), 'cac:LegalMonetaryTotal/cbc:PrepaidAmount', false);
      gross = inclusive === null || inclusive === undefined || rounding === null ? null : inclusive + (rounding ?? 0n);
      prepaid = paid === undefined ? 0n : paid;
    }
    vat = readAmount(ctx, vatTotalElement(root, currency), 'cac:TaxTotal/cbc:TaxAmount', false) ?? null;
  }

  const debtor = readDebtor(root, errors);

  if (errors.length > 0 || number === null || issueDate === null || currency === null || gross === null || prepaid === null || debtor === null) {
    return result([]);
  }
  // A credit note reduces the debt whatever sign it prints; an invoice keeps its own sign.
  const sign = kind === 'credit_note' ? -1n : 1n;
  return result([
    {
      line: 1,
      number,
      kind,
      debtor,
      issueDate,
      dueDate,
      currency,
      amount: sign * gross,
      vatAmount: vat === null ? null : sign * vat,
      prepaidAmount: prepaid,
      poNumber: firstText(root, 'OrderReference', 'ID'),
      projectReference: firstText(root, 'ProjectReference', 'ID'),
      paymentReference: firstText(root, 'PaymentMeans', 'PaymentID'),
      relatedInvoiceNumber: firstText(root, 'BillingReference', 'InvoiceDocumentReference', 'ID'),
    },
  ]);
}
