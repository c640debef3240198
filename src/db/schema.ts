import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

// Row types of the tables, as Kysely sees them. int8 arrives as bigint, date as 'YYYY-MM-DD'.
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export type Role = 'owner' | 'admin' | 'controller' | 'viewer';

export interface OrganisationTable {
  org_id: string;
  slug: string;
  legal_name: string;
  country: 'NL' | 'BE';
  vat_number: string | null;
  coc_number: string | null;
  iban: string;
  bic: string | null;
  currency: string;
  language: string;
  time_zone: string;
  creditor_id: string | null;
  payment_terms_days: Generated<number>;
  reference_sequence: Generated<bigint>;
  branding: ColumnType<Record<string, unknown>, string | undefined, string>;
  created_at: Timestamp;
  allocation_rule: Generated<AllocationRule>;
  /** SMTP URL, sender (from), reply_to, dkim, invoice_delivery and channel costs (minor units): see src/modules/messaging and README. */
  messaging: ColumnType<Record<string, unknown>, string | undefined, string>;
  /** numeric(4,3): arrives as a string. */
  match_threshold: ColumnType<string, string | undefined, string>;
  /** Days the follow-up sends nothing (ISO weekdays 1–7 and dates): message steps move to the next open business day. */
  no_send_days: ColumnType<NoSendDays, string | undefined, string>;
}

export interface NoSendDays {
  weekdays: number[];
  dates: string[];
}

export type AllocationRule = 'oldest_first' | 'overdue_first' | 'largest_first' | 'smallest_first';

export interface AppUserTable {
  org_id: string;
  user_id: string;
  email: string;
  name: string | null;
  role: Role;
  password_hash: string;
  created_at: Timestamp;
  disabled_at: Date | null;
}

export interface ApiKeyTable {
  org_id: string;
  api_key_id: string;
  name: string;
  role: Role;
  key_hash: string;
  key_prefix: string;
  created_at: Timestamp;
  revoked_at: Date | null;
}

export interface UserSessionTable {
  org_id: string;
  session_id: string;
  user_id: string;
  token_hash: string;
  created_at: Timestamp;
  expires_at: Date;
  revoked_at: Date | null;
}

export interface DebtorTable {
  org_id: string;
  debtor_id: string;
  number: string;
  name: string;
  kind: 'business' | 'consumer';
  language: string | null;
  country: string | null;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
  vat_number: string | null;
  coc_number: string | null;
  segment: string | null;
  account_manager_user_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  credit_limit: bigint | null;
  payment_terms_days: number | null;
  requires_po: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** How the debtor asked to receive invoices; null: the cheapest channel that reaches them. */
  invoice_channel: ColumnType<'email' | 'letter' | null, 'email' | 'letter' | null | undefined, 'email' | 'letter' | null>;
}

export type ContactPurpose = 'invoice' | 'dunning' | 'general';

export interface DebtorContactTable {
  org_id: string;
  contact_id: string;
  debtor_id: string;
  purpose: ContactPurpose;
  name: string | null;
  email: string | null;
  phone: string | null;
  address_line: string | null;
  postal_code: string | null;
  city: string | null;
  country: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface DebtorBankAccountTable {
  org_id: string;
  debtor_id: string;
  iban: string;
  holder_name: string | null;
  source: Generated<string>;
  created_at: Timestamp;
}

export interface ImportBatchTable {
  org_id: string;
  batch_id: string;
  kind: 'invoices' | 'statement' | 'demo' | 'api';
  file_name: string;
  format: string;
  content_hash: string;
  summary: Json;
  created_by: string | null;
  created_at: Timestamp;
}

export interface InvoiceTable {
  org_id: string;
  invoice_id: string;
  number: string;
  kind: 'invoice' | 'credit_note';
  debtor_id: string;
  issue_date: string;
  due_date: string;
  currency: string;
  amount_total: bigint;
  vat_amount: bigint | null;
  po_number: string | null;
  project_reference: string | null;
  payment_reference: string | null;
  related_invoice_id: string | null;
  /** Maintained by the ledger trigger: the sum of the invoice's ledger entries. Never written. */
  open_amount: ColumnType<bigint, never, never>;
  source_batch_id: string | null;
  source_line: number | null;
  original_format: 'csv' | 'ubl' | 'api' | 'demo';
  original_document: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  collection_status: 'in_collection' | null;
}

export type LedgerEntryType =
  | 'issued'
  | 'corrected'
  | 'credited'
  | 'credit_applied'
  | 'payment_allocated'
  | 'fee_charged'
  | 'interest_charged'
  | 'written_off'
  | 'refunded'
  | 'reversed';

export interface LedgerEntryTable {
  org_id: string;
  entry_id: string;
  invoice_id: string;
  entry_type: LedgerEntryType;
  amount: bigint;
  currency: string;
  booking_date: string;
  reverses_entry_id: string | null;
  counter_invoice_id: string | null;
  batch_id: string | null;
  reason: string | null;
  created_by: string | null;
  created_at: Timestamp;
  component: Generated<LedgerComponent>;
  allocation_id: string | null;
  exported_at: Date | null;
}

/** What part of the debt an entry concerns; payments go to costs, then interest, then principal. */
export type LedgerComponent = 'principal' | 'costs' | 'interest';

export interface EventTable {
  org_id: string;
  event_id: string;
  type: string;
  subject_type: string;
  subject_id: string;
  batch_id: string | null;
  actor: string | null;
  data: Json;
  occurred_at: Timestamp;
}

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface CheckResultTable {
  org_id: string;
  subject_type: 'debtor' | 'invoice';
  subject_id: string;
  /** The worst of the results. */
  status: 'pass' | 'warn' | 'fail';
  failed_codes: ColumnType<string[], string[] | undefined, string[]>;
  results: Json;
  checked_at: Timestamp;
}

export interface EmailSuppressionTable {
  org_id: string;
  email: string;
  reason: string;
  created_at: Timestamp;
}

export interface BankAccountTable {
  org_id: string;
  bank_account_id: string;
  iban: string;
  currency: string;
  name: string | null;
  created_at: Timestamp;
}

export interface BankStatementTable {
  org_id: string;
  statement_id: string;
  bank_account_id: string;
  batch_id: string;
  format: string;
  external_id: string | null;
  sequence_number: string | null;
  currency: string;
  opening_date: string | null;
  opening_balance: bigint | null;
  closing_date: string | null;
  closing_balance: bigint | null;
  continuity: 'first' | 'continuous' | 'gap' | 'overlap' | 'unknown';
  continuity_detail: string | null;
  transactions_new: number;
  transactions_known: number;
  created_at: Timestamp;
}

export interface BankTransactionTable {
  org_id: string;
  transaction_id: string;
  bank_account_id: string;
  statement_id: string;
  fingerprint: string;
  booking_date: string;
  value_date: string | null;
  amount: bigint;
  currency: string;
  bank_reference: string | null;
  end_to_end_id: string | null;
  counterparty_account: string | null;
  counterparty_bic: string | null;
  counterparty_name: string | null;
  structured_reference: string | null;
  remittance_info: string | null;
  transaction_code: string | null;
  is_return: boolean;
  description: string;
  source_line: number | null;
  kind: 'credit' | 'debit' | 'return';
  created_at: Timestamp;
}

export interface AllocationTable {
  org_id: string;
  allocation_id: string;
  transaction_id: string;
  debtor_id: string | null;
  invoice_id: string | null;
  amount: bigint;
  currency: string;
  rule: string;
  /** numeric(4,3): arrives as a string. */
  confidence: ColumnType<string, string | number, string | number>;
  note: string | null;
  reverses_allocation_id: string | null;
  exported_at: Date | null;
  created_by: string;
  created_at: Timestamp;
}

export interface TransactionReviewTable {
  org_id: string;
  transaction_id: string;
  reason: string;
  suggestions: Json;
  created_at: Timestamp;
  resolved_at: Date | null;
  resolution: 'accepted' | 'split' | 'rejected' | 'auto' | null;
  resolved_by: string | null;
}

export interface SegmentTable {
  org_id: string;
  segment_id: string;
  code: string;
  name: string;
  position: number;
  rules: Json;
  excluded: boolean;
  tone: string;
  allocation_rule: AllocationRule | null;
  created_at: Timestamp;
}

export interface WorkflowTable {
  org_id: string;
  workflow_id: string;
  segment_id: string;
  version: number;
  steps: Json;
  active: boolean;
  created_by: string | null;
  created_at: Timestamp;
}

export interface FollowupRunTable {
  org_id: string;
  run_id: string;
  run_date: string;
  dry_run: boolean;
  summary: Json;
  started_at: Timestamp;
  finished_at: Date | null;
}

export interface FollowupExecutionTable {
  org_id: string;
  execution_id: string;
  invoice_id: string;
  debtor_id: string;
  workflow_id: string;
  step_key: string;
  step_type: string;
  due_date: string;
  run_date: string;
  run_id: string;
  status: 'done' | 'skipped';
  detail: string | null;
  task_id: string | null;
  message_id: string | null;
  created_at: Timestamp;
}

export interface FollowupStateTable {
  org_id: string;
  invoice_id: string;
  workflow_id: string;
  issue_date: string;
  due_date: string;
  open_amount: bigint;
  debtor_kind: string;
  next_date: string | null;
  updated_at: Generated<Timestamp>;
}

export interface TaskTable {
  org_id: string;
  task_id: string;
  debtor_id: string;
  invoice_ids: string[];
  kind: string;
  step_key: string | null;
  title: string;
  assignee_role: 'account_manager' | 'credit_controller';
  assignee_user_id: string | null;
  due_date: string;
  status: Generated<'open' | 'done'>;
  outcome: string | null;
  outcome_data: Json | null;
  created_at: Timestamp;
  completed_at: Date | null;
  completed_by: string | null;
}

export interface OutboxMessageTable {
  org_id: string;
  message_id: string;
  debtor_id: string;
  invoice_ids: string[];
  kind: string;
  step_key: string | null;
  template: string;
  tone: string;
  language: string;
  channels: string[];
  channel: string | null;
  idempotency_key: string;
  amount_total: bigint;
  currency: string;
  costs_charged: Generated<bigint>;
  status: Generated<MessageStatus>;
  scheduled_for: string;
  data: Json;
  subject: string | null;
  body_html: string | null;
  body_text: string | null;
  sms_text: string | null;
  rendered_at: Date | null;
  recipient: string | null;
  message_id_header: string | null;
  attempts: Generated<number>;
  next_attempt_at: Date | null;
  last_error: string | null;
  possible_duplicate: Generated<boolean>;
  provider_id: string | null;
  cost: Generated<bigint>;
  sent_at: Date | null;
  delivered_at: Date | null;
  created_at: Timestamp;
  /** SMS parts (GSM-7 160/153, UCS-2 70/67); null for other channels. */
  segments: number | null;
}

export type MessageStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'bounced' | 'failed' | 'cancelled';

export interface MessageEventTable {
  org_id: string;
  event_id: string;
  message_id: string;
  status: string;
  detail: string | null;
  occurred_at: Timestamp;
}

/** The exact document of a message as sent (the letter's PDF); append-only. */
export interface MessageDocumentTable {
  org_id: string;
  message_id: string;
  kind: 'letter_pdf';
  content: Uint8Array;
  /** Hex SHA-256 of `content`. */
  sha256: string;
  pages: number;
  created_at: Timestamp;
}

/** A document a message carried (invoice PDF, statement), exactly as sent; append-only. */
export interface MessageAttachmentTable {
  org_id: string;
  message_id: string;
  position: number;
  kind: 'invoice' | 'statement';
  invoice_id: string | null;
  /** rendered: made by ArFlow at render time; original: the PDF the ERP embedded in its UBL. */
  source: 'rendered' | 'original';
  filename: string;
  content_type: string;
  content: Buffer;
  sha256: string;
  created_at: Timestamp;
}

export interface PaymentPromiseTable {
  org_id: string;
  promise_id: string;
  debtor_id: string;
  invoice_ids: string[];
  promised_date: string;
  grace_days: Generated<number>;
  status: Generated<'open' | 'kept' | 'broken'>;
  task_id: string | null;
  created_by: string | null;
  created_at: Timestamp;
  settled_at: Date | null;
}

export interface DisputeTable {
  org_id: string;
  dispute_id: string;
  invoice_id: string;
  debtor_id: string;
  reason: string;
  status: Generated<'open' | 'resolved'>;
  resolution: string | null;
  created_by: string | null;
  created_at: Timestamp;
  resolved_at: Date | null;
}

export interface Database {
  organisation: OrganisationTable;
  app_user: AppUserTable;
  api_key: ApiKeyTable;
  user_session: UserSessionTable;
  debtor: DebtorTable;
  debtor_contact: DebtorContactTable;
  debtor_bank_account: DebtorBankAccountTable;
  import_batch: ImportBatchTable;
  invoice: InvoiceTable;
  ledger_entry: LedgerEntryTable;
  event: EventTable;
  check_result: CheckResultTable;
  email_suppression: EmailSuppressionTable;
  bank_account: BankAccountTable;
  bank_statement: BankStatementTable;
  bank_transaction: BankTransactionTable;
  allocation: AllocationTable;
  transaction_review: TransactionReviewTable;
  segment: SegmentTable;
  workflow: WorkflowTable;
  followup_run: FollowupRunTable;
  followup_execution: FollowupExecutionTable;
  followup_state: FollowupStateTable;
  task: TaskTable;
  outbox_message: OutboxMessageTable;
  message_event: MessageEventTable;
  message_document: MessageDocumentTable;
  message_attachment: MessageAttachmentTable;
  payment_promise: PaymentPromiseTable;
  dispute: DisputeTable;
  sepa_mandate: SepaMandateTable;
}

export interface SepaMandateTable {
  org_id: string;
  mandate_id: string;
  debtor_id: string;
  /** The unique mandate reference (UMR) the creditor gave the mandate. */
  reference: string;
  iban: string;
  signed_on: string;
  status: Generated<'active' | 'revoked'>;
  revoked_on: string | null;
  created_by: string | null;
  created_at: Timestamp;
}

export type Organisation = Selectable<OrganisationTable>;
export type Debtor = Selectable<DebtorTable>;
export type Invoice = Selectable<InvoiceTable>;
export type LedgerEntry = Selectable<LedgerEntryTable>;
export type NewLedgerEntry = Insertable<LedgerEntryTable>;
