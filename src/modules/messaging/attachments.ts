import { createHash } from 'node:crypto';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { invoicePdf, statementPdf, type DocumentDebtor, type DocumentOrganisation } from './documents-pdf.ts';
import type { Language } from './templates/types.ts';

// The documents a message carries, made when the message is rendered and stored byte for byte
// (message_attachment, append-only): a resend, a court or the debtor's question "what did you
// send me" gets the same bytes, whatever the templates or the ledger became since.

export type AttachmentKind = 'invoice' | 'statement';

/**
 * Which templates carry which documents. Invoice delivery carries each invoice; reminders,
 * formal notices and payment requests carry the statement of account (all open items of the
 * debtor on the day of the message). Templates not listed carry nothing.
 */
export const TEMPLATE_ATTACHMENTS: Readonly<Record<string, readonly AttachmentKind[]>> = {
  invoice_delivery: ['invoice'],
  reminder_1: ['statement'],
  reminder_2: ['statement'],
  nl_14_day_letter: ['statement'],
  be_first_reminder: ['statement'],
  formal_notice: ['statement'],
  payment_request: ['statement'],
};

/** Channels whose messages carry documents (an e-mail attaches them, a letter encloses them). */
const CHANNELS_WITH_DOCUMENTS = new Set(['email', 'letter']);

export interface StoredAttachment {
  position: number;
  kind: AttachmentKind;
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
  source: 'rendered' | 'original';
}

const EMBEDDED = /<(?:[\w.-]+:)?EmbeddedDocumentBinaryObject\b([^>]*)>([^<]*)<\/(?:[\w.-]+:)?EmbeddedDocumentBinaryObject\s*>/g;

function attribute(attributes: string, name: string): string | null {
  const m = new RegExp(`\\b${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attributes);
  return m ? (m[2] ?? m[3] ?? null) : null;
}

/**
 * The PDF an ERP embedded in its UBL invoice (cac:AdditionalDocumentReference /
 * cbc:EmbeddedDocumentBinaryObject, mimeCode application/pdf): the first one whose bytes are a PDF.
 */
export function embeddedPdf(ublXml: string): { filename: string | null; content: Buffer } | null {
  for (const m of ublXml.matchAll(EMBEDDED)) {
    const attributes = m[1] ?? '';
    if ((attribute(attributes, 'mimeCode') ?? '').toLowerCase() !== 'application/pdf') continue;
    const content = Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64');
    if (content.subarray(0, 5).toString('latin1') !== '%PDF-') continue;
    return { filename: attribute(attributes, 'filename'), content };
  }
  return null;
}

function safeFilename(name: string): string {
  const cleaned = name.replace(/[^\p{L}\p{N}._ -]+/gu, '-').replace(/^[.-]+/, '').slice(0, 100);
  return cleaned === '' ? 'document' : cleaned;
}

function documentOrganisation(org: Organisation): DocumentOrganisation {
  return {
    legalName: org.legal_name, country: org.country, iban: org.iban, bic: org.bic, vatNumber: org.vat_number, cocNumber: org.coc_number,
    primaryColor: (org.branding as { primaryColor?: string }).primaryColor ?? null,
  };
}

/** The source of a message's documents: which template, for whom, which invoices, on which day. */
export interface AttachmentSource {
  message_id: string;
  debtor_id: string;
  invoice_ids: string[];
  template: string;
  channel: string | null;
  scheduled_for: string;
}

/** Makes and stores the documents of a message that was just rendered; returns how many. */
export async function storeAttachments(trx: Trx, org: Organisation, m: AttachmentSource, language: Language): Promise<number> {
  const kinds = TEMPLATE_ATTACHMENTS[m.template] ?? [];
  if (kinds.length === 0 || !CHANNELS_WITH_DOCUMENTS.has(m.channel ?? '')) return 0;
  const d = await trx.selectFrom('debtor').selectAll().where('debtor_id', '=', m.debtor_id).executeTakeFirstOrThrow();
  const debtor: DocumentDebtor = { name: d.name, number: d.number, addressLine: d.address_line, postalCode: d.postal_code, city: d.city, country: d.country, vatNumber: d.vat_number };
  const organisation = documentOrganisation(org);
  const documents: Omit<StoredAttachment, 'position' | 'sha256'>[] = [];
  const invoiceIds: (string | null)[] = [];
  for (const kind of kinds) {
    if (kind === 'invoice' && m.invoice_ids.length > 0) {
      const invoices = await trx
        .selectFrom('invoice')
        .select(['invoice_id', 'number', 'kind', 'issue_date', 'due_date', 'currency', 'amount_total', 'vat_amount', 'open_amount', 'po_number', 'payment_reference', 'original_format', 'original_document'])
        .where('invoice_id', 'in', m.invoice_ids)
        .orderBy('due_date')
        .orderBy('number')
        .execute();
      for (const i of invoices) {
        // NOTE: the ERP's own PDF, when its UBL carried one, is the invoice as issued: sent bytes for bytes.
        const original = i.original_format === 'ubl' && i.original_document ? embeddedPdf(i.original_document) : null;
        const content = original
          ? original.content
          : Buffer.from(await invoicePdf({
            language, organisation, debtor,
            invoice: {
              number: i.number, kind: i.kind, issueDate: i.issue_date, dueDate: i.due_date, currency: i.currency, amountTotal: i.amount_total, vatAmount: i.vat_amount,
              openAmount: i.open_amount, poNumber: i.po_number, paymentReference: i.payment_reference,
            },
          }));
        documents.push({ kind, filename: safeFilename(original?.filename ?? `${i.number}.pdf`), contentType: 'application/pdf', content, source: original ? 'original' : 'rendered' });
        invoiceIds.push(i.invoice_id);
      }
    } else if (kind === 'statement') {
      const items = await trx
        .selectFrom('invoice')
        .select(['number', 'kind', 'issue_date', 'due_date', 'currency', 'amount_total', 'open_amount', 'payment_reference'])
        .where('debtor_id', '=', m.debtor_id)
        .where('open_amount', '<>', 0n)
        .execute();
      const content = await statementPdf({
        language, date: m.scheduled_for, organisation, debtor,
        items: items.map((i) => ({ number: i.number, kind: i.kind, issueDate: i.issue_date, dueDate: i.due_date, currency: i.currency, amountTotal: i.amount_total, openAmount: i.open_amount, paymentReference: i.payment_reference })),
      });
      documents.push({ kind, filename: safeFilename(`${statementName[language]} ${d.number} ${m.scheduled_for}.pdf`), contentType: 'application/pdf', content: Buffer.from(content), source: 'rendered' });
      invoiceIds.push(null);
    }
  }
  if (documents.length === 0) return 0;
  await trx
    .insertInto('message_attachment')
    .values(documents.map((doc, position) => ({
      org_id: org.org_id, message_id: m.message_id, position, kind: doc.kind, invoice_id: invoiceIds[position] ?? null, source: doc.source,
      filename: doc.filename, content_type: doc.contentType, content: doc.content, sha256: createHash('sha256').update(doc.content).digest('hex'),
    })))
    .execute();
  return documents.length;
}

const statementName: Record<Language, string> = { nl: 'Rekeningoverzicht', en: 'Statement', fr: 'Releve de compte', de: 'Kontoauszug' };

/** The stored documents of a message, in order. */
export async function attachmentsOf(trx: Trx, messageId: string): Promise<StoredAttachment[]> {
  const rows = await trx
    .selectFrom('message_attachment')
    .select(['position', 'kind', 'filename', 'content_type', 'content', 'sha256', 'source'])
    .where('message_id', '=', messageId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ position: r.position, kind: r.kind, filename: r.filename, contentType: r.content_type, content: Buffer.from(r.content), sha256: r.sha256, source: r.source }));
}

/** The stored documents of a message, for a transport (outside any other transaction). */
export async function attachmentsForSending(db: Db, orgId: string, messageId: string): Promise<{ filename: string; content: Buffer; contentType: string }[]> {
  const stored = await inOrg(db, orgId, (trx) => attachmentsOf(trx, messageId));
  return stored.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType }));
}
