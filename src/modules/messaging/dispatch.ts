import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { checkPostalAddress, validateEmail } from '../../core/contact.ts';
import type { Transports } from './transport.ts';
import { letterForMessage } from './letter-dispatch.ts';
import { renderMessage, type RenderInput } from './render.ts';
import { attachmentsForSending, storeAttachments } from './attachments.ts';
import { emailIdentity } from './email-settings.ts';

// The outbox dispatcher. A message is rendered once and its exact content stored; then it is marked
// `sending` under a lease, sent with a fixed Message-ID, and marked `sent`. A dispatcher that dies
// between sending and marking leaves the message in `sending`: when the lease runs out it is sent
// again with the same Message-ID (mailboxes fold the copy) and flagged as a possible duplicate.
// Nothing is lost: a message that cannot go now stays queued with the reason, or ends as `failed`.

export type Channel = 'email' | 'sms' | 'voice' | 'letter';

export const DEFAULT_COSTS: Record<Channel, bigint> = { email: 0n, sms: 20n, voice: 20n, letter: 150n };
const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 6;

export interface DispatchOptions extends Transports {
  now?: () => Date;
  publicUrl?: string;
  /** Stop after claiming this many messages. */
  limit?: number;
  /** Test hooks: a throw here stops the dispatcher where a crash would (the message stays `sending`). */
  beforeSend?: (messageId: string) => Promise<void> | void;
  afterSend?: (messageId: string) => Promise<void> | void;
}

export interface DispatchSummary {
  sent: number;
  failed: number;
  waiting: number;
  possibleDuplicates: number;
}

export interface Claimed {
  message_id: string;
  debtor_id: string;
  invoice_ids: string[];
  template: string;
  tone: string;
  language: string;
  channels: string[];
  status: string;
  attempts: number;
  amount_total: bigint;
  currency: string;
  data: unknown;
  subject: string | null;
  body_html: string | null;
  body_text: string | null;
  sms_text: string | null;
  recipient: string | null;
  channel: string | null;
  message_id_header: string | null;
  scheduled_for: string;
}

export function signedToken(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value).digest('base64url').slice(0, 22);
}

async function event(trx: Trx, orgId: string, messageId: string, status: string, detail: string | null): Promise<void> {
  await trx.insertInto('message_event').values({ org_id: orgId, event_id: newId('evt'), message_id: messageId, status, detail }).execute();
}

/** Picks the cheapest channel that can reach the debtor, among those the step allows. */
async function chooseChannel(trx: Trx, org: Organisation, m: Claimed): Promise<{ channel: Channel; recipient: string; cost: bigint } | { reason: string }> {
  const contacts = await trx.selectFrom('debtor_contact').select(['purpose', 'email', 'phone', 'address_line', 'postal_code', 'city', 'country']).where('debtor_id', '=', m.debtor_id).execute();
  const debtor = await trx.selectFrom('debtor').select(['address_line', 'postal_code', 'city', 'country']).where('debtor_id', '=', m.debtor_id).executeTakeFirstOrThrow();
  // NOTE: invoices go to the invoice contact, everything else to the dunning contact, when there is one.
  const preferred = m.template === 'invoice_delivery' ? 'invoice' : 'dunning';
  const ordered = [...contacts].sort((a, b) => (a.purpose === preferred ? -1 : b.purpose === preferred ? 1 : 0));
  const suppressed = new Set((await trx.selectFrom('email_suppression').select('email').execute()).map((r) => r.email.toLowerCase()));
  const configured = (org.messaging.costs ?? {}) as Record<string, number>;
  const costs: Record<Channel, bigint> = { ...DEFAULT_COSTS };
  for (const c of Object.keys(DEFAULT_COSTS) as Channel[]) if (typeof configured[c] === 'number') costs[c] = BigInt(configured[c]);
  const options: { channel: Channel; recipient: string; cost: bigint; order: number }[] = [];
  m.channels.forEach((c, order) => {
    if (c === 'email') {
      const email = ordered.map((x) => x.email).find((e) => e && validateEmail(e) && !suppressed.has(e.toLowerCase()));
      if (email) options.push({ channel: 'email', recipient: email, cost: costs.email, order });
    } else if (c === 'sms' || c === 'voice') {
      const phone = ordered.map((x) => x.phone).find((p) => p && /^\+\d{8,15}$/.test(p));
      if (phone) options.push({ channel: c, recipient: phone, cost: costs[c], order });
    } else if (c === 'letter') {
      const dunning = ordered.find((x) => x.purpose === preferred && x.address_line);
      const postal = dunning ?? { address_line: debtor.address_line, postal_code: debtor.postal_code, city: debtor.city, country: debtor.country };
      if (checkPostalAddress({ addressLine: postal.address_line, postalCode: postal.postal_code, city: postal.city, country: postal.country ?? org.country }).ok) {
        options.push({ channel: 'letter', recipient: [postal.address_line, `${postal.postal_code ?? ''} ${postal.city ?? ''}`.trim(), postal.country].filter(Boolean).join(', '), cost: costs.letter, order });
      }
    }
  });
  options.sort((a, b) => (a.cost === b.cost ? a.order - b.order : a.cost < b.cost ? -1 : 1));
  const best = options[0];
  return best ? { channel: best.channel, recipient: best.recipient, cost: best.cost } : { reason: `no way to reach the debtor by ${m.channels.join(', ')} (address, e-mail or phone missing or bounced)` };
}

export async function buildRenderInput(trx: Trx, org: Organisation, m: Claimed, channel: Channel, publicUrl: string, secret: string): Promise<RenderInput> {
  const debtor = await trx.selectFrom('debtor').selectAll().where('debtor_id', '=', m.debtor_id).executeTakeFirstOrThrow();
  const invoices = await trx.selectFrom('invoice').select(['invoice_id', 'number', 'issue_date', 'due_date', 'open_amount', 'currency', 'payment_reference']).where('invoice_id', 'in', m.invoice_ids).orderBy('due_date').execute();
  const data = (m.data ?? {}) as { deadline?: string | null; stated_costs?: string | null };
  const token = signedToken(secret, m.message_id);
  const language = (['nl', 'en', 'fr', 'de'].includes(m.language) ? m.language : 'nl') as RenderInput['language'];
  const branding = org.branding as { primaryColor?: string; logoUrl?: string; footer?: string };
  return {
    template: m.template, tone: m.tone, language, channel,
    organisation: { legalName: org.legal_name, iban: org.iban, bic: org.bic, vatNumber: org.vat_number, cocNumber: org.coc_number, country: org.country, branding },
    debtor: { name: debtor.name, number: debtor.number, kind: debtor.kind, addressLine: debtor.address_line, postalCode: debtor.postal_code, city: debtor.city, country: debtor.country },
    invoices: invoices.map((i) => ({ number: i.number, issueDate: i.issue_date, dueDate: i.due_date, openAmount: i.open_amount, currency: i.currency })),
    total: invoices.reduce((s, i) => s + i.open_amount, 0n), currency: m.currency,
    deadline: data.deadline ?? undefined, statedCosts: data.stated_costs ? BigInt(data.stated_costs) : undefined,
    payLink: `${publicUrl}/pay/${m.message_id}?t=${token}`, receiptLink: `${publicUrl}/confirm/${m.message_id}?t=${token}`,
    paymentReference: invoices.length === 1 ? (invoices[0]!.payment_reference ?? undefined) : undefined, date: m.scheduled_for,
  };
}

function transportFor(options: Transports, channel: Channel): unknown {
  return options[channel] ?? null;
}

/** Hands a claimed, rendered message to its channel's transport, with the message id as idempotency key. */
async function sendVia(db: Db, org: Organisation, options: Transports, m: Claimed, ctx: { domain: string; publicUrl: string }): Promise<{ providerId: string }> {
  const channel = m.channel as Channel;
  const statusCallbackUrl = `${ctx.publicUrl}/api/webhooks/${channel}/${org.org_id}`;
  const senderName = typeof org.messaging.sms_sender === 'string' ? org.messaging.sms_sender : undefined;
  if (channel === 'email' && options.email) {
    const { from, replyTo, dkim } = emailIdentity(org, ctx.domain);
    return options.email.send({
      messageId: m.message_id_header!, from, to: m.recipient!, replyTo, subject: m.subject!, html: m.body_html!, text: m.body_text!,
      headers: { 'X-ArFlow-Message': m.message_id }, attachments: await attachmentsForSending(db, org.org_id, m.message_id), dkim,
    });
  }
  if (channel === 'sms' && options.sms) {
    return options.sms.send({ idempotencyKey: m.message_id, to: m.recipient!, from: senderName, text: m.sms_text ?? m.body_text!, statusCallbackUrl });
  }
  if (channel === 'voice' && options.voice) {
    return options.voice.call({ idempotencyKey: m.message_id, to: m.recipient!, from: senderName, text: m.sms_text ?? m.body_text!, language: m.language, statusCallbackUrl });
  }
  if (channel === 'letter' && options.letter) {
    return options.letter.send(await letterForMessage(db, org, m));
  }
  throw new Error(`no ${channel} transport configured here`);
}

type ClaimOutcome = { m: Claimed; outcome: 'failed' | 'waiting' } | { m: Claimed; outcome: 'send'; resend: boolean };

/** Sends every queued message of the organisation that can go now; returns what happened. */
export async function dispatchOutbox(db: Db, org: Organisation, options: DispatchOptions): Promise<DispatchSummary> {
  const now = options.now ?? (() => new Date());
  const publicUrl = (options.publicUrl ?? process.env.ARFLOW_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const secret = process.env.ARFLOW_LINK_SECRET ?? org.org_id;
  const summary: DispatchSummary = { sent: 0, failed: 0, waiting: 0, possibleDuplicates: 0 };
  const domain = typeof org.messaging.message_id_domain === 'string' ? org.messaging.message_id_domain : 'arflow.local';
  let claimedCount = 0;
  for (;;) {
    if (options.limit !== undefined && claimedCount >= options.limit) break;
    // 1. Claim one message under a lease, choose the channel, render it once; commit.
    const claim = await inOrg(db, org.org_id, async (trx): Promise<ClaimOutcome | null> => {
      const rows = await sql<Claimed>`
        SELECT message_id, debtor_id, invoice_ids, template, tone, language, channels, status, attempts, amount_total, currency, data, subject, body_html,
          body_text, sms_text, recipient, channel, message_id_header, scheduled_for
        FROM outbox_message
        WHERE status IN ('queued', 'sending') AND (next_attempt_at IS NULL OR next_attempt_at <= ${now()})
        ORDER BY created_at, message_id LIMIT 1 FOR UPDATE SKIP LOCKED`.execute(trx);
      const m = rows.rows[0];
      if (!m) return null;
      const resend = m.status === 'sending';
      if (!m.recipient || !m.channel) {
        const choice = await chooseChannel(trx, org, m);
        if ('reason' in choice) {
          await trx.updateTable('outbox_message').set({ status: 'failed', last_error: choice.reason }).where('message_id', '=', m.message_id).execute();
          await event(trx, org.org_id, m.message_id, 'failed', choice.reason);
          return { m, outcome: 'failed' };
        }
        m.channel = choice.channel;
        m.recipient = choice.recipient;
        await trx.updateTable('outbox_message').set({ channel: choice.channel, recipient: choice.recipient, cost: choice.cost }).where('message_id', '=', m.message_id).execute();
      }
      if (m.body_text === null) {
        // NOTE: rendered once; the stored content is what was sent, whatever the templates become.
        const rendered = await renderMessage(await buildRenderInput(trx, org, m, m.channel as Channel, publicUrl, secret));
        m.subject = rendered.subject;
        m.body_html = rendered.html;
        m.body_text = rendered.text;
        m.sms_text = rendered.sms ?? null;
        m.message_id_header = `<${m.message_id}@${domain}>`;
        await trx
          .updateTable('outbox_message')
          .set({ subject: rendered.subject, body_html: rendered.html, body_text: rendered.text, sms_text: rendered.sms ?? null, rendered_at: now(), message_id_header: m.message_id_header })
          .where('message_id', '=', m.message_id)
          .execute();
        await storeAttachments(trx, org, m, rendered.language);
        await event(trx, org.org_id, m.message_id, 'rendered', null);
      }
      if (!transportFor(options, m.channel as Channel)) {
        const reason = `no ${m.channel} transport configured here; the message waits`;
        await trx.updateTable('outbox_message').set({ status: 'queued', last_error: reason, next_attempt_at: new Date(now().getTime() + 86_400_000) }).where('message_id', '=', m.message_id).execute();
        return { m, outcome: 'waiting' };
      }
      await trx
        .updateTable('outbox_message')
        .set({ status: 'sending', attempts: m.attempts + 1, next_attempt_at: new Date(now().getTime() + LEASE_MS), ...(resend ? { possible_duplicate: true } : {}) })
        .where('message_id', '=', m.message_id)
        .execute();
      await event(trx, org.org_id, m.message_id, 'sending', resend ? 'sent again after an interrupted attempt: possibly a duplicate' : null);
      return { m, outcome: 'send', resend };
    });
    if (!claim) break;
    claimedCount++;
    if (claim.outcome !== 'send') {
      if (claim.outcome === 'failed') summary.failed++;
      else summary.waiting++;
      continue;
    }
    const { m, resend } = claim;
    if (resend) summary.possibleDuplicates++;
    if (options.beforeSend) await options.beforeSend(m.message_id);
    // 2. Send outside any transaction, with the fixed Message-ID.
    let sentButNotMarked = false;
    try {
      const result = await sendVia(db, org, options, m, { domain, publicUrl });
      sentButNotMarked = true;
      if (options.afterSend) await options.afterSend(m.message_id);
      await inOrg(db, org.org_id, async (trx) => {
        await trx.updateTable('outbox_message').set({ status: 'sent', sent_at: now(), provider_id: result.providerId, last_error: null, next_attempt_at: null }).where('message_id', '=', m.message_id).execute();
        await event(trx, org.org_id, m.message_id, 'sent', result.providerId);
      });
      summary.sent++;
    } catch (e) {
      if (sentButNotMarked) throw e;
      const reason = e instanceof Error ? e.message : String(e);
      const attempts = m.attempts + 1;
      const final = attempts >= MAX_ATTEMPTS;
      await inOrg(db, org.org_id, async (trx) => {
        // Backoff: 1, 4, 16, 64 … minutes.
        await trx
          .updateTable('outbox_message')
          .set({ status: final ? 'failed' : 'queued', last_error: reason, next_attempt_at: final ? null : new Date(now().getTime() + 60_000 * 4 ** (attempts - 1)) })
          .where('message_id', '=', m.message_id)
          .execute();
        await event(trx, org.org_id, m.message_id, final ? 'failed' : 'retry', reason);
      });
      if (final) summary.failed++;
      else summary.waiting++;
    }
  }
  return summary;
}
