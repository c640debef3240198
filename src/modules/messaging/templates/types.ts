// The shape of a shipped message template. Texts are Liquid, rendered from in-memory strings only
// (see ../render.ts for the sandbox). Amounts and dates arrive preformatted as strings: a template
// never does arithmetic on money.
//
// A body is a sequence of paragraphs separated by a blank line; a single line break stays a line
// break. A paragraph that starts with `> ` is a highlighted block (the legal core of a letter).
// Order: notice, salutation, opening (tone), intro, invoice summary, terms, payment details, outro,
// closing (tone), sign-off, receipt link, footer. The layout adds everything but the texts.
//
// Variables available to every text (all strings unless noted):
//   organisation.{name, iban, bic, vat_number, registration_number, registration_label, country, address, email, phone}
//   debtor.{name, number, kind, address_line, postal_code, city, country, contact_name}
//   invoices[] .{number, issue_date, due_date, open_amount, description}
//   invoice_count (number), many (boolean: more than one invoice), invoice_label ("factuur 2026-0042" / "3 facturen"),
//   invoice_numbers ("2026-0042, 2026-0043"), first_due_date,
//   total, stated_costs, total_with_costs, has_costs (boolean), deadline, date,
//   pay_link, receipt_link, payment_reference, channel, letter (boolean), tone, contact (how to reach us),
//   short (boolean, SMS only: set on a second try when the text did not fit in 160 GSM-7 characters)

export type Language = 'nl' | 'en' | 'fr' | 'de';
export type Tone = 'friendly' | 'neutral' | 'firm';

export const LANGUAGES: readonly Language[] = ['nl', 'en', 'fr', 'de'];
export const TONES: readonly Tone[] = ['friendly', 'neutral', 'firm'];

export interface ToneText {
  /** First paragraph of the body. */
  opening: string;
  /** Last paragraph of the body, before the sign-off. */
  closing: string;
}

export interface TemplateContent {
  subject: string;
  /** Paragraphs before the invoice summary. */
  intro: string;
  /** Paragraphs between the invoice summary and the payment details: the term and its consequences. */
  terms?: string;
  /** Paragraphs after the payment details. */
  outro?: string;
  /** Short text message (aim: at most 160 GSM-7 characters with realistic data). */
  sms?: string;
  /** Opening and closing sentences per tone; an unknown tone uses `neutral`. */
  tones?: Record<Tone, ToneText>;
  /** Shown above everything else, e.g. that a letter is a courtesy translation. */
  notice?: string;
}

export interface TemplateDefinition {
  name: string;
  description: string;
  /** `open`: the invoice table shows open amounts; `settled`: the amounts a payment settled. */
  table: 'open' | 'settled';
  /** Show the pay button, bank details and (on letters) the EPC QR code. */
  payment: boolean;
  /** A legal notice: formal salutation and sign-off whatever the tone. */
  formal: boolean;
  /** Inputs the text cannot do without; rendering fails when one is missing. */
  requires: readonly ('deadline' | 'statedCosts' | 'registrationNumber')[];
  /** The legally effective language, when the other languages are courtesy translations. */
  authoritative?: Language;
  languages: Partial<Record<Language, TemplateContent>>;
}
