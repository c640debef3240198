import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. The daily run's per-invoice follow-up state (bench/followup): a fact
// about the executions, kept by the run, so that it reads only the invoices that may have a step
// due. `next_date` is the earliest first date of a step of `workflow_id` that has no execution for
// the invoice or is dated after the run that computed it (repeating steps always count; steps
// whose amount or debtor-kind condition failed on `open_amount` and `debtor_kind` do not); NULL
// when there is none. Executions are never
// deleted and a workflow's steps never change, so the fact stays true while the invoice's
// workflow, dates and debtor kind are the same and its open amount is not higher; otherwise the
// run reads the invoice in full again.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE followup_state (
      org_id text NOT NULL,
      invoice_id text NOT NULL,
      workflow_id text NOT NULL,
      issue_date date NOT NULL,
      due_date date NOT NULL,
      open_amount bigint NOT NULL,
      debtor_kind text NOT NULL,
      next_date date,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, invoice_id),
      FOREIGN KEY (org_id, invoice_id) REFERENCES invoice (org_id, invoice_id)
    )`,
    `ALTER TABLE followup_state ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON followup_state
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`,
    'GRANT SELECT, INSERT, UPDATE ON followup_state TO arflow_app',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
