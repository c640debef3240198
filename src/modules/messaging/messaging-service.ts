import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { AppError } from '../../errors.ts';
import { renderMessage, type RenderedMessage } from './render.ts';
import { buildRenderInput, signedToken, type Channel, type Claimed } from './dispatch.ts';
import { openDisputes } from '../followup/task-service.ts';
import { runDebtorChecks } from '../checks/check-service.ts';

// Messages seen from the back office and from the debtor: the outbox, previews with real data,
// ad-hoc payment requests, receipt confirmations, bounces and what messages cost.

export async function findDebtor(trx: Trx, ref: string) {
  const d = await trx.selectFrom('debtor').selectAll().where(ref.startsWith('dbt_') ? 'debtor_id' : 'number', '=', ref).executeTakeFirst();
  if (!d) throw new AppError('not_found', `No debtor ${ref}.`);
  return d;
}

/** Renders a template for a debtor's open invoices without queueing anything. */
export async function previewForDebtor(trx: Trx, org: Organisation, input: { debtor: string; template: string; tone?: string; language?: string; channel?: Channel; publicUrl: string }): Promise<RenderedMessage> {
  const debtor = await findDebtor(trx, input.debtor);
  const invoices = await trx.selectFrom('invoice').select(['invoice_id']).where('debtor_id', '=', debtor.debtor_id).where('open_amount', '>', 0n).where('kind', '=', 'invoice').orderBy('due_date').limit(50).execute();
  if (invoices.length === 0) throw new AppError('bad_request', `Debtor ${debtor.number} has no open invoices to show in a preview.`);
  const fake: Claimed = {
    message_id: 'msg_preview', debtor_id: debtor.debtor_id, invoice_ids: invoices.map((i) => i.invoice_id), template: input.template, tone: input.tone ?? 'neutral',
    language: input.language ?? debtor.language ?? org.language, channels: [input.channel ?? 'email'], status: 'queued', attempts: 0, amount_total: 0n, currency: org.currency,
    data: {}, subject: null, body_html: null, body_text: null, sms_text: null, recipient: null, channel: input.channel ?? 'email', message_id_header: null, scheduled_for: new Date().toISOString().slice(0, 10),
  };
  return renderMessage(await buildRenderInput(trx, org, fake, input.channel ?? 'email', input.publicUrl, org.org_id));
}

/** A personal payment request from a controller: queued in the outbox in the company's look. */
export async function createPaymentRequest(trx: Trx, org: Organisation, input: { debtor: string; invoices?: string[]; reason: string; channels?: Channel[]; registered?: boolean; actor: string; today: string }): Promise<string> {
  // NOTE: registered mail is a letter: a registered request goes by letter only.
  if (input.registered && input.channels && input.channels.some((c) => c !== 'letter')) {
    throw new AppError('bad_request', `A registered payment request goes by letter only; channels ${input.channels.join(', ')} were asked.`);
  }
  const debtor = await findDebtor(trx, input.debtor);
  let q = trx.selectFrom('invoice').select(['invoice_id', 'number', 'open_amount', 'due_date', 'currency']).where('debtor_id', '=', debtor.debtor_id).where('open_amount', '>', 0n).where('kind', '=', 'invoice');
  if (input.invoices?.length) q = q.where('number', 'in', input.invoices);
  const invoices = await q.orderBy('due_date').execute();
  if (invoices.length === 0) throw new AppError('bad_request', `Debtor ${debtor.number} has no open invoices${input.invoices?.length ? ` among ${input.invoices.join(', ')}` : ''}.`);
  if (input.invoices?.length && invoices.length !== new Set(input.invoices).size) {
    const found = new Set(invoices.map((i) => i.number));
    throw new AppError('bad_request', `Not open for debtor ${debtor.number}: ${input.invoices.filter((n) => !found.has(n)).join(', ')}.`);
  }
  const messageId = newId('msg');
  await trx
    .insertInto('outbox_message')
    .values({
      org_id: org.org_id, message_id: messageId, debtor_id: debtor.debtor_id, invoice_ids: invoices.map((i) => i.invoice_id), kind: 'request', step_key: null,
      template: 'payment_request', tone: 'neutral', language: debtor.language ?? org.language, channels: input.registered ? ['letter'] : (input.channels ?? ['email', 'letter']),
      idempotency_key: `request:${messageId}`, amount_total: invoices.reduce((s, i) => s + i.open_amount, 0n), currency: invoices[0]!.currency, scheduled_for: input.today,
      data: JSON.stringify({ reason: input.reason, requested_by: input.actor, registered: input.registered === true, invoices: invoices.map((i) => ({ id: i.invoice_id, number: i.number, open: i.open_amount.toString(), due_date: i.due_date })) }),
    })
    .execute();
  await trx.insertInto('message_event').values({ org_id: org.org_id, event_id: newId('evt'), message_id: messageId, status: 'queued', detail: `payment request by ${input.actor}: ${input.reason}` }).execute();
  return messageId;
}

/** Finds a message by its public link (id + signed token), across organisations. */
export async function messageByLink(db: Db, messageId: string, token: string): Promise<{ org: Organisation; message: { message_id: string; debtor_id: string; invoice_ids: string[] } }> {
  const row = await db.selectFrom('outbox_message').innerJoin('organisation', 'organisation.org_id', 'outbox_message.org_id').selectAll('organisation').select(['outbox_message.message_id', 'outbox_message.debtor_id', 'outbox_message.invoice_ids']).where('outbox_message.message_id', '=', messageId).executeTakeFirst();
  if (!row || signedToken(process.env.ARFLOW_LINK_SECRET ?? row.org_id, messageId) !== token) throw new AppError('not_found', 'This link is not valid.');
  const { message_id, debtor_id, invoice_ids, ...org } = row;
  return { org: org, message: { message_id, debtor_id, invoice_ids } };
}

/**
 * The debtor confirms receipt (the follow-up sees it as the outcome "received" of its "check the
 * invoice was received" tasks) or reports a problem (a dispute: the invoices leave the follow-up).
 */
export async function confirmReceipt(db: Db, messageId: string, token: string, problem: string | null): Promise<'received' | 'problem'> {
  const { org, message } = await messageByLink(db, messageId, token);
  return inOrg(db, org.org_id, async (trx) => {
    await trx.insertInto('message_event').values({ org_id: org.org_id, event_id: newId('evt'), message_id: messageId, status: problem ? 'problem_reported' : 'receipt_confirmed', detail: problem }).execute();
    if (problem) {
      await openDisputes(trx, org.org_id, message.invoice_ids, message.debtor_id, `reported by the debtor: ${problem}`, 'debtor');
      return 'problem';
    }
    await sql`
      UPDATE task SET status = 'done', outcome = 'received', completed_at = now(), completed_by = 'debtor', outcome_data = '{"via": "receipt link"}'::jsonb
      WHERE status = 'open' AND kind = 'check_received' AND debtor_id = ${message.debtor_id} AND invoice_ids && ${message.invoice_ids}::text[]
    `.execute(trx);
    return 'received';
  });
}

/** A bounce or complaint (from a DSN or a provider's webhook): the address is marked bad, the next step falls back. */
export async function recordBounce(trx: Trx, org: Organisation, input: { email: string; reason: string; messageId?: string | undefined }): Promise<void> {
  const email = input.email.trim().toLowerCase();
  await trx.insertInto('email_suppression').values({ org_id: org.org_id, email, reason: input.reason }).onConflict((oc) => oc.columns(['org_id', 'email']).doNothing()).execute();
  if (input.messageId) {
    const updated = await trx.updateTable('outbox_message').set({ status: 'bounced' }).where('message_id', '=', input.messageId).returning('message_id').executeTakeFirst();
    if (updated) await trx.insertInto('message_event').values({ org_id: org.org_id, event_id: newId('evt'), message_id: input.messageId, status: 'bounced', detail: input.reason }).execute();
  }
  const debtors = await trx.selectFrom('debtor_contact').select('debtor_id').where(sql<boolean>`lower(email) = ${email}`).execute();
  await runDebtorChecks(trx, org.org_id, [...new Set(debtors.map((d) => d.debtor_id))], org.currency);
}

/** What messages cost, per month, channel and segment, and the ten most expensive debtors. */
/**
 * What messages cost, per month, channel and segment, and the debtors that cost most. A message
 * costs once it was handed to its provider (sent_at set), whatever became of it: an undelivered SMS
 * or a returned letter is billed too. The segment is the follow-up segment whose workflow queued the
 * message; messages outside the follow-up (payment requests, invoice delivery) count under the
 * debtor's manual segment, else none.
 */
export async function messageCosts(trx: Trx, range: { from: string; to: string }) {
  // NOTE: set-based: one pass over the executions that queued a message (a consolidated reminder has
  // several, all of one workflow), not a lookup per message.
  const costed = sql`
    SELECT m.message_id, m.debtor_id, m.channel, m.cost, m.scheduled_for, coalesce(f.code, d.segment) AS segment, d.number, d.name
    FROM outbox_message m
    JOIN debtor d ON d.org_id = m.org_id AND d.debtor_id = m.debtor_id
    LEFT JOIN (
      SELECT DISTINCT ON (e.message_id) e.message_id, s.code
      FROM followup_execution e
      JOIN workflow w ON w.org_id = e.org_id AND w.workflow_id = e.workflow_id
      JOIN segment s ON s.org_id = w.org_id AND s.segment_id = w.segment_id
      WHERE e.message_id IS NOT NULL
      ORDER BY e.message_id
    ) f ON f.message_id = m.message_id
    WHERE m.sent_at IS NOT NULL AND m.scheduled_for BETWEEN ${range.from}::date AND ${range.to}::date`;
  const byMonth = await sql<{ month: string; channel: string; segment: string | null; messages: bigint; cost: bigint }>`
    SELECT to_char(c.scheduled_for, 'YYYY-MM') AS month, coalesce(c.channel, 'none') AS channel, c.segment, count(*) AS messages, sum(c.cost)::int8 AS cost
    FROM (${costed}) c GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`.execute(trx);
  const byDebtor = await sql<{ debtor_number: string; name: string; messages: bigint; cost: bigint }>`
    SELECT c.number AS debtor_number, c.name, count(*) AS messages, sum(c.cost)::int8 AS cost
    FROM (${costed}) c GROUP BY 1, 2 ORDER BY cost DESC, messages DESC, debtor_number LIMIT 10`.execute(trx);
  return { byMonth: byMonth.rows, byDebtor: byDebtor.rows };
}
