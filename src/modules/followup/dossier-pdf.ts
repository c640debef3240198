import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage, type RGB } from 'pdf-lib';
import { formatAmount } from '../../core/money.ts';
import { dossierHistory, type Dossier } from './dossier.ts';

// The hand-over dossier as a PDF for the collection agency: A4, the creditor's letterhead, the
// debtor and a summary of the claim on page one, then tables (invoices, history, payments,
// disputes, the ledger) that run over as many pages as they need, the header row repeated.
// Standard Helvetica only (no embedded font files): text is reduced to what WinAnsi can encode.

export type DossierLanguage = 'nl' | 'en';

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 42, right: 42, top: 40, bottom: 52 };
const CONTENT = PAGE.width - MARGIN.left - MARGIN.right;
const ACCENT = rgb(0.11, 0.23, 0.4);
const GREY = rgb(0.42, 0.42, 0.42);
const LIGHT = rgb(0.93, 0.94, 0.96);
const STRIPE = rgb(0.975, 0.975, 0.98);
const LINE = rgb(0.78, 0.8, 0.84);
const BLACK = rgb(0.1, 0.1, 0.1);
const WARN = rgb(0.6, 0.25, 0.0);

const LABELS = {
  nl: {
    title: 'Incassodossier / Collection dossier', dossierDate: 'Dossierdatum', debtorNo: 'Debiteurnummer', creditor: 'Schuldeiser', debtor: 'Debiteur',
    consumer: 'particulier', business: 'zakelijk', dunningAddress: 'Aanmaanadres', email: 'E-mail', phone: 'Telefoon', vat: 'Btw-nr.', coc: 'KvK-nr.', iban: 'IBAN',
    ibans: 'Bekende rekeningen', accountManager: 'Accountmanager',
    scopeInCollection: 'Vorderingen uit handen gegeven ter incasso', scopeOpen: 'Nog geen factuur in incasso: alle openstaande facturen',
    summary: 'Vordering per', principal: 'Hoofdsom', costs: 'Incassokosten', interest: 'Rente', total: 'Totaal', booked: 'Geboekt, open', additional: 'Bij te rekenen',
    toDate: 'Per datum', paid: 'Reeds betaald', invoicesCount: 'Facturen',
    summaryNote: 'Geboekt: volgens de administratie van de schuldeiser. Bij te rekenen: wat de wet tot de dossierdatum toestaat en nog niet geboekt is (berekend).',
    warnings: 'Aandachtspunten', invoices: 'Facturen', number: 'Factuur', issueDate: 'Factuurdatum', dueDate: 'Vervaldatum', amount: 'Bedrag', principalOpen: 'Hoofdsom',
    open: 'Open', handedOver: 'Uit handen', legal: 'Grondslag kosten en rente', costsRule: 'Kosten', interestRule: 'Rente', interestFrom: 'rente vanaf',
    history: 'Historie: berichten en taken', date: 'Datum', kind: 'Soort', description: 'Omschrijving', channels: 'Kanalen', status: 'Status', deadline: 'Termijn',
    statedCosts: 'Gemelde kosten', message: 'bericht', task: 'taak', promise: 'toezegging', payments: 'Betalingen', bankRef: 'Bankreferentie', counterparty: 'Betaald door',
    disputes: 'Geschillen', reason: 'Reden', opened: 'Geopend', resolved: 'Opgelost', resolution: 'Oplossing', ledger: 'Grootboek per factuur', type: 'Boeking',
    component: 'Component', note: 'Toelichting', contacts: 'Contactgegevens', purpose: 'Doel', name: 'Naam', address: 'Adres', otherOpen: 'Overige openstaande posten (niet in dit dossier)',
    sentMessages: 'Berichten zoals verzonden', sentAt: 'verzonden', to: 'aan', documents: 'Documenten (SHA-256 van de opgeslagen bestanden)', notSent: 'niet verzonden',
    none: 'Geen.', continued: 'vervolg', totalRow: 'Totaal', invoicesShort: 'Facturen', dateShort: 'Datum', dueShort: 'Vervalt', all: 'alle', costsShort: 'Kosten', addShort: 'Bij te rekenen',
  },
  en: {
    title: 'Incassodossier / Collection dossier', dossierDate: 'Dossier date', debtorNo: 'Debtor number', creditor: 'Creditor', debtor: 'Debtor',
    consumer: 'consumer', business: 'business', dunningAddress: 'Dunning address', email: 'E-mail', phone: 'Phone', vat: 'VAT no.', coc: 'CoC no.', iban: 'IBAN',
    ibans: 'Known accounts', accountManager: 'Account manager',
    scopeInCollection: 'Claims handed over for collection', scopeOpen: 'No invoice in collection yet: all open invoices',
    summary: 'Claim as of', principal: 'Principal', costs: 'Collection costs', interest: 'Interest', total: 'Total', booked: 'Booked, open', additional: 'To add',
    toDate: 'To date', paid: 'Paid so far', invoicesCount: 'Invoices',
    summaryNote: 'Booked: per the creditor\'s ledger. To add: what the law allows up to the dossier date and is not booked yet (computed).',
    warnings: 'Points of attention', invoices: 'Invoices', number: 'Invoice', issueDate: 'Issued', dueDate: 'Due', amount: 'Amount', principalOpen: 'Principal',
    open: 'Open', handedOver: 'Handed over', legal: 'Basis of costs and interest', costsRule: 'Costs', interestRule: 'Interest', interestFrom: 'interest from',
    history: 'History: messages and tasks', date: 'Date', kind: 'Kind', description: 'Description', channels: 'Channels', status: 'Status', deadline: 'Deadline',
    statedCosts: 'Stated costs', message: 'message', task: 'task', promise: 'promise', payments: 'Payments', bankRef: 'Bank reference', counterparty: 'Paid by',
    disputes: 'Disputes', reason: 'Reason', opened: 'Opened', resolved: 'Resolved', resolution: 'Resolution', ledger: 'Ledger per invoice', type: 'Entry',
    component: 'Component', note: 'Note', contacts: 'Contacts', purpose: 'Purpose', name: 'Name', address: 'Address', otherOpen: 'Other open items (not in this dossier)',
    sentMessages: 'Messages as sent', sentAt: 'sent', to: 'to', documents: 'Documents (SHA-256 of the stored files)', notSent: 'not sent',
    none: 'None.', continued: 'continued', totalRow: 'Total', invoicesShort: 'Invoices', dateShort: 'Issued', dueShort: 'Due', all: 'all', costsShort: 'Costs', addShort: 'To add',
  },
} as const;

type Labels = { [K in keyof (typeof LABELS)['en']]: string };

const ENTRY_TYPES: Record<DossierLanguage, Record<string, string>> = {
  nl: {
    issued: 'factuur', corrected: 'correctie', credited: 'creditering', credit_applied: 'verrekend', payment_allocated: 'betaling', fee_charged: 'incassokosten',
    interest_charged: 'rente', written_off: 'afgeboekt', refunded: 'terugbetaald', reversed: 'tegenboeking',
  },
  en: {
    issued: 'issued', corrected: 'corrected', credited: 'credited', credit_applied: 'credit applied', payment_allocated: 'payment', fee_charged: 'costs charged',
    interest_charged: 'interest charged', written_off: 'written off', refunded: 'refunded', reversed: 'reversal',
  },
};
const COMPONENTS: Record<DossierLanguage, Record<string, string>> = { nl: { principal: 'hoofdsom', costs: 'kosten', interest: 'rente' }, en: { principal: 'principal', costs: 'costs', interest: 'interest' } };
const TEMPLATES: Record<DossierLanguage, Record<string, string>> = {
  nl: {
    pre_due_notice: 'Vooraankondiging vervaldag', reminder_1: 'Eerste herinnering', reminder_2: 'Tweede herinnering', nl_14_day_letter: '14-dagenbrief (art. 6:96 lid 6 BW)',
    be_first_reminder: 'Eerste herinnering (Boek XIX WER)', formal_notice: 'Ingebrekestelling', invoice_delivery: 'Factuur opnieuw verzonden',
  },
  en: {
    pre_due_notice: 'Pre-due notice', reminder_1: 'First reminder', reminder_2: 'Second reminder', nl_14_day_letter: '14-day letter (art. 6:96(6) BW)',
    be_first_reminder: 'First reminder (Book XIX CEL)', formal_notice: 'Formal notice', invoice_delivery: 'Invoice sent again',
  },
};
const TASKS: Record<DossierLanguage, Record<string, string>> = {
  nl: {
    handover: 'Dossier overdragen aan incassobureau', call: 'Debiteur gebeld / te bellen', check_received: 'Controle ontvangst factuur', check_po: 'Controle inkoopordernummer',
    ask_payment_date: 'Betaaldatum gevraagd', review: 'Beoordeling', promise_broken: 'Betalingsbelofte niet nagekomen',
  },
  en: {},
};
const STATUSES: Record<DossierLanguage, Record<string, string>> = {
  nl: {
    queued: 'in wachtrij', rendered: 'opgemaakt', sent: 'verzonden', delivered: 'afgeleverd', bounced: 'onbestelbaar', failed: 'mislukt', cancelled: 'geannuleerd',
    open: 'open', done: 'afgerond', kept: 'nagekomen', broken: 'niet nagekomen', resolved: 'opgelost', received: 'ontvangen', not_received: 'niet ontvangen',
    po_missing: 'PO ontbreekt', expected_payment_date: 'betaaldatum toegezegd', dispute: 'geschil',
  },
  en: { expected_payment_date: 'payment date promised', not_received: 'not received', po_missing: 'PO missing' },
};
const CHANNELS: Record<DossierLanguage, Record<string, string>> = { nl: { email: 'e-mail', sms: 'sms', letter: 'brief', voice: 'telefoon' }, en: {} };
const PURPOSES: Record<DossierLanguage, Record<string, string>> = { nl: { invoice: 'facturen', dunning: 'aanmaningen', general: 'algemeen' }, en: { invoice: 'invoices', dunning: 'dunning', general: 'general' } };

const tr = (table: Record<DossierLanguage, Record<string, string>>, lang: DossierLanguage, key: string, fallback?: string) =>
  table[lang][key] ?? fallback ?? key.replace(/_/g, ' ');

// ---------------------------------------------------------------------------------------------
// Text: WinAnsi only

const REPLACEMENTS: Record<string, string> = {
  'ł': 'l', 'Ł': 'L', 'đ': 'd', 'Đ': 'D', 'ı': 'i', 'ħ': 'h', 'Ħ': 'H', 'ŧ': 't', 'Ŧ': 'T', 'ŋ': 'n', 'Ŋ': 'N', 'ĸ': 'k', 'ſ': 's', 'ə': 'e', 'Ə': 'E',
  '\u2010': '-', '\u2011': '-', '\u2012': '-', '\u2212': '-', '\u2032': "'", '\u2033': '"', '\u2264': '<=', '\u2265': '>=', '\u2192': '->', '\u2190': '<-', '\u00b7': '\u00b7',
  '\u2009': ' ', '\u202f': ' ', '\u2007': ' ', '\u2002': ' ', '\u2003': ' ',
};

/** Makes text drawable with a standard font: keeps what it encodes, strips accents it lacks, transliterates a few letters, '?' for the rest. */
export function makeWinAnsiSanitizer(font: PDFFont): (s: string) => string {
  const ok = new Set(font.getCharacterSet());
  const cache = new Map<string, string>();
  const one = (ch: string): string => {
    const cp = ch.codePointAt(0)!;
    if (ok.has(cp)) return ch;
    const cached = cache.get(ch);
    if (cached !== undefined) return cached;
    let out: string;
    if (/[\p{M}\p{Cf}]/u.test(ch)) out = '';
    else if (REPLACEMENTS[ch] !== undefined) out = [...REPLACEMENTS[ch]].every((c) => ok.has(c.codePointAt(0)!)) ? REPLACEMENTS[ch] : '?';
    else {
      const base = ch.normalize('NFKD').replace(/\p{M}/gu, '');
      out = base !== '' && base !== ch && [...base].every((c) => ok.has(c.codePointAt(0)!)) ? base : '?';
    }
    cache.set(ch, out);
    return out;
  };
  return (s: string) => {
    let out = '';
    for (const ch of s.normalize('NFC').replace(/[\r\n\t\f\v]+/g, ' ')) out += one(ch);
    return out;
  };
}

// ---------------------------------------------------------------------------------------------
// Formatting

function fmtMoney(v: bigint, currency: string, lang: DossierLanguage): string {
  const s = formatAmount(v, currency);
  const negative = s.startsWith('-');
  const [int = '0', frac] = (negative ? s.slice(1) : s).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, lang === 'nl' ? '.' : ',');
  const number = frac === undefined ? grouped : `${grouped}${lang === 'nl' ? ',' : '.'}${frac}`;
  const symbol = currency === 'EUR' ? '\u20ac' : currency;
  return `${negative ? '-' : ''}${symbol}${lang === 'nl' || symbol.length > 1 ? ' ' : ''}${number}`;
}

function fmtDate(d: string | null, lang: DossierLanguage): string {
  if (!d) return '';
  return lang === 'nl' ? `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}` : d;
}

// ---------------------------------------------------------------------------------------------
// Drawing

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
  clean: (s: string) => string;
}

interface Column {
  header: string;
  width: number;
  align?: 'left' | 'right';
}

interface Row {
  cells: string[];
  bold?: boolean;
}

class Writer {
  readonly doc: PDFDocument;
  readonly fonts: Fonts;
  readonly runningHead: string;
  page!: PDFPage;
  y = 0;

  constructor(doc: PDFDocument, fonts: Fonts, runningHead: string) {
    this.doc = doc;
    this.fonts = fonts;
    this.runningHead = runningHead;
  }

  /** A new page; every page after the first carries a running head. */
  newPage(first = false): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN.top;
    if (!first) {
      this.text(this.runningHead, MARGIN.left, this.y - 8, 7.5, { color: GREY });
      this.page.drawLine({ start: { x: MARGIN.left, y: this.y - 12 }, end: { x: PAGE.width - MARGIN.right, y: this.y - 12 }, thickness: 0.5, color: LINE });
      this.y -= 26;
    }
  }

  /** Starts a new page unless `height` fits above the bottom margin; true when it did. */
  ensure(height: number): boolean {
    if (this.y - height >= MARGIN.bottom) return false;
    this.newPage();
    return true;
  }

  text(s: string, x: number, y: number, size: number, o: { bold?: boolean; color?: RGB; align?: 'left' | 'right'; width?: number } = {}): void {
    const font = o.bold ? this.fonts.bold : this.fonts.regular;
    const clean = this.fonts.clean(s);
    if (clean === '') return;
    const w = font.widthOfTextAtSize(clean, size);
    const dx = o.align === 'right' && o.width !== undefined ? o.width - w : 0;
    this.page.drawText(clean, { x: x + dx, y, size, font, color: o.color ?? BLACK });
  }

  width(s: string, size: number, bold = false): number {
    return (bold ? this.fonts.bold : this.fonts.regular).widthOfTextAtSize(this.fonts.clean(s), size);
  }

  /** Wraps to lines no wider than `width`; a word too long for a line is cut. */
  wrap(s: string, size: number, width: number, bold = false): string[] {
    const clean = this.fonts.clean(s).trim();
    if (clean === '') return [''];
    const lines: string[] = [];
    let line = '';
    for (const word of clean.split(/ +/)) {
      const candidate = line === '' ? word : `${line} ${word}`;
      if (this.width(candidate, size, bold) <= width) {
        line = candidate;
        continue;
      }
      if (line !== '') lines.push(line);
      let rest = word;
      while (this.width(rest, size, bold) > width) {
        let n = rest.length - 1;
        while (n > 1 && this.width(rest.slice(0, n), size, bold) > width) n--;
        lines.push(rest.slice(0, n));
        rest = rest.slice(n);
      }
      line = rest;
    }
    if (line !== '') lines.push(line);
    return lines;
  }

  heading(s: string): void {
    this.ensure(40);
    this.y -= 10;
    this.text(s, MARGIN.left, this.y - 11, 11, { bold: true, color: ACCENT });
    this.y -= 17;
  }

  paragraph(s: string, size = 8, o: { color?: RGB; indent?: number; bold?: boolean } = {}): void {
    const indent = o.indent ?? 0;
    for (const line of this.wrap(s, size, CONTENT - indent, o.bold)) {
      this.ensure(size + 3);
      this.text(line, MARGIN.left + indent, this.y - size, size, { color: o.color ?? BLACK, bold: o.bold ?? false });
      this.y -= size + 3;
    }
  }

  /** A table that breaks over pages, the header repeated; cells wrap (at most 4 lines). */
  table(title: string, columns: Column[], rows: Row[], empty: string, size = 7.5): void {
    this.heading(title);
    if (rows.length === 0) {
      this.paragraph(empty, 8, { color: GREY });
      return;
    }
    const pad = 3;
    const lineHeight = size + 2.2;
    const header = () => {
      const lines = columns.map((c) => this.wrap(c.header, size, c.width - 2 * pad, true));
      const h = Math.max(...lines.map((l) => l.length)) * lineHeight + 2 * pad;
      this.page.drawRectangle({ x: MARGIN.left, y: this.y - h, width: CONTENT, height: h, color: LIGHT });
      let x = MARGIN.left;
      columns.forEach((c, i) => {
        (lines[i] ?? []).forEach((l, j) => this.text(l, x + pad, this.y - pad - size - j * lineHeight + 1, size, { bold: true, color: ACCENT, align: c.align ?? 'left', width: c.width - 2 * pad }));
        x += c.width;
      });
      this.y -= h;
    };
    const measured = rows.map((r) => {
      const lines = columns.map((c, i) => {
        const all = this.wrap(r.cells[i] ?? '', size, c.width - 2 * pad, r.bold);
        if (all.length <= 4) return all;
        // Cut at four lines, and show that it was cut.
        let last = `${all[3]!}\u2026`;
        while (last.length > 1 && this.width(last, size, r.bold) > c.width - 2 * pad) last = `${last.slice(0, -2)}\u2026`;
        return [...all.slice(0, 3), last];
      });
      return { r, lines, h: Math.max(...lines.map((l) => l.length)) * lineHeight + 2 * pad - 1 };
    });
    if (this.ensure(30 + (measured[0]?.h ?? 0))) this.heading(`${title} (${this.continued})`);
    header();
    measured.forEach(({ r, lines, h }, n) => {
      if (this.ensure(h)) {
        this.heading(`${title} (${this.continued})`);
        header();
      }
      if (n % 2 === 1 && !r.bold) this.page.drawRectangle({ x: MARGIN.left, y: this.y - h, width: CONTENT, height: h, color: STRIPE });
      if (r.bold) this.page.drawLine({ start: { x: MARGIN.left, y: this.y }, end: { x: PAGE.width - MARGIN.right, y: this.y }, thickness: 0.7, color: ACCENT });
      let x = MARGIN.left;
      columns.forEach((c, i) => {
        (lines[i] ?? []).forEach((l, j) => this.text(l, x + pad, this.y - pad - size - j * lineHeight + 1, size, { bold: r.bold ?? false, align: c.align ?? 'left', width: c.width - 2 * pad }));
        x += c.width;
      });
      this.y -= h;
    });
    this.page.drawLine({ start: { x: MARGIN.left, y: this.y }, end: { x: PAGE.width - MARGIN.right, y: this.y }, thickness: 0.5, color: LINE });
  }

  continued = 'continued';
}

/** Column widths from relative weights, filling the content width. */
function cols(spec: [header: string, weight: number, align?: 'left' | 'right'][]): Column[] {
  const total = spec.reduce((s, [, w]) => s + w, 0);
  return spec.map(([header, w, align]) => ({ header, width: (CONTENT * w) / total, ...(align ? { align } : {}) }));
}

// ---------------------------------------------------------------------------------------------

/** The dossier as an A4 PDF, labels in Dutch or English (the title is always both). */
export async function dossierPdf(d: Dossier, language: DossierLanguage): Promise<Uint8Array> {
  const L: Labels = LABELS[language];
  const lang = language;
  const doc = await PDFDocument.create();
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const fonts: Fonts = { regular, bold, clean: makeWinAnsiSanitizer(regular) };
  const c = d.creditor;
  const db = d.debtor;
  doc.setTitle(`${L.title} \u2013 ${db.name} (${db.number})`);
  doc.setAuthor(c.legalName);
  doc.setSubject(`${L.debtor} ${db.number}, ${L.dossierDate.toLowerCase()} ${d.date}`);
  doc.setCreator('ArFlow');
  doc.setProducer('ArFlow (pdf-lib)');
  doc.setLanguage(lang === 'nl' ? 'nl-NL' : 'en-GB');
  doc.setCreationDate(new Date(`${d.date}T12:00:00Z`));
  doc.setModificationDate(new Date(`${d.date}T12:00:00Z`));

  const w = new Writer(doc, fonts, `${c.legalName} \u2013 ${L.title} \u2013 ${db.name} (${db.number}) \u2013 ${fmtDate(d.date, lang)}`);
  w.continued = L.continued;
  const m = (v: bigint, currency = c.currency) => fmtMoney(v, currency, lang);
  const dt = (s: string | null) => fmtDate(s, lang);
  w.newPage(true);

  // ---- letterhead ----
  const top = w.y;
  w.page.drawRectangle({ x: 0, y: PAGE.height - 8, width: PAGE.width, height: 8, color: ACCENT });
  w.text(c.legalName, MARGIN.left, top - 16, 16, { bold: true, color: ACCENT });
  const creditorLines = [
    [c.addressLine, [c.postalCode, c.city].filter(Boolean).join(' ')].filter(Boolean).join(', '),
    [c.email, c.phone, c.website].filter(Boolean).join('  |  '),
    [c.cocNumber ? `${L.coc} ${c.cocNumber}` : null, c.vatNumber ? `${L.vat} ${c.vatNumber}` : null].filter(Boolean).join('  |  '),
    [`${L.iban} ${c.iban}`, c.bic ? `BIC ${c.bic}` : null, c.creditorId ? `Creditor ID ${c.creditorId}` : null].filter(Boolean).join('  |  '),
  ].filter((s) => s !== '');
  creditorLines.forEach((line, i) => w.text(line, MARGIN.left, top - 30 - i * 10, 8, { color: GREY }));
  const right = PAGE.width - MARGIN.right;
  const meta: [string, string][] = [[L.dossierDate, dt(d.date)], [L.debtorNo, db.number]];
  meta.forEach(([k, v], i) => {
    w.text(`${k}: ${v}`, right - 180, top - 14 - i * 11, 8.5, { align: 'right', width: 180, bold: i === 0 });
  });
  w.y = top - 30 - creditorLines.length * 10 - 4;
  w.page.drawLine({ start: { x: MARGIN.left, y: w.y }, end: { x: right, y: w.y }, thickness: 1.2, color: ACCENT });
  w.y -= 24;
  w.text(L.title, MARGIN.left, w.y, 17, { bold: true });
  w.y -= 14;
  w.text(d.scope === 'in_collection' ? L.scopeInCollection : L.scopeOpen, MARGIN.left, w.y, 9, { color: d.scope === 'in_collection' ? GREY : WARN });
  w.y -= 18;

  // ---- debtor block (left) and summary box (right) ----
  const blockTop = w.y;
  const leftWidth = 230;
  let ly = blockTop;
  const leftLine = (s: string, size = 8.5, o: { bold?: boolean; color?: RGB } = {}) => {
    for (const line of w.wrap(s, size, leftWidth, o.bold)) {
      w.text(line, MARGIN.left, ly - size, size, o);
      ly -= size + 3;
    }
  };
  leftLine(L.debtor.toUpperCase(), 7.5, { bold: true, color: ACCENT });
  ly -= 1;
  leftLine(db.name, 11, { bold: true });
  leftLine(`${L.debtorNo} ${db.number} \u2013 ${db.kind === 'consumer' ? L.consumer : L.business}`);
  if (db.addressLine) leftLine(db.addressLine);
  const place = [db.postalCode, db.city].filter(Boolean).join(' ');
  if (place || db.country) leftLine([place, db.country].filter(Boolean).join(', '));
  const da = db.dunningAddress;
  if (da.source === 'dunning_contact') {
    ly -= 3;
    leftLine(`${L.dunningAddress}:`, 8, { bold: true });
    leftLine([da.name !== db.name ? da.name : null, da.addressLine, [da.postalCode, da.city].filter(Boolean).join(' '), da.country].filter(Boolean).join(', '), 8);
  }
  ly -= 3;
  if (da.email) leftLine(`${L.email}: ${da.email}`, 8);
  if (da.phone) leftLine(`${L.phone}: ${da.phone}`, 8);
  if (db.cocNumber) leftLine(`${L.coc}: ${db.cocNumber}`, 8);
  if (db.vatNumber) leftLine(`${L.vat}: ${db.vatNumber}`, 8);
  if (db.bankAccounts.length > 0) leftLine(`${L.ibans}: ${db.bankAccounts.map((b) => b.iban + (b.holderName ? ` (${b.holderName})` : '')).join(', ')}`, 8);
  if (db.accountManager) leftLine(`${L.accountManager}: ${db.accountManager}`, 8);

  const boxX = MARGIN.left + leftWidth + 20;
  const boxW = right - boxX;
  let ry = blockTop;
  for (const t of d.totals) {
    const rows: [string, bigint, bigint, boolean][] = [
      [L.principal, t.open.principal, 0n, false],
      [L.costs, t.open.costs, t.additional.costs, false],
      [L.interest, t.open.interest, t.additional.interest, false],
      [L.total, t.open.total, t.additional.costs + t.additional.interest, true],
    ];
    const rowH = 15;
    const boxH = 22 + 14 + rows.length * rowH + 30;
    w.page.drawRectangle({ x: boxX, y: ry - boxH, width: boxW, height: boxH, borderColor: ACCENT, borderWidth: 1, color: rgb(0.985, 0.988, 1) });
    w.page.drawRectangle({ x: boxX, y: ry - 20, width: boxW, height: 20, color: ACCENT });
    w.text(`${L.summary} ${dt(d.date)}${d.totals.length > 1 ? ` (${t.currency})` : ''}`, boxX + 8, ry - 14, 9.5, { bold: true, color: rgb(1, 1, 1) });
    const colW = (boxW - 86) / 3;
    const cx = (i: number) => boxX + 80 + i * colW;
    let y = ry - 34;
    [L.booked, L.additional, L.toDate].forEach((h, i) => w.text(h, cx(i), y, 7, { bold: true, color: GREY, align: 'right', width: colW }));
    y -= 5;
    for (const [label, booked, add, isTotal] of rows) {
      if (isTotal) w.page.drawLine({ start: { x: boxX + 6, y: y - 2 }, end: { x: boxX + boxW - 6, y: y - 2 }, thickness: 0.8, color: ACCENT });
      y -= rowH - 3;
      const size = isTotal ? 9 : 8.5;
      w.text(label, boxX + 8, y, size, { bold: isTotal });
      w.text(m(booked, t.currency), cx(0), y, size, { bold: isTotal, align: 'right', width: colW });
      w.text(add === 0n && !isTotal ? '-' : m(add, t.currency), cx(1), y, size, { bold: isTotal, align: 'right', width: colW, color: isTotal ? BLACK : GREY });
      w.text(m(booked + add, t.currency), cx(2), y, size, { bold: true, align: 'right', width: colW, color: isTotal ? ACCENT : BLACK });
      y -= 3;
    }
    y -= 13;
    w.text(`${L.paid}: ${m(t.paid, t.currency)}   |   ${L.invoicesCount}: ${t.invoices}`, boxX + 8, y, 7.5, { color: GREY });
    ry -= boxH + 8;
  }
  for (const line of w.wrap(L.summaryNote, 6.8, boxW)) {
    w.text(line, boxX, ry - 6.8, 6.8, { color: GREY });
    ry -= 9;
  }
  w.y = Math.min(ly, ry) - 6;

  // ---- points of attention ----
  if (d.warnings.length > 0) {
    w.heading(L.warnings);
    for (const warning of d.warnings) w.paragraph(`- ${warning}`, 8, { color: WARN });
  }

  // ---- invoices ----
  const invoiceRows: Row[] = d.invoices.map((i) => ({
    cells: [
      i.number + (i.kind === 'credit_note' ? ' (CN)' : ''), dt(i.issueDate), dt(i.dueDate), m(i.amountTotal, i.currency), m(i.open.principal, i.currency), m(i.open.costs, i.currency),
      m(i.open.interest, i.currency), m(i.open.total, i.currency), m(i.additional.costs + i.additional.interest, i.currency), m(i.claim.total, i.currency), dt(i.handedOverOn),
    ],
  }));
  for (const t of d.totals) {
    invoiceRows.push({
      bold: true,
      cells: [`${L.totalRow}${d.totals.length > 1 ? ` ${t.currency}` : ''}`, '', '', m(t.amountTotal, t.currency), m(t.open.principal, t.currency), m(t.open.costs, t.currency), m(t.open.interest, t.currency), m(t.open.total, t.currency), m(t.additional.costs + t.additional.interest, t.currency), m(t.claim.total, t.currency), ''],
    });
  }
  w.table(
    L.invoices,
    cols([[L.number, 62], [L.dateShort, 46], [L.dueShort, 46], [L.amount, 52, 'right'], [L.principalOpen, 52, 'right'], [L.costsShort, 46, 'right'], [L.interest, 40, 'right'], [L.open, 52, 'right'], [L.addShort, 46, 'right'], [L.toDate, 54, 'right'], [L.handedOver, 46]]),
    invoiceRows,
    L.none,
    7,
  );

  // Invoice numbers in a cell: sorted, "all (n)" when they are every invoice of the dossier, else at most five and a count.
  const everyInvoice = new Set(d.invoices.map((i) => i.number));
  const invoiceList = (numbers: readonly string[]) => {
    const sorted = [...numbers].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
    if (sorted.length > 1 && sorted.length === everyInvoice.size && sorted.every((n) => everyInvoice.has(n))) return `${L.all} (${sorted.length})`;
    return sorted.length > 6 ? `${sorted.slice(0, 5).join(', ')} +${sorted.length - 5}` : sorted.join(', ');
  };

  // ---- legal basis ----
  const rules = new Map<string, string[]>();
  for (const i of d.invoices) {
    for (const rule of [`${L.costsRule}: ${i.law.costsRule}`, `${L.interestRule}: ${i.law.interestRule}, ${L.interestFrom} ${dt(i.law.interestFrom)}`]) rules.set(rule, [...(rules.get(rule) ?? []), i.number]);
  }
  if (rules.size > 0) {
    w.heading(L.legal);
    for (const [rule, numbers] of rules) w.paragraph(`${rule}${d.invoices.length > 1 ? ` [${numbers.length === d.invoices.length ? `${L.invoicesShort.toLowerCase()}: ${L.all}` : invoiceList(numbers)}]` : ''}`, 7.5);
  }

  // ---- history ----
  const history = dossierHistory(d);
  w.table(
    L.history,
    cols([[L.date, 46], [L.kind, 50], [L.description, 140], [L.invoicesShort, 62], [L.channels, 56], [L.status, 56], [L.deadline, 46], [L.statedCosts, 50, 'right']]),
    history.map((h) => ({
      cells: [
        dt(h.date),
        h.kind === 'message' ? L.message : h.kind === 'task' ? L.task : L.promise,
        h.kind === 'message'
          ? `${tr(TEMPLATES, lang, h.code, h.title)}${h.detail ? ` (${h.detail})` : ''}`
          : h.kind === 'task'
            ? `${tr(TASKS, lang, h.code, h.title)}${h.detail ? ` - ${h.detail}` : ''}`
            : `${h.title}${h.detail ? ` - ${h.detail}` : ''}`,
        invoiceList(h.invoices),
        h.channels.map((ch) => tr(CHANNELS, lang, ch, ch)).join(', '),
        tr(STATUSES, lang, h.status),
        dt(h.deadline),
        h.statedCosts === null ? '' : m(h.statedCosts, h.currency ?? c.currency),
      ],
    })),
    L.none,
  );

  // ---- what was sent, word for word, with the fingerprints of its documents ----
  const sent = d.messages.filter((x) => x.bodyText !== null);
  if (sent.length > 0) {
    w.heading(L.sentMessages);
    for (const x of sent) {
      const when = x.sentAt ? `${L.sentAt} ${x.sentAt.toISOString().slice(0, 16).replace('T', ' ')} UTC` : L.notSent;
      w.paragraph(`${dt(x.date)} · ${tr(CHANNELS, lang, x.channel ?? '', x.channel ?? '')} · ${when}${x.recipient ? ` · ${L.to} ${x.recipient}` : ''}`, 8, { bold: true });
      if (x.subject) w.paragraph(x.subject, 8, { indent: 8 });
      if (x.messageIdHeader || x.providerId) w.paragraph([x.messageIdHeader, x.providerId].filter(Boolean).join(' · '), 6.5, { color: GREY, indent: 8 });
      for (const line of (x.bodyText ?? '').split(/\r?\n/)) w.paragraph(line, 7, { indent: 8 });
      if (x.documents.length > 0) {
        w.paragraph(`${L.documents}:`, 6.5, { color: GREY, indent: 8 });
        for (const doc of x.documents) w.paragraph(`${doc.filename ?? doc.kind}: ${doc.sha256}`, 6.5, { color: GREY, indent: 16 });
      }
    }
  }

  // ---- payments ----
  w.table(
    L.payments,
    cols([[L.date, 46], [L.number, 62], [L.amount, 56, 'right'], [L.costsShort, 48, 'right'], [L.interest, 44, 'right'], [L.principal, 52, 'right'], [L.bankRef, 80], [L.counterparty, 120]]),
    d.payments.map((p) => ({
      cells: [
        dt(p.date), p.invoiceNumber ?? '-', m(p.amount, p.currency), m(p.split.costs, p.currency), m(p.split.interest, p.currency), m(p.split.principal, p.currency),
        [p.bankReference, p.endToEndId && p.endToEndId !== 'NOTPROVIDED' ? p.endToEndId : null, p.structuredReference].filter(Boolean).join(' / ') || (p.source === 'ledger' ? (lang === 'nl' ? 'geboekt zonder bankregel' : 'booked without bank line') : ''),
        [p.counterpartyName, p.counterpartyAccount].filter(Boolean).join(', ') + (p.remittanceInfo ? ` - ${p.remittanceInfo}` : ''),
      ],
    })),
    L.none,
  );

  // ---- disputes ----
  w.table(
    L.disputes,
    cols([[L.opened, 46], [L.number, 60], [L.reason, 170], [L.status, 50], [L.resolved, 46], [L.resolution, 140]]),
    d.disputes.map((x) => ({ cells: [dt(x.openedOn), x.invoiceNumber, x.reason, tr(STATUSES, lang, x.status), dt(x.resolvedOn), x.resolution ?? ''] })),
    L.none,
  );

  // ---- ledger ----
  w.table(
    L.ledger,
    cols([[L.number, 62], [L.date, 46], [L.type, 70], [L.component, 56], [L.amount, 60, 'right'], [L.note, 216]]),
    d.invoices.flatMap((i) =>
      i.ledger.map((e) => ({ cells: [i.number, dt(e.bookingDate), tr(ENTRY_TYPES, lang, e.type), tr(COMPONENTS, lang, e.component), m(e.amount, i.currency), e.reason ?? ''] })),
    ),
    L.none,
  );

  // ---- contacts and other open items ----
  if (db.contacts.length > 0) {
    w.table(
      L.contacts,
      cols([[L.purpose, 50], [L.name, 80], [L.email, 110], [L.phone, 70], [L.address, 160]]),
      db.contacts.map((x) => ({ cells: [tr(PURPOSES, lang, x.purpose), x.name ?? '', x.email ?? '', x.phone ?? '', [x.addressLine, [x.postalCode, x.city].filter(Boolean).join(' '), x.country].filter(Boolean).join(', ')] })),
      L.none,
    );
  }
  if (d.otherOpenInvoices.length > 0) {
    w.table(
      L.otherOpen,
      cols([[L.number, 80], [L.dueDate, 60], [L.open, 70, 'right'], ['', 260]]),
      d.otherOpenInvoices.map((o) => ({ cells: [o.number + (o.kind === 'credit_note' ? ' (CN)' : ''), dt(o.dueDate), m(o.openAmount, o.currency), ''] })),
      L.none,
    );
  }

  // ---- footers: page numbers once the count is known ----
  const pages = doc.getPages();
  pages.forEach((page, n) => {
    w.page = page;
    page.drawLine({ start: { x: MARGIN.left, y: 34 }, end: { x: right, y: 34 }, thickness: 0.5, color: LINE });
    w.text(`${c.legalName} \u2013 ${L.debtor} ${db.number} \u2013 ${fmtDate(d.date, lang)}`, MARGIN.left, 22, 7, { color: GREY });
    w.text(`${n + 1}/${pages.length}`, right - 60, 22, 8, { align: 'right', width: 60, bold: true });
  });
  return doc.save();
}
