import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { MessageStatus, Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { AppError } from '../../errors.ts';

// Status webhooks of the print-and-mail provider (Pingen). Pingen signs the raw body with
// HMAC-SHA256 and the webhook's secret, hex in the `Signature` header
// (https://help.pingen.com/en/faq-post/webhooks-erstellen-und-verwalten; verification as in
// https://github.com/pingencom/pingen2-sdk-js src/webhook.ts). Event categories: issues (the letter
// cannot be processed), sent (handed to the post), undeliverable (returned by the post), and
// delivered (tracked products such as registered mail).

/** True when `signature` is the HMAC-SHA256 (hex) of the raw body with the secret. */
export function verifyPingenSignature(body: Uint8Array, signature: string | undefined, secret: string): boolean {
  if (!signature || !/^[0-9a-f]{64}$/i.test(signature.trim())) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(signature.trim(), 'hex'));
}

export type LetterWebhookOutcome = 'delivered' | 'bounced' | 'failed' | 'duplicate' | 'unknown_letter' | 'ignored';

const EVENTS: Record<string, { status: 'delivered' | 'bounced' | 'failed'; text: string; from: MessageStatus[] }> = {
  // NOTE: a letter handed to the post is as delivered as the channel can tell (an ordinary letter has
  // no further trace); a tracked product reports its delivery to the recipient as well.
  webhook_sent: { status: 'delivered', text: 'handed to the postal service', from: ['sending', 'sent'] },
  webhook_delivered: { status: 'delivered', text: 'delivered to the recipient', from: ['sending', 'sent'] },
  webhook_undeliverable: { status: 'bounced', text: 'returned as undeliverable', from: ['sending', 'sent', 'delivered'] },
  webhook_issues: { status: 'failed', text: 'the provider cannot process the letter', from: ['sending', 'sent'] },
};

interface PingenWebhook {
  data?: { id?: unknown; type?: unknown; attributes?: { reason?: unknown }; relationships?: { letter?: { data?: { id?: unknown } } } };
}

/**
 * Applies one signed Pingen webhook: a message_event on the letter it names and its status moved
 * forward (delivered, bounced, failed). A replay (the same webhook id) changes nothing.
 */
export async function applyPingenWebhook(db: Db, org: Organisation, payload: unknown): Promise<{ outcome: LetterWebhookOutcome; messageId: string | null }> {
  const data = (payload as PingenWebhook | null)?.data;
  const type = data?.type;
  const eventId = data?.id;
  const letterId = data?.relationships?.letter?.data?.id;
  if (typeof type !== 'string' || typeof eventId !== 'string' || typeof letterId !== 'string') {
    throw new AppError('bad_request', 'Not a Pingen letter webhook: data.type, data.id and data.relationships.letter.data.id are required.');
  }
  const mapping = EVENTS[type];
  if (!mapping) return { outcome: 'ignored', messageId: null };
  const reason = typeof data?.attributes?.reason === 'string' && data.attributes.reason.trim() ? data.attributes.reason.trim() : null;
  return inOrg(db, org.org_id, async (trx) => {
    // The row lock makes concurrent deliveries of one webhook wait for each other: one records it.
    const rows = await sql<{ message_id: string; status: MessageStatus }>`
      SELECT message_id, status FROM outbox_message
      WHERE channel = 'letter' AND provider_id = ${`pingen:${letterId}`} FOR UPDATE`.execute(trx);
    const m = rows.rows[0];
    if (!m) return { outcome: 'unknown_letter', messageId: null };
    const marker = `pingen ${eventId}:`;
    const seen = await trx.selectFrom('message_event').select('event_id').where('message_id', '=', m.message_id).where(sql<boolean>`left(detail, ${marker.length}) = ${marker}`).executeTakeFirst();
    if (seen) return { outcome: 'duplicate', messageId: m.message_id };
    await trx.insertInto('message_event').values({ org_id: org.org_id, event_id: newId('evt'), message_id: m.message_id, status: mapping.status, detail: `${marker} ${mapping.text}${reason ? ` (${reason})` : ''}` }).execute();
    if (mapping.from.includes(m.status)) {
      await trx
        .updateTable('outbox_message')
        .set({ status: mapping.status, ...(mapping.status === 'delivered' ? { delivered_at: new Date() } : { last_error: reason ?? mapping.text }) })
        .where('message_id', '=', m.message_id)
        .execute();
    }
    return { outcome: mapping.status, messageId: m.message_id };
  });
}
