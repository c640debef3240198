import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { newId } from '../../core/ids.ts';
import { parseAmount } from '../../core/money.ts';
import { AppError } from '../../errors.ts';
import { DEFAULT_SEGMENTS, type SegmentRules } from './defaults.ts';
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

/** SQL for the segment of debtor `d` (with its open total `open_total`), from the ordered rules. */
export function segmentOfDebtorSql(segments: readonly SegmentWithWorkflow[], currency: string): RawBuilder<string | null> {
  const byCode = segments.map((s) => sql`WHEN d.segment = ${s.code} THEN ${s.segmentId}`);
  const byRule = segments.map((s) => {
    const c: RawBuilder<unknown>[] = [sql`true`];
    if (s.rules.kind) c.push(sql`d.kind = ${s.rules.kind}`);
    if (s.rules.countries?.length) c.push(sql`coalesce(d.country, '') = ANY(${s.rules.countries}::text[])`);
    if (s.rules.languages?.length) c.push(sql`coalesce(d.language, '') = ANY(${s.rules.languages}::text[])`);
    if (s.rules.tagsAny?.length) c.push(sql`d.tags && ${s.rules.tagsAny}::text[]`);
    if (s.rules.minOpenAmount) c.push(sql`open_total >= ${(parseAmount(s.rules.minOpenAmount, currency) ?? 0n).toString()}::int8`);
    return sql`WHEN ${sql.join(c, sql` AND `)} THEN ${s.segmentId}`;
  });
  return sql<string | null>`CASE ${sql.join([...byCode, ...byRule], sql` `)} ELSE NULL END`;
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
