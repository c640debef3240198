import { createHash } from 'node:crypto';
import { PDFDocument } from 'pdf-lib';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { letterPdf, type LetterInput } from './letter-pdf.ts';
import type { OutgoingLetter } from './transport.ts';
import { attachmentsOf } from './attachments.ts';

// A letter is laid out once, when its message is rendered, and the PDF is stored in
// message_document: the dispatcher, a re-send after a crash, the bundle for own printing and the
// dossier all use those exact bytes.

/** The fields of a rendered outbox message a letter is made from. */
export interface LetterSource {
  message_id: string;
  debtor_id: string;
  invoice_ids: string[];
  subject: string | null;
  body_text: string | null;
  amount_total: bigint;
  scheduled_for: string;
  data: unknown;
  template?: string;
  language?: string;
}

export interface StoredLetter {
  pdf: Uint8Array;
  sha256: string;
  pages: number;
}

/** What a registered letter costs on top of an ordinary one, in minor units, unless the organisation sets `messaging.costs.registered`. */
// NOTE: a PostNL registered letter cost €9.05 against a €0.96 stamp in 2021 (NRC, 2020-10-12) and has
// risen since: a supplement of roughly €8–9 over an ordinary letter; print-and-mail providers charge a
// similar supplement for their registered product. 900 cents is a round default: set the contract's.
export const DEFAULT_REGISTERED_EXTRA = 900n;
export const DEFAULT_LETTER_COST = 150n;

export function isRegistered(data: unknown): boolean {
  return typeof data === 'object' && data !== null && (data as { registered?: unknown }).registered === true;
}

/** What one letter costs the organisation: `messaging.costs.letter` (+ `messaging.costs.registered`). */
export function letterCost(org: Organisation, registered: boolean): bigint {
  const costs = (org.messaging.costs ?? {}) as Record<string, unknown>;
  const letter = typeof costs.letter === 'number' ? BigInt(costs.letter) : DEFAULT_LETTER_COST;
  const extra = typeof costs.registered === 'number' ? BigInt(costs.registered) : DEFAULT_REGISTERED_EXTRA;
  return registered ? letter + extra : letter;
}

const LABELS: Record<string, { page: string; scanToPay: string; registered: string; attention: string }> = {
  nl: { page: 'Pagina ', scanToPay: 'Scan om te betalen', registered: 'AANGETEKEND', attention: 't.a.v.' },
  fr: { page: 'Page ', scanToPay: 'Scannez pour payer', registered: 'RECOMMANDÉ', attention: "à l'attention de" },
  de: { page: 'Seite ', scanToPay: 'Zum Bezahlen scannen', registered: 'EINSCHREIBEN', attention: 'z. Hd.' },
  en: { page: 'Page ', scanToPay: 'Scan to pay', registered: 'REGISTERED MAIL', attention: 'Attn.' },
};

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The postal address a letter goes to: the dunning contact's, else the debtor's (as the dispatcher chose). */
export async function letterRecipient(trx: Trx, org: Organisation, debtorId: string, language: string): Promise<OutgoingLetter['recipient']> {
  const debtor = await trx.selectFrom('debtor').select(['name', 'address_line', 'postal_code', 'city', 'country']).where('debtor_id', '=', debtorId).executeTakeFirstOrThrow();
  const dunning = await trx.selectFrom('debtor_contact').select(['name', 'address_line', 'postal_code', 'city', 'country']).where('debtor_id', '=', debtorId).where('purpose', '=', 'dunning').where('address_line', 'is not', null).orderBy('contact_id').executeTakeFirst();
  const postal = dunning ?? { ...debtor, name: null };
  const country = postal.country ?? debtor.country ?? org.country;
  const labels = LABELS[language] ?? LABELS.nl!;
  let countryLine: string | null = null;
  if (country !== org.country) {
    // NOTE: UPU convention: the destination country in capitals on the last line, in the sender's language.
    try {
      countryLine = (new Intl.DisplayNames([org.language, 'en'], { type: 'region' }).of(country) ?? country).toUpperCase();
    } catch {
      countryLine = country.toUpperCase();
    }
  }
  const lines = [dunning?.name ? `${labels.attention} ${dunning.name}` : null, postal.address_line, `${postal.postal_code ?? ''}  ${postal.city ?? ''}`.trim(), countryLine].filter((l): l is string => Boolean(l));
  return { name: debtor.name, lines, country };
}

function letterDate(date: string, language: string, city: string | null): string {
  const formatted = new Intl.DateTimeFormat(language, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${date}T00:00:00Z`));
  return city ? `${city}, ${formatted}` : formatted;
}

/** The letter's layout input: letterhead from the organisation (address in `branding`), text as rendered. */
export async function letterInput(trx: Trx, org: Organisation, m: LetterSource): Promise<{ input: LetterInput; recipient: OutgoingLetter['recipient'] }> {
  const language = ['nl', 'fr', 'de', 'en'].includes(m.language ?? '') ? m.language! : ['nl', 'fr', 'de', 'en'].includes(org.language) ? org.language : 'nl';
  const labels = LABELS[language]!;
  const recipient = await letterRecipient(trx, org, m.debtor_id, language);
  const invoices = m.invoice_ids.length ? await trx.selectFrom('invoice').select('payment_reference').where('invoice_id', 'in', m.invoice_ids).execute() : [];
  const reference = invoices.length === 1 ? (invoices[0]!.payment_reference ?? null) : null;
  const branding = org.branding;
  const city = text(branding.city);
  const addressLines = [text(branding.address_line), [text(branding.postal_code), city].filter(Boolean).join('  ') || null, text(branding.phone), text(branding.email), text(branding.website)].filter((l): l is string => l !== null);
  // NOTE: a payment confirmation states an amount received, not one to pay: no QR code on it.
  const payable = m.amount_total > 0n && m.template !== 'payment_confirmation';
  return {
    recipient,
    input: {
      organisation: { legalName: org.legal_name, addressLines, iban: org.iban, bic: org.bic, vatNumber: org.vat_number, cocNumber: org.coc_number, primaryColor: text(branding.primaryColor) },
      recipient: { name: recipient.name, lines: recipient.lines },
      date: letterDate(m.scheduled_for, language, city), subject: m.subject ?? '', body: m.body_text ?? '',
      payment: payable ? { amount: m.amount_total, reference } : null,
      labels: { page: labels.page, scanToPay: labels.scanToPay, registered: labels.registered },
      registered: isRegistered(m.data),
    },
  };
}

async function readStored(trx: Trx, messageId: string): Promise<StoredLetter | null> {
  const row = await trx.selectFrom('message_document').select(['content', 'sha256', 'pages']).where('message_id', '=', messageId).where('kind', '=', 'letter_pdf').executeTakeFirst();
  return row ? { pdf: new Uint8Array(row.content), sha256: row.sha256, pages: row.pages } : null;
}

/**
 * Lays out the letter of a rendered message and stores the PDF, once: a stored document is never
 * replaced. Also records what the letter costs (registered mail costs extra). Called when the
 * message is rendered, in the same transaction.
 */
export async function storeLetterDocument(trx: Trx, org: Organisation, m: LetterSource): Promise<StoredLetter> {
  const existing = await readStored(trx, m.message_id);
  if (existing) return existing;
  const { input } = await letterInput(trx, org, m);
  // NOTE: the documents an e-mail would attach (the invoice, the statement of account) are enclosed:
  // their pages follow the letter's, in one PDF, so print-and-mail and the bundle send them along.
  const enclosures = (await attachmentsOf(trx, m.message_id)).filter((a) => a.contentType === 'application/pdf');
  const pdf = await withEnclosures(await letterPdf(input), enclosures.map((a) => a.content));
  const pages = (await PDFDocument.load(pdf)).getPageCount();
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  await trx.insertInto('message_document').values({ org_id: org.org_id, message_id: m.message_id, kind: 'letter_pdf', content: pdf, sha256, pages }).execute();
  await trx.updateTable('outbox_message').set({ cost: letterCost(org, input.registered === true) }).where('message_id', '=', m.message_id).execute();
  return { pdf, sha256, pages };
}

/** The letter followed by the pages of each enclosure (PDFs). */
async function withEnclosures(letter: Uint8Array, enclosures: Uint8Array[]): Promise<Uint8Array> {
  if (enclosures.length === 0) return letter;
  const doc = await PDFDocument.load(letter);
  for (const bytes of enclosures) {
    const source = await PDFDocument.load(bytes);
    for (const page of await doc.copyPages(source, source.getPageIndices())) doc.addPage(page);
  }
  return doc.save();
}

/** The stored letter of a message, or null when it has none (not a letter, or not rendered yet). */
export async function storedLetter(trx: Trx, messageId: string): Promise<StoredLetter | null> {
  return readStored(trx, messageId);
}

/** The letter to hand to a transport: the stored PDF (a message rendered before documents were stored gets its document now). */
export async function letterForMessage(db: Db, org: Organisation, m: LetterSource): Promise<OutgoingLetter> {
  return inOrg(db, org.org_id, async (trx) => {
    const stored = await storeLetterDocument(trx, org, m);
    const language = m.language ?? org.language;
    const recipient = await letterRecipient(trx, org, m.debtor_id, ['nl', 'fr', 'de', 'en'].includes(language) ? language : 'nl');
    return { idempotencyKey: m.message_id, recipient, pdf: stored.pdf, registered: isRegistered(m.data) };
  });
}
