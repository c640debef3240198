import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';

// Invoice delivery: each new invoice queued once as an `invoice_delivery` message (idempotency
// key `invoice_delivery:<invoice id>`), with the invoice PDF attached when it is rendered. The
// dispatcher picks the cheapest channel that reaches the debtor (e-mail, else a letter), unless
// the debtor asked for one (debtor.invoice_channel): then only that one.
// NOTE: off by default (organisation setting messaging.invoice_delivery = true turns it on):
// most ERPs send their own invoices, and a second copy from ArFlow would confuse the debtor.

export const INVOICE_DELIVERY_TEMPLATE = 'invoice_delivery';

export function invoiceDeliveryEnabled(org: Organisation): boolean {
  return org.messaging.invoice_delivery === true;
}

/**
 * Queues the delivery of new invoices (one statement for the whole import, however large).
 * Credit notes and invoices with nothing to pay (prepaid in full) are not sent. Returns how many
 * messages were queued; an invoice already queued is left alone.
 */
export async function queueInvoiceDelivery(trx: Trx, org: Organisation, invoiceIds: readonly string[], today: string): Promise<number> {
  if (!invoiceDeliveryEnabled(org) || invoiceIds.length === 0) return 0;
  const result = await sql<{ n: bigint }>`
    WITH queued AS (
      INSERT INTO outbox_message (org_id, message_id, debtor_id, invoice_ids, kind, step_key, template, tone, language, channels, idempotency_key,
        amount_total, currency, scheduled_for, data)
      SELECT i.org_id, arflow_id('msg'), i.debtor_id, ARRAY[i.invoice_id], 'invoice_delivery', NULL, ${INVOICE_DELIVERY_TEMPLATE}, 'neutral',
        coalesce(d.language, ${org.language}),
        CASE d.invoice_channel WHEN 'email' THEN ARRAY['email'] WHEN 'letter' THEN ARRAY['letter'] ELSE ARRAY['email', 'letter'] END,
        'invoice_delivery:' || i.invoice_id, i.open_amount, i.currency, ${today}::date,
        jsonb_build_object('invoice_number', i.number, 'debtor_preference', d.invoice_channel)
      FROM invoice i JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
      WHERE i.invoice_id = ANY(${[...invoiceIds]}::text[]) AND i.kind = 'invoice' AND i.open_amount > 0
      ORDER BY i.invoice_id
      ON CONFLICT (org_id, idempotency_key) DO NOTHING
      RETURNING org_id, message_id
    ), events AS (
      INSERT INTO message_event (org_id, event_id, message_id, status, detail)
      SELECT org_id, arflow_id('evt'), message_id, 'queued', 'new invoice' FROM queued
    )
    SELECT count(*) AS n FROM queued
  `.execute(trx);
  return Number(result.rows[0]?.n ?? 0n);
}
