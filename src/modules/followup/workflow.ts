import { AppError } from '../../errors.ts';

// A workflow is an ordered list of steps, each at an offset in days from the invoice date or the
// due date (negative: before the due date). Steps keep their key across versions, so an edit
// never makes an invoice repeat a step it has had.

export type StepType = 'task' | 'message' | 'formal_notice' | 'charge' | 'handover' | 'wait';
export type Channel = 'email' | 'sms' | 'voice' | 'letter';
export type TaskKind = 'check_received' | 'check_po' | 'ask_payment_date' | 'call' | 'review' | 'handover' | 'promise_broken';
export type NoticeKind = 'nl_14_day_letter' | 'be_first_reminder' | 'formal_notice';

export interface WorkflowStep {
  key: string;
  type: StepType;
  anchor: 'invoice_date' | 'due_date';
  offsetDays: number;
  /** Move a step that falls on a weekend or public holiday to the next business day. */
  businessDays?: boolean;
  /**
   * Charge steps only: repeat every so many days after the first date (e.g. 30: interest charged
   * again monthly as it accrues). Each occurrence is executed once, under the key `<key>#<n>`.
   */
  repeatEveryDays?: number;
  task?: { kind: TaskKind; assignee: 'account_manager' | 'credit_controller'; dueInDays?: number; title?: string };
  message?: { template: string; tone?: string; channels: Channel[]; demandChannel?: boolean };
  notice?: { kind: NoticeKind; registered?: boolean; channels?: Channel[] };
  charge?: { costs: boolean; interest: boolean };
  conditions?: {
    minOpenAmount?: string;
    debtorKind?: 'business' | 'consumer';
    /** Only after an earlier step of this invoice had this task outcome (e.g. check_received → not_received). */
    afterOutcome?: { step: string; outcome: string };
    /** Only once this earlier step was done for the invoice (e.g. costs only after the 14-day letter). */
    afterStep?: string;
    /** Skipped (recorded, for good) when due while the debtor has a SEPA direct-debit mandate in force: the creditor collects. */
    noDirectDebitMandate?: boolean;
  };
}

const STEP_TYPES: readonly StepType[] = ['task', 'message', 'formal_notice', 'charge', 'handover', 'wait'];
const CHANNELS: readonly Channel[] = ['email', 'sms', 'voice', 'letter'];

/** Checks a workflow's steps; the error names the step and what is wrong. */
export function validateSteps(steps: readonly WorkflowStep[]): void {
  const keys = new Set<string>();
  steps.forEach((s, i) => {
    const at = `step ${i + 1} (${s.key || '?'})`;
    if (!/^[a-z0-9_]{1,40}$/.test(s.key)) throw new AppError('bad_request', `${at}: the key must be 1–40 lower-case letters, digits or underscores.`);
    if (keys.has(s.key)) throw new AppError('bad_request', `${at}: the key ${s.key} is used twice.`);
    keys.add(s.key);
    if (!STEP_TYPES.includes(s.type)) throw new AppError('bad_request', `${at}: unknown type "${s.type}".`);
    if (s.anchor !== 'invoice_date' && s.anchor !== 'due_date') throw new AppError('bad_request', `${at}: anchor must be invoice_date or due_date.`);
    if (!Number.isInteger(s.offsetDays) || Math.abs(s.offsetDays) > 3650) throw new AppError('bad_request', `${at}: offsetDays must be a whole number of days.`);
    if (s.type === 'task' && !s.task) throw new AppError('bad_request', `${at}: a task step needs "task".`);
    if (s.type === 'message' && (!s.message || s.message.channels.length === 0)) throw new AppError('bad_request', `${at}: a message step needs a template and at least one channel.`);
    for (const c of [...(s.message?.channels ?? []), ...(s.notice?.channels ?? [])]) {
      if (!CHANNELS.includes(c)) throw new AppError('bad_request', `${at}: unknown channel "${c}".`);
    }
    if (s.type === 'formal_notice' && !s.notice) throw new AppError('bad_request', `${at}: a formal notice step needs "notice".`);
    if (s.notice?.registered && (s.notice.channels ?? ['letter']).some((c) => c !== 'letter')) {
      throw new AppError('bad_request', `${at}: registered mail is a letter: set notice.channels to ["letter"] (or leave it out).`);
    }
    if (s.type === 'charge' && !s.charge) throw new AppError('bad_request', `${at}: a charge step needs "charge".`);
    if (s.repeatEveryDays !== undefined) {
      if (s.type !== 'charge') throw new AppError('bad_request', `${at}: only a charge step can repeat (repeatEveryDays).`);
      if (!Number.isInteger(s.repeatEveryDays) || s.repeatEveryDays < 1 || s.repeatEveryDays > 366) throw new AppError('bad_request', `${at}: repeatEveryDays must be a whole number of days from 1 to 366.`);
    }
    for (const ref of [s.conditions?.afterStep, s.conditions?.afterOutcome?.step]) {
      if (ref && !keys.has(ref)) throw new AppError('bad_request', `${at}: it refers to step "${ref}", which does not come before it.`);
    }
  });
}

/** The step's order: later steps win when several are due at once. */
export function stepRank(steps: readonly WorkflowStep[], key: string): number {
  return steps.findIndex((s) => s.key === key);
}
