import type { Db } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { formatAmount } from '../../core/money.ts';
import { countSmsSegments, phoneForChannel } from './sms.ts';
import type { DeliveryReport } from './twilio.ts';
import { PermanentSendError } from './transport.ts';

// SMS and calls around the provider: the number and the SMS parts before a send (with what the
// message costs), and the provider's signed delivery reports after it.

/** The number to send to, in E.164; throws with the reason when the channel cannot use it. */
export function recipientPhone(org: Organisation, recipient: string, channel: 'sms' | 'voice'): string {
  const phone = phoneForChannel(recipient, org.country, channel);
  if (!phone.ok) throw new PermanentSendError(`cannot ${channel === 'sms' ? 'send an SMS' : 'call'}: ${phone.reason}`);
  return phone.e164;
}

/** The organisation's cost of one SMS (messaging.costs.sms, minor units), else `fallback`. */
export function smsUnitCost(org: Organisation, fallback: bigint): bigint {
  const configured = (org.messaging.costs ?? {}) as Record<string, unknown>;
  return typeof configured.sms === 'number' ? BigInt(configured.sms) : fallback;
}

/** Records the SMS parts of a message and its cost (per-SMS cost × parts), with an event when they change. */
export async function recordSmsSegments(db: Db, org: Organisation, messageId: string, segments: number, unitCost: bigint, how: string): Promise<void> {
  const cost = unitCost * BigInt(segments);
  await inOrg(db, org.org_id, async (trx) => {
    const changed = await trx
      .updateTable('outbox_message')
      .set({ segments, cost })
      .where('message_id', '=', messageId)
      .where((eb) => eb.or([eb('segments', 'is', null), eb('segments', '!=', segments)]))
      .returning('message_id')
      .executeTakeFirst();
    if (changed) {
      const detail = `${segments} SMS ${segments === 1 ? 'part' : 'parts'} (${how}) × ${formatAmount(unitCost, org.currency)} = ${formatAmount(cost, org.currency)}`;
      await trx.insertInto('message_event').values({ org_id: org.org_id, event_id: newId('evt'), message_id: messageId, status: 'segments', detail }).execute();
    }
  });
}

/** Checks the number, counts the parts of the text and records them before the SMS goes out. */
export async function prepareSms(db: Db, org: Organisation, m: { message_id: string; recipient: string; text: string }, unitCost: bigint): Promise<{ to: string; segments: number }> {
  const to = recipientPhone(org, m.recipient, 'sms');
  const count = countSmsSegments(m.text);
  await recordSmsSegments(db, org, m.message_id, count.segments, unitCost, `${count.encoding}, ${count.units} ${count.encoding === 'GSM-7' ? 'septets' : 'characters'}`);
  return { to, segments: count.segments };
}

/** The status callback URL of one message: the report then names the message even before its provider id is stored. */
export function reportUrl(statusCallbackUrl: string, messageId: string): string {
  return `${statusCallbackUrl}${statusCallbackUrl.includes('?') ? '&' : '?'}message=${encodeURIComponent(messageId)}`;
}

export type ReportResult = 'applied' | 'recorded' | 'duplicate' | 'unknown_message';

/**
 * Applies a verified delivery report to the outbox. The outcome moves a message that is on its way
 * (queued, sending, sent) to `delivered` or `failed`; a report never moves one back (a late "sent"
 * after "delivered" is only recorded). Every report is kept as an event with the provider's words;
 * the same report twice (a replay) changes nothing.
 */
export async function applyDeliveryReport(db: Db, orgId: string, channel: 'sms' | 'voice', report: DeliveryReport, messageId: string | null, now: Date): Promise<ReportResult> {
  return inOrg(db, orgId, async (trx) => {
    let query = trx.selectFrom('outbox_message').select(['message_id', 'status']).where('channel', '=', channel);
    query = messageId ? query.where('message_id', '=', messageId) : query.where('provider_id', '=', report.providerId);
    // NOTE: the row lock makes two copies of one report, arriving together, count once.
    const m = await query.forUpdate().executeTakeFirst();
    if (!m) return 'unknown_message';
    const seen = await trx.selectFrom('message_event').select('event_id').where('message_id', '=', m.message_id).where('detail', '=', report.detail).executeTakeFirst();
    if (seen) return 'duplicate';
    const moves = report.outcome !== null && (m.status === 'queued' || m.status === 'sending' || m.status === 'sent');
    if (moves && report.outcome === 'delivered') {
      await trx.updateTable('outbox_message').set({ status: 'delivered', delivered_at: now, next_attempt_at: null }).where('message_id', '=', m.message_id).execute();
    } else if (moves && report.outcome === 'failed') {
      await trx.updateTable('outbox_message').set({ status: 'failed', last_error: `not delivered: ${report.detail}`, next_attempt_at: null }).where('message_id', '=', m.message_id).execute();
    }
    await trx.insertInto('message_event').values({ org_id: orgId, event_id: newId('evt'), message_id: m.message_id, status: moves ? report.outcome! : 'delivery_report', detail: report.detail }).execute();
    return moves ? 'applied' : 'recorded';
  });
}
