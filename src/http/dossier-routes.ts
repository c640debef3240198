import { Type, type Static } from 'typebox';
import type { App, RouteContext } from './cashapp-routes.ts';
import * as S from './schemas.ts';
import { buildDossier, presentDossier, type Dossier } from '../modules/followup/dossier.ts';
import { dossierPdf, type DossierLanguage } from '../modules/followup/dossier-pdf.ts';

// The hand-over dossier of a debtor for a collection agency: JSON for systems, PDF for people.

const Text = S.Nullable(Type.String());
const Split = Type.Object({ principal: S.Amount, costs: S.Amount, interest: S.Amount, total: S.Amount }, { additionalProperties: false });
const CostsInterest = Type.Object({ costs: S.Amount, interest: S.Amount }, { additionalProperties: false });

export const DossierSchema = Type.Object(
  {
    date: S.BusinessDate,
    scope: Type.Union([Type.Literal('in_collection'), Type.Literal('open')], { description: 'in_collection: the invoices handed over; open: none is in collection yet, so all open invoices' }),
    scope_note: Type.String(),
    creditor: Type.Object(
      {
        id: Type.String(), legal_name: Type.String(), country: Type.String(), vat_number: Text, coc_number: Text, iban: Type.String(), bic: Text, creditor_id: Text,
        currency: Type.String(), language: Type.String(), address_line: Text, postal_code: Text, city: Text, email: Text, phone: Text, website: Text,
      },
      { additionalProperties: false },
    ),
    debtor: Type.Object(
      {
        id: Type.String(), number: Type.String(), name: Type.String(), kind: Type.Union([Type.Literal('business'), Type.Literal('consumer')]), language: Text, country: Text,
        address_line: Text, postal_code: Text, city: Text, vat_number: Text, coc_number: Text, segment: Text, tags: Type.Array(Type.String()),
        payment_terms_days: S.Nullable(Type.Integer()), credit_limit: S.Nullable(S.Amount), requires_po: Type.Boolean(), account_manager: Text,
        contacts: Type.Array(
          Type.Object(
            { purpose: Type.Union([Type.Literal('invoice'), Type.Literal('dunning'), Type.Literal('general')]), name: Text, email: Text, phone: Text, address_line: Text, postal_code: Text, city: Text, country: Text },
            { additionalProperties: false },
          ),
        ),
        dunning_address: Type.Object(
          { source: Type.Union([Type.Literal('dunning_contact'), Type.Literal('debtor')]), name: Type.String(), address_line: Text, postal_code: Text, city: Text, country: Text, email: Text, phone: Text },
          { additionalProperties: false, description: 'Where reminders go: the dunning contact where it has the data, else the debtor’s address and invoice contact' },
        ),
        bank_accounts: Type.Array(Type.Object({ iban: Type.String(), holder_name: Text, source: Type.String() }, { additionalProperties: false })),
      },
      { additionalProperties: false },
    ),
    invoices: Type.Array(
      Type.Object(
        {
          id: Type.String(), number: Type.String(), kind: Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')]), issue_date: S.BusinessDate, due_date: S.BusinessDate,
          currency: Type.String(), amount_total: S.Amount, vat_amount: S.Nullable(S.Amount), payment_reference: Text, po_number: Text, project_reference: Text,
          in_collection: Type.Boolean(), handed_over_on: S.Nullable(S.BusinessDate), days_overdue: Type.Integer(),
          ledger: Type.Array(
            Type.Object(
              {
                id: Type.String(), type: Type.String(), component: Type.Union([Type.Literal('principal'), Type.Literal('costs'), Type.Literal('interest')]), amount: S.Amount,
                booking_date: S.BusinessDate, recorded_at: Type.String(), reason: Text, reverses_entry_id: Text, allocation_id: Text, created_by: Text,
              },
              { additionalProperties: false },
            ),
          ),
          open: Type.Object(Split.properties, { additionalProperties: false, description: 'Open per the ledger, per component; total is the invoice’s open amount' }),
          charged: Type.Object(CostsInterest.properties, { additionalProperties: false, description: 'Costs and interest booked on the ledger so far' }),
          law: Type.Object(
            { costs: S.Amount, costs_rule: Type.String(), interest: S.Amount, interest_rule: Type.String(), interest_from: S.BusinessDate, interest_to: S.BusinessDate },
            { additionalProperties: false, description: 'What the law allows up to the dossier date (computed, not booked)' },
          ),
          additional: Type.Object(CostsInterest.properties, { additionalProperties: false, description: 'law − charged, never negative: not on the ledger yet' }),
          claim: Type.Object(Split.properties, { additionalProperties: false, description: 'open + additional: the claim on the dossier date' }),
          paid: S.Amount,
        },
        { additionalProperties: false },
      ),
    ),
    other_open_invoices: Type.Array(
      Type.Object({ number: Type.String(), kind: Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')]), due_date: S.BusinessDate, open_amount: S.Amount, currency: Type.String() }, { additionalProperties: false }),
    ),
    messages: Type.Array(
      Type.Object(
        {
          id: Type.String(), date: S.BusinessDate, recorded_at: Type.String(), kind: Type.String(), step: Text, template: Type.String(), tone: Type.String(), language: Type.String(),
          channels: Type.Array(Type.String()), channel: Text, status: Type.String(), amount: S.Amount, currency: Type.String(), stated_costs: S.Nullable(S.Amount),
          deadline: S.Nullable(S.BusinessDate), registered: Type.Boolean(), costs_charged: S.Amount, invoices: Type.Array(Type.String()), concerns_dossier: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
    ),
    tasks: Type.Array(
      Type.Object(
        {
          id: Type.String(), date: S.BusinessDate, kind: Type.String(), step: Text, title: Type.String(), assignee_role: Type.String(), due_date: S.BusinessDate,
          status: Type.Union([Type.Literal('open'), Type.Literal('done')]), outcome: Text, outcome_date: Text, outcome_reason: Text, outcome_note: Text,
          completed_on: S.Nullable(S.BusinessDate), completed_by: Text, invoices: Type.Array(Type.String()),
        },
        { additionalProperties: false },
      ),
    ),
    disputes: Type.Array(
      Type.Object(
        { id: Type.String(), invoice: Type.String(), reason: Type.String(), status: Type.Union([Type.Literal('open'), Type.Literal('resolved')]), resolution: Text, opened_on: S.BusinessDate, resolved_on: S.Nullable(S.BusinessDate), created_by: Text },
        { additionalProperties: false },
      ),
    ),
    promises: Type.Array(
      Type.Object(
        { id: Type.String(), made_on: S.BusinessDate, promised_date: S.BusinessDate, grace_days: Type.Integer(), status: Type.Union([Type.Literal('open'), Type.Literal('kept'), Type.Literal('broken')]), settled_on: S.Nullable(S.BusinessDate), invoices: Type.Array(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    payments: Type.Array(
      Type.Object(
        {
          date: S.BusinessDate, amount: S.Amount, currency: Type.String(), invoice: Text,
          split: Type.Object({ principal: S.Amount, costs: S.Amount, interest: S.Amount }, { additionalProperties: false }),
          source: Type.Union([Type.Literal('bank'), Type.Literal('ledger')]), allocation_id: Text, reverses_allocation_id: Text, rule: Text, transaction_id: Text,
          bank_reference: Text, end_to_end_id: Text, counterparty_name: Text, counterparty_account: Text, remittance_info: Text, structured_reference: Text,
        },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Array(
      Type.Object(
        { currency: Type.String(), invoices: Type.Integer(), amount_total: S.Amount, paid: S.Amount, open: Split, charged: CostsInterest, additional: CostsInterest, claim: Split },
        { additionalProperties: false },
      ),
    ),
    warnings: Type.Array(Type.String()),
  },
  { additionalProperties: false, description: 'The hand-over dossier of a debtor. Amounts are decimal strings in their currency; "charged" is booked, "law" and "additional" are computed for the dossier date.' },
);

export type DossierBody = Static<typeof DossierSchema>;

/** The dossier as the API returns it; typed against the schema so the two cannot drift apart. */
export function dossierBody(d: Dossier): DossierBody {
  return presentDossier(d);
}

const Params = Type.Object({ ref: Type.String({ description: 'Debtor id (dbt_…) or number' }) });

export function registerDossierRoutes(app: App, ctx: RouteContext): void {
  const { scoped, problems } = ctx;

  app.get(
    '/api/debtors/:ref/dossier',
    {
      schema: {
        tags: ['follow-up'],
        description: 'The hand-over dossier for a collection agency: creditor, debtor, the invoices in collection (or all open ones when none is), their ledger, costs and interest booked and allowed to date, every message, task, dispute, promise and payment.',
        params: Params,
        querystring: Type.Object({ date: Type.Optional(S.BusinessDate) }, { additionalProperties: false }),
        response: { 200: DossierSchema, ...problems },
      },
    },
    async (request) => scoped(request, 'viewer', async (trx, org, today) => dossierBody(await buildDossier(trx, org, request.params.ref, request.query.date ?? today))),
  );

  app.get(
    '/api/debtors/:ref/dossier.pdf',
    {
      schema: {
        tags: ['follow-up'],
        description: 'The hand-over dossier as an A4 PDF (labels in Dutch or English; default the organisation’s language).',
        params: Params,
        querystring: Type.Object(
          { date: Type.Optional(S.BusinessDate), language: Type.Optional(Type.Union([Type.Literal('nl'), Type.Literal('en')])) },
          { additionalProperties: false },
        ),
        response: { 200: { description: 'The dossier as an A4 PDF', content: { 'application/pdf': { schema: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) } } }, ...problems },
      },
    },
    async (request, reply) => {
      const { dossier, language } = await scoped(request, 'viewer', async (trx, org, today) => ({
        dossier: await buildDossier(trx, org, request.params.ref, request.query.date ?? today),
        language: request.query.language ?? ((org.language === 'nl' ? 'nl' : 'en') satisfies DossierLanguage),
      }));
      const pdf = await dossierPdf(dossier, language);
      const file = `dossier-${dossier.debtor.number.replace(/[^A-Za-z0-9._-]+/g, '_')}-${dossier.date}.pdf`;
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${file}"`).send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    },
  );
}
