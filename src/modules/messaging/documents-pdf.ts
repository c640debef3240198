import { PDFDocument, StandardFonts, fill, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor, type PDFFont, type PDFOperator, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { epcQrPayload } from '../../core/epc-qr.ts';
import { formatIban } from '../../core/iban.ts';
import { formatOgm, formatRf, normalizeReference } from '../../core/references.ts';
import { formatDate, formatMoney } from './render.ts';
import type { Language } from './templates/types.ts';

// The documents a message carries: a copy of an invoice and a statement of account, as A4 PDFs
// with the standard fonts (nothing embedded, so a few kilobytes each). Pure: the same input gives
// the same bytes (the creation date is the document date, not the clock).
// NOTE: ArFlow keeps an invoice's totals, not its lines; the invoice PDF shows what the ledger
// knows (net, VAT, total, paid, to pay). An ERP that embeds its own PDF in the UBL gets that one
// sent instead (see attachments.ts).

const MM = 72 / 25.4;
const A4 = { width: 595.28, height: 841.89 };
const GREY = rgb(0.35, 0.35, 0.35);

export interface DocumentOrganisation {
  legalName: string;
  country: string;
  iban: string;
  bic?: string | null;
  vatNumber?: string | null;
  cocNumber?: string | null;
  primaryColor?: string | null;
}

export interface DocumentDebtor {
  name: string;
  number: string;
  addressLine?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
  vatNumber?: string | null;
}

export interface InvoiceDocumentInput {
  language: Language;
  organisation: DocumentOrganisation;
  debtor: DocumentDebtor;
  invoice: {
    number: string;
    kind: 'invoice' | 'credit_note';
    issueDate: string;
    dueDate: string;
    currency: string;
    /** Minor units, VAT included. */
    amountTotal: bigint;
    vatAmount: bigint | null;
    /** What is still to be paid now (the ledger's open amount). */
    openAmount: bigint;
    poNumber?: string | null;
    paymentReference?: string | null;
  };
}

export interface StatementItem {
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  dueDate: string;
  currency: string;
  amountTotal: bigint;
  openAmount: bigint;
  paymentReference?: string | null;
}

export interface StatementDocumentInput {
  language: Language;
  /** YYYY-MM-DD: the date the statement is made up to. */
  date: string;
  organisation: DocumentOrganisation;
  debtor: DocumentDebtor;
  /** The debtor's open items (invoices with something open, credit notes not yet used). */
  items: StatementItem[];
}

interface Labels {
  invoice: string;
  creditNote: string;
  statement: string;
  invoiceNumber: string;
  invoiceDate: string;
  dueDate: string;
  customerNumber: string;
  yourReference: string;
  vatNumber: string;
  net: string;
  vat: string;
  total: string;
  paid: string;
  toPay: string;
  toRefund: string;
  payBefore: (amount: string, date: string) => string;
  transferTo: (iban: string, name: string) => string;
  reference: string;
  scanToPay: string;
  statementIntro: (date: string) => string;
  columns: { number: string; date: string; due: string; overdue: string; amount: string; open: string };
  totalOpen: (currency: string) => string;
  ofWhichOverdue: string;
  noOpenItems: string;
  page: string;
  coc: (country: string) => string;
  vatShort: string;
}

const LABELS: Record<Language, Labels> = {
  nl: {
    invoice: 'Factuur', creditNote: 'Creditnota', statement: 'Rekeningoverzicht', invoiceNumber: 'Factuurnummer', invoiceDate: 'Factuurdatum', dueDate: 'Vervaldatum',
    customerNumber: 'Klantnummer', yourReference: 'Uw referentie', vatNumber: 'Btw-nummer', net: 'Bedrag excl. btw', vat: 'Btw', total: 'Totaal incl. btw', paid: 'Betaald of verrekend',
    toPay: 'Te betalen', toRefund: 'Te ontvangen', payBefore: (a, d) => `Wij verzoeken u ${a} uiterlijk ${d} te betalen.`, transferTo: (i, n) => `IBAN ${i} ten name van ${n}`,
    reference: 'Betalingskenmerk', scanToPay: 'Scan om te betalen', statementIntro: (d) => `Openstaande posten op ${d}`,
    columns: { number: 'Nummer', date: 'Datum', due: 'Vervaldatum', overdue: 'Dagen over', amount: 'Bedrag', open: 'Open' }, totalOpen: (c) => `Totaal openstaand (${c})`,
    ofWhichOverdue: 'waarvan vervallen', noOpenItems: 'Er staan geen posten open.', page: 'Pagina ', coc: (c) => (c === 'BE' ? 'KBO' : 'KvK'), vatShort: 'btw',
  },
  en: {
    invoice: 'Invoice', creditNote: 'Credit note', statement: 'Statement of account', invoiceNumber: 'Invoice number', invoiceDate: 'Invoice date', dueDate: 'Due date',
    customerNumber: 'Customer number', yourReference: 'Your reference', vatNumber: 'VAT number', net: 'Amount excl. VAT', vat: 'VAT', total: 'Total incl. VAT', paid: 'Paid or credited',
    toPay: 'To pay', toRefund: 'To be refunded', payBefore: (a, d) => `Please pay ${a} by ${d}.`, transferTo: (i, n) => `IBAN ${i} in the name of ${n}`,
    reference: 'Payment reference', scanToPay: 'Scan to pay', statementIntro: (d) => `Open items on ${d}`,
    columns: { number: 'Number', date: 'Date', due: 'Due date', overdue: 'Days overdue', amount: 'Amount', open: 'Open' }, totalOpen: (c) => `Total open (${c})`,
    ofWhichOverdue: 'of which overdue', noOpenItems: 'There are no open items.', page: 'Page ', coc: (c) => (c === 'BE' ? 'Enterprise no.' : 'CoC'), vatShort: 'VAT',
  },
  fr: {
    invoice: 'Facture', creditNote: 'Note de crédit', statement: 'Relevé de compte', invoiceNumber: 'Numéro de facture', invoiceDate: 'Date de facture', dueDate: 'Échéance',
    customerNumber: 'Numéro client', yourReference: 'Votre référence', vatNumber: 'Numéro de TVA', net: 'Montant hors TVA', vat: 'TVA', total: 'Total TVA comprise', paid: 'Payé ou imputé',
    toPay: 'À payer', toRefund: 'À rembourser', payBefore: (a, d) => `Nous vous prions de payer ${a} au plus tard le ${d}.`, transferTo: (i, n) => `IBAN ${i} au nom de ${n}`,
    reference: 'Communication structurée', scanToPay: 'Scannez pour payer', statementIntro: (d) => `Postes ouverts au ${d}`,
    columns: { number: 'Numéro', date: 'Date', due: 'Échéance', overdue: 'Jours de retard', amount: 'Montant', open: 'Ouvert' }, totalOpen: (c) => `Total ouvert (${c})`,
    ofWhichOverdue: 'dont échu', noOpenItems: 'Aucun poste ouvert.', page: 'Page ', coc: (c) => (c === 'BE' ? 'BCE' : 'KvK'), vatShort: 'TVA',
  },
  de: {
    invoice: 'Rechnung', creditNote: 'Gutschrift', statement: 'Kontoauszug', invoiceNumber: 'Rechnungsnummer', invoiceDate: 'Rechnungsdatum', dueDate: 'Fälligkeitsdatum',
    customerNumber: 'Kundennummer', yourReference: 'Ihre Referenz', vatNumber: 'USt-IdNr.', net: 'Betrag netto', vat: 'USt.', total: 'Gesamtbetrag brutto', paid: 'Bezahlt oder verrechnet',
    toPay: 'Zu zahlen', toRefund: 'Zu erstatten', payBefore: (a, d) => `Bitte zahlen Sie ${a} bis zum ${d}.`, transferTo: (i, n) => `IBAN ${i} zugunsten ${n}`,
    reference: 'Zahlungsreferenz', scanToPay: 'Scannen zum Bezahlen', statementIntro: (d) => `Offene Posten am ${d}`,
    columns: { number: 'Nummer', date: 'Datum', due: 'Fällig', overdue: 'Tage überfällig', amount: 'Betrag', open: 'Offen' }, totalOpen: (c) => `Summe offen (${c})`,
    ofWhichOverdue: 'davon überfällig', noOpenItems: 'Es gibt keine offenen Posten.', page: 'Seite ', coc: (c) => (c === 'BE' ? 'KBO' : 'KvK'), vatShort: 'USt.',
  },
};

/** Keeps what the standard PDF fonts can show (WinAnsi); other characters lose their accents or go. */
export function winAnsi(text: string): string {
  const allowed = /[\u0020-\u007e\u00a0-\u00ff\u20ac\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022]/;
  return [...text.normalize('NFC')]
    .map((c) => (allowed.test(c) ? c : c.normalize('NFD').replace(/[\u0300-\u036f]/g, '')))
    .filter((c) => allowed.test(c))
    .join('');
}

function colour(hex: string | null | undefined) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m ? rgb(parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255) : rgb(0.12, 0.23, 0.37);
}

/** A payment reference as people write it: `1234 5678 9012 3456`, `+++123/4567/89012+++`, `RF18 5390 0754 7034`. */
export function displayReference(reference: string, country: string): string {
  const n = normalizeReference(reference, country === 'BE' ? 'BE' : country === 'NL' ? 'NL' : undefined);
  if (n === null) return reference;
  if (n.scheme === 'be-ogm') return formatOgm(n.value);
  if (n.scheme === 'rf') return formatRf(n.value);
  return n.value.replace(/(\d{4})(?!$)/g, '$1 ');
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** A page writer: letterhead, footer, text at a cursor, new pages when the cursor reaches the footer. */
class Sheet {
  readonly doc: PDFDocument;
  readonly font: PDFFont;
  readonly bold: PDFFont;
  readonly left = 20 * MM;
  readonly right = A4.width - 20 * MM;
  readonly pages: PDFPage[] = [];
  page!: PDFPage;
  y = 0;
  private readonly org: DocumentOrganisation;
  private readonly labels: Labels;

  private constructor(doc: PDFDocument, font: PDFFont, bold: PDFFont, org: DocumentOrganisation, labels: Labels) {
    this.doc = doc;
    this.font = font;
    this.bold = bold;
    this.org = org;
    this.labels = labels;
  }

  static async create(title: string, date: string, org: DocumentOrganisation, labels: Labels): Promise<Sheet> {
    const doc = await PDFDocument.create();
    doc.setTitle(winAnsi(title));
    doc.setAuthor(winAnsi(org.legalName));
    doc.setCreator('ArFlow');
    doc.setProducer('ArFlow');
    const at = new Date(`${date}T00:00:00Z`);
    doc.setCreationDate(at);
    doc.setModificationDate(at);
    const sheet = new Sheet(doc, await doc.embedFont(StandardFonts.Helvetica), await doc.embedFont(StandardFonts.HelveticaBold), org, labels);
    sheet.newPage();
    return sheet;
  }

  newPage(): void {
    const page = this.doc.addPage([A4.width, A4.height]);
    this.pages.push(page);
    this.page = page;
    const accent = colour(this.org.primaryColor);
    page.drawRectangle({ x: 0, y: A4.height - 8 * MM, width: A4.width, height: 8 * MM, color: accent });
    const name = winAnsi(this.org.legalName);
    page.drawText(name, { x: this.right - this.bold.widthOfTextAtSize(name, 13), y: A4.height - 20 * MM, size: 13, font: this.bold, color: accent });
    const l = this.labels;
    const footer = winAnsi(
      [this.org.legalName, this.org.cocNumber ? `${l.coc(this.org.country)} ${this.org.cocNumber}` : null, this.org.vatNumber ? `${l.vatShort} ${this.org.vatNumber}` : null, `IBAN ${formatIban(this.org.iban)}`, this.org.bic ?? null]
        .filter(Boolean)
        .join(' · '),
    );
    page.drawText(footer, { x: this.left, y: 12 * MM, size: 7, font: this.font, color: GREY });
    this.y = A4.height - 35 * MM;
  }

  /** Makes room for `height` points, on a new page if this one is full. */
  need(height: number): void {
    if (this.y - height < 22 * MM) {
      this.newPage();
      this.y = A4.height - 35 * MM;
    }
  }

  text(text: string, x: number, options: { size?: number; bold?: boolean; align?: 'left' | 'right'; color?: ReturnType<typeof rgb> } = {}): void {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.font;
    const t = winAnsi(text);
    const at = options.align === 'right' ? x - font.widthOfTextAtSize(t, size) : x;
    this.page.drawText(t, { x: at, y: this.y, size, font, ...(options.color ? { color: options.color } : {}) });
  }

  /** A label and its value on one line. */
  pair(label: string, value: string, x = this.left, width = 45 * MM): void {
    this.text(label, x, { color: GREY });
    this.text(value, x + width);
    this.y -= 14;
  }

  line(): void {
    this.page.drawLine({ start: { x: this.left, y: this.y + 10 }, end: { x: this.right, y: this.y + 10 }, thickness: 0.5, color: GREY });
  }

  addressBlock(debtor: DocumentDebtor, orgCountry: string): void {
    const lines = [debtor.name, debtor.addressLine, `${debtor.postalCode ?? ''} ${debtor.city ?? ''}`.trim(), debtor.country && debtor.country !== orgCountry ? debtor.country : null].filter((l): l is string => Boolean(l));
    // The window of a left-window envelope (as the letters), so the document can go on paper too.
    this.y = A4.height - 53 * MM;
    lines.forEach((l, i) => {
      this.text(l, 25 * MM, { bold: i === 0 });
      this.y -= 13;
    });
    this.y = A4.height - 105 * MM;
  }

  async save(): Promise<Uint8Array> {
    this.pages.forEach((p, i) => {
      const label = `${this.labels.page}${i + 1}/${this.pages.length}`;
      p.drawText(label, { x: this.right - this.font.widthOfTextAtSize(label, 8), y: 12 * MM, size: 8, font: this.font });
    });
    return this.doc.save({ useObjectStreams: false });
  }
}

function epcOrNull(org: DocumentOrganisation, amount: bigint, reference: string | null, text: string): string | null {
  try {
    return epcQrPayload({ name: org.legalName, iban: org.iban, bic: org.bic ?? null, amount, reference, text: reference ? null : text });
  } catch {
    return null;
  }
}

/**
 * Draws a QR code as vector squares (runs of dark modules per row), quiet zone included: sharp at
 * any zoom or print resolution, and much cheaper than a PNG.
 */
function drawQr(page: PDFPage, payload: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(payload, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 2;
  const cell = size / (n + 2 * quiet);
  const runs: PDFOperator[] = [];
  for (let row = 0; row < n; row++) {
    let col = 0;
    while (col < n) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < n && qr.modules.get(row, col)) col++;
      runs.push(rectangle(x + (quiet + start) * cell, y + size - (quiet + row + 1) * cell, (col - start) * cell, cell));
    }
  }
  // NOTE: one path of rectangles filled once: pdf-lib's drawRectangle per module costs ~25 ms a code.
  page.pushOperators(pushGraphicsState(), setFillingRgbColor(0, 0, 0), ...runs, fill(), popGraphicsState());
}

/** A copy of an invoice or credit note: who, what, when, the amounts with VAT, and how to pay. */
export async function invoicePdf(input: InvoiceDocumentInput): Promise<Uint8Array> {
  const l = LABELS[input.language];
  const { invoice: inv, organisation: org, debtor } = input;
  const money = (v: bigint) => formatMoney(v, inv.currency, input.language);
  const title = `${inv.kind === 'credit_note' ? l.creditNote : l.invoice} ${inv.number}`;
  const sheet = await Sheet.create(title, inv.issueDate, org, l);
  sheet.addressBlock(debtor, org.country);
  sheet.text(title, sheet.left, { size: 16, bold: true });
  sheet.y -= 26;
  sheet.pair(l.invoiceNumber, inv.number);
  sheet.pair(l.invoiceDate, formatDate(inv.issueDate, input.language));
  if (inv.kind === 'invoice') sheet.pair(l.dueDate, formatDate(inv.dueDate, input.language));
  sheet.pair(l.customerNumber, debtor.number);
  if (debtor.vatNumber) sheet.pair(l.vatNumber, debtor.vatNumber);
  if (inv.poNumber) sheet.pair(l.yourReference, inv.poNumber);
  sheet.y -= 14;

  const amountX = sheet.right;
  const row = (label: string, value: string, bold = false) => {
    sheet.text(label, sheet.left + 80 * MM, { bold });
    sheet.text(value, amountX, { bold, align: 'right' });
    sheet.y -= 15;
  };
  if (inv.vatAmount !== null) {
    row(l.net, money(inv.amountTotal - inv.vatAmount));
    row(l.vat, money(inv.vatAmount));
  }
  sheet.line();
  row(l.total, money(inv.amountTotal), true);
  if (inv.openAmount !== inv.amountTotal) {
    row(l.paid, money(inv.openAmount - inv.amountTotal));
    sheet.line();
    row(inv.openAmount < 0n ? l.toRefund : l.toPay, money(inv.openAmount < 0n ? -inv.openAmount : inv.openAmount), true);
  }
  sheet.y -= 20;

  if (inv.kind === 'invoice' && inv.openAmount > 0n) {
    const reference = inv.paymentReference ? displayReference(inv.paymentReference, org.country) : null;
    sheet.text(l.payBefore(money(inv.openAmount), formatDate(inv.dueDate, input.language)), sheet.left);
    sheet.y -= 14;
    sheet.text(l.transferTo(formatIban(org.iban), org.legalName), sheet.left);
    sheet.y -= 14;
    if (reference) {
      sheet.text(`${l.reference}: ${reference}`, sheet.left, { bold: true });
      sheet.y -= 14;
    }
    // NOTE: an EPC QR code (EPC069-12) only where its rules allow one: euro, a name of at most 70
    // characters, a valid IBAN; otherwise the transfer details above are all there is.
    const payload = inv.currency === 'EUR' ? epcOrNull(org, inv.openAmount, inv.paymentReference ?? null, inv.number) : null;
    if (payload) {
      const size = 32 * MM;
      sheet.need(size + 20);
      drawQr(sheet.page, payload, sheet.right - size, sheet.y - size, size);
      sheet.y -= size + 10;
      sheet.text(l.scanToPay, sheet.right - size, { size: 7 });
    }
  }
  return sheet.save();
}

/** All open items of a debtor, oldest due first, with the totals per currency and what is overdue. */
export async function statementPdf(input: StatementDocumentInput): Promise<Uint8Array> {
  const l = LABELS[input.language];
  const { organisation: org, debtor } = input;
  const sheet = await Sheet.create(`${l.statement} ${debtor.number}`, input.date, org, l);
  sheet.addressBlock(debtor, org.country);
  sheet.text(l.statement, sheet.left, { size: 16, bold: true });
  sheet.y -= 22;
  sheet.pair(l.customerNumber, debtor.number);
  sheet.text(l.statementIntro(formatDate(input.date, input.language)), sheet.left);
  sheet.y -= 24;

  const cols = { number: sheet.left, date: sheet.left + 40 * MM, due: sheet.left + 70 * MM, overdue: sheet.left + 118 * MM, amount: sheet.left + 145 * MM, open: sheet.right };
  const header = () => {
    sheet.text(l.columns.number, cols.number, { bold: true, size: 9 });
    sheet.text(l.columns.date, cols.date, { bold: true, size: 9 });
    sheet.text(l.columns.due, cols.due, { bold: true, size: 9 });
    sheet.text(l.columns.overdue, cols.overdue, { bold: true, size: 9, align: 'right' });
    sheet.text(l.columns.amount, cols.amount, { bold: true, size: 9, align: 'right' });
    sheet.text(l.columns.open, cols.open, { bold: true, size: 9, align: 'right' });
    sheet.y -= 14;
  };
  const items = [...input.items].sort((a, b) => (a.dueDate === b.dueDate ? (a.number < b.number ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1));
  if (items.length === 0) {
    sheet.text(l.noOpenItems, sheet.left);
    return sheet.save();
  }
  header();
  const totals = new Map<string, { open: bigint; overdue: bigint }>();
  for (const item of items) {
    if (sheet.y < 30 * MM) {
      sheet.newPage();
      header();
    }
    const overdue = item.kind === 'invoice' && item.openAmount > 0n ? Math.max(0, daysBetween(item.dueDate, input.date)) : 0;
    const money = (v: bigint) => formatMoney(v, item.currency, input.language);
    sheet.text(`${item.kind === 'credit_note' ? `${l.creditNote} ` : ''}${item.number}`, cols.number, { size: 9 });
    sheet.text(formatDate(item.issueDate, input.language, 'short'), cols.date, { size: 9 });
    sheet.text(formatDate(item.dueDate, input.language, 'short'), cols.due, { size: 9 });
    sheet.text(overdue > 0 ? String(overdue) : '', cols.overdue, { size: 9, align: 'right' });
    sheet.text(money(item.amountTotal), cols.amount, { size: 9, align: 'right' });
    sheet.text(money(item.openAmount), cols.open, { size: 9, align: 'right' });
    sheet.y -= 13;
    const t = totals.get(item.currency) ?? { open: 0n, overdue: 0n };
    t.open += item.openAmount;
    if (overdue > 0) t.overdue += item.openAmount;
    totals.set(item.currency, t);
  }
  sheet.y -= 6;
  sheet.need(20 * totals.size + 10);
  sheet.line();
  // NOTE: never added across currencies: a total per currency.
  for (const [currency, t] of [...totals].sort(([a], [b]) => (a < b ? -1 : 1))) {
    sheet.text(l.totalOpen(currency), cols.due, { bold: true });
    sheet.text(formatMoney(t.open, currency, input.language), cols.open, { bold: true, align: 'right' });
    sheet.y -= 14;
    if (t.overdue !== 0n) {
      sheet.text(l.ofWhichOverdue, cols.due);
      sheet.text(formatMoney(t.overdue, currency, input.language), cols.open, { align: 'right' });
      sheet.y -= 14;
    }
  }
  sheet.y -= 12;
  const reference = items.length === 1 && items[0]!.paymentReference ? displayReference(items[0]!.paymentReference, org.country) : null;
  sheet.need(30);
  sheet.text(l.transferTo(formatIban(org.iban), org.legalName), sheet.left);
  if (reference) {
    sheet.y -= 14;
    sheet.text(`${l.reference}: ${reference}`, sheet.left);
  }
  return sheet.save();
}
