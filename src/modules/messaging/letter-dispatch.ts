import type { Db } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { letterPdf } from './letter-pdf.ts';
import type { OutgoingLetter } from './transport.ts';

/** The fields of a claimed outbox message a letter is made from. */
export interface LetterSource {
  message_id: string;
  debtor_id: string;
  invoice_ids: string[];
  subject: string | null;
  body_text: string | null;
  amount_total: bigint;
  scheduled_for: string;
  data: unknown;
}

/** The printed letter of a rendered outbox message: its stored text, laid out for a window envelope. */
export async function letterForMessage(db: Db, org: Organisation, m: LetterSource): Promise<OutgoingLetter> {
  const { debtor, reference } = await inOrg(db, org.org_id, async (trx) => {
    const debtor = await trx.selectFrom('debtor').select(['name', 'address_line', 'postal_code', 'city', 'country']).where('debtor_id', '=', m.debtor_id).executeTakeFirstOrThrow();
    const invoices = m.invoice_ids.length ? await trx.selectFrom('invoice').select('payment_reference').where('invoice_id', 'in', m.invoice_ids).execute() : [];
    return { debtor, reference: invoices.length === 1 ? (invoices[0]!.payment_reference ?? null) : null };
  });
  const lines = [debtor.address_line, `${debtor.postal_code ?? ''} ${debtor.city ?? ''}`.trim(), debtor.country && debtor.country !== org.country ? debtor.country : null].filter((l): l is string => Boolean(l));
  const registered = (m.data as { registered?: boolean } | null)?.registered === true;
  const pdf = await letterPdf({
    organisation: { legalName: org.legal_name, addressLines: [], iban: org.iban, bic: org.bic, vatNumber: org.vat_number, cocNumber: org.coc_number, primaryColor: (org.branding as { primaryColor?: string }).primaryColor ?? null },
    recipient: { name: debtor.name, lines },
    date: m.scheduled_for, subject: m.subject ?? '', body: m.body_text ?? '',
    payment: m.amount_total > 0n ? { amount: m.amount_total, reference } : null,
    registered,
  });
  return { idempotencyKey: m.message_id, recipient: { name: debtor.name, lines, country: debtor.country }, pdf, registered };
}
