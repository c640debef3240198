import { Type } from 'typebox';
import type { App, RouteContext } from './cashapp-routes.ts';
import * as S from './schemas.ts';
import { loadSegments, saveSegment, saveWorkflow, ensureDefaultSegments } from '../modules/followup/segments.ts';
import { forecastFollowup, runFollowup } from '../modules/followup/daily-run.ts';
import { noSendDaysOf, setNoSendDays } from '../modules/followup/no-send-days.ts';
import { completeTask, listTasks, openDisputes, resolveDispute, TASK_OUTCOMES } from '../modules/followup/task-service.ts';
import { presentRun } from '../cli/commands.ts';
import { getInvoice } from '../modules/invoices/invoice-queries.ts';
import { getOrganisation } from '../modules/organisations/organisation-service.ts';
import { requireRole } from '../modules/users/user-service.ts';
import { todayIn } from '../core/dates.ts';
import { AppError } from '../errors.ts';

const lit = <const T extends string[]>(values: readonly [...T]) => Type.Enum(values);
const Channel = lit(['email', 'sms', 'voice', 'letter']);

export const Step = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9_]{1,40}$' }),
    type: lit(['task', 'message', 'formal_notice', 'charge', 'handover', 'wait']),
    anchor: lit(['invoice_date', 'due_date']),
    offsetDays: Type.Integer({ minimum: -3650, maximum: 3650 }),
    businessDays: Type.Optional(Type.Boolean()),
    repeatEveryDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'Charge steps only: repeat every so many days (interest charged again as it accrues; each time only what accrued since the last charge)' })),
    task: Type.Optional(Type.Object({ kind: lit(['check_received', 'check_po', 'ask_payment_date', 'call', 'review', 'handover', 'promise_broken']), assignee: lit(['account_manager', 'credit_controller']), dueInDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 90 })), title: Type.Optional(Type.String()) }, { additionalProperties: false })),
    message: Type.Optional(Type.Object({ template: Type.String(), tone: Type.Optional(Type.String()), channels: Type.Array(Channel, { minItems: 1 }), demandChannel: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
    notice: Type.Optional(Type.Object({ kind: lit(['nl_14_day_letter', 'be_first_reminder', 'formal_notice']), registered: Type.Optional(Type.Boolean()), channels: Type.Optional(Type.Array(Channel)) }, { additionalProperties: false })),
    charge: Type.Optional(Type.Object({ costs: Type.Boolean(), interest: Type.Boolean() }, { additionalProperties: false })),
    conditions: Type.Optional(Type.Object({
      minOpenAmount: Type.Optional(S.Amount),
      debtorKind: Type.Optional(lit(['business', 'consumer'])),
      afterOutcome: Type.Optional(Type.Object({ step: Type.String(), outcome: Type.String() }, { additionalProperties: false })),
      afterStep: Type.Optional(Type.String()),
      noDirectDebitMandate: Type.Optional(Type.Boolean({ description: 'Skip the step (recorded as skipped) when it falls due while the debtor has a SEPA direct-debit mandate in force' })),
    }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const Rules = Type.Object(
  {
    kind: Type.Optional(lit(['business', 'consumer'])),
    countries: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]{2}$' }))),
    languages: Type.Optional(Type.Array(Type.String({ pattern: '^[a-z]{2}$' }))),
    tagsAny: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
    minOpenAmount: Type.Optional(S.Amount),
    paymentBehaviour: Type.Optional(Type.Object(
      {
        months: Type.Optional(Type.Integer({ minimum: 1, maximum: 36, description: 'Window before the run date (default 12)' })),
        minInvoicesPaid: Type.Optional(Type.Integer({ minimum: 1, description: 'Paid invoices in the window needed to judge (default 1)' })),
        minAvgDaysLate: Type.Optional(Type.Number({ minimum: 0 })),
        maxAvgDaysLate: Type.Optional(Type.Number({ minimum: 0 })),
        minSharePaidLate: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Percent of the paid invoices paid after the due date' })),
        maxSharePaidLate: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
      },
      { additionalProperties: false, description: 'How the debtor paid the invoices it paid in the window: an invoice is paid on the booking date of the entry that brought its open amount to zero.' },
    )),
  },
  { additionalProperties: false, description: 'All given criteria must hold; the first segment (by position) whose rules hold wins, after a debtor’s manual segment.' },
);

const Segment = Type.Object(
  { id: Type.String(), code: Type.String(), name: Type.String(), position: Type.Integer(), rules: Rules, excluded: Type.Boolean(), tone: Type.String(), workflow_version: S.Nullable(Type.Integer()), steps: Type.Array(Step) },
  { additionalProperties: false },
);

const RunResult = Type.Object(
  {
    date: S.BusinessDate, dry_run: Type.Boolean(), run_id: S.Nullable(Type.String()), invoices_considered: Type.Integer(), executed: Type.Integer(), skipped: Type.Integer(), deferred: Type.Integer(),
    messages: Type.Array(Type.Object({ debtor_id: Type.String(), debtor_number: Type.String(), step: Type.String(), kind: Type.String(), template: Type.String(), channels: Type.Array(Type.String()), invoices: Type.Array(Type.String()), amount: S.Amount, deadline: S.Nullable(S.BusinessDate), stated_costs: S.Nullable(S.Amount) }, { additionalProperties: false })),
    tasks: Type.Array(Type.Object({ debtor_id: Type.String(), debtor_number: Type.String(), kind: Type.String(), title: Type.String(), assignee_role: Type.String(), due_date: S.BusinessDate, invoices: Type.Array(Type.String()) }, { additionalProperties: false })),
    charges: Type.Array(Type.Object({ invoice_number: Type.String(), costs: S.Amount, interest: S.Amount, rule: Type.String() }, { additionalProperties: false })),
    handovers: Type.Array(Type.String()), promises_kept: Type.Integer(), promises_broken: Type.Integer(),
  },
  { additionalProperties: false },
);

const Task = Type.Object(
  {
    id: Type.String(), debtor_id: Type.String(), debtor_number: Type.String(), debtor_name: Type.String(), invoices: Type.Array(Type.String()), kind: Type.String(), title: Type.String(),
    assignee_role: Type.String(), assignee_user_id: S.Nullable(Type.String()), due_date: S.BusinessDate, status: Type.String(), outcome: S.Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export function registerFollowupRoutes(app: App, ctx: RouteContext): void {
  const { scoped, problems } = ctx;
  const actor = (id: { kind: string; id: string } | null) => (id ? `${id.kind}:${id.id}` : 'unknown');

  app.get('/api/segments', { schema: { tags: ['follow-up'], description: 'Segments in order (first matching rule wins) with their active workflow.', response: { 200: Type.Array(Segment), ...problems } } }, async (request) =>
    scoped(request, 'viewer', async (trx, org) => {
      await ensureDefaultSegments(trx, org.org_id);
      return (await loadSegments(trx)).map((s) => ({ id: s.segmentId, code: s.code, name: s.name, position: s.position, rules: s.rules, excluded: s.excluded, tone: s.tone, workflow_version: s.version, steps: s.steps }));
    }),
  );

  app.put(
    '/api/segments/:code',
    {
      schema: {
        tags: ['follow-up'],
        description: 'Create a segment (with its first workflow, `steps`) or change its name, position, rules, exclusion or tone.',
        params: Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }) }),
        body: Type.Object(
          { name: Type.Optional(Type.String({ minLength: 1 })), position: Type.Optional(Type.Integer()), rules: Type.Optional(Rules), excluded: Type.Optional(Type.Boolean()), tone: Type.Optional(Type.String({ minLength: 1 })), steps: Type.Optional(Type.Array(Step)) },
          { additionalProperties: false },
        ),
        response: { 200: Segment, ...problems },
      },
    },
    async (request) =>
      scoped(request, 'admin', async (trx, org) => {
        await ensureDefaultSegments(trx, org.org_id);
        const { segmentId } = await saveSegment(trx, org.org_id, request.params.code, request.body, actor(request.principal), org.currency);
        const s = (await loadSegments(trx)).find((x) => x.segmentId === segmentId)!;
        return { id: s.segmentId, code: s.code, name: s.name, position: s.position, rules: s.rules, excluded: s.excluded, tone: s.tone, workflow_version: s.version, steps: s.steps };
      }),
  );

  app.put(
    '/api/segments/:code/workflow',
    { schema: { tags: ['follow-up'], description: 'Save a new version of the segment’s workflow. Steps keep their keys across versions: an invoice never repeats a step it had.', params: Type.Object({ code: Type.String() }), body: Type.Object({ steps: Type.Array(Step) }, { additionalProperties: false }), response: { 200: Type.Object({ workflow_id: Type.String(), version: Type.Integer() }), ...problems } } },
    async (request) =>
      scoped(request, 'admin', async (trx, org) => {
        await ensureDefaultSegments(trx, org.org_id);
        const r = await saveWorkflow(trx, org.org_id, request.params.code, request.body.steps, actor(request.principal));
        return { workflow_id: r.workflowId, version: r.version };
      }),
  );

  const NoSendDays = Type.Object(
    {
      weekdays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { description: 'ISO weekdays without sending: 1 = Monday … 7 = Sunday' }),
      dates: Type.Array(S.BusinessDate, { maxItems: 1000, description: 'Dates without sending, e.g. the organisation’s own closing days' }),
    },
    { additionalProperties: false },
  );

  app.get(
    '/api/followup/no-send-days',
    { schema: { tags: ['follow-up'], description: 'Days on which the follow-up sends nothing.', response: { 200: NoSendDays, ...problems } } },
    async (request) => scoped(request, 'viewer', (_trx, org) => Promise.resolve(noSendDaysOf(org))),
  );

  app.put(
    '/api/followup/no-send-days',
    {
      schema: {
        tags: ['follow-up'],
        description: 'Set the days on which the follow-up sends nothing: a message or formal notice due on such a day goes out on the next business day that is not one. Tasks, charges and hand-overs keep their dates.',
        body: NoSendDays,
        response: { 200: NoSendDays, ...problems },
      },
    },
    async (request) => scoped(request, 'admin', (trx, org) => setNoSendDays(trx, org, request.body, actor(request.principal))),
  );

  app.post(
    '/api/followup/run',
    { schema: { tags: ['follow-up'], body: Type.Object({ date: Type.Optional(S.BusinessDate), dry_run: Type.Optional(Type.Boolean()) }, { additionalProperties: false }), response: { 200: RunResult, ...problems } } },
    async (request) => {
      const principal = await ctx.auth(request);
      requireRole(principal, request.body.dry_run ? 'viewer' : 'controller');
      const org = await getOrganisation(ctx.db, principal.orgId);
      const r = await runFollowup(ctx.db, org, { date: request.body.date ?? todayIn(org.time_zone, ctx.now()), dryRun: request.body.dry_run ?? false, actor: actor(principal) });
      return presentRun(r, org.currency);
    },
  );

  app.get(
    '/api/followup/forecast',
    { schema: { tags: ['follow-up'], description: 'Every message, task, charge and hand-over the workflows will produce over a date range (at most 92 days), nothing changed.', querystring: Type.Object({ from: S.BusinessDate, to: S.BusinessDate }, { additionalProperties: false }), response: { 200: Type.Array(RunResult), ...problems } } },
    async (request) => {
      const principal = await ctx.auth(request);
      requireRole(principal, 'viewer');
      const { from, to } = request.query;
      if (to < from) throw new AppError('bad_request', '"to" is before "from".');
      if (Date.parse(to) - Date.parse(from) > 92 * 86_400_000) throw new AppError('bad_request', 'A forecast covers at most 92 days.');
      const org = await getOrganisation(ctx.db, principal.orgId);
      return (await forecastFollowup(ctx.db, org, { from, to })).map((r) => presentRun(r, org.currency));
    },
  );

  app.get(
    '/api/tasks',
    { schema: { tags: ['follow-up'], querystring: Type.Object({ status: Type.Optional(lit(['open', 'done'])), assignee: Type.Optional(Type.String()), cursor: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }, { additionalProperties: false }), response: { 200: S.Page(Task), ...problems } } },
    async (request) =>
      scoped(request, 'viewer', async (trx) => {
        const q = request.query;
        const page = await listTasks(trx, { status: q.status, assignee: q.assignee, cursor: q.cursor, limit: q.limit ?? 100 });
        return {
          items: page.items.map((t) => ({ id: t.task_id, debtor_id: t.debtor_id, debtor_number: t.debtor_number, debtor_name: t.debtor_name, invoices: t.invoice_numbers, kind: t.kind, title: t.title, assignee_role: t.assignee_role, assignee_user_id: t.assignee_user_id, due_date: t.due_date, status: t.status, outcome: t.outcome })),
          next_cursor: page.nextCursor,
        };
      }),
  );

  app.post(
    '/api/tasks/:id/complete',
    {
      schema: {
        tags: ['follow-up'],
        description: 'Record a task’s outcome: expected_payment_date (a promise: the workflow waits until the date plus grace), dispute or po_missing (the invoices leave the follow-up until resolved), not_received (the invoice is sent again), received, done.',
        params: Type.Object({ id: Type.String() }),
        body: Type.Object({ outcome: lit([...TASK_OUTCOMES]), date: Type.Optional(S.BusinessDate), reason: Type.Optional(Type.String()), note: Type.Optional(Type.String()) }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      await scoped(request, 'controller', (trx, org, today) => completeTask(trx, org.org_id, request.params.id, request.body, actor(request.principal), today));
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/invoices/:ref/disputes',
    { schema: { tags: ['follow-up'], params: Type.Object({ ref: Type.String() }), body: Type.Object({ reason: Type.String({ minLength: 1 }) }, { additionalProperties: false }), response: { 200: Type.Object({ dispute_ids: Type.Array(Type.String()) }), ...problems } } },
    async (request) =>
      scoped(request, 'controller', async (trx, org, today) => {
        const inv = await getInvoice(trx, request.params.ref, today);
        return { dispute_ids: await openDisputes(trx, org.org_id, [inv.invoice_id], inv.debtor_id, request.body.reason, actor(request.principal)) };
      }),
  );

  app.post(
    '/api/disputes/:id/resolve',
    { schema: { tags: ['follow-up'], params: Type.Object({ id: Type.String() }), body: Type.Object({ resolution: Type.String({ minLength: 1 }) }, { additionalProperties: false }), response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await scoped(request, 'controller', (trx, org) => resolveDispute(trx, org.org_id, request.params.id, request.body.resolution, actor(request.principal)));
      return reply.status(204).send(null);
    },
  );
}
