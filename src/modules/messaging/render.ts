import { Liquid, type Template } from 'liquidjs';
import { epcQrPayload, epcQrSvg } from '../../core/epc-qr.ts';
import { isBusinessDate } from '../../core/dates.ts';
import { formatIban } from '../../core/iban.ts';
import { currencyExponent, formatAmount } from '../../core/money.ts';
import { formatOgm, formatRf, normalizeReference } from '../../core/references.ts';
import { getTemplate, hasTemplate, listTemplates, type TemplateInfo } from './templates/index.ts';
import { LAYOUT_STRINGS, type LayoutStrings, type ReferenceKind } from './templates/strings.ts';
import { LANGUAGES, TONES, type Language, type TemplateContent, type TemplateDefinition, type Tone } from './templates/types.ts';

// Renders an outbox message: subject, an HTML body (e-mail layout or printable letter), a plain-text
// body, a short SMS text and the EPC QR payload. Templates are Liquid from in-memory strings only,
// in a sandbox: own properties only (no prototype walking), unknown filters are errors, no file
// system (includes and layouts resolve against an empty in-memory map), render time and memory are
// bounded. In the HTML engine every `{{ }}` output is HTML-escaped and `raw` is disabled.
// Amounts reach templates as preformatted strings: templates never do arithmetic on money.

export type Channel = 'email' | 'letter' | 'sms' | 'voice';
export type { Language, Tone, TemplateInfo };
export { listTemplates, hasTemplate };

export interface RenderOrganisation {
  legalName: string;
  iban: string;
  bic?: string | null;
  vatNumber?: string | null;
  /** KvK number (NL) or enterprise number (BE). */
  cocNumber?: string | null;
  country: string;
  /** Postal address; line breaks separate lines. */
  address?: string | null;
  email?: string | null;
  phone?: string | null;
  branding?: { primaryColor?: string | null; logoUrl?: string | null; footer?: string | null } | null;
}

export interface RenderDebtor {
  name: string;
  number: string;
  kind: 'business' | 'consumer';
  addressLine?: string | null;
  postalCode?: string | null;
  city?: string | null;
  country?: string | null;
  contactName?: string | null;
}

export interface RenderInvoice {
  number: string;
  /** YYYY-MM-DD */
  issueDate: string;
  /** YYYY-MM-DD */
  dueDate: string;
  /** Minor units. For payment_confirmation: the part of the payment applied to this invoice. */
  openAmount: bigint;
  currency: string;
  /** What was delivered (Book XIX asks for a description of the product or service). */
  description?: string | null;
}

export interface RenderInput {
  template: string;
  /** friendly | neutral | firm; anything else renders as neutral. */
  tone: string;
  /**
   * nl | en | fr | de (a tag such as `nl-BE` counts as `nl`). Missing or unsupported: `nl` when the
   * organisation is Dutch or Belgian, else `en`. A template without that language falls back to en,
   * then nl.
   */
  language?: string | null;
  channel: Channel;
  organisation: RenderOrganisation;
  debtor: RenderDebtor;
  invoices: RenderInvoice[];
  /** Minor units: the amount asked for (payment_confirmation: the amount received). */
  total: bigint;
  currency: string;
  /** YYYY-MM-DD: the last day to pay. */
  deadline?: string | null;
  /** Minor units: the costs or damages that will be charged when the deadline passes. */
  statedCosts?: bigint | null;
  /** A personal note from the sender (the reason of a payment request), shown as written (escaped). */
  note?: string | null;
  payLink: string;
  /** Where the debtor confirms receipt or reports a problem with the invoice. */
  receiptLink?: string | null;
  /** Structured (betalingskenmerk, OGM, RF) or free payment reference. */
  paymentReference?: string | null;
  /** YYYY-MM-DD: the date of the message. */
  date: string;
}

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
  sms?: string;
  /** EPC QR payload (EUR payments only). */
  epcPayload?: string;
  /** The language actually rendered. */
  language: Language;
}

// ---------------------------------------------------------------------------------------------
// Liquid sandbox
// ---------------------------------------------------------------------------------------------

const SANDBOX = {
  ownPropertyOnly: true,
  strictFilters: true,
  strictVariables: false,
  jsTruthy: true,
  // An empty in-memory file system: {% include %}, {% render %} and {% layout %} find nothing.
  templates: {},
  relativeReference: false,
  dynamicPartials: false,
  globals: {},
  parseLimit: 100_000,
  renderLimit: 2_000,
  memoryLimit: 10_000_000,
} as const;

const htmlEngine = new Liquid({ ...SANDBOX, outputEscape: 'escape' });
// NOTE: `raw` would bypass the output escaping; here it does nothing, so the output stays escaped.
htmlEngine.registerFilter('raw', (value: unknown) => value);
const textEngine = new Liquid({ ...SANDBOX });

// Parsed templates per engine, keyed by the source itself (a key built by concatenation would be a
// new string to hash on every lookup; a template source keeps its cached hash).
const parsed = new Map<Liquid, Map<string, Template[]>>([[htmlEngine, new Map()], [textEngine, new Map()]]);

function parse(engine: Liquid, source: string): Template[] {
  const cache = parsed.get(engine)!;
  let tpl = cache.get(source);
  if (tpl === undefined) {
    tpl = engine.parse(source);
    if (cache.size >= 1_000) cache.clear();
    cache.set(source, tpl);
  }
  return tpl;
}

// NOTE: synchronous rendering: the templates are in memory and no filter is async, and renderSync
// skips liquidjs's promise machinery (about a quarter of a message's render time). The parse,
// render and memory limits apply the same way.
function liquid(mode: 'html' | 'text', source: string, data: object): string {
  const engine = mode === 'html' ? htmlEngine : textEngine;
  const out: unknown = engine.renderSync(parse(engine, source), data);
  return typeof out === 'string' ? out : '';
}

// ---------------------------------------------------------------------------------------------
// Formatting
// ---------------------------------------------------------------------------------------------

const moneyFormats = new Map<string, Intl.NumberFormat>();

/**
 * An amount in minor units for people: `€ 1.234,56` (nl), `€1,234.56` (en), `1 234,56 €` (fr),
 * `1.234,56 €` (de). Exact for any size: the digits go to Intl as a decimal string, never as a
 * float. Non-breaking spaces are U+00A0 (also where Intl uses U+202F), so the text stays in
 * Latin-1 for PDF fonts.
 */
export function formatMoney(minor: bigint, currency: string, language: Language): string {
  const key = `${language}:${currency}`;
  let format = moneyFormats.get(key);
  if (format === undefined) {
    const digits = currencyExponent(currency);
    format = new Intl.NumberFormat(LAYOUT_STRINGS[language].locale, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
    moneyFormats.set(key, format);
  }
  return format.format(formatAmount(minor, currency) as `${number}`).replace(/\u202f/g, '\u00a0');
}

const dateFormats = new Map<Language, Intl.DateTimeFormat>();
// Long dates already formatted, by language and date (Intl formatting is slow next to a lookup).
const longDates = new Map<string, string>();

/** `22 november 2026` (nl), `22 November 2026` (en), `1er novembre 2026` (fr), `22. November 2026` (de). */
export function formatDate(date: string, language: Language, style: 'long' | 'short' = 'long'): string {
  const cacheKey = `${language}${date}`;
  if (style === 'long') {
    const cached = longDates.get(cacheKey);
    if (cached !== undefined) return cached;
  }
  if (!isBusinessDate(date)) throw new RangeError(`Not a valid date: ${JSON.stringify(date)} (use YYYY-MM-DD)`);
  if (style === 'short') {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const sep = language === 'nl' ? '-' : language === 'de' ? '.' : '/';
    return `${d}${sep}${m}${sep}${y}`;
  }
  let format = dateFormats.get(language);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(LAYOUT_STRINGS[language].locale, { dateStyle: 'long', timeZone: 'UTC' });
    dateFormats.set(language, format);
  }
  const text = format.format(new Date(`${date}T00:00:00Z`));
  const result = language === 'fr' ? text.replace(/^1 /, '1er ') : text;
  if (longDates.size >= 20_000) longDates.clear();
  longDates.set(cacheKey, result);
  return result;
}

// GSM 03.38: the basic character set (1 unit) and the extension table (2 units: escape + char).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f');

/** Length of `text` in GSM-7 septets (what the 160-character SMS limit counts), or null when it needs UCS-2. */
export function gsm7Length(text: string): number | null {
  let n = 0;
  for (const ch of text) {
    if (GSM7_BASIC.has(ch)) n += 1;
    else if (GSM7_EXTENDED.has(ch)) n += 2;
    else return null;
  }
  return n;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const ESCAPED = /[&<>"']/g;

function esc(s: string): string {
  ESCAPED.lastIndex = 0;
  return ESCAPED.test(s) ? s.replace(ESCAPED, (c) => ESCAPES[c] ?? c) : s;
}

function httpUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`${what} is not a URL: ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError(`${what} must be an http(s) URL`);
  return url.href;
}

function present(value: string | null | undefined): string | null {
  const v = value?.trim() ?? '';
  return v === '' ? null : v;
}

// ---------------------------------------------------------------------------------------------
// Resolving the input
// ---------------------------------------------------------------------------------------------

function resolveLanguage(requested: string | null | undefined, organisationCountry: string, def: TemplateDefinition): Language {
  const code = (requested ?? '').trim().toLowerCase().slice(0, 2);
  const wanted: Language = (LANGUAGES as readonly string[]).includes(code) ? (code as Language) : organisationCountry === 'NL' || organisationCountry === 'BE' ? 'nl' : 'en';
  for (const l of [wanted, 'en', 'nl', ...LANGUAGES] as const) if (def.languages[l] !== undefined) return l;
  throw new RangeError(`Template ${def.name} has no text in any language`);
}

function resolveTone(tone: string): Tone {
  return (TONES as readonly string[]).includes(tone) ? (tone as Tone) : 'neutral';
}

interface Reference {
  kind: ReferenceKind;
  display: string;
  /** The value for the EPC structured reference; null when the reference is free text. */
  structured: string | null;
}

function resolveReference(text: string | null, organisationCountry: string): Reference | null {
  if (text === null) return null;
  const n = normalizeReference(text, organisationCountry === 'BE' ? 'BE' : organisationCountry === 'NL' ? 'NL' : undefined);
  if (n === null) return { kind: 'other', display: text, structured: null };
  switch (n.scheme) {
    case 'be-ogm':
      return { kind: 'be-ogm', display: formatOgm(n.value), structured: n.value };
    case 'rf':
      return { kind: 'rf', display: formatRf(n.value), structured: n.value };
    case 'nl-kenmerk':
      return { kind: 'nl-kenmerk', display: n.value.replace(/(\d{4})(?!$)/g, '$1 '), structured: n.value };
  }
}

const DEFAULT_COLOR = '#1f3a5f';

function brandColor(value: string | null | undefined): string {
  const v = value?.trim() ?? '';
  return /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v) ? v : DEFAULT_COLOR;
}

/** Dark text on light brand colours, white on dark ones (WCAG relative luminance). */
function textOn(color: string): string {
  const hex = color.length === 4 ? color.slice(1).replace(/./g, '$&$&') : color.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.4 ? '#111827' : '#ffffff';
}

function logoUrl(value: string | null | undefined): string | null {
  const v = present(value);
  if (v === null) return null;
  try {
    const url = new URL(v);
    return url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function regionName(code: string, language: Language): string {
  try {
    return new Intl.DisplayNames([LAYOUT_STRINGS[language].locale], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

interface Prepared {
  def: TemplateDefinition;
  content: TemplateContent;
  language: Language;
  tone: Tone;
  strings: LayoutStrings;
  data: TemplateData;
  reference: Reference | null;
  payLink: string;
  receiptLink: string | null;
}

interface TemplateData {
  organisation: Record<string, string | null>;
  debtor: Record<string, string | null>;
  invoices: Record<string, string | null>[];
  invoice_count: number;
  many: boolean;
  invoice_label: string;
  invoice_numbers: string;
  first_due_date: string;
  first_due_date_short: string;
  total: string;
  stated_costs: string | null;
  total_with_costs: string | null;
  has_costs: boolean;
  deadline: string | null;
  deadline_short: string | null;
  note: string | null;
  date: string;
  pay_link: string;
  receipt_link: string | null;
  payment_reference: string | null;
  channel: Channel;
  letter: boolean;
  tone: Tone;
  contact: string | null;
  /** SMS only: true on the second try when the first text was longer than one SMS. */
  short: boolean;
}

function prepare(input: RenderInput): Prepared {
  const def = getTemplate(input.template);
  if (def === undefined) throw new RangeError(`Unknown template: ${JSON.stringify(input.template)}`);
  const org = input.organisation;
  const language = resolveLanguage(input.language, org.country, def);
  const content = def.languages[language]!;
  const tone = resolveTone(input.tone);
  const strings = LAYOUT_STRINGS[language];

  if (input.invoices.length === 0) throw new RangeError(`${def.name}: at least one invoice is needed`);
  for (const inv of input.invoices) {
    if (inv.currency !== input.currency) throw new RangeError(`${def.name}: invoice ${inv.number} is in ${inv.currency}, the message in ${input.currency}`);
  }
  const deadline = present(input.deadline);
  const statedCosts = input.statedCosts ?? null;
  for (const need of def.requires) {
    if (need === 'deadline' && deadline === null) throw new RangeError(`${def.name}: a deadline is required`);
    if (need === 'statedCosts' && (statedCosts === null || statedCosts < 0n)) throw new RangeError(`${def.name}: the stated costs are required`);
    if (need === 'registrationNumber' && present(org.cocNumber) === null) throw new RangeError(`${def.name}: the organisation's enterprise number is required`);
  }
  const payLink = httpUrl(input.payLink, 'payLink');
  const receiptLinkText = present(input.receiptLink);
  const receiptLink = receiptLinkText === null ? null : httpUrl(receiptLinkText, 'receiptLink');
  const reference = resolveReference(present(input.paymentReference), org.country);

  const money = (minor: bigint): string => formatMoney(minor, input.currency, language);
  const numbers = input.invoices.map((i) => i.number).join(', ');
  const firstDue = input.invoices.map((i) => i.dueDate).reduce((a, b) => (b < a ? b : a));
  const data: TemplateData = {
    organisation: {
      name: org.legalName,
      iban: formatIban(org.iban),
      bic: present(org.bic),
      vat_number: present(org.vatNumber),
      registration_number: present(org.cocNumber),
      registration_label: strings.registration(org.country),
      country: org.country,
      address: present(org.address),
      email: present(org.email),
      phone: present(org.phone),
    },
    debtor: {
      name: input.debtor.name,
      number: input.debtor.number,
      kind: input.debtor.kind,
      address_line: present(input.debtor.addressLine),
      postal_code: present(input.debtor.postalCode),
      city: present(input.debtor.city),
      country: present(input.debtor.country),
      contact_name: present(input.debtor.contactName),
    },
    invoices: input.invoices.map((i) => ({
      number: i.number,
      issue_date: formatDate(i.issueDate, language),
      due_date: formatDate(i.dueDate, language),
      open_amount: money(i.openAmount),
      description: present(i.description),
    })),
    invoice_count: input.invoices.length,
    many: input.invoices.length > 1,
    invoice_label: strings.invoiceLabel(input.invoices.length, numbers),
    invoice_numbers: numbers,
    first_due_date: formatDate(firstDue, language),
    first_due_date_short: formatDate(firstDue, language, 'short'),
    total: money(input.total),
    stated_costs: statedCosts === null ? null : money(statedCosts),
    total_with_costs: statedCosts === null ? null : money(input.total + statedCosts),
    has_costs: statedCosts !== null && statedCosts > 0n,
    deadline: deadline === null ? null : formatDate(deadline, language),
    deadline_short: deadline === null ? null : formatDate(deadline, language, 'short'),
    note: present(input.note),
    date: formatDate(input.date, language),
    pay_link: payLink,
    receipt_link: receiptLink,
    payment_reference: reference?.display ?? null,
    channel: input.channel,
    letter: input.channel === 'letter',
    tone,
    contact: present(strings.contact(present(org.email), present(org.phone))),
    short: false,
  };
  return { def, content, language, tone, strings, data, reference, payLink, receiptLink };
}

/**
 * Renders any Liquid source with the variables renderMessage gives its templates (for previews of
 * custom texts, and to test the sandbox). `html` escapes every output.
 */
export function renderTemplateString(source: string, input: RenderInput, mode: 'html' | 'text'): Promise<string> {
  // A throw (bad input, a sandbox limit) becomes a rejection, as before.
  return new Promise((resolve) => resolve(liquid(mode, source, prepare(input).data)));
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

interface Paragraph {
  callout: boolean;
  lines: string[];
}

function paragraphs(rendered: string): Paragraph[] {
  return rendered
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const callout = p.startsWith('> ');
      const lines = (callout ? p.slice(2) : p).split('\n').map((l) => l.trim()).filter((l) => l !== '');
      return { callout, lines };
    });
}

interface Parts {
  notice: Paragraph[];
  before: Paragraph[];
  terms: Paragraph[];
  after: Paragraph[];
}

function renderParts(p: Prepared, mode: 'html' | 'text'): Parts {
  const { content, tone } = p;
  const toneText = content.tones?.[tone] ?? content.tones?.neutral;
  const r = (source: string | undefined): string => (source === undefined ? '' : liquid(mode, source, p.data));
  return {
    notice: paragraphs(r(content.notice)),
    before: [...paragraphs(r(toneText?.opening)), ...paragraphs(r(content.intro))],
    terms: paragraphs(r(content.terms)),
    after: [...paragraphs(r(content.outro)), ...paragraphs(r(toneText?.closing))],
  };
}

const FONT = 'Arial, Helvetica, sans-serif';

function htmlParagraphs(list: Paragraph[], color: string): string {
  return list
    .map((p) =>
      p.callout
        ? `<p style="margin:0 0 16px;padding:12px 16px;background:#f3f4f6;border-left:4px solid ${color};">${p.lines.join('<br>\n')}</p>`
        : `<p style="margin:0 0 16px;">${p.lines.join('<br>\n')}</p>`,
    )
    .join('\n');
}

function htmlNotice(list: Paragraph[]): string {
  return list.map((p) => `<p style="margin:0 0 20px;padding:10px 14px;border:1px solid #d1d5db;background:#fffbeb;font-size:13px;font-style:italic;">${p.lines.join('<br>\n')}</p>`).join('\n');
}

function htmlInvoiceTable(p: Prepared, color: string): string {
  const t = p.strings.table;
  const amountHead = p.def.table === 'settled' ? t.settled : t.open;
  const totalHead = p.def.table === 'settled' ? t.totalSettled : t.totalOpen;
  const th = (label: string, align: 'left' | 'right'): string => `<th align="${align}" style="padding:8px 6px;border-bottom:2px solid ${color};text-align:${align};font-size:13px;">${esc(label)}</th>`;
  const td = (html: string, align: 'left' | 'right'): string => `<td align="${align}" style="padding:8px 6px;border-bottom:1px solid #e5e7eb;text-align:${align};vertical-align:top;">${html}</td>`;
  const rows = p.data.invoices
    .map((i) => {
      const description = i.description === null ? '' : `<br><span style="color:#6b7280;font-size:12px;">${esc(i.description ?? '')}</span>`;
      return `<tr>${td(esc(i.number ?? '') + description, 'left')}${td(esc(i.issue_date ?? ''), 'left')}${td(esc(i.due_date ?? ''), 'left')}${td(esc(i.open_amount ?? ''), 'right')}</tr>`;
    })
    .join('\n');
  return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;margin:8px 0 24px;font-size:14px;">
<thead><tr>${th(t.invoice, 'left')}${th(t.issueDate, 'left')}${th(t.dueDate, 'left')}${th(amountHead, 'right')}</tr></thead>
<tbody>
${rows}
</tbody>
<tfoot><tr><td colspan="3" style="padding:10px 6px;font-weight:bold;">${esc(totalHead)}</td><td align="right" style="padding:10px 6px;font-weight:bold;text-align:right;white-space:nowrap;">${esc(p.data.total)}</td></tr></tfoot>
</table>`;
}

function bankRows(p: Prepared, input: RenderInput): [string, string][] {
  const s = p.strings;
  const rows: [string, string][] = [
    [s.amount, p.data.total],
    ['IBAN', p.data.organisation.iban ?? ''],
  ];
  if (p.data.organisation.bic) rows.push(['BIC', p.data.organisation.bic]);
  rows.push([s.beneficiary, input.organisation.legalName]);
  if (p.reference !== null) rows.push([s.reference(p.reference.kind), p.reference.display]);
  else rows.push([s.description, `${s.table.invoice} ${p.data.invoice_numbers}`]);
  return rows;
}

function htmlButton(href: string, label: string, color: string): string {
  return `<table role="presentation" cellpadding="0" cellspacing="0" style="margin:8px 0 24px;"><tr><td bgcolor="${color}" style="border-radius:4px;background:${color};"><a href="${esc(href)}" style="display:inline-block;padding:12px 28px;font-family:${FONT};font-size:15px;font-weight:bold;color:${textOn(color)};text-decoration:none;border-radius:4px;">${esc(label)}</a></td></tr></table>`;
}

function htmlPayment(p: Prepared, input: RenderInput, color: string, qrSvg: string | null): string {
  const s = p.strings;
  if (!p.def.payment) return htmlButton(p.payLink, s.viewAccount, color);
  const table = `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse;font-size:14px;">
${bankRows(p, input).map(([k, v]) => `<tr><td style="padding:2px 16px 2px 0;color:#6b7280;">${esc(k)}</td><td style="padding:2px 0;font-weight:bold;">${esc(v)}</td></tr>`).join('\n')}
</table>`;
  if (p.data.letter) {
    const qr = qrSvg === null ? '' : `<td style="width:40mm;vertical-align:top;text-align:center;"><div style="width:36mm;height:36mm;margin:0 auto;">${qrSvg}</div><div style="font-size:9pt;color:#4b5563;">${esc(s.qrCaption)}</div></td>`;
    return `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 20px;border:1px solid #d1d5db;"><tr><td style="padding:12px 16px;vertical-align:top;">
<p style="margin:0 0 8px;font-weight:bold;">${esc(s.payOnline + s.colon)}<a href="${esc(p.payLink)}" style="color:${color};">${esc(p.payLink)}</a></p>
${table}
</td>${qr}</tr></table>`;
  }
  return `${htmlButton(p.payLink, s.payNow, color)}
<div style="margin:0 0 24px;padding:16px;background:#f9fafb;border-radius:4px;">
<p style="margin:0 0 4px;font-weight:bold;">${esc(s.bankDetailsTitle)}</p>
<p style="margin:0 0 8px;">${esc(s.bankDetailsIntro)}</p>
${table}
</div>`;
}

function htmlReceipt(p: Prepared, color: string): string {
  if (p.receiptLink === null || p.def.table !== 'open' || p.def.formal) return '';
  const s = p.strings;
  const a = (label: string): string => `<a href="${esc(p.receiptLink ?? '')}" style="color:${color};">${esc(label)}</a>`;
  return `<p style="margin:24px 0 0;padding-top:16px;border-top:1px solid #e5e7eb;font-size:13px;color:#4b5563;">${esc(s.receiptQuestion)} ${a(s.receiptConfirm)}. ${esc(s.problemQuestion)} ${a(s.problemReport)}.</p>`;
}

function footerItems(p: Prepared, input: RenderInput): string[][] {
  const org = input.organisation;
  const s = p.strings;
  const first = [org.legalName, ...(present(org.address)?.split('\n').map((l) => l.trim()).filter((l) => l !== '') ?? [])];
  const second: string[] = [];
  if (present(org.cocNumber)) second.push(`${s.registration(org.country)}${s.colon}${present(org.cocNumber)}`);
  if (present(org.vatNumber)) second.push(`${s.vat}${s.colon}${present(org.vatNumber)}`);
  second.push(`IBAN${s.colon}${formatIban(org.iban)}`);
  if (present(org.bic)) second.push(`BIC${s.colon}${present(org.bic)}`);
  const third = [present(org.email), present(org.phone)].filter((v): v is string => v !== null);
  const custom = present(org.branding?.footer);
  return [first, second, third, custom === null ? [] : [custom]].filter((l) => l.length > 0);
}

function signOffLines(p: Prepared, input: RenderInput): string[] {
  return [p.strings.signOff(p.def.formal), '', input.organisation.legalName, p.strings.department];
}

function salutation(p: Prepared, input: RenderInput): string {
  const name = present(input.debtor.contactName) ?? (input.debtor.kind === 'consumer' ? input.debtor.name : null);
  return p.strings.salutation(name, p.def.formal, p.tone);
}

function htmlEmail(p: Prepared, input: RenderInput, parts: Parts, subject: string): string {
  const color = brandColor(input.organisation.branding?.primaryColor);
  const logo = logoUrl(input.organisation.branding?.logoUrl);
  const header = logo === null
    ? `<span style="font-size:20px;font-weight:bold;color:${textOn(color)};">${esc(input.organisation.legalName)}</span>`
    : `<img src="${esc(logo)}" alt="${esc(input.organisation.legalName)}" style="max-height:48px;max-width:240px;border:0;display:block;">`;
  const signOff = signOffLines(p, input);
  return `<!DOCTYPE html>
<html lang="${p.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${esc(subject)}</title>
</head>
<body style="margin:0;padding:0;background:#f3f4f6;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 12px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;font-family:${FONT};font-size:15px;line-height:1.5;color:#1f2937;">
<tr><td style="background:${color};padding:20px 32px;border-radius:6px 6px 0 0;">${header}</td></tr>
<tr><td style="padding:32px;">
${htmlNotice(parts.notice)}
<p style="margin:0 0 16px;">${esc(salutation(p, input))}</p>
${htmlParagraphs(parts.before, color)}
${htmlInvoiceTable(p, color)}
${htmlParagraphs(parts.terms, color)}
${htmlPayment(p, input, color, null)}
${htmlParagraphs(parts.after, color)}
<p style="margin:24px 0 0;">${esc(signOff[0] ?? '')}</p>
<p style="margin:8px 0 0;"><strong>${esc(signOff[2] ?? '')}</strong><br>${esc(signOff[3] ?? '')}</p>
${htmlReceipt(p, color)}
</td></tr>
<tr><td style="background:#f9fafb;padding:20px 32px;border-top:1px solid #e5e7eb;border-radius:0 0 6px 6px;font-size:12px;line-height:1.6;color:#6b7280;">
${footerItems(p, input).map((line) => esc(line.join(' · '))).join('<br>\n')}
</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
}

function htmlLetter(p: Prepared, input: RenderInput, parts: Parts, subject: string, qrSvg: string | null): string {
  const color = brandColor(input.organisation.branding?.primaryColor);
  const logo = logoUrl(input.organisation.branding?.logoUrl);
  const org = input.organisation;
  const d = input.debtor;
  const s = p.strings;
  const sender = [org.legalName, ...(present(org.address)?.split('\n').map((l) => l.trim()).filter((l) => l !== '') ?? []), present(org.phone), present(org.email)].filter((v): v is string => v !== null && v !== '');
  const recipient = [
    d.name,
    present(d.contactName) === null ? null : `${s.attention} ${present(d.contactName)}`,
    present(d.addressLine),
    [present(d.postalCode), present(d.city)].filter((v) => v !== null).join('  ') || null,
    present(d.country) !== null && present(d.country)?.toUpperCase() !== org.country.toUpperCase() ? regionName(present(d.country) ?? '', p.language).toUpperCase() : null,
  ].filter((v): v is string => v !== null);
  const signOff = signOffLines(p, input);
  return `<!DOCTYPE html>
<html lang="${p.language}">
<head>
<meta charset="utf-8">
<title>${esc(subject)}</title>
<style>
@page { size: A4; margin: 18mm 20mm 22mm 25mm; }
body { font-family: ${FONT}; font-size: 10.5pt; line-height: 1.45; color: #111827; margin: 0; }
a { color: ${color}; }
</style>
</head>
<body>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 14mm;"><tr>
<td style="vertical-align:top;">${logo === null ? `<div style="font-size:16pt;font-weight:bold;color:${color};">${esc(org.legalName)}</div>` : `<img src="${esc(logo)}" alt="${esc(org.legalName)}" style="max-height:18mm;max-width:70mm;">`}</td>
<td style="vertical-align:top;text-align:right;font-size:9pt;color:#4b5563;">${sender.map(esc).join('<br>')}</td>
</tr></table>
<div style="min-height:30mm;margin:0 0 10mm;">${recipient.map(esc).join('<br>\n')}</div>
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 8mm;font-size:10pt;">
<tr><td style="padding:1px 12px 1px 0;color:#4b5563;">${esc(s.date)}</td><td>${esc(p.data.date)}</td></tr>
<tr><td style="padding:1px 12px 1px 0;color:#4b5563;">${esc(s.customerNumber)}</td><td>${esc(d.number)}</td></tr>
<tr><td style="padding:1px 12px 1px 0;color:#4b5563;">${esc(s.subject)}</td><td><strong>${esc(subject)}</strong></td></tr>
</table>
${htmlNotice(parts.notice)}
<p style="margin:0 0 12px;">${esc(salutation(p, input))}</p>
${htmlParagraphs(parts.before, color)}
${htmlInvoiceTable(p, color)}
${htmlParagraphs(parts.terms, color)}
${htmlPayment(p, input, color, qrSvg)}
${htmlParagraphs(parts.after, color)}
<p style="margin:18px 0 0;">${esc(signOff[0] ?? '')}</p>
<p style="margin:12mm 0 0;"><strong>${esc(signOff[2] ?? '')}</strong><br>${esc(signOff[3] ?? '')}</p>
${htmlReceipt(p, color)}
<div style="margin-top:12mm;padding-top:3mm;border-top:1px solid #d1d5db;font-size:8pt;color:#6b7280;">
${footerItems(p, input).map((line) => esc(line.join(' · '))).join('<br>\n')}
</div>
</body>
</html>
`;
}

function textParagraphs(list: Paragraph[]): string[] {
  return list.map((p) => p.lines.join('\n'));
}

function textBody(p: Prepared, input: RenderInput, parts: Parts): string {
  const s = p.strings;
  const t = s.table;
  const c = s.colon;
  const blocks: string[] = [...textParagraphs(parts.notice), salutation(p, input), ...textParagraphs(parts.before)];
  blocks.push(
    [
      ...p.data.invoices.map((i) => `- ${t.invoice} ${i.number}${i.description ? ` (${i.description})` : ''}${c}${i.open_amount}\n  ${t.issueDate}${c}${i.issue_date} · ${t.dueDate}${c}${i.due_date}`),
      `${p.def.table === 'settled' ? t.totalSettled : t.totalOpen}${c}${p.data.total}`,
    ].join('\n'),
  );
  blocks.push(...textParagraphs(parts.terms));
  if (p.def.payment) {
    blocks.push(`${s.payOnline}${c}${p.payLink}`);
    blocks.push([`${s.bankDetailsTitle} ${s.bankDetailsIntro}`, ...bankRows(p, input).map(([k, v]) => `${k}${c}${v}`)].join('\n'));
  } else {
    blocks.push(`${s.viewAccount}${c}${p.payLink}`);
  }
  blocks.push(...textParagraphs(parts.after));
  blocks.push(signOffLines(p, input).join('\n'));
  if (p.receiptLink !== null && p.def.table === 'open' && !p.def.formal) {
    blocks.push(`${s.receiptQuestion} ${s.receiptConfirm}${c}${p.receiptLink}\n${s.problemQuestion} ${s.problemReport}${c}${p.receiptLink}`);
  }
  blocks.push(['--', ...footerItems(p, input).map((line) => line.join(' · '))].join('\n'));
  return `${blocks.filter((b) => b.trim() !== '').join('\n\n')}\n`;
}

/** `Factuur 2026-0412, 2026-0466` within the 140 characters of the EPC text: whole numbers only. */
function invoiceText(label: string, numbers: string[]): string {
  let text = label;
  for (const [i, n] of numbers.entries()) {
    const next = `${text}${i === 0 ? ' ' : ', '}${n}`;
    if ([...next].length > 140) break;
    text = next;
  }
  return text;
}

function epcFor(p: Prepared, input: RenderInput): string | undefined {
  if (!p.def.payment || input.currency !== 'EUR') return undefined;
  const org = input.organisation;
  const text = p.reference === null ? invoiceText(p.strings.table.invoice, input.invoices.map((i) => i.number)) : p.reference.structured === null ? p.reference.display : null;
  try {
    return epcQrPayload({
      bic: present(org.bic),
      name: org.legalName,
      iban: org.iban,
      amount: input.total,
      reference: p.reference?.structured ?? null,
      text: text === null ? null : [...text].slice(0, 140).join(''),
    });
  } catch (e) {
    // NOTE: no QR code rather than no message (name over 70 characters, amount out of range …).
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}

function normalizeSms(text: string): string {
  return text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
}

const SMS_LIMIT = 160;

/** The SMS text; when it does not fit in one SMS, once more with `short` set (templates drop optional sentences). */
function renderSms(p: Prepared): string | null {
  const source = p.content.sms;
  if (source === undefined) return null;
  const full = normalizeSms(liquid('text', source, p.data));
  if ((gsm7Length(full) ?? Infinity) <= SMS_LIMIT) return full;
  return normalizeSms(liquid('text', source, { ...p.data, short: true }));
}

/** Renders a message from a shipped template. Throws RangeError on unusable input. */
export async function renderMessage(input: RenderInput): Promise<RenderedMessage> {
  const p = prepare(input);
  const htmlParts = renderParts(p, 'html');
  const textParts = renderParts(p, 'text');
  const subjectText = liquid('text', p.content.subject, p.data);
  const smsText = renderSms(p);
  const subject = normalizeSms(subjectText);
  const epcPayload = epcFor(p, input);
  const qrSvg = p.data.letter && epcPayload !== undefined ? await epcQrSvg(epcPayload) : null;
  const html = p.data.letter ? htmlLetter(p, input, htmlParts, subject, qrSvg) : htmlEmail(p, input, htmlParts, subject);
  const result: RenderedMessage = { subject, html, text: textBody(p, input, textParts), language: p.language };
  if (smsText !== null) result.sms = smsText;
  if (epcPayload !== undefined) result.epcPayload = epcPayload;
  return result;
}
