import { Type, type Static, type TSchema } from 'typebox';

// TypeBox schemas of the API, requests and responses. Amounts travel as decimal strings ("1234.56").

export const Amount = Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', description: 'Decimal amount in the currency, e.g. "1234.56"' });
export const BusinessDate = Type.String({ format: 'date', description: 'Business date YYYY-MM-DD' });
// NOTE: null first: the validator coerces types (query strings), and tried against a string first a
// JSON null would become "" instead of clearing the field.
export const Nullable = <T extends TSchema>(t: T) => Type.Union([Type.Null(), t]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({}, { additionalProperties: true }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const Organisation = Type.Object(
  {
    id: Type.String(),
    slug: Type.String(),
    legal_name: Type.String(),
    country: Type.String(),
    vat_number: Nullable(Type.String()),
    coc_number: Nullable(Type.String()),
    iban: Type.String(),
    currency: Type.String(),
    language: Type.String(),
    time_zone: Type.String(),
    creditor_id: Nullable(Type.String()),
    payment_terms_days: Type.Integer(),
  },
  { additionalProperties: false },
);

export const DebtorSummary = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    name: Type.String(),
    kind: Type.Union([Type.Literal('business'), Type.Literal('consumer')]),
    language: Nullable(Type.String()),
    country: Nullable(Type.String()),
    address_line: Nullable(Type.String()),
    postal_code: Nullable(Type.String()),
    city: Nullable(Type.String()),
    vat_number: Nullable(Type.String()),
    coc_number: Nullable(Type.String()),
    segment: Nullable(Type.String()),
    account_manager_user_id: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
    credit_limit: Nullable(Amount),
    payment_terms_days: Nullable(Type.Integer()),
    requires_po: Type.Boolean(),
    invoice_channel: Nullable(Type.Union([Type.Literal('email'), Type.Literal('letter')], { description: 'How the debtor asked to receive invoices; null: the cheapest channel that reaches them.' })),
    currency: Type.String(),
    open_total: Amount,
    overdue_total: Amount,
    open_invoices: Type.Integer(),
    check_status: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const CheckResult = Type.Object(
  { code: Type.String(), status: Type.String(), detail: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const Checks = Type.Object(
  { status: Type.String(), checked_at: Nullable(Type.String()), results: Type.Array(CheckResult) },
  { additionalProperties: false },
);

export const Contact = Type.Object(
  {
    id: Type.String(),
    purpose: Type.String(),
    name: Nullable(Type.String()),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    address_line: Nullable(Type.String()),
    postal_code: Nullable(Type.String()),
    city: Nullable(Type.String()),
    country: Nullable(Type.String()),
  },
  { additionalProperties: false },
);

export const BankAccount = Type.Object(
  { iban: Type.String(), holder_name: Nullable(Type.String()), source: Type.String() },
  { additionalProperties: false },
);

export const DebtorDetail = Type.Object(
  { ...DebtorSummary.properties, contacts: Type.Array(Contact), bank_accounts: Type.Array(BankAccount), checks: Checks },
  { additionalProperties: false },
);

export const InvoiceStatus = Type.Union([
  Type.Literal('open'), Type.Literal('overdue'), Type.Literal('paid'), Type.Literal('credited'),
  Type.Literal('written_off'), Type.Literal('overpaid'), Type.Literal('applied'),
]);

export const RoleSchema = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('controller'), Type.Literal('viewer')]);

export const InvoiceSummary = Type.Object(
  {
    id: Type.String(),
    number: Type.String(),
    kind: Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')]),
    debtor: Type.Object({ id: Type.String(), number: Type.String(), name: Type.String(), segment: Nullable(Type.String()) }, { additionalProperties: false }),
    issue_date: BusinessDate,
    due_date: BusinessDate,
    currency: Type.String(),
    amount_total: Amount,
    vat_amount: Nullable(Amount),
    open_amount: Amount,
    status: InvoiceStatus,
    days_overdue: Type.Integer(),
    po_number: Nullable(Type.String()),
    project_reference: Nullable(Type.String()),
    payment_reference: Nullable(Type.String()),
    related_invoice_id: Nullable(Type.String()),
    source: Type.Object({ format: Type.String(), batch_id: Nullable(Type.String()), line: Nullable(Type.Integer()) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const LedgerEntry = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    amount: Amount,
    currency: Type.String(),
    booking_date: BusinessDate,
    reverses_entry_id: Nullable(Type.String()),
    counter_invoice_id: Nullable(Type.String()),
    batch_id: Nullable(Type.String()),
    reason: Nullable(Type.String()),
    created_by: Nullable(Type.String()),
    created_at: Type.String(),
  },
  { additionalProperties: false },
);

export const Event = Type.Object(
  {
    id: Type.String(),
    type: Type.String(),
    actor: Nullable(Type.String()),
    batch_id: Nullable(Type.String()),
    data: Type.Unknown(),
    occurred_at: Type.String(),
  },
  { additionalProperties: false },
);

export const InvoiceDetail = Type.Object(
  {
    ...InvoiceSummary.properties,
    ledger: Type.Array(LedgerEntry),
    events: Type.Array(Event),
    checks: Checks,
    has_original_document: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), next_cursor: Nullable(Type.String()) }, { additionalProperties: false });

export const ImportIssue = Type.Object(
  { file: Type.String(), line: Type.Integer(), column: Type.String(), reason: Type.String(), invoice_number: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const ImportSummary = Type.Object(
  {
    file: Type.String(),
    format: Type.String(),
    batch_id: Nullable(Type.String()),
    rows: Type.Integer(),
    created: Type.Integer(),
    updated: Type.Integer(),
    unchanged: Type.Integer(),
    rejected: Type.Integer(),
    debtors_created: Type.Integer(),
    debtors_updated: Type.Integer(),
    errors: Type.Array(ImportIssue),
    warnings: Type.Array(ImportIssue),
  },
  { additionalProperties: false },
);

const Buckets = Type.Object(
  { not_due: Amount, d1_30: Amount, d31_60: Amount, d61_90: Amount, d91_180: Amount, over_180: Amount },
  { additionalProperties: false },
);

export const AgingReport = Type.Object(
  {
    date: BusinessDate,
    debtors: Type.Array(
      Type.Object(
        { debtor_id: Type.String(), debtor_number: Type.String(), debtor_name: Type.String(), currency: Type.String(), buckets: Buckets, total: Amount },
        { additionalProperties: false },
      ),
    ),
    totals: Type.Array(Type.Object({ currency: Type.String(), buckets: Buckets, total: Amount }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const DsoReport = Type.Object(
  {
    date: BusinessDate,
    currency: Type.String(),
    method: Type.Literal('countback'),
    receivables: Amount,
    dso: Type.Number(),
    periods: Type.Array(Type.Object({ from: BusinessDate, to: BusinessDate, sales: Amount, days: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const Text = Type.Optional(Nullable(Type.String()));

export const ApiInvoiceInput = Type.Object(
  {
    number: Type.String({ minLength: 1 }),
    kind: Type.Optional(Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')])),
    debtor: Type.Object(
      {
        number: Type.String({ minLength: 1 }),
        name: Text,
        kind: Type.Optional(Nullable(Type.Union([Type.Literal('business'), Type.Literal('consumer')]))),
        email: Text,
        phone: Text,
        address_line: Text,
        postal_code: Text,
        city: Text,
        country: Text,
        language: Text,
        vat_number: Text,
        coc_number: Text,
      },
      { additionalProperties: false },
    ),
    issue_date: BusinessDate,
    due_date: Type.Optional(Nullable(BusinessDate)),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$' })),
    amount: Amount,
    vat_amount: Type.Optional(Nullable(Amount)),
    po_number: Text,
    project_reference: Text,
    payment_reference: Text,
    related_invoice: Text,
  },
  { additionalProperties: false },
);

export type StaticOf<T extends TSchema> = Static<T>;
