import { createHmac, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Debtor, Organisation } from '../../db/schema.ts';
import { checkPostalAddress, validateEmail } from '../../core/contact.ts';
import { DEFAULT_SEND_CONCURRENCY, isPermanent, type Transports } from './transport.ts';
import { prepareSms, recipientPhone, recordSmsSegments, reportUrl, smsUnitCost } from './phone-messages.ts';
import { letterForMessage, storeLetterDocument } from './letter-dispatch.ts';
import { renderMessage, type Language, type RenderInput } from './render.ts';
import { attachmentsForSending, storeAttachments } from './attachments.ts';
import { emailIdentity } from './email-settings.ts';

// The outbox dispatcher. A message is rendered once and its exact content stored; then it is marked
// `sending` under a lease, sent with a fixed Message-ID, and marked `sent`. A dispatcher that dies
// between sending and marking leaves the message in `sending`: when the lease runs out it is sent
// again with the same Message-ID (mailboxes fold the copy) and flagged as a possible duplicate.
// Nothing is lost: a message that cannot go now stays queued with the reason, or ends as `failed`.
//
// It works in batches, so a queue of 100,000 costs a few statements per hundred messages: one
// transaction claims the oldest due messages (FOR UPDATE SKIP LOCKED, so dispatchers share a queue),
// loads what they need set-based, chooses channels, renders, and leases them in one UPDATE; up to
// `concurrency` sends run at once; the next batch is claimed while the current one drains; the
// outcomes of finished sends are written together, whatever finished while the previous write ran.

export type Channel = 'email' | 'sms' | 'voice' | 'letter';

export const DEFAULT_COSTS: Record<Channel, bigint> = { email: 0n, sms: 20n, voice: 20n, letter: 150n };
const LEASE_MS = 5 * 60_000;
/** A claimed message is not handed over this close to the end of its lease: another dispatcher may take it then. */
const LEASE_MARGIN_MS = 30_000;
const MAX_ATTEMPTS = 6;
const DEFAULT_BATCH_SIZE = 100;
const CHANNELS: readonly Channel[] = ['email', 'sms', 'voice', 'letter'];
const HELD_RECHECK_MS = 3_600_000;

export interface DispatchOptions extends Transports {
  now?: () => Date;
  publicUrl?: string;
  /** Stop after claiming this many messages. */
  limit?: number;
  /** Messages handed to transports at once (default 8, the SMTP pool's connections). */
  concurrency?: number;
  /** Messages claimed per transaction (default 100). */
  batchSize?: number;
  /** Stops claiming and sending; messages claimed but not yet handed over go back to the queue. */
  signal?: AbortSignal;
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

let lastEventMs = 0;
let lastEventSeq = 0n;

/**
 * Event ids as `newId('evt')` makes them, but strictly increasing in this process, also within one
 * millisecond: a message's events are listed by id, and a batch writes several in the same instant.
 */
function eventId(): string {
  const ms = Date.now();
  if (ms > lastEventMs) {
    lastEventMs = ms;
    lastEventSeq = BigInt(`0x${randomBytes(8).toString('hex')}`) >> 1n;
  } else {
    lastEventSeq++;
  }
  return `evt_${lastEventMs.toString(16).padStart(12, '0')}${lastEventSeq.toString(16).padStart(16, '0')}`;
}

interface NewEvent {
  messageId: string;
  status: string;
  detail: string | null;
}

async function insertEvents(trx: Trx, orgId: string, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await sql`
    INSERT INTO message_event (org_id, event_id, message_id, status, detail)
    SELECT ${orgId}, e.event_id, e.message_id, e.status, e.detail
    FROM unnest(${events.map(() => eventId())}::text[], ${events.map((e) => e.messageId)}::text[], ${events.map((e) => e.status)}::text[],
      ${events.map((e) => e.detail)}::text[]) AS e(event_id, message_id, status, detail)`.execute(trx);
}

type DebtorAddress = Pick<Debtor, 'address_line' | 'postal_code' | 'city' | 'country'>;

interface ContactRow {
  debtor_id: string;
  purpose: string;
  email: string | null;
  phone: string | null;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
  country: string | null;
}

interface InvoiceRow {
  invoice_id: string;
  number: string;
  issue_date: string;
  due_date: string;
  open_amount: bigint;
  currency: string;
  payment_reference: string | null;
}

function channelCosts(org: Organisation): Record<Channel, bigint> {
  const configured = (org.messaging.costs ?? {}) as Record<string, number>;
  const costs: Record<Channel, bigint> = { ...DEFAULT_COSTS };
  for (const c of Object.keys(DEFAULT_COSTS) as Channel[]) if (typeof configured[c] === 'number') costs[c] = BigInt(configured[c]);
  return costs;
}

/** Picks the cheapest channel that can reach the debtor, among those the step allows. */
function chooseChannel(
  org: Organisation, costs: Record<Channel, bigint>, m: Claimed, contacts: ContactRow[], debtor: DebtorAddress, suppressed: Set<string>,
): { channel: Channel; recipient: string; cost: bigint } | { reason: string } {
  // NOTE: invoices go to the invoice contact, everything else to the dunning contact, when there is one.
  const preferred = m.template === 'invoice_delivery' ? 'invoice' : 'dunning';
  const ordered = [...contacts].sort((a, b) => (a.purpose === preferred ? -1 : b.purpose === preferred ? 1 : 0));
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
      const postal = dunning ?? debtor;
      if (checkPostalAddress({ addressLine: postal.address_line, postalCode: postal.postal_code, city: postal.city, country: postal.country ?? org.country }).ok) {
        options.push({ channel: 'letter', recipient: [postal.address_line, `${postal.postal_code ?? ''} ${postal.city ?? ''}`.trim(), postal.country].filter(Boolean).join(', '), cost: costs.letter, order });
      }
    }
  });
  options.sort((a, b) => (a.cost === b.cost ? a.order - b.order : a.cost < b.cost ? -1 : 1));
  const best = options[0];
  return best ? { channel: best.channel, recipient: best.recipient, cost: best.cost } : { reason: `no way to reach the debtor by ${m.channels.join(', ')} (address, e-mail or phone missing or bounced)` };
}

const INVOICE_COLUMNS = ['invoice_id', 'number', 'issue_date', 'due_date', 'open_amount', 'currency', 'payment_reference'] as const;

/** The render input of a message from its debtor and invoices (loaded by the caller). */
function renderInputFrom(org: Organisation, m: Claimed, channel: Channel, debtor: Debtor, invoiceRows: InvoiceRow[], publicUrl: string, secret: string): RenderInput {
  const position = new Map(m.invoice_ids.map((id, i) => [id, i]));
  const invoices = invoiceRows
    .filter((i) => position.has(i.invoice_id))
    .sort((a, b) => (a.due_date === b.due_date ? position.get(a.invoice_id)! - position.get(b.invoice_id)! : a.due_date < b.due_date ? -1 : 1));
  const data = (m.data ?? {}) as { deadline?: string | null; stated_costs?: string | null; reason?: string | null };
  const token = signedToken(secret, m.message_id);
  const language = (['nl', 'en', 'fr', 'de'].includes(m.language) ? m.language : 'nl') as RenderInput['language'];
  const branding = org.branding as { primaryColor?: string; logoUrl?: string; footer?: string };
  return {
    template: m.template, tone: m.tone, language, channel,
    organisation: { legalName: org.legal_name, iban: org.iban, bic: org.bic, vatNumber: org.vat_number, cocNumber: org.coc_number, country: org.country, branding },
    debtor: { name: debtor.name, number: debtor.number, kind: debtor.kind, addressLine: debtor.address_line, postalCode: debtor.postal_code, city: debtor.city, country: debtor.country },
    invoices: invoices.map((i) => ({ number: i.number, issueDate: i.issue_date, dueDate: i.due_date, openAmount: i.open_amount, currency: i.currency })),
    total: invoices.reduce((s, i) => s + i.open_amount, 0n), currency: m.currency,
    deadline: data.deadline ?? undefined, statedCosts: data.stated_costs ? BigInt(data.stated_costs) : undefined, note: data.reason ?? undefined,
    payLink: `${publicUrl}/pay/${m.message_id}?t=${token}`, receiptLink: `${publicUrl}/confirm/${m.message_id}?t=${token}`,
    paymentReference: invoices.length === 1 ? (invoices[0]!.payment_reference ?? undefined) : undefined, date: m.scheduled_for,
  };
}

export async function buildRenderInput(trx: Trx, org: Organisation, m: Claimed, channel: Channel, publicUrl: string, secret: string): Promise<RenderInput> {
  const debtor = await trx.selectFrom('debtor').selectAll().where('debtor_id', '=', m.debtor_id).executeTakeFirstOrThrow();
  const invoices = m.invoice_ids.length ? await trx.selectFrom('invoice').select(INVOICE_COLUMNS).where('invoice_id', 'in', m.invoice_ids).execute() : [];
  return renderInputFrom(org, m, channel, debtor, invoices, publicUrl, secret);
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
    const text = m.sms_text ?? m.body_text!;
    const unitCost = smsUnitCost(org, DEFAULT_COSTS.sms);
    const sms = await prepareSms(db, org, { message_id: m.message_id, recipient: m.recipient!, text }, unitCost);
    const sent = await options.sms.send({ idempotencyKey: m.message_id, to: sms.to, from: senderName, text, statusCallbackUrl: reportUrl(statusCallbackUrl, m.message_id) });
    // NOTE: the provider bills the parts it counted: where it says, its count is the cost. The SMS is
    // out by now, so a failure to record that count must not make it look unsent (and go again).
    if (sent.segments !== undefined && sent.segments !== sms.segments) await recordSmsSegments(db, org, m.message_id, sent.segments, unitCost, 'as counted by the provider').catch(() => undefined);
    return sent;
  }
  if (channel === 'voice' && options.voice) {
    const to = recipientPhone(org, m.recipient!, 'voice');
    return options.voice.call({ idempotencyKey: m.message_id, to, from: senderName, text: m.sms_text ?? m.body_text!, language: m.language, statusCallbackUrl: reportUrl(statusCallbackUrl, m.message_id) });
  }
  if (channel === 'letter' && options.letter) {
    return options.letter.send(await letterForMessage(db, org, m));
  }
  throw new Error(`no ${channel} transport configured here`);
}

interface Context {
  org: Organisation;
  options: DispatchOptions;
  now: () => Date;
  publicUrl: string;
  secret: string;
  domain: string;
}

/** A message leased to this dispatcher: rendered, its channel chosen, to be handed over before `leaseUntil`. */
interface Leased {
  m: Claimed;
  leaseUntil: number;
}

interface ClaimedBatch {
  claimed: number;
  toSend: Leased[];
  failed: number;
  waiting: number;
  possibleDuplicates: number;
}

/** What the claim writes to one message. */
interface LeaseUpdate {
  messageId: string;
  status: 'sending' | 'queued' | 'failed';
  channel: string | null;
  recipient: string | null;
  cost: bigint | null;
  rendered: boolean;
  m: Claimed;
  attempts: number;
  nextAttemptAt: Date | null;
  /** null: leave last_error as it is. */
  lastError: string | null;
  possibleDuplicate: boolean;
}

function backoff(at: Date, attempts: number): Date {
  // Backoff: 1, 4, 16, 64 … minutes.
  return new Date(at.getTime() + 60_000 * 4 ** (attempts - 1));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Claims up to `size` due messages, oldest first, and in the same transaction chooses their channels,
 * renders those not yet rendered, and leases those that can go now.
 */
async function claimBatch(db: Db, ctx: Context, size: number): Promise<ClaimedBatch> {
  const { org, options } = ctx;
  return inOrg(db, org.org_id, async (trx): Promise<ClaimedBatch> => {
    const at = ctx.now();
    // NOTE: a message never handed to a transport (attempts 0) has no backoff to respect: one that
    // waited for its channel's transport goes as soon as a dispatcher has that transport.
    const available = CHANNELS.filter((c) => transportFor(options, c));
    const rows = (await sql<Claimed>`
      SELECT message_id, debtor_id, invoice_ids, template, tone, language, channels, status, attempts, amount_total, currency, data, subject, body_html,
        body_text, sms_text, recipient, channel, message_id_header, scheduled_for
      FROM outbox_message
      WHERE org_id = ${org.org_id} AND status IN ('queued', 'sending') AND (channel IS NULL OR channel = ANY(${available}::text[]))
        AND (next_attempt_at IS NULL OR next_attempt_at <= ${at} OR (status = 'queued' AND attempts = 0 AND channel = ANY(${available}::text[])))
      ORDER BY created_at, message_id LIMIT ${size} FOR UPDATE SKIP LOCKED`.execute(trx)).rows;
    const batch: ClaimedBatch = { claimed: rows.length, toSend: [], failed: 0, waiting: 0, possibleDuplicates: 0 };
    if (rows.length === 0) return batch;

    // Set-based loads: only what the batch's messages still need.
    const choosing = rows.filter((m) => !m.recipient || !m.channel);
    const rendering = rows.filter((m) => m.body_text === null);
    const debtorIds = [...new Set([...choosing, ...rendering].map((m) => m.debtor_id))];
    const debtors = new Map<string, Debtor>();
    if (debtorIds.length > 0) {
      for (const d of await trx.selectFrom('debtor').selectAll().where('debtor_id', '=', sql<string>`ANY(${debtorIds}::text[])`).execute()) debtors.set(d.debtor_id, d);
    }
    const contacts = new Map<string, ContactRow[]>();
    const suppressed = new Set<string>();
    if (choosing.length > 0) {
      const ids = [...new Set(choosing.map((m) => m.debtor_id))];
      const rowsOf = await trx
        .selectFrom('debtor_contact')
        .select(['debtor_id', 'purpose', 'email', 'phone', 'address_line', 'postal_code', 'city', 'country'])
        .where('debtor_id', '=', sql<string>`ANY(${ids}::text[])`)
        .orderBy('contact_id')
        .execute();
      for (const c of rowsOf) contacts.set(c.debtor_id, [...(contacts.get(c.debtor_id) ?? []), c]);
      // NOTE: only the suppressions of the batch's addresses, not the whole list; recordBounce stores them lower-cased.
      const candidates = [...new Set(rowsOf.flatMap((c) => (c.email && validateEmail(c.email) ? [c.email.toLowerCase()] : [])))];
      if (candidates.length > 0) {
        for (const s of await trx.selectFrom('email_suppression').select('email').where('email', '=', sql<string>`ANY(${candidates}::text[])`).execute()) suppressed.add(s.email.toLowerCase());
      }
    }
    const invoices: InvoiceRow[] = [];
    const invoiceIds = [...new Set(rendering.flatMap((m) => m.invoice_ids))];
    if (invoiceIds.length > 0) {
      invoices.push(...(await trx.selectFrom('invoice').select(INVOICE_COLUMNS).where('invoice_id', '=', sql<string>`ANY(${invoiceIds}::text[])`).execute()));
    }
    const invoicesOf = new Map<string, InvoiceRow>(invoices.map((i) => [i.invoice_id, i]));

    const costs = channelCosts(org);
    const updates: LeaseUpdate[] = [];
    const events: NewEvent[] = [];
    const languages = new Map<string, Language>();
    for (const m of rows) {
      const resend = m.status === 'sending';
      const base: Omit<LeaseUpdate, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError'> = {
        messageId: m.message_id, m, channel: null, recipient: null, cost: null, rendered: false, possibleDuplicate: false,
      };
      if (!m.recipient || !m.channel) {
        const debtor = debtors.get(m.debtor_id);
        if (!debtor) throw new Error(`outbox message ${m.message_id}: debtor ${m.debtor_id} not found`);
        const choice = chooseChannel(org, costs, m, contacts.get(m.debtor_id) ?? [], debtor, suppressed);
        if ('reason' in choice) {
          updates.push({ ...base, status: 'failed', attempts: m.attempts, nextAttemptAt: null, lastError: choice.reason });
          events.push({ messageId: m.message_id, status: 'failed', detail: choice.reason });
          batch.failed++;
          continue;
        }
        m.channel = base.channel = choice.channel;
        m.recipient = base.recipient = choice.recipient;
        base.cost = choice.cost;
      }
      if (m.body_text === null) {
        // NOTE: rendered once; the stored content is what was sent, whatever the templates become.
        try {
          const debtor = debtors.get(m.debtor_id);
          if (!debtor) throw new Error(`debtor ${m.debtor_id} not found`);
          const input = renderInputFrom(org, m, m.channel as Channel, debtor, m.invoice_ids.flatMap((id) => invoicesOf.get(id) ?? []), ctx.publicUrl, ctx.secret);
          const rendered = await renderMessage(input);
          languages.set(m.message_id, rendered.language);
          m.subject = rendered.subject;
          m.body_html = rendered.html;
          m.body_text = rendered.text;
          m.sms_text = rendered.sms ?? null;
          m.message_id_header = `<${m.message_id}@${ctx.domain}>`;
          base.rendered = true;
          events.push({ messageId: m.message_id, status: 'rendered', detail: null });
        } catch (e) {
          // One message that cannot be rendered does not hold up the queue: it is retried like a failed send.
          const reason = `could not render: ${errorText(e)}`;
          const attempts = m.attempts + 1;
          const final = attempts >= MAX_ATTEMPTS;
          updates.push({ ...base, status: final ? 'failed' : 'queued', attempts, nextAttemptAt: final ? null : backoff(at, attempts), lastError: reason });
          events.push({ messageId: m.message_id, status: final ? 'failed' : 'retry', detail: reason });
          if (final) batch.failed++;
          else batch.waiting++;
          continue;
        }
      }
      if (!transportFor(options, m.channel as Channel)) {
        const reason = `no ${m.channel} transport configured here; the message waits`;
        // NOTE: a dispatcher without this channel's transport passes it by (the claim asks only for
        // channels it can send); one that has it sends it at once; the jobs look again within the hour.
        updates.push({ ...base, status: 'queued', attempts: m.attempts, nextAttemptAt: new Date(at.getTime() + HELD_RECHECK_MS), lastError: reason });
        batch.waiting++;
        continue;
      }
      const leaseUntil = new Date(at.getTime() + LEASE_MS);
      updates.push({ ...base, status: 'sending', attempts: m.attempts + 1, nextAttemptAt: leaseUntil, lastError: null, possibleDuplicate: resend });
      events.push({ messageId: m.message_id, status: 'sending', detail: resend ? 'sent again after an interrupted attempt: possibly a duplicate' : null });
      if (resend) batch.possibleDuplicates++;
      batch.toSend.push({ m, leaseUntil: leaseUntil.getTime() });
    }

    const col = <T>(f: (u: LeaseUpdate) => T): T[] => updates.map(f);
    const rendered = (f: (m: Claimed) => string | null) => col((u) => (u.rendered ? f(u.m) : null));
    await sql`
      UPDATE outbox_message o SET
        channel = coalesce(v.channel, o.channel), recipient = coalesce(v.recipient, o.recipient), cost = coalesce(v.cost, o.cost),
        subject = CASE WHEN v.rendered THEN v.subject ELSE o.subject END, body_html = CASE WHEN v.rendered THEN v.body_html ELSE o.body_html END,
        body_text = CASE WHEN v.rendered THEN v.body_text ELSE o.body_text END, sms_text = CASE WHEN v.rendered THEN v.sms_text ELSE o.sms_text END,
        message_id_header = CASE WHEN v.rendered THEN v.message_id_header ELSE o.message_id_header END,
        rendered_at = CASE WHEN v.rendered THEN ${at}::timestamptz ELSE o.rendered_at END,
        status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at, last_error = coalesce(v.last_error, o.last_error),
        possible_duplicate = o.possible_duplicate OR v.possible_duplicate
      FROM unnest(
        ${col((u) => u.messageId)}::text[], ${col((u) => u.status)}::text[], ${col((u) => u.channel)}::text[], ${col((u) => u.recipient)}::text[],
        ${col((u) => (u.cost === null ? null : u.cost.toString()))}::int8[], ${col((u) => u.rendered)}::boolean[],
        ${rendered((m) => m.subject)}::text[], ${rendered((m) => m.body_html)}::text[], ${rendered((m) => m.body_text)}::text[], ${rendered((m) => m.sms_text)}::text[],
        ${rendered((m) => m.message_id_header)}::text[], ${col((u) => u.attempts)}::int4[], ${col((u) => u.nextAttemptAt?.toISOString() ?? null)}::timestamptz[],
        ${col((u) => u.lastError)}::text[], ${col((u) => u.possibleDuplicate)}::boolean[]
      ) AS v(message_id, status, channel, recipient, cost, rendered, subject, body_html, body_text, sms_text, message_id_header, attempts, next_attempt_at,
        last_error, possible_duplicate)
      WHERE o.org_id = ${org.org_id} AND o.message_id = v.message_id`.execute(trx);
    await insertEvents(trx, org.org_id, events);
    // NOTE: after the batch's update: the documents of what was rendered (attachments, a letter's PDF)
    // are stored with it, in the same transaction; a letter's PDF sets its cost (registered mail costs more).
    for (const u of updates) {
      if (!u.rendered) continue;
      await storeAttachments(trx, org, u.m, languages.get(u.messageId) ?? 'nl');
      if (u.m.channel === 'letter') await storeLetterDocument(trx, org, u.m);
    }
    return batch;
  });
}

/** How a leased message ended in this dispatcher. */
type Outcome =
  | { messageId: string; kind: 'sent'; providerId: string; at: Date }
  | { messageId: string; kind: 'retry' | 'failed'; reason: string; nextAttemptAt: Date | null }
  /** Not handed over (stopped, or the lease ran out first): back in the queue, the attempt not counted. */
  | { messageId: string; kind: 'released'; reason: string };

/** Writes the outcomes of finished sends: one UPDATE and one event INSERT for all of them. */
async function writeOutcomes(db: Db, org: Organisation, outcomes: Outcome[]): Promise<void> {
  const status = (o: Outcome): string => (o.kind === 'sent' ? 'sent' : o.kind === 'released' || o.kind === 'retry' ? 'queued' : 'failed');
  await inOrg(db, org.org_id, async (trx) => {
    // NOTE: an outcome a provider's report set meanwhile (delivered, bounced, failed, with its error) is
    // kept; only `sending` moves on. The send itself (sent_at, provider_id) is recorded either way.
    await sql`
      UPDATE outbox_message o SET status = CASE WHEN o.status = 'sending' THEN v.status ELSE o.status END,
        sent_at = CASE WHEN v.status = 'sent' THEN v.at ELSE o.sent_at END, provider_id = CASE WHEN v.status = 'sent' THEN v.provider_id ELSE o.provider_id END,
        last_error = CASE WHEN v.released OR o.status <> 'sending' THEN o.last_error ELSE v.last_error END, attempts = CASE WHEN v.released THEN o.attempts - 1 ELSE o.attempts END,
        next_attempt_at = CASE WHEN o.status = 'sending' THEN v.next_attempt_at ELSE o.next_attempt_at END
      FROM unnest(
        ${outcomes.map((o) => o.messageId)}::text[], ${outcomes.map(status)}::text[], ${outcomes.map((o) => (o.kind === 'sent' ? o.providerId : null))}::text[],
        ${outcomes.map((o) => (o.kind === 'sent' ? o.at.toISOString() : null))}::timestamptz[],
        ${outcomes.map((o) => (o.kind === 'retry' || o.kind === 'failed' ? o.reason : null))}::text[],
        ${outcomes.map((o) => (o.kind === 'retry' ? (o.nextAttemptAt?.toISOString() ?? null) : null))}::timestamptz[], ${outcomes.map((o) => o.kind === 'released')}::boolean[]
      ) AS v(message_id, status, provider_id, at, last_error, next_attempt_at, released)
      WHERE o.org_id = ${org.org_id} AND o.message_id = v.message_id AND (o.status = 'sending' OR v.status = 'sent')`.execute(trx);
    await insertEvents(trx, org.org_id, outcomes.map((o) => ({
      messageId: o.messageId,
      status: o.kind === 'released' ? 'queued' : o.kind,
      detail: o.kind === 'sent' ? o.providerId : o.reason,
    })));
  });
}

/** Queued messages whose channel has no transport among `transports`, per channel: they wait for one. */
export async function heldForTransport(db: Db, org: Organisation, transports: Transports): Promise<Partial<Record<Channel, number>>> {
  const missing = CHANNELS.filter((c) => !transportFor(transports, c));
  if (missing.length === 0) return {};
  const rows = await inOrg(db, org.org_id, (trx) => sql<{ channel: Channel; n: bigint }>`
    SELECT channel, count(*) AS n FROM outbox_message
    WHERE status = 'queued' AND channel = ANY(${missing}::text[]) GROUP BY channel ORDER BY channel`.execute(trx));
  return Object.fromEntries(rows.rows.map((r) => [r.channel, Number(r.n)]));
}

/** Sends every queued message of the organisation that can go now; returns what happened. */
export async function dispatchOutbox(db: Db, org: Organisation, options: DispatchOptions): Promise<DispatchSummary> {
  const ctx: Context = {
    org, options,
    now: options.now ?? (() => new Date()),
    publicUrl: (options.publicUrl ?? process.env.ARFLOW_PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, ''),
    secret: process.env.ARFLOW_LINK_SECRET ?? org.org_id,
    domain: typeof org.messaging.message_id_domain === 'string' ? org.messaging.message_id_domain : 'arflow.local',
  };
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_SEND_CONCURRENCY);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  const summary: DispatchSummary = { sent: 0, failed: 0, waiting: 0, possibleDuplicates: 0 };

  const ready: Leased[] = [];
  const finished: Outcome[] = [];
  // Shared by the workers (a state object: the compiler does not follow assignments made in callbacks).
  const run: {
    claimed: number;
    exhausted: boolean;
    crash: { error: unknown } | null;
    writeFailed: boolean;
    claiming: Promise<void> | null;
    writing: Promise<void> | null;
  } = { claimed: 0, exhausted: false, crash: null, writeFailed: false, claiming: null, writing: null };
  const stopping = (): boolean => run.crash !== null || options.signal?.aborted === true;
  const fail = (error: unknown): void => {
    run.crash ??= { error };
  };

  const claimMore = (): Promise<void> => {
    run.claiming ??= (async () => {
      const room = options.limit === undefined ? batchSize : Math.min(batchSize, options.limit - run.claimed);
      if (room <= 0 || stopping()) {
        run.exhausted = true;
        return;
      }
      const batch = await claimBatch(db, ctx, room);
      run.claimed += batch.claimed;
      summary.failed += batch.failed;
      summary.waiting += batch.waiting;
      summary.possibleDuplicates += batch.possibleDuplicates;
      // Fewer than asked: the rest of the queue is not due, or other dispatchers hold it.
      if (batch.claimed < room) run.exhausted = true;
      ready.push(...batch.toSend);
    })()
      .catch(fail)
      .finally(() => {
        run.claiming = null;
      });
    return run.claiming;
  };

  // Group commit: one write at a time, taking every outcome that finished while the previous one ran.
  const writeFinished = (): Promise<void> => {
    if (run.writing || finished.length === 0 || run.writeFailed) return run.writing ?? Promise.resolve();
    run.writing = (async () => {
      while (finished.length > 0) {
        const chunk = finished.splice(0, finished.length);
        await writeOutcomes(db, org, chunk);
        for (const o of chunk) {
          if (o.kind === 'sent') summary.sent++;
          else if (o.kind === 'failed') summary.failed++;
          else summary.waiting++;
        }
      }
    })()
      .catch((e: unknown) => {
        run.writeFailed = true;
        fail(e);
      })
      .finally(() => {
        run.writing = null;
      });
    return run.writing;
  };

  const sendOne = async ({ m, leaseUntil }: Leased): Promise<void> => {
    if (ctx.now().getTime() > leaseUntil - LEASE_MARGIN_MS) {
      finished.push({ messageId: m.message_id, kind: 'released', reason: 'its lease ran out before it could be handed over; back in the queue' });
      return;
    }
    if (options.beforeSend) await options.beforeSend(m.message_id);
    // Sent outside any transaction, with the fixed Message-ID.
    let providerId: string;
    try {
      providerId = (await sendVia(db, org, options, m, ctx)).providerId;
    } catch (e) {
      const attempts = m.attempts + 1;
      // A refusal that trying again cannot help (a landline for an SMS, a provider's 4xx) ends at once.
      const final = attempts >= MAX_ATTEMPTS || isPermanent(e);
      finished.push({ messageId: m.message_id, kind: final ? 'failed' : 'retry', reason: errorText(e), nextAttemptAt: final ? null : backoff(ctx.now(), attempts) });
      return;
    }
    // A throw from this hook is a crash after the provider accepted: the message stays `sending`.
    if (options.afterSend) await options.afterSend(m.message_id);
    finished.push({ messageId: m.message_id, kind: 'sent', providerId, at: ctx.now() });
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (stopping()) return;
      // Claim the next batch while the last messages of this one are still being sent.
      if (ready.length <= concurrency && !run.exhausted) {
        const claim = claimMore();
        if (ready.length === 0) await claim;
      }
      const next = ready.shift();
      if (!next) {
        if (run.exhausted || stopping()) return;
        continue;
      }
      try {
        await sendOne(next);
      } catch (e) {
        fail(e);
        return;
      }
      void writeFinished();
    }
  };

  await Promise.all(Array.from({ length: concurrency }, () => worker()));
  while (run.claiming) await run.claiming;
  if (run.crash === null) {
    // Stopped on the signal (or by `limit` with leftovers): what was claimed but not handed over goes back.
    for (const l of ready.splice(0)) finished.push({ messageId: l.m.message_id, kind: 'released', reason: 'the dispatcher stopped before handing it over; back in the queue' });
  }
  // NOTE: on a crash the claimed messages not handed over stay `sending`, as after a real crash: the lease brings them back.
  while (run.writing || (finished.length > 0 && !run.writeFailed)) await (run.writing ?? writeFinished());
  if (run.crash !== null) throw run.crash.error;
  return summary;
}
