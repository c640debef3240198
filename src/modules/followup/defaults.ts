import type { WorkflowStep } from './workflow.ts';

// The segments and workflows a new organisation starts with: what a Dutch or Belgian credit
// controller would sign off, to be tuned per organisation.

export interface DefaultSegment {
  code: string;
  name: string;
  rules: SegmentRules;
  excluded: boolean;
  tone: string;
  steps: WorkflowStep[];
}

export interface SegmentRules {
  kind?: 'business' | 'consumer';
  countries?: string[];
  languages?: string[];
  tagsAny?: string[];
  minOpenAmount?: string;
  paymentBehaviour?: PaymentBehaviourRule;
}

/**
 * How the debtor paid its invoices paid in the last `months` (default 12) before the run date. An
 * invoice is paid on the booking date of the entry that brought its open amount to zero; days late
 * are the days from the due date to that date (0 when on time). A debtor without `minInvoicesPaid`
 * (default 1) such invoices in the window does not match.
 */
export interface PaymentBehaviourRule {
  months?: number;
  minInvoicesPaid?: number;
  minAvgDaysLate?: number;
  maxAvgDaysLate?: number;
  /** Share of the paid invoices paid after their due date, in percent (0–100). */
  minSharePaidLate?: number;
  maxSharePaidLate?: number;
}

const bd = { businessDays: true };

// NOTE: a debtor with a SEPA direct-debit mandate pays by the creditor's collection on the due
// date, announced by the pre-notification (SEPA Rulebook: at least 14 days before; usually on the
// invoice). A pre-due notice would ask for a payment the creditor takes itself, and a reminder 3
// days after the due date comes before a failed collection is known (returns and rejects arrive
// within about 5 business days). So the pre-due notice and the first reminder wait while a mandate
// is in force; from the second reminder (due + 14) an invoice still open despite the mandate means
// the collection failed or was reversed, and the follow-up goes on as for anyone. Tasks (the
// account manager's checks, calls) and the legal steps (the Belgian first reminder, the 14-day
// letter, formal notices) keep no such condition: a legal step must not hang on a mandate.
const noMandate = { noDirectDebitMandate: true };

export const DEFAULT_SEGMENTS: DefaultSegment[] = [
  {
    code: 'intercompany', name: 'Intercompany', rules: { tagsAny: ['intercompany'] }, excluded: true, tone: 'neutral', steps: [],
  },
  {
    code: 'key-accounts', name: 'Key accounts', rules: { tagsAny: ['key-account'] }, excluded: false, tone: 'friendly',
    steps: [
      { key: 'check_received', type: 'task', anchor: 'invoice_date', offsetDays: 5, ...bd, task: { kind: 'check_received', assignee: 'account_manager', dueInDays: 3, title: 'Check that the invoice was received and approved' } },
      { key: 'ask_payment_date', type: 'task', anchor: 'due_date', offsetDays: -5, ...bd, task: { kind: 'ask_payment_date', assignee: 'account_manager', dueInDays: 3, title: 'Ask when the invoice will be paid' } },
      { key: 'reminder_1', type: 'message', anchor: 'due_date', offsetDays: 3, ...bd, message: { template: 'reminder_1', tone: 'friendly', channels: ['email', 'letter'] }, conditions: noMandate },
      { key: 'call', type: 'task', anchor: 'due_date', offsetDays: 10, ...bd, task: { kind: 'call', assignee: 'account_manager', dueInDays: 2, title: 'Call about the overdue invoices' } },
      { key: 'reminder_2', type: 'message', anchor: 'due_date', offsetDays: 17, ...bd, message: { template: 'reminder_2', tone: 'neutral', channels: ['email', 'letter'] } },
      { key: 'review', type: 'task', anchor: 'due_date', offsetDays: 30, ...bd, task: { kind: 'review', assignee: 'credit_controller', dueInDays: 2, title: 'Decide on formal notice for a key account' } },
    ],
  },
  {
    code: 'consumers-nl', name: 'Consumers NL', rules: { kind: 'consumer', countries: ['NL'] }, excluded: false, tone: 'friendly',
    steps: [
      { key: 'pre_due', type: 'message', anchor: 'due_date', offsetDays: -3, ...bd, message: { template: 'pre_due_notice', tone: 'friendly', channels: ['email', 'sms'] }, conditions: noMandate },
      { key: 'reminder_1', type: 'message', anchor: 'due_date', offsetDays: 3, ...bd, message: { template: 'reminder_1', tone: 'friendly', channels: ['email', 'sms', 'letter'] }, conditions: noMandate },
      { key: 'reminder_2', type: 'message', anchor: 'due_date', offsetDays: 14, ...bd, message: { template: 'reminder_2', tone: 'neutral', channels: ['email', 'letter'] } },
      // NOTE: art. 6:96(6) BW: costs only after a letter with 14 days from the day after receipt.
      { key: 'fourteen_day_letter', type: 'formal_notice', anchor: 'due_date', offsetDays: 21, ...bd, notice: { kind: 'nl_14_day_letter', channels: ['letter'] } },
      { key: 'charge', type: 'charge', anchor: 'due_date', offsetDays: 42, ...bd, charge: { costs: true, interest: true }, conditions: { afterStep: 'fourteen_day_letter' } },
      { key: 'handover', type: 'handover', anchor: 'due_date', offsetDays: 60, ...bd, conditions: { afterStep: 'fourteen_day_letter' } },
    ],
  },
  {
    code: 'consumers-be', name: 'Consumers BE', rules: { kind: 'consumer', countries: ['BE'] }, excluded: false, tone: 'friendly',
    steps: [
      // NOTE: Book XIX CEL: the first reminder is free and gives at least 14 days before any cost.
      { key: 'first_reminder', type: 'formal_notice', anchor: 'due_date', offsetDays: 3, ...bd, notice: { kind: 'be_first_reminder', channels: ['email', 'letter'] } },
      { key: 'reminder_2', type: 'message', anchor: 'due_date', offsetDays: 24, ...bd, message: { template: 'reminder_2', tone: 'neutral', channels: ['email', 'letter'] } },
      { key: 'charge', type: 'charge', anchor: 'due_date', offsetDays: 24, ...bd, charge: { costs: true, interest: false }, conditions: { afterStep: 'first_reminder' } },
      { key: 'formal_notice', type: 'formal_notice', anchor: 'due_date', offsetDays: 38, ...bd, notice: { kind: 'formal_notice', channels: ['letter'] } },
      { key: 'handover', type: 'handover', anchor: 'due_date', offsetDays: 60, ...bd },
    ],
  },
  {
    code: 'business', name: 'Businesses', rules: {}, excluded: false, tone: 'neutral',
    steps: [
      { key: 'pre_due', type: 'message', anchor: 'due_date', offsetDays: -5, ...bd, message: { template: 'pre_due_notice', tone: 'friendly', channels: ['email'] }, conditions: { minOpenAmount: '1000.00', ...noMandate } },
      { key: 'reminder_1', type: 'message', anchor: 'due_date', offsetDays: 3, ...bd, message: { template: 'reminder_1', tone: 'neutral', channels: ['email', 'letter'] }, conditions: noMandate },
      { key: 'reminder_2', type: 'message', anchor: 'due_date', offsetDays: 14, ...bd, message: { template: 'reminder_2', tone: 'firm', channels: ['email', 'letter'] } },
      { key: 'call', type: 'task', anchor: 'due_date', offsetDays: 21, ...bd, task: { kind: 'call', assignee: 'credit_controller', dueInDays: 2, title: 'Call about the overdue invoices' }, conditions: { minOpenAmount: '250.00' } },
      { key: 'formal_notice', type: 'formal_notice', anchor: 'due_date', offsetDays: 28, ...bd, notice: { kind: 'formal_notice', channels: ['email', 'letter'] } },
      // NOTE: B2B: statutory commercial interest runs without notice (art. 6:119a BW); costs at least €40.
      { key: 'charge', type: 'charge', anchor: 'due_date', offsetDays: 28, ...bd, charge: { costs: true, interest: true } },
      { key: 'handover', type: 'handover', anchor: 'due_date', offsetDays: 56, ...bd },
    ],
  },
];
