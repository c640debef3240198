import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { newId } from '../../core/ids.ts';
import { parseAmount } from '../../core/money.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_SEGMENTS, type PaymentBehaviourRule, type SegmentRules } from './defaults.ts';
import { validateSteps, type WorkflowStep } from './workflow.ts';

// Segments put debtors in groups with a workflow each. A debtor's manual choice (debtor.segment)
// wins; otherwise the first segment, in order, whose rules match.

export interface SegmentWithWorkflow {
  segmentId: string;
  code: string;
  name: string;
  position: number;
  rules: SegmentRules;
  excluded: boolean;
  tone: string;
  workflowId: string | null;
  version: number | null;
  steps: WorkflowStep[];
}

/** A new organisation's segments and workflows; does nothing when it has segments. */
export async function ensureDefaultSegments(trx: Trx, orgId: string): Promise<void> {
  const any = await trx.selectFrom('segment').select('segment_id').limit(1).executeTakeFirst();
  if (any) return;
  let position = 0;
  for (const d of DEFAULT_SEGMENTS) {
    const segmentId = newId('seg');
    position += 10;
    await trx.insertInto('segment').values({ org_id: orgId, segment_id: segmentId, code: d.code, name: d.name, position, rules: JSON.stringify(d.rules), excluded: d.excluded, tone: d.tone }).execute();
    await trx.insertInto('workflow').values({ org_id: orgId, workflow_id: newId('wfl'), segment_id: segmentId, version: 1, steps: JSON.stringify(d.steps), active: true, created_by: 'defaults' }).execute();
  }
}

export async function loadSegments(trx: Trx): Promise<SegmentWithWorkflow[]> {
  const rows = await trx
    .selectFrom('segment')
    .leftJoin('workflow', (j) => j.onRef('workflow.segment_id', '=', 'segment.segment_id').onRef('workflow.org_id', '=', 'segment.org_id').on('workflow.active', '=', true))
    .select(['segment.segment_id', 'segment.code', 'segment.name', 'segment.position', 'segment.rules', 'segment.excluded', 'segment.tone', 'workflow.workflow_id', 'workflow.version', 'workflow.steps'])
    .orderBy('segment.position')
    .execute();
  return rows.map((r) => ({
    segmentId: r.segment_id, code: r.code, name: r.name, position: r.position, rules: r.rules as SegmentRules, excluded: r.excluded, tone: r.tone,
    workflowId: r.workflow_id, version: r.version, steps: (r.steps ?? []) as WorkflowStep[],
  }));
}

/**
 * SQL for the segment of debtor `d` (with its open total `open_total`, and the payment-behaviour
 * columns of `pb` from `paymentBehaviourJoinSql` when a rule uses them), from the ordered rules.
 */
export function segmentOfDebtorSql(segments: readonly SegmentWithWorkflow[], currency: string): RawBuilder<string | null> {
  const byCode = segments.map((s) => sql`WHEN d.segment = ${s.code} THEN ${s.segmentId}`);
  const byRule = segments.map((s) => {
    const c: RawBuilder<unknown>[] = [sql`true`];
    if (s.rules.kind) c.push(sql`d.kind = ${s.rules.kind}`);
    if (s.rules.countries?.length) c.push(sql`coalesce(d.country, '') = ANY(${s.rules.countries}::text[])`);
    if (s.rules.languages?.length) c.push(sql`coalesce(d.language, '') = ANY(${s.rules.languages}::text[])`);
    if (s.rules.tagsAny?.length) c.push(sql`d.tags && ${s.rules.tagsAny}::text[]`);
    if (s.rules.minOpenAmount) c.push(sql`open_total >= ${(parseAmount(s.rules.minOpenAmount, currency) ?? 0n).toString()}::int8`);
    const pb = s.rules.paymentBehaviour;
    if (pb) {
      const m = windowOf(pb);
      c.push(sql`coalesce(${sql.ref(`pb.paid_${m}`)}, 0) >= ${Math.max(1, pb.minInvoicesPaid ?? 1)}::int8`);
      if (pb.minAvgDaysLate !== undefined) c.push(sql`${sql.ref(`pb.avg_late_${m}`)} >= ${pb.minAvgDaysLate}::numeric`);
      if (pb.maxAvgDaysLate !== undefined) c.push(sql`${sql.ref(`pb.avg_late_${m}`)} <= ${pb.maxAvgDaysLate}::numeric`);
      if (pb.minSharePaidLate !== undefined) c.push(sql`${sql.ref(`pb.share_late_${m}`)} >= ${pb.minSharePaidLate}::numeric`);
      if (pb.maxSharePaidLate !== undefined) c.push(sql`${sql.ref(`pb.share_late_${m}`)} <= ${pb.maxSharePaidLate}::numeric`);
    }
    return sql`WHEN ${sql.join(c, sql` AND `)} THEN ${s.segmentId}`;
  });
  return sql<string | null>`CASE ${sql.join([...byCode, ...byRule], sql` `)} ELSE NULL END`;
}

const windowOf = (pb: PaymentBehaviourRule): number => pb.months ?? 12;

/**
 * The debtors' payment behaviour for the segment rules that use it, as `LEFT JOIN (…) pb` on debtor
 * `d`: per window of months a rule names, the invoices paid in it (`paid_<m>`), their average days
 * late (`avg_late_<m>`) and the share paid late in percent (`share_late_<m>`). Empty SQL when no
 * rule uses it. NOTE: one grouped pass over the settled invoices and their entries (an invoice is
 * paid on the booking date of its last entry that moved the open amount: with the open amount now
 * zero, that entry brought it to zero), then one over those invoices per debtor; every window is
 * a FILTER of the same pass. Only invoices a payment settled count (not those only credited).
 */
export function paymentBehaviourJoinSql(segments: readonly SegmentWithWorkflow[], currency: string, date: string): RawBuilder<unknown> {
  const windows = [...new Set(segments.flatMap((s) => (s.rules.paymentBehaviour ? [windowOf(s.rules.paymentBehaviour)] : [])))].sort((a, b) => a - b);
  if (windows.length === 0) return sql``;
  const longest = windows.at(-1)!;
  const columns = windows.map((m) => {
    const inWindow = sql`p.paid_on > (${date}::date - ${sql.lit(m)} * interval '1 month')`;
    return sql`count(*) FILTER (WHERE ${inWindow}) AS ${sql.ref(`paid_${m}`)},
      avg(greatest(p.paid_on - p.due_date, 0)) FILTER (WHERE ${inWindow}) AS ${sql.ref(`avg_late_${m}`)},
      100.0 * count(*) FILTER (WHERE ${inWindow} AND p.paid_on > p.due_date) / nullif(count(*) FILTER (WHERE ${inWindow}), 0) AS ${sql.ref(`share_late_${m}`)}`;
  });
  return sql`
    LEFT JOIN (
      SELECT p.org_id, p.debtor_id, ${sql.join(columns)}
      FROM (
        SELECT i.org_id, i.debtor_id, i.due_date, max(e.booking_date) AS paid_on
        FROM invoice i JOIN ledger_entry e ON e.org_id = i.org_id AND e.invoice_id = i.invoice_id AND e.amount <> 0
        WHERE i.kind = 'invoice' AND i.open_amount <= 0 AND i.currency = ${currency}
        GROUP BY i.org_id, i.invoice_id, i.debtor_id, i.due_date
        HAVING bool_or(e.entry_type = 'payment_allocated') AND max(e.booking_date) <= ${date}::date
          AND max(e.booking_date) > (${date}::date - ${sql.lit(longest)} * interval '1 month')
      ) p
      GROUP BY p.org_id, p.debtor_id
    ) pb ON pb.org_id = d.org_id AND pb.debtor_id = d.debtor_id`;
}

export interface SegmentInput {
  name?: string | undefined;
  position?: number | undefined;
  rules?: SegmentRules | undefined;
  excluded?: boolean | undefined;
  tone?: string | undefined;
  steps?: WorkflowStep[] | undefined;
}

/** Checks a segment's rules; the error names the field. */
export function validateRules(rules: SegmentRules, currency: string): void {
  if (rules.minOpenAmount !== undefined && parseAmount(rules.minOpenAmount, currency) === null) throw new AppError('bad_request', `rules.minOpenAmount: "${rules.minOpenAmount}" is not an amount.`);
  for (const c of rules.countries ?? []) if (!/^[A-Z]{2}$/.test(c)) throw new AppError('bad_request', `rules.countries: "${c}" is not a two-letter country code.`);
  const pb = rules.paymentBehaviour;
  if (!pb) return;
  if (pb.months !== undefined && (!Number.isInteger(pb.months) || pb.months < 1 || pb.months > 36)) throw new AppError('bad_request', 'rules.paymentBehaviour.months: a whole number of months from 1 to 36.');
  for (const [min, max, what] of [[pb.minAvgDaysLate, pb.maxAvgDaysLate, 'AvgDaysLate'], [pb.minSharePaidLate, pb.maxSharePaidLate, 'SharePaidLate']] as const) {
    if (min !== undefined && max !== undefined && min > max) throw new AppError('bad_request', `rules.paymentBehaviour: min${what} (${min}) is above max${what} (${max}).`);
  }
  if (pb.minAvgDaysLate === undefined && pb.maxAvgDaysLate === undefined && pb.minSharePaidLate === undefined && pb.maxSharePaidLate === undefined) {
    throw new AppError('bad_request', 'rules.paymentBehaviour: give at least one of minAvgDaysLate, maxAvgDaysLate, minSharePaidLate, maxSharePaidLate.');
  }
}

/**
 * Creates a segment (with its first workflow, `steps` or none) or changes one; an event records
 * what changed. A new segment without a position goes last.
 */
export async function saveSegment(trx: Trx, orgId: string, code: string, input: SegmentInput, actor: string, currency: string): Promise<{ segmentId: string; created: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(code)) throw new AppError('bad_request', `segment code "${code}": lower-case letters, digits and hyphens.`);
  if (input.rules) validateRules(input.rules, currency);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`segments:${orgId}`}))`.execute(trx);
  const current = await trx.selectFrom('segment').selectAll().where('code', '=', code).executeTakeFirst();
  if (!current) {
    if (!input.name) throw new AppError('bad_request', `name: a new segment ${code} needs a name.`);
    if (input.steps) validateSteps(input.steps);
    const last = await trx.selectFrom('segment').select((eb) => eb.fn.max('position').as('p')).executeTakeFirst();
    const segmentId = newId('seg');
    const values = { name: input.name, position: input.position ?? (last?.p ?? 0) + 10, rules: input.rules ?? {}, excluded: input.excluded ?? false, tone: input.tone ?? 'neutral' };
    await trx.insertInto('segment').values({ org_id: orgId, segment_id: segmentId, code, ...values, rules: JSON.stringify(values.rules) }).execute();
    await trx.insertInto('workflow').values({ org_id: orgId, workflow_id: newId('wfl'), segment_id: segmentId, version: 1, steps: JSON.stringify(input.steps ?? []), active: true, created_by: actor }).execute();
    await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'segment.created', subject_type: 'segment', subject_id: segmentId, actor, data: JSON.stringify({ code, ...values }) }).execute();
    return { segmentId, created: true };
  }
  if (input.steps) throw new AppError('bad_request', `steps: segment ${code} exists; save its workflow with PUT /api/segments/${code}/workflow.`);
  const next = { name: input.name ?? current.name, position: input.position ?? current.position, rules: input.rules ?? (current.rules as SegmentRules), excluded: input.excluded ?? current.excluded, tone: input.tone ?? current.tone };
  const changes: Record<string, [unknown, unknown]> = {};
  for (const key of ['name', 'position', 'rules', 'excluded', 'tone'] as const) {
    if (JSON.stringify(current[key]) !== JSON.stringify(next[key])) changes[key] = [current[key], next[key]];
  }
  if (Object.keys(changes).length === 0) return { segmentId: current.segment_id, created: false };
  await trx.updateTable('segment').set({ ...next, rules: JSON.stringify(next.rules) }).where('segment_id', '=', current.segment_id).execute();
  await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'segment.updated', subject_type: 'segment', subject_id: current.segment_id, actor, data: JSON.stringify({ code, changes }) }).execute();
  return { segmentId: current.segment_id, created: false };
}

/** A new version of a segment's workflow; the old one stays for the record. */
export async function saveWorkflow(trx: Trx, orgId: string, segmentCode: string, steps: WorkflowStep[], actor: string): Promise<{ workflowId: string; version: number }> {
  validateSteps(steps);
  const segment = await trx.selectFrom('segment').select('segment_id').where('code', '=', segmentCode).executeTakeFirst();
  if (!segment) throw new AppError('not_found', `No segment ${segmentCode}.`);
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`workflow:${segment.segment_id}`}))`.execute(trx);
  const last = await trx.selectFrom('workflow').select((eb) => eb.fn.max('version').as('v')).where('segment_id', '=', segment.segment_id).executeTakeFirst();
  const version = (last?.v ?? 0) + 1;
  await trx.updateTable('workflow').set({ active: false }).where('segment_id', '=', segment.segment_id).where('active', '=', true).execute();
  const workflowId = newId('wfl');
  await trx.insertInto('workflow').values({ org_id: orgId, workflow_id: workflowId, segment_id: segment.segment_id, version, steps: JSON.stringify(steps), active: true, created_by: actor }).execute();
  await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type: 'workflow.saved', subject_type: 'segment', subject_id: segment.segment_id, actor, data: JSON.stringify({ version, steps: steps.map((s) => s.key) }) }).execute();
  return { workflowId, version };
}
