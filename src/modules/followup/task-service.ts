import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { newId } from '../../core/ids.ts';
import { isBusinessDate } from '../../core/dates.ts';
import { AppError } from '../../errors.ts';

// Task outcomes feed back into the follow-up: a promise makes the workflow wait, a dispute takes the
// invoice out of it until resolved, "not received" sends the invoice again.

export const TASK_OUTCOMES = ['received', 'not_received', 'po_missing', 'expected_payment_date', 'dispute', 'done'] as const;
export type TaskOutcome = (typeof TASK_OUTCOMES)[number];

export interface OutcomeInput {
  outcome: TaskOutcome;
  /** For expected_payment_date: the promised date. */
  date?: string | undefined;
  /** For dispute and po_missing: what the debtor said. */
  reason?: string | undefined;
  note?: string | undefined;
}

export async function completeTask(trx: Trx, orgId: string, taskId: string, input: OutcomeInput, actor: string, today: string): Promise<void> {
  const task = await trx.selectFrom('task').selectAll().where('task_id', '=', taskId).forUpdate().executeTakeFirst();
  if (!task) throw new AppError('not_found', `No task ${taskId}.`);
  if (task.status === 'done') throw new AppError('bad_request', `Task ${taskId} is done already (${task.outcome}).`);
  const event = (type: string, subjectId: string, data: unknown) =>
    trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type, subject_type: 'debtor', subject_id: subjectId, actor, data: JSON.stringify(data) }).execute();
  switch (input.outcome) {
    case 'expected_payment_date': {
      if (!input.date || !isBusinessDate(input.date)) throw new AppError('bad_request', 'expected_payment_date needs "date" (YYYY-MM-DD).');
      if (input.date < today) throw new AppError('bad_request', `The promised date ${input.date} is in the past.`);
      await trx.insertInto('payment_promise').values({ org_id: orgId, promise_id: newId('prm'), debtor_id: task.debtor_id, invoice_ids: task.invoice_ids, promised_date: input.date, task_id: taskId, created_by: actor }).execute();
      await event('promise.made', task.debtor_id, { task_id: taskId, date: input.date, invoices: task.invoice_ids });
      break;
    }
    case 'dispute':
    case 'po_missing': {
      const reason = input.outcome === 'po_missing' ? `PO number missing or wrong${input.reason ? `: ${input.reason}` : ''}` : input.reason;
      if (!reason) throw new AppError('bad_request', 'A dispute needs "reason".');
      await openDisputes(trx, orgId, task.invoice_ids, task.debtor_id, reason, actor);
      break;
    }
    case 'not_received': {
      // Send the invoice again; the follow-up goes on from there.
      const invoices = await trx.selectFrom('invoice').select(['invoice_id', 'number', 'open_amount', 'currency', 'due_date']).where('invoice_id', 'in', task.invoice_ids).execute();
      const debtor = await trx.selectFrom('debtor').select(['language']).where('debtor_id', '=', task.debtor_id).executeTakeFirstOrThrow();
      const org = await trx.selectFrom('organisation').select(['language', 'currency']).where('org_id', '=', orgId).executeTakeFirstOrThrow();
      await trx
        .insertInto('outbox_message')
        .values({
          org_id: orgId, message_id: newId('msg'), debtor_id: task.debtor_id, invoice_ids: task.invoice_ids, kind: 'message', step_key: null, template: 'invoice_delivery',
          tone: 'friendly', language: debtor.language ?? org.language, channels: ['email', 'letter'], idempotency_key: `resend:${taskId}`,
          amount_total: invoices.reduce((s, i) => s + i.open_amount, 0n), currency: invoices[0]?.currency ?? org.currency, scheduled_for: today,
          data: JSON.stringify({ reason: 'not received', invoices: invoices.map((i) => ({ id: i.invoice_id, number: i.number, open: i.open_amount.toString(), due_date: i.due_date })) }),
        })
        .execute();
      break;
    }
    case 'received':
    case 'done':
      break;
  }
  await trx
    .updateTable('task')
    .set({ status: 'done', outcome: input.outcome, outcome_data: JSON.stringify({ date: input.date ?? null, reason: input.reason ?? null, note: input.note ?? null }), completed_at: new Date(), completed_by: actor })
    .where('task_id', '=', taskId)
    .execute();
  await event('task.completed', task.debtor_id, { task_id: taskId, kind: task.kind, outcome: input.outcome, date: input.date ?? null, reason: input.reason ?? null });
}

/** Opens a dispute per invoice (one open dispute per invoice at most): the invoice leaves the follow-up. */
export async function openDisputes(trx: Trx, orgId: string, invoiceIds: readonly string[], debtorId: string, reason: string, actor: string): Promise<string[]> {
  const ids: string[] = [];
  for (const invoiceId of invoiceIds) {
    const open = await trx.selectFrom('dispute').select('dispute_id').where('invoice_id', '=', invoiceId).where('status', '=', 'open').executeTakeFirst();
    if (open) continue;
    const disputeId = newId('dsp');
    await trx.insertInto('dispute').values({ org_id: orgId, dispute_id: disputeId, invoice_id: invoiceId, debtor_id: debtorId, reason, created_by: actor }).execute();
    await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'dispute.opened', subject_type: 'invoice', subject_id: invoiceId, actor, data: JSON.stringify({ dispute_id: disputeId, reason }) }).execute();
    ids.push(disputeId);
  }
  return ids;
}

export async function resolveDispute(trx: Trx, orgId: string, disputeId: string, resolution: string, actor: string): Promise<void> {
  const r = await trx.updateTable('dispute').set({ status: 'resolved', resolution, resolved_at: new Date() }).where('dispute_id', '=', disputeId).where('status', '=', 'open').returning('invoice_id').executeTakeFirst();
  if (!r) throw new AppError('not_found', `No open dispute ${disputeId}.`);
  await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'dispute.resolved', subject_type: 'invoice', subject_id: r.invoice_id, actor, data: JSON.stringify({ dispute_id: disputeId, resolution }) }).execute();
}

export async function listTasks(trx: Trx, filter: { status?: 'open' | 'done' | undefined; assignee?: string | undefined; limit: number; cursor?: string | undefined }) {
  const rows = await sql<{
    task_id: string; debtor_id: string; debtor_number: string; debtor_name: string; invoice_numbers: string[]; kind: string; title: string; assignee_role: string;
    assignee_user_id: string | null; due_date: string; status: string; outcome: string | null; created_at: Date;
  }>`
    SELECT t.task_id, t.debtor_id, d.number AS debtor_number, d.name AS debtor_name,
      (SELECT array_agg(i.number ORDER BY i.number) FROM invoice i WHERE i.org_id = t.org_id AND i.invoice_id = ANY(t.invoice_ids)) AS invoice_numbers,
      t.kind, t.title, t.assignee_role, t.assignee_user_id, t.due_date, t.status, t.outcome, t.created_at
    FROM task t JOIN debtor d ON d.org_id = t.org_id AND d.debtor_id = t.debtor_id
    WHERE (${filter.status ?? null}::text IS NULL OR t.status = ${filter.status ?? null})
      AND (${filter.assignee ?? null}::text IS NULL OR t.assignee_user_id = ${filter.assignee ?? null})
      AND (${filter.cursor ?? null}::text IS NULL OR t.task_id > ${filter.cursor ?? null})
    ORDER BY t.task_id LIMIT ${filter.limit + 1}
  `.execute(trx);
  const items = rows.rows.slice(0, filter.limit);
  return { items, nextCursor: rows.rows.length > filter.limit ? (items[items.length - 1]?.task_id ?? null) : null };
}

