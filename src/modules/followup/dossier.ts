import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { ContactPurpose, LedgerComponent, LedgerEntryType, Organisation } from '../../db/schema.ts';
import { addDays, daysBetween, isBusinessDate, todayIn } from '../../core/dates.ts';
import { formatAmount } from '../../core/money.ts';
import { nlStatutoryInterest } from '../../core/law/nl.ts';
import { beCommercialInterest } from '../../core/law/be.ts';
import type { InterestResult } from '../../core/law/interest.ts';
import { AppError } from '../../errors.ts';
import { computeCharge } from './charges.ts';

// The hand-over dossier for a collection agency, per debtor: who claims what from whom, how the
// claim was built up (every ledger entry), what was done to collect it (every message and task, with
// dates), what the debtor said and paid. Amounts are bigint minor units here; presentDossier turns
// them into decimal strings.
//
// Two kinds of costs and interest are kept apart throughout:
// - "charged": booked on the ledger by the follow-up (fee_charged / interest_charged entries);
// - "law": what the law allows up to the dossier date, computed afresh (interest keeps running after
//   the charge step booked it; costs may be due but not booked yet). "additional" is law − charged,
//   never negative: what the agency may add on top of the ledger.

export type DossierScope = 'in_collection' | 'open';

export interface DossierCreditor {
  orgId: string;
  legalName: string;
  country: 'NL' | 'BE';
  vatNumber: string | null;
  cocNumber: string | null;
  iban: string;
  bic: string | null;
  creditorId: string | null;
  currency: string;
  language: string;
  /** From the organisation's branding (keys address_line, postal_code, city, email, phone, website): the data model has no address. */
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  email: string | null;
  phone: string | null;
  website: string | null;
}

export interface DossierContact {
  purpose: ContactPurpose;
  name: string | null;
  email: string | null;
  phone: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
}

/** Where reminders go: the dunning contact where it has the data, else the debtor's own address and invoice contact. */
export interface DossierDunningAddress {
  source: 'dunning_contact' | 'debtor';
  name: string;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  country: string | null;
  email: string | null;
  phone: string | null;
}

export interface DossierBankAccount {
  iban: string;
  holderName: string | null;
  /** 'manual', 'learned' (from a payment booked to the debtor), or 'payments' (seen on an allocated payment only). */
  source: string;
}

export interface DossierDebtor {
  debtorId: string;
  number: string;
  name: string;
  kind: 'business' | 'consumer';
  language: string | null;
  country: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  vatNumber: string | null;
  cocNumber: string | null;
  segment: string | null;
  tags: string[];
  paymentTermsDays: number | null;
  creditLimit: bigint | null;
  requiresPo: boolean;
  accountManager: string | null;
  contacts: DossierContact[];
  dunningAddress: DossierDunningAddress;
  bankAccounts: DossierBankAccount[];
}

export interface DossierLedgerEntry {
  entryId: string;
  type: LedgerEntryType;
  component: LedgerComponent;
  amount: bigint;
  bookingDate: string;
  recordedAt: Date;
  reason: string | null;
  reversesEntryId: string | null;
  allocationId: string | null;
  createdBy: string | null;
}

export interface ComponentSplit {
  principal: bigint;
  costs: bigint;
  interest: bigint;
  total: bigint;
}

export interface DossierLaw {
  /** Collection costs the law allows on the dossier date (null rule text explains a zero). */
  costs: bigint;
  costsRule: string;
  /** Interest the law allows from interestFrom up to (not including) the dossier date, on the principal as it ran (payments reduce it from their date). */
  interest: bigint;
  interestRule: string;
  interestFrom: string;
  interestTo: string;
}

export interface DossierInvoice {
  invoiceId: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  issueDate: string;
  dueDate: string;
  currency: string;
  amountTotal: bigint;
  vatAmount: bigint | null;
  paymentReference: string | null;
  poNumber: string | null;
  projectReference: string | null;
  inCollection: boolean;
  /** The run date of the hand-over step, when the follow-up handed it over. */
  handedOverOn: string | null;
  daysOverdue: number;
  ledger: DossierLedgerEntry[];
  /** What the ledger says is open, per component; total equals the invoice's open amount. */
  open: ComponentSplit;
  /** Costs and interest booked on the ledger so far (before payments; reversals netted). */
  charged: { costs: bigint; interest: bigint };
  /** Computed for the dossier date from the law; not booked. */
  law: DossierLaw;
  /** law − charged, never below zero: not on the ledger yet. */
  additional: { costs: bigint; interest: bigint };
  /** open + additional: the claim on the dossier date. */
  claim: ComponentSplit;
  paid: bigint;
}

export interface DossierMessage {
  messageId: string;
  date: string;
  recordedAt: Date;
  kind: string;
  stepKey: string | null;
  template: string;
  tone: string;
  language: string;
  channels: string[];
  channel: string | null;
  status: string;
  amount: bigint;
  currency: string;
  /** Costs the message announced (the 14-day letter, the Belgian first reminder). */
  statedCosts: bigint | null;
  /** The payment deadline the message gave. */
  deadline: string | null;
  registered: boolean;
  costsCharged: bigint;
  invoiceIds: string[];
  invoiceNumbers: string[];
  concernsDossier: boolean;
  /** What was sent, as stored when it was rendered (null: not rendered yet). */
  subject: string | null;
  bodyText: string | null;
  recipient: string | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  messageIdHeader: string | null;
  providerId: string | null;
  /** The documents it carried (a letter's PDF, attachments), each with the SHA-256 of the stored bytes. */
  documents: { kind: string; filename: string | null; sha256: string }[];
}

export interface DossierTask {
  taskId: string;
  /** The run date for a workflow task, else the day it was recorded (organisation time zone). */
  date: string;
  kind: string;
  stepKey: string | null;
  title: string;
  assigneeRole: string;
  dueDate: string;
  status: 'open' | 'done';
  outcome: string | null;
  outcomeDate: string | null;
  outcomeReason: string | null;
  outcomeNote: string | null;
  completedOn: string | null;
  completedBy: string | null;
  invoiceNumbers: string[];
}

export interface DossierDispute {
  disputeId: string;
  invoiceNumber: string;
  reason: string;
  status: 'open' | 'resolved';
  resolution: string | null;
  openedOn: string;
  resolvedOn: string | null;
  createdBy: string | null;
}

export interface DossierPromise {
  promiseId: string;
  madeOn: string;
  promisedDate: string;
  graceDays: number;
  status: 'open' | 'kept' | 'broken';
  settledOn: string | null;
  invoiceNumbers: string[];
}

export interface DossierPayment {
  date: string;
  /** Positive: received; negative: a reversal. */
  amount: bigint;
  currency: string;
  invoiceNumber: string | null;
  /** How the ledger split it (positive = paid off that component). */
  split: { principal: bigint; costs: bigint; interest: bigint };
  source: 'bank' | 'ledger';
  allocationId: string | null;
  reversesAllocationId: string | null;
  rule: string | null;
  transactionId: string | null;
  bankReference: string | null;
  endToEndId: string | null;
  counterpartyName: string | null;
  counterpartyAccount: string | null;
  remittanceInfo: string | null;
  structuredReference: string | null;
}

export interface DossierTotals {
  currency: string;
  invoices: number;
  amountTotal: bigint;
  paid: bigint;
  open: ComponentSplit;
  charged: { costs: bigint; interest: bigint };
  additional: { costs: bigint; interest: bigint };
  claim: ComponentSplit;
}

export interface Dossier {
  /** The date everything to date is computed for. */
  date: string;
  scope: DossierScope;
  scopeNote: string;
  creditor: DossierCreditor;
  debtor: DossierDebtor;
  invoices: DossierInvoice[];
  /** Open invoices of the debtor not in the dossier (scope in_collection): for information. */
  otherOpenInvoices: { number: string; kind: 'invoice' | 'credit_note'; dueDate: string; openAmount: bigint; currency: string }[];
  messages: DossierMessage[];
  tasks: DossierTask[];
  disputes: DossierDispute[];
  promises: DossierPromise[];
  payments: DossierPayment[];
  /** One per currency, the organisation's first. */
  totals: DossierTotals[];
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------

const ZERO_SPLIT: ComponentSplit = { principal: 0n, costs: 0n, interest: 0n, total: 0n };
const DEAD_STATUSES = new Set(['cancelled', 'failed', 'bounced']);
const ENTRY_ORDER: readonly LedgerEntryType[] = ['issued', 'corrected', 'fee_charged', 'interest_charged', 'credited', 'credit_applied', 'payment_allocated', 'refunded', 'written_off', 'reversed'];
const COMPONENT_ORDER: readonly LedgerComponent[] = ['costs', 'interest', 'principal'];

function record(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') {
    try {
      return record(JSON.parse(v) as unknown);
    } catch {
      return {};
    }
  }
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const bigintOrNull = (v: unknown): bigint | null => (typeof v === 'string' && /^-?\d+$/.test(v) ? BigInt(v) : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : null);
const max0 = (v: bigint) => (v > 0n ? v : 0n);
const addSplit = (a: ComponentSplit, b: ComponentSplit): ComponentSplit => ({ principal: a.principal + b.principal, costs: a.costs + b.costs, interest: a.interest + b.interest, total: a.total + b.total });

/** Builds the dossier of one debtor (id dbt_… or number) for `date`, inside the caller's organisation transaction. */
export async function buildDossier(trx: Trx, org: Organisation, debtorRef: string, date: string): Promise<Dossier> {
  if (!isBusinessDate(date)) throw new AppError('bad_request', `Not a valid date: "${date}" (use YYYY-MM-DD).`);
  const localDate = (d: Date) => todayIn(org.time_zone, d);
  const warnings: string[] = [];

  const d = await trx.selectFrom('debtor').selectAll().where(debtorRef.startsWith('dbt_') ? 'debtor_id' : 'number', '=', debtorRef).executeTakeFirst();
  if (!d) throw new AppError('not_found', `No debtor ${debtorRef}.`);

  const [manager, contacts, accounts, allInvoices] = await Promise.all([
    d.account_manager_user_id
      ? trx.selectFrom('app_user').select(['name', 'email']).where('user_id', '=', d.account_manager_user_id).executeTakeFirst()
      : Promise.resolve(undefined),
    trx.selectFrom('debtor_contact').selectAll().where('debtor_id', '=', d.debtor_id).orderBy('purpose').execute(),
    trx.selectFrom('debtor_bank_account').select(['iban', 'holder_name', 'source']).where('debtor_id', '=', d.debtor_id).orderBy('created_at').orderBy('iban').execute(),
    trx
      .selectFrom('invoice')
      .select(['invoice_id', 'number', 'kind', 'issue_date', 'due_date', 'currency', 'amount_total', 'vat_amount', 'open_amount', 'payment_reference', 'po_number', 'project_reference', 'collection_status'])
      .where('debtor_id', '=', d.debtor_id)
      .orderBy('due_date')
      .orderBy('number')
      .execute(),
  ]);
  const numberOf = new Map(allInvoices.map((i) => [i.invoice_id, i.number]));
  const numbers = (idList: readonly string[]) => idList.map((id) => numberOf.get(id) ?? id).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));

  // Which invoices: those in collection, or every open one when none is in collection yet.
  const inCollection = allInvoices.filter((i) => i.collection_status === 'in_collection');
  const scope: DossierScope = inCollection.length > 0 ? 'in_collection' : 'open';
  const selected = scope === 'in_collection' ? inCollection : allInvoices.filter((i) => i.open_amount !== 0n);
  const scopeNote =
    scope === 'in_collection'
      ? `The ${selected.length} invoice(s) of this debtor handed over for collection.`
      : `No invoice of this debtor is in collection yet: all ${selected.length} open invoice(s) are listed.`;
  if (scope === 'open') warnings.push(scopeNote);
  const ids = selected.map((i) => i.invoice_id);
  const inDossier = new Set(ids);

  const [entries, handovers, messages, tasks, disputes, promises, allocations] = await Promise.all([
    ids.length
      ? trx
          .selectFrom('ledger_entry')
          .select(['entry_id', 'invoice_id', 'entry_type', 'component', 'amount', 'booking_date', 'created_at', 'reason', 'reverses_entry_id', 'allocation_id', 'created_by'])
          .where(sql<boolean>`invoice_id = ANY(${ids}::text[])`)
          .orderBy('booking_date')
          .orderBy('created_at')
          .orderBy('entry_id')
          .execute()
      : Promise.resolve([]),
    ids.length
      ? sql<{ invoice_id: string; run_date: string }>`
          SELECT invoice_id, min(run_date) AS run_date FROM followup_execution
          WHERE invoice_id = ANY(${ids}::text[]) AND step_type = 'handover' AND status = 'done' GROUP BY invoice_id`.execute(trx)
      : Promise.resolve({ rows: [] }),
    trx.selectFrom('outbox_message').selectAll().where('debtor_id', '=', d.debtor_id).orderBy('scheduled_for').orderBy('created_at').orderBy('message_id').execute(),
    sql<{
      task_id: string; kind: string; step_key: string | null; title: string; assignee_role: string; due_date: string; status: 'open' | 'done'; outcome: string | null;
      outcome_data: unknown; created_at: Date; completed_at: Date | null; completed_by: string | null; invoice_ids: string[]; run_date: string | null;
    }>`
      SELECT t.task_id, t.kind, t.step_key, t.title, t.assignee_role, t.due_date, t.status, t.outcome, t.outcome_data, t.created_at, t.completed_at, t.completed_by, t.invoice_ids,
        (SELECT min(e.run_date) FROM followup_execution e WHERE e.org_id = t.org_id AND e.task_id = t.task_id) AS run_date
      FROM task t WHERE t.debtor_id = ${d.debtor_id} ORDER BY t.created_at, t.task_id`.execute(trx),
    trx.selectFrom('dispute').selectAll().where('debtor_id', '=', d.debtor_id).orderBy('created_at').orderBy('dispute_id').execute(),
    trx.selectFrom('payment_promise').selectAll().where('debtor_id', '=', d.debtor_id).orderBy('created_at').orderBy('promise_id').execute(),
    sql<{
      allocation_id: string; invoice_id: string | null; amount: bigint; currency: string; rule: string; reverses_allocation_id: string | null; created_at: Date;
      transaction_id: string; booking_date: string; bank_reference: string | null; end_to_end_id: string | null; counterparty_name: string | null;
      counterparty_account: string | null; remittance_info: string | null; structured_reference: string | null;
    }>`
      SELECT a.allocation_id, a.invoice_id, a.amount, a.currency, a.rule, a.reverses_allocation_id, a.created_at, t.transaction_id, t.booking_date, t.bank_reference,
        t.end_to_end_id, t.counterparty_name, t.counterparty_account, t.remittance_info, t.structured_reference
      FROM allocation a JOIN bank_transaction t ON t.org_id = a.org_id AND t.transaction_id = a.transaction_id
      WHERE (a.invoice_id = ANY(${ids}::text[])) OR (a.invoice_id IS NULL AND a.debtor_id = ${d.debtor_id})
      ORDER BY t.booking_date, a.created_at, a.allocation_id`.execute(trx),
  ]);
  const handedOverOn = new Map(handovers.rows.map((r) => [r.invoice_id, r.run_date]));

  // ---- creditor and debtor ----
  const branding = record(org.branding);
  const creditor: DossierCreditor = {
    orgId: org.org_id, legalName: org.legal_name, country: org.country, vatNumber: org.vat_number, cocNumber: org.coc_number, iban: org.iban, bic: org.bic,
    creditorId: org.creditor_id, currency: org.currency, language: org.language,
    addressLine: text(branding.address_line), postalCode: text(branding.postal_code), city: text(branding.city), email: text(branding.email), phone: text(branding.phone), website: text(branding.website),
  };
  if (!creditor.addressLine) warnings.push('The creditor has no postal address on record (organisation branding address_line / postal_code / city): add it before sending the dossier.');

  const contactList: DossierContact[] = contacts.map((c) => ({ purpose: c.purpose, name: c.name, email: c.email, phone: c.phone, addressLine: c.address_line, postalCode: c.postal_code, city: c.city, country: c.country }));
  const byPurpose = (p: ContactPurpose) => contactList.find((c) => c.purpose === p);
  const dunning = byPurpose('dunning');
  const useDunningAddress = Boolean(dunning?.addressLine);
  const dunningAddress: DossierDunningAddress = {
    source: useDunningAddress ? 'dunning_contact' : 'debtor',
    name: dunning?.name ?? d.name,
    addressLine: useDunningAddress ? dunning!.addressLine : d.address_line,
    postalCode: useDunningAddress ? dunning!.postalCode : d.postal_code,
    city: useDunningAddress ? dunning!.city : d.city,
    country: useDunningAddress ? dunning!.country : d.country,
    email: dunning?.email ?? byPurpose('invoice')?.email ?? byPurpose('general')?.email ?? null,
    phone: dunning?.phone ?? byPurpose('invoice')?.phone ?? byPurpose('general')?.phone ?? null,
  };
  const bankAccounts: DossierBankAccount[] = accounts.map((a) => ({ iban: a.iban, holderName: a.holder_name, source: a.source }));
  for (const a of allocations.rows) {
    const iban = a.counterparty_account?.replace(/\s+/g, '').toUpperCase();
    if (iban && !bankAccounts.some((b) => b.iban === iban)) bankAccounts.push({ iban, holderName: a.counterparty_name, source: 'payments' });
  }
  const debtor: DossierDebtor = {
    debtorId: d.debtor_id, number: d.number, name: d.name, kind: d.kind, language: d.language, country: d.country, addressLine: d.address_line, postalCode: d.postal_code,
    city: d.city, vatNumber: d.vat_number, cocNumber: d.coc_number, segment: d.segment, tags: d.tags, paymentTermsDays: d.payment_terms_days, creditLimit: d.credit_limit,
    requiresPo: d.requires_po, accountManager: manager ? (manager.name ? `${manager.name} <${manager.email}>` : manager.email) : null,
    contacts: contactList, dunningAddress, bankAccounts,
  };
  if (!dunningAddress.addressLine) warnings.push('No postal address is known for the debtor.');

  // ---- messages (needed for the law: the 14-day letter / first reminder) ----
  const messageIds = messages.map((m) => m.message_id);
  const documents = new Map<string, DossierMessage['documents']>();
  if (messageIds.length) {
    const docs = await sql<{ message_id: string; kind: string; filename: string | null; sha256: string }>`
      SELECT message_id, kind, NULL AS filename, sha256, 0 AS position FROM message_document WHERE message_id = ANY(${messageIds}::text[])
      UNION ALL
      SELECT message_id, kind, filename, sha256, position + 1 FROM message_attachment WHERE message_id = ANY(${messageIds}::text[])
      ORDER BY 1, 5`.execute(trx);
    for (const r of docs.rows) documents.set(r.message_id, [...(documents.get(r.message_id) ?? []), { kind: r.kind, filename: r.filename, sha256: r.sha256 }]);
  }
  const dossierMessages: DossierMessage[] = messages.map((m) => {
    const data = record(m.data);
    return {
      messageId: m.message_id, date: m.scheduled_for, recordedAt: m.created_at, kind: m.kind, stepKey: m.step_key, template: m.template, tone: m.tone, language: m.language,
      channels: m.channels, channel: m.channel, status: m.status, amount: m.amount_total, currency: m.currency, statedCosts: bigintOrNull(data.stated_costs),
      deadline: text(data.deadline), registered: data.registered === true, costsCharged: m.costs_charged,
      invoiceIds: m.invoice_ids, invoiceNumbers: numbers(m.invoice_ids), concernsDossier: m.invoice_ids.some((id) => inDossier.has(id)),
      subject: m.subject, bodyText: m.body_text, recipient: m.recipient, sentAt: m.sent_at, deliveredAt: m.delivered_at, messageIdHeader: m.message_id_header,
      providerId: m.provider_id, documents: documents.get(m.message_id) ?? [],
    };
  });

  // ---- invoices ----
  // NOTE: entries of one statement share created_at and their ids are random within a millisecond:
  // the order of the kinds of entry decides, so costs always come before interest, as booked.
  entries.sort((a, b) =>
    a.booking_date !== b.booking_date ? (a.booking_date < b.booking_date ? -1 : 1)
      : a.created_at.getTime() !== b.created_at.getTime() ? a.created_at.getTime() - b.created_at.getTime()
        : ENTRY_ORDER.indexOf(a.entry_type) - ENTRY_ORDER.indexOf(b.entry_type) || COMPONENT_ORDER.indexOf(a.component) - COMPONENT_ORDER.indexOf(b.component) || (a.entry_id < b.entry_id ? -1 : 1));
  const entriesOf = new Map<string, typeof entries>();
  for (const e of entries) entriesOf.set(e.invoice_id, [...(entriesOf.get(e.invoice_id) ?? []), e]);
  const typeById = new Map(entries.map((e) => [e.entry_id, e.entry_type]));
  /** A reversal counts as the kind of entry it reverses. */
  const effectiveType = (e: (typeof entries)[number]): LedgerEntryType => (e.entry_type === 'reversed' && e.reverses_entry_id ? (typeById.get(e.reverses_entry_id) ?? 'reversed') : e.entry_type);
  const PAYMENT_TYPES = new Set<LedgerEntryType>(['payment_allocated', 'refunded']);

  const invoices: DossierInvoice[] = selected.map((i) => {
    const own = entriesOf.get(i.invoice_id) ?? [];
    const open = { ...ZERO_SPLIT };
    const charged = { costs: 0n, interest: 0n };
    let paid = 0n;
    for (const e of own) {
      open[e.component] += e.amount;
      open.total += e.amount;
      const t = effectiveType(e);
      if (t === 'fee_charged' && e.component === 'costs') charged.costs += e.amount;
      if (t === 'interest_charged' && e.component === 'interest') charged.interest += e.amount;
      if (PAYMENT_TYPES.has(t)) paid -= e.amount;
    }
    if (open.total !== i.open_amount) {
      warnings.push(`Invoice ${i.number}: the ledger adds up to ${formatAmount(open.total, i.currency)} but the invoice shows ${formatAmount(i.open_amount, i.currency)} open.`);
    }
    const law =
      i.kind === 'invoice'
        ? lawToDate({ org, debtorKind: d.kind, invoiceId: i.invoice_id, dueDate: i.due_date, date, principalOpen: open.principal, entries: own, messages: dossierMessages, warnings })
        : { costs: 0n, costsRule: 'none (credit note)', interest: 0n, interestRule: 'none (credit note)', interestFrom: addDays(i.due_date, 1), interestTo: date };
    const additional = { costs: max0(law.costs - charged.costs), interest: max0(law.interest - charged.interest) };
    const claim: ComponentSplit = {
      principal: open.principal, costs: open.costs + additional.costs, interest: open.interest + additional.interest,
      total: open.total + additional.costs + additional.interest,
    };
    return {
      invoiceId: i.invoice_id, number: i.number, kind: i.kind, issueDate: i.issue_date, dueDate: i.due_date, currency: i.currency, amountTotal: i.amount_total,
      vatAmount: i.vat_amount, paymentReference: i.payment_reference, poNumber: i.po_number, projectReference: i.project_reference,
      inCollection: i.collection_status === 'in_collection', handedOverOn: handedOverOn.get(i.invoice_id) ?? null,
      daysOverdue: i.open_amount > 0n ? Math.max(0, daysBetween(i.due_date, date)) : 0,
      ledger: own.map((e) => ({
        entryId: e.entry_id, type: e.entry_type, component: e.component, amount: e.amount, bookingDate: e.booking_date, recordedAt: e.created_at, reason: e.reason,
        reversesEntryId: e.reverses_entry_id, allocationId: e.allocation_id, createdBy: e.created_by,
      })),
      open, charged, law, additional, claim, paid,
    };
  });

  const otherOpenInvoices = allInvoices
    .filter((i) => !inDossier.has(i.invoice_id) && i.open_amount !== 0n)
    .map((i) => ({ number: i.number, kind: i.kind, dueDate: i.due_date, openAmount: i.open_amount, currency: i.currency }));
  const openCredits = otherOpenInvoices.filter((i) => i.kind === 'credit_note' && i.openAmount < 0n);
  if (openCredits.length > 0) warnings.push(`Open credit note(s) not applied to the claim: ${openCredits.map((c) => c.number).join(', ')}.`);

  // ---- the 14-day letter states the costs: booked costs must not exceed them ----
  for (const m of dossierMessages) {
    if (m.template !== 'nl_14_day_letter' || m.statedCosts === null || !m.concernsDossier) continue;
    const booked = invoices.filter((i) => m.invoiceNumbers.includes(i.number)).reduce((s, i) => s + i.charged.costs, 0n);
    if (booked > m.statedCosts) {
      warnings.push(`The 14-day letter of ${m.date} stated ${formatAmount(m.statedCosts, m.currency)} in costs for ${m.invoiceNumbers.join(', ')}, but ${formatAmount(booked, m.currency)} is booked: claim at most the stated amount.`);
    }
    if (m.status === 'queued' || m.status === 'rendered') warnings.push(`The 14-day letter of ${m.date} is still "${m.status}" in the outbox: check that it was actually sent before claiming costs.`);
  }

  // ---- tasks, disputes, promises ----
  const dossierTasks: DossierTask[] = tasks.rows.map((t) => {
    const od = record(t.outcome_data);
    return {
      taskId: t.task_id, date: t.run_date ?? localDate(t.created_at), kind: t.kind, stepKey: t.step_key, title: t.title, assigneeRole: t.assignee_role, dueDate: t.due_date,
      status: t.status, outcome: t.outcome, outcomeDate: text(od.date), outcomeReason: text(od.reason), outcomeNote: text(od.note),
      completedOn: t.completed_at ? localDate(t.completed_at) : null, completedBy: t.completed_by, invoiceNumbers: numbers(t.invoice_ids),
    };
  });
  const dossierDisputes: DossierDispute[] = disputes.map((x) => ({
    disputeId: x.dispute_id, invoiceNumber: numberOf.get(x.invoice_id) ?? x.invoice_id, reason: x.reason, status: x.status, resolution: x.resolution,
    openedOn: localDate(x.created_at), resolvedOn: x.resolved_at ? localDate(x.resolved_at) : null, createdBy: x.created_by,
  }));
  for (const x of dossierDisputes) if (x.status === 'open' && selected.some((i) => i.number === x.invoiceNumber)) warnings.push(`Invoice ${x.invoiceNumber} is disputed (since ${x.openedOn}): ${x.reason}`);
  const dossierPromises: DossierPromise[] = promises.map((p) => ({
    promiseId: p.promise_id, madeOn: localDate(p.created_at), promisedDate: p.promised_date, graceDays: p.grace_days, status: p.status,
    settledOn: p.settled_at ? localDate(p.settled_at) : null, invoiceNumbers: numbers(p.invoice_ids),
  }));
  for (const p of dossierPromises) if (p.status === 'open') warnings.push(`A payment promise is running: ${p.promisedDate} (made ${p.madeOn}).`);

  // ---- payments: bank allocations, and payments booked on the ledger without one ----
  const splitOf = (allocationId: string) => {
    const split = { principal: 0n, costs: 0n, interest: 0n };
    for (const e of entries) if (e.allocation_id === allocationId) split[e.component] -= e.amount;
    return split;
  };
  const payments: DossierPayment[] = allocations.rows.map((a) => ({
    date: a.booking_date, amount: a.amount, currency: a.currency, invoiceNumber: a.invoice_id ? (numberOf.get(a.invoice_id) ?? a.invoice_id) : null, split: splitOf(a.allocation_id),
    source: 'bank', allocationId: a.allocation_id, reversesAllocationId: a.reverses_allocation_id, rule: a.rule, transactionId: a.transaction_id, bankReference: a.bank_reference,
    endToEndId: a.end_to_end_id, counterpartyName: a.counterparty_name, counterpartyAccount: a.counterparty_account, remittanceInfo: a.remittance_info,
    structuredReference: a.structured_reference,
  }));
  for (const e of entries) {
    if (e.allocation_id !== null || !PAYMENT_TYPES.has(effectiveType(e))) continue;
    const split = { principal: 0n, costs: 0n, interest: 0n };
    split[e.component] = -e.amount;
    payments.push({
      date: e.booking_date, amount: -e.amount, currency: selected.find((i) => i.invoice_id === e.invoice_id)?.currency ?? org.currency, invoiceNumber: numberOf.get(e.invoice_id) ?? e.invoice_id,
      split, source: 'ledger', allocationId: null, reversesAllocationId: null, rule: e.reason, transactionId: null, bankReference: null, endToEndId: null, counterpartyName: null,
      counterpartyAccount: null, remittanceInfo: null, structuredReference: null,
    });
  }
  payments.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const onAccount = payments.filter((p) => p.invoiceNumber === null).reduce((s, p) => s + p.amount, 0n);
  if (onAccount !== 0n) warnings.push(`${formatAmount(onAccount, org.currency)} was received on the debtor's account without an invoice: settle it against the claim.`);

  // ---- totals per currency, the organisation's first ----
  const currencies = [...new Set(invoices.map((i) => i.currency))].sort((a, b) => (a === org.currency ? -1 : b === org.currency ? 1 : a.localeCompare(b)));
  const totals: DossierTotals[] = (currencies.length ? currencies : [org.currency]).map((currency) => {
    const list = invoices.filter((i) => i.currency === currency);
    return {
      currency, invoices: list.length,
      amountTotal: list.reduce((s, i) => s + i.amountTotal * (i.kind === 'credit_note' ? -1n : 1n), 0n),
      paid: list.reduce((s, i) => s + i.paid, 0n),
      open: list.reduce((s, i) => addSplit(s, i.open), ZERO_SPLIT),
      charged: { costs: list.reduce((s, i) => s + i.charged.costs, 0n), interest: list.reduce((s, i) => s + i.charged.interest, 0n) },
      additional: { costs: list.reduce((s, i) => s + i.additional.costs, 0n), interest: list.reduce((s, i) => s + i.additional.interest, 0n) },
      claim: list.reduce((s, i) => addSplit(s, i.claim), ZERO_SPLIT),
    };
  });

  return {
    date, scope, scopeNote, creditor, debtor, invoices, otherOpenInvoices, messages: dossierMessages, tasks: dossierTasks, disputes: dossierDisputes, promises: dossierPromises,
    payments, totals, warnings,
  };
}

interface LawInput {
  org: Organisation;
  debtorKind: 'business' | 'consumer';
  invoiceId: string;
  dueDate: string;
  date: string;
  principalOpen: bigint;
  entries: readonly { entry_type: LedgerEntryType; component: LedgerComponent; amount: bigint; booking_date: string }[];
  messages: readonly DossierMessage[];
  warnings: string[];
}

/**
 * Costs and interest the law allows on the dossier date. Interest runs from the day after the due
 * date on the principal as it was on each day, computed as parts: the principal open on the date
 * over the whole period, plus each reduction (payment, credit) for the days before it was booked,
 * less each undone reduction (a reversal) for the days before it was booked. Interest is linear in
 * the principal, so this is exact, yearly compounding included, up to rounding per part. The rules
 * are those of computeCharge; the law functions are called directly so that their rate warnings
 * reach the dossier. Costs follow computeCharge, with the conditions the workflow checks: for a
 * Dutch consumer only after the term of a 14-day letter expired, for a Belgian consumer only after
 * the waiting period of the first reminder.
 */
function lawToDate(input: LawInput): DossierLaw {
  const { org, debtorKind, dueDate, date } = input;
  const from = addDays(dueDate, 1);

  // Interest.
  let interestRule: string;
  let interestFn: ((principal: bigint, to: string) => InterestResult) | null = null;
  if (org.country === 'NL') {
    const kind = debtorKind === 'consumer' ? 'statutory' : 'commercial';
    interestRule = kind === 'statutory' ? 'NL statutory interest (art. 6:119 BW)' : 'NL statutory commercial interest (art. 6:119a BW)';
    interestFn = (principal, to) => nlStatutoryInterest({ principal, from, to, kind });
  } else if (debtorKind === 'business') {
    interestRule = 'BE late-payment interest (law of 2 August 2002)';
    interestFn = (principal, to) => beCommercialInterest({ principal, from, to });
  } else {
    interestRule = 'none: a Belgian consumer owes interest only under a contract clause (Book XIX CEL)';
  }
  let interest = 0n;
  if (interestFn !== null && from < date) {
    const fn = interestFn;
    const part = (principal: bigint, to: string): bigint => {
      if (principal <= 0n || to <= from) return 0n;
      const r = fn(principal, to);
      for (const w of r.warnings) if (!input.warnings.includes(w)) input.warnings.push(w);
      return r.interest;
    };
    let principalOnDate = 0n;
    let correction = 0n;
    for (const e of input.entries) {
      if (e.component !== 'principal' || e.booking_date > date) continue;
      principalOnDate += e.amount;
      // NOTE: the invoice amount (issued, corrected) is owed from the start whenever it was booked;
      // a reduction counts from its booking date, and so does undoing one (a reversal).
      if (e.booking_date <= from || e.amount === 0n) continue;
      if (e.amount < 0n) correction += part(-e.amount, e.booking_date);
      else if (e.entry_type === 'reversed') correction -= part(e.amount, e.booking_date);
    }
    interest = max0(part(principalOnDate, date) + correction);
  } else if (interestFn !== null) {
    interestRule += ' (not running yet)';
  }

  // Costs: as computeCharge books them, on the principal open now, once the law's condition is met.
  const base = input.principalOpen;
  const covering = (template: string) => input.messages.filter((m) => m.template === template && !DEAD_STATUSES.has(m.status) && m.invoiceIds.includes(input.invoiceId));
  let condition: { met: boolean; text: string } = { met: true, text: '' };
  if (debtorKind === 'consumer') {
    const nl = org.country === 'NL';
    const notices = covering(nl ? 'nl_14_day_letter' : 'be_first_reminder');
    const expired = notices.find((m) => m.deadline !== null && m.deadline < date);
    const first = notices[0];
    if (expired) {
      condition = { met: true, text: nl ? `; 14-day letter of ${expired.date}, term expired ${expired.deadline}` : `; first reminder of ${expired.date}, waiting period ended ${expired.deadline}; only under a contract clause` };
    } else if (first) {
      condition = { met: false, text: nl ? `: not yet, the term of the 14-day letter of ${first.date} runs to ${first.deadline ?? '?'}` : `: not yet, the waiting period of the first reminder of ${first.date} runs to ${first.deadline ?? '?'}` };
    } else {
      condition = { met: false, text: nl ? ': not yet, no 14-day letter was sent (art. 6:96(6) BW)' : ': not yet, no first reminder was sent (Book XIX CEL)' };
    }
  }
  let costs = 0n;
  let costsRule: string;
  if (base <= 0n) {
    costsRule = 'none: no principal open';
  } else {
    const c = computeCharge({ country: org.country, debtorKind, principal: base, dueDate, date }, { costs: true, interest: false });
    costs = condition.met ? c.costs : 0n;
    costsRule = `${c.costsRule}${condition.text}`;
  }
  return { costs, costsRule, interest, interestRule, interestFrom: from, interestTo: date };
}

// ---------------------------------------------------------------------------------------------

export interface HistoryItem {
  date: string;
  kind: 'message' | 'task' | 'promise';
  /** The message template or task kind. */
  code: string;
  /** Sorts items of one day: messages before the tasks they lead to. */
  order: number;
  title: string;
  invoices: string[];
  channels: string[];
  status: string;
  deadline: string | null;
  statedCosts: bigint | null;
  currency: string | null;
  detail: string | null;
}

/** Messages, tasks and promises in the order they happened. */
export function dossierHistory(d: Dossier): HistoryItem[] {
  const items: HistoryItem[] = [
    ...d.messages.map((m): HistoryItem => ({
      date: m.date, kind: 'message', code: m.template, order: 0, title: m.template.replace(/_/g, ' '), invoices: m.invoiceNumbers, channels: m.channels, status: m.status, deadline: m.deadline,
      statedCosts: m.statedCosts, currency: m.currency, detail: m.registered ? 'registered' : null,
    })),
    ...d.tasks.map((t): HistoryItem => ({
      date: t.date, kind: 'task', code: t.kind, order: 1, title: t.title, invoices: t.invoiceNumbers, channels: [], status: t.outcome ?? t.status, deadline: t.dueDate, statedCosts: null, currency: null,
      detail: [t.outcomeDate ? `date ${t.outcomeDate}` : null, t.outcomeReason, t.outcomeNote, t.completedOn ? `completed ${t.completedOn}` : null].filter((x) => x !== null).join('; ') || null,
    })),
    ...d.promises.map((p): HistoryItem => ({
      date: p.madeOn, kind: 'promise', code: 'promise', order: 2, title: `payment promised for ${p.promisedDate} (+${p.graceDays} days grace)`, invoices: p.invoiceNumbers, channels: [], status: p.status,
      deadline: p.promisedDate, statedCosts: null, currency: null, detail: p.settledOn ? `settled ${p.settledOn}` : null,
    })),
  ];
  return items.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.order - b.order));
}

// ---------------------------------------------------------------------------------------------

const money = (v: bigint, currency: string) => formatAmount(v, currency);
const splitJson = (s: ComponentSplit, c: string) => ({ principal: money(s.principal, c), costs: money(s.costs, c), interest: money(s.interest, c), total: money(s.total, c) });
const ciJson = (s: { costs: bigint; interest: bigint }, c: string) => ({ costs: money(s.costs, c), interest: money(s.interest, c) });

/** The dossier as JSON: amounts as decimal strings in their currency, instants as ISO strings, snake_case. */
export function presentDossier(d: Dossier) {
  const cur = d.creditor.currency;
  const c = d.creditor;
  const db = d.debtor;
  return {
    date: d.date,
    scope: d.scope,
    scope_note: d.scopeNote,
    creditor: {
      id: c.orgId, legal_name: c.legalName, country: c.country, vat_number: c.vatNumber, coc_number: c.cocNumber, iban: c.iban, bic: c.bic, creditor_id: c.creditorId,
      currency: c.currency, language: c.language, address_line: c.addressLine, postal_code: c.postalCode, city: c.city, email: c.email, phone: c.phone, website: c.website,
    },
    debtor: {
      id: db.debtorId, number: db.number, name: db.name, kind: db.kind, language: db.language, country: db.country, address_line: db.addressLine, postal_code: db.postalCode,
      city: db.city, vat_number: db.vatNumber, coc_number: db.cocNumber, segment: db.segment, tags: db.tags, payment_terms_days: db.paymentTermsDays,
      credit_limit: db.creditLimit === null ? null : money(db.creditLimit, cur), requires_po: db.requiresPo, account_manager: db.accountManager,
      contacts: db.contacts.map((x) => ({ purpose: x.purpose, name: x.name, email: x.email, phone: x.phone, address_line: x.addressLine, postal_code: x.postalCode, city: x.city, country: x.country })),
      dunning_address: {
        source: db.dunningAddress.source, name: db.dunningAddress.name, address_line: db.dunningAddress.addressLine, postal_code: db.dunningAddress.postalCode,
        city: db.dunningAddress.city, country: db.dunningAddress.country, email: db.dunningAddress.email, phone: db.dunningAddress.phone,
      },
      bank_accounts: db.bankAccounts.map((b) => ({ iban: b.iban, holder_name: b.holderName, source: b.source })),
    },
    invoices: d.invoices.map((i) => ({
      id: i.invoiceId, number: i.number, kind: i.kind, issue_date: i.issueDate, due_date: i.dueDate, currency: i.currency, amount_total: money(i.amountTotal, i.currency),
      vat_amount: i.vatAmount === null ? null : money(i.vatAmount, i.currency), payment_reference: i.paymentReference, po_number: i.poNumber, project_reference: i.projectReference,
      in_collection: i.inCollection, handed_over_on: i.handedOverOn, days_overdue: i.daysOverdue,
      ledger: i.ledger.map((e) => ({
        id: e.entryId, type: e.type, component: e.component, amount: money(e.amount, i.currency), booking_date: e.bookingDate, recorded_at: e.recordedAt.toISOString(),
        reason: e.reason, reverses_entry_id: e.reversesEntryId, allocation_id: e.allocationId, created_by: e.createdBy,
      })),
      open: splitJson(i.open, i.currency),
      charged: ciJson(i.charged, i.currency),
      law: { costs: money(i.law.costs, i.currency), costs_rule: i.law.costsRule, interest: money(i.law.interest, i.currency), interest_rule: i.law.interestRule, interest_from: i.law.interestFrom, interest_to: i.law.interestTo },
      additional: ciJson(i.additional, i.currency),
      claim: splitJson(i.claim, i.currency),
      paid: money(i.paid, i.currency),
    })),
    other_open_invoices: d.otherOpenInvoices.map((o) => ({ number: o.number, kind: o.kind, due_date: o.dueDate, open_amount: money(o.openAmount, o.currency), currency: o.currency })),
    messages: d.messages.map((m) => ({
      id: m.messageId, date: m.date, recorded_at: m.recordedAt.toISOString(), kind: m.kind, step: m.stepKey, template: m.template, tone: m.tone, language: m.language,
      channels: m.channels, channel: m.channel, status: m.status, amount: money(m.amount, m.currency), currency: m.currency,
      stated_costs: m.statedCosts === null ? null : money(m.statedCosts, m.currency), deadline: m.deadline, registered: m.registered, costs_charged: money(m.costsCharged, m.currency),
      invoices: m.invoiceNumbers, concerns_dossier: m.concernsDossier,
      subject: m.subject, text: m.bodyText, recipient: m.recipient, sent_at: m.sentAt?.toISOString() ?? null, delivered_at: m.deliveredAt?.toISOString() ?? null,
      message_id_header: m.messageIdHeader, provider_id: m.providerId, documents: m.documents,
    })),
    tasks: d.tasks.map((t) => ({
      id: t.taskId, date: t.date, kind: t.kind, step: t.stepKey, title: t.title, assignee_role: t.assigneeRole, due_date: t.dueDate, status: t.status, outcome: t.outcome,
      outcome_date: t.outcomeDate, outcome_reason: t.outcomeReason, outcome_note: t.outcomeNote, completed_on: t.completedOn, completed_by: t.completedBy, invoices: t.invoiceNumbers,
    })),
    disputes: d.disputes.map((x) => ({ id: x.disputeId, invoice: x.invoiceNumber, reason: x.reason, status: x.status, resolution: x.resolution, opened_on: x.openedOn, resolved_on: x.resolvedOn, created_by: x.createdBy })),
    promises: d.promises.map((p) => ({ id: p.promiseId, made_on: p.madeOn, promised_date: p.promisedDate, grace_days: p.graceDays, status: p.status, settled_on: p.settledOn, invoices: p.invoiceNumbers })),
    payments: d.payments.map((p) => ({
      date: p.date, amount: money(p.amount, p.currency), currency: p.currency, invoice: p.invoiceNumber,
      split: { principal: money(p.split.principal, p.currency), costs: money(p.split.costs, p.currency), interest: money(p.split.interest, p.currency) },
      source: p.source, allocation_id: p.allocationId, reverses_allocation_id: p.reversesAllocationId, rule: p.rule, transaction_id: p.transactionId, bank_reference: p.bankReference,
      end_to_end_id: p.endToEndId, counterparty_name: p.counterpartyName, counterparty_account: p.counterpartyAccount, remittance_info: p.remittanceInfo, structured_reference: p.structuredReference,
    })),
    totals: d.totals.map((t) => ({
      currency: t.currency, invoices: t.invoices, amount_total: money(t.amountTotal, t.currency), paid: money(t.paid, t.currency), open: splitJson(t.open, t.currency),
      charged: ciJson(t.charged, t.currency), additional: ciJson(t.additional, t.currency), claim: splitJson(t.claim, t.currency),
    })),
    warnings: d.warnings,
  };
}

export type DossierJson = ReturnType<typeof presentDossier>;
