import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { recordBounce } from './messaging-service.ts';
import { parseBounceReport, ReportError, splitMailbox, type BounceReport } from './dsn.ts';

// Bounces and complaints applied to the outbox. A report is tied to its message by the returned
// X-ArFlow-Message header, else by the Message-ID; a report about a message that is not ours is
// left alone (it must not mark an address bad). What each one does:
//   hard bounce (5.x.x)  the address goes on the suppression list, the message is `bounced`, an
//                        event; the next step falls back to another channel
//   soft bounce (4.x.x)  an event only (the mail server tries again by itself)
//   delivered (2.x.x)    the message is `delivered`
//   complaint (ARF)      the address goes on the suppression list, an event
// Importing the same report again changes nothing.

export type BounceOutcomeKind = 'hard_bounce' | 'soft_bounce' | 'delivered' | 'complaint' | 'unmatched' | 'already_recorded';

export interface BounceOutcome {
  outcome: BounceOutcomeKind;
  messageId: string | null;
  email: string | null;
  detail: string;
}

async function findMessage(trx: Trx, report: BounceReport) {
  const { arflowMessage, messageIdHeader } = report.original;
  let q = trx.selectFrom('outbox_message').select(['message_id', 'recipient', 'status']);
  if (arflowMessage) q = q.where('message_id', '=', arflowMessage);
  else if (messageIdHeader) q = q.where('message_id_header', '=', messageIdHeader);
  else return undefined;
  return q.executeTakeFirst();
}

async function seen(trx: Trx, messageId: string, status: string, detail: string): Promise<boolean> {
  const row = await trx.selectFrom('message_event').select('event_id').where('message_id', '=', messageId).where('status', '=', status).where('detail', '=', detail).executeTakeFirst();
  return row !== undefined;
}

async function event(trx: Trx, orgId: string, messageId: string, status: string, detail: string): Promise<void> {
  await trx.insertInto('message_event').values({ org_id: orgId, event_id: newId('evt'), message_id: messageId, status, detail }).execute();
}

/** Applies one parsed report; one outcome per recipient (a complaint has one). */
export async function applyBounceReport(trx: Trx, org: Organisation, report: BounceReport): Promise<BounceOutcome[]> {
  const message = await findMessage(trx, report);
  const via = report.reportId ? ` (report ${report.reportId})` : '';
  if (report.kind === 'complaint') {
    const email = message?.recipient ?? report.recipient;
    const detail = `complaint: ${report.feedbackType}${report.userAgent ? ` from ${report.userAgent}` : ''}${via}`;
    if (!message || !email) return [{ outcome: 'unmatched', messageId: null, email, detail: `${detail}: no message of ours is named in it` }];
    if (await seen(trx, message.message_id, 'complained', detail)) return [{ outcome: 'already_recorded', messageId: message.message_id, email, detail }];
    await recordBounce(trx, org, { email, reason: detail });
    await event(trx, org.org_id, message.message_id, 'complained', detail);
    return [{ outcome: 'complaint', messageId: message.message_id, email, detail }];
  }
  const outcomes: BounceOutcome[] = [];
  for (const r of report.recipients) {
    const detail = `${r.status || r.action}${r.diagnosticCode ? ` ${r.diagnosticCode}` : ''}${via}`;
    if (!message) {
      outcomes.push({ outcome: 'unmatched', messageId: null, email: r.address, detail: `${detail}: no message of ours is named in it` });
      continue;
    }
    // NOTE: the address we sent to is the one to suppress (Final-Recipient may be an alias it was forwarded to).
    const email = message.recipient ?? r.address;
    if (r.severity === 'hard') {
      if (await seen(trx, message.message_id, 'bounced', detail)) outcomes.push({ outcome: 'already_recorded', messageId: message.message_id, email, detail });
      else {
        await recordBounce(trx, org, { email, reason: detail, messageId: message.message_id });
        outcomes.push({ outcome: 'hard_bounce', messageId: message.message_id, email, detail });
      }
    } else if (r.severity === 'soft') {
      if (await seen(trx, message.message_id, 'soft_bounce', detail)) outcomes.push({ outcome: 'already_recorded', messageId: message.message_id, email, detail });
      else {
        await event(trx, org.org_id, message.message_id, 'soft_bounce', detail);
        outcomes.push({ outcome: 'soft_bounce', messageId: message.message_id, email, detail });
      }
    } else if (await seen(trx, message.message_id, 'delivered', detail)) outcomes.push({ outcome: 'already_recorded', messageId: message.message_id, email, detail });
    else {
      await sql`UPDATE outbox_message SET status = 'delivered', delivered_at = now() WHERE message_id = ${message.message_id} AND status = 'sent'`.execute(trx);
      await event(trx, org.org_id, message.message_id, 'delivered', detail);
      outcomes.push({ outcome: 'delivered', messageId: message.message_id, email, detail });
    }
  }
  return outcomes;
}

export interface MailboxImportResult {
  source: string;
  /** 1-based message number in the file. */
  number: number;
  line: number;
  outcomes: BounceOutcome[];
  /** Why the message was not read as a report (an out-of-office reply, …). */
  skipped: string | null;
}

/** Reads an .eml or an mbox and applies every report in it; other messages are listed as skipped. */
export async function importBounceMailbox(trx: Trx, org: Organisation, source: string, content: Buffer): Promise<MailboxImportResult[]> {
  const results: MailboxImportResult[] = [];
  for (const m of splitMailbox(content)) {
    let report: BounceReport;
    try {
      report = parseBounceReport(m.raw);
    } catch (e) {
      if (!(e instanceof ReportError)) throw e;
      results.push({ source, number: m.number, line: m.line, outcomes: [], skipped: e.message });
      continue;
    }
    results.push({ source, number: m.number, line: m.line, outcomes: await applyBounceReport(trx, org, report), skipped: null });
  }
  return results;
}
