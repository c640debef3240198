import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. The follow-up engine: segments with their workflows (versioned),
// one execution per invoice and step (the unique key that makes a rerun or an overlap harmless),
// tasks for people, messages queued in the outbox, promises to pay and disputes.

const TABLES = ['segment', 'workflow', 'followup_execution', 'task', 'outbox_message', 'message_event', 'payment_promise', 'dispute', 'followup_run'];

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `CREATE TABLE segment (
      org_id text NOT NULL REFERENCES organisation (org_id),
      segment_id text NOT NULL,
      code text NOT NULL CHECK (code ~ '^[a-z0-9][a-z0-9-]*$'),
      name text NOT NULL,
      position integer NOT NULL,
      rules jsonb NOT NULL DEFAULT '{}'::jsonb,
      excluded boolean NOT NULL DEFAULT false,
      tone text NOT NULL DEFAULT 'neutral',
      allocation_rule text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, segment_id),
      CONSTRAINT segment_code_key UNIQUE (org_id, code)
    )`,
    `CREATE TABLE workflow (
      org_id text NOT NULL,
      workflow_id text NOT NULL,
      segment_id text NOT NULL,
      version integer NOT NULL,
      steps jsonb NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, workflow_id),
      CONSTRAINT workflow_version_key UNIQUE (org_id, segment_id, version),
      FOREIGN KEY (org_id, segment_id) REFERENCES segment (org_id, segment_id)
    )`,
    `CREATE UNIQUE INDEX workflow_active_key ON workflow (org_id, segment_id) WHERE active`,
    `CREATE TABLE followup_run (
      org_id text NOT NULL,
      run_id text NOT NULL,
      run_date date NOT NULL,
      dry_run boolean NOT NULL DEFAULT false,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      started_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      PRIMARY KEY (org_id, run_id)
    )`,
    `CREATE TABLE followup_execution (
      org_id text NOT NULL,
      execution_id text NOT NULL,
      invoice_id text NOT NULL,
      debtor_id text NOT NULL,
      workflow_id text NOT NULL,
      step_key text NOT NULL,
      step_type text NOT NULL,
      due_date date NOT NULL,
      run_date date NOT NULL,
      run_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('done', 'skipped')),
      detail text,
      task_id text,
      message_id text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, execution_id),
      CONSTRAINT followup_execution_step_key UNIQUE (org_id, invoice_id, step_key),
      FOREIGN KEY (org_id, invoice_id) REFERENCES invoice (org_id, invoice_id)
    )`,
    `CREATE INDEX followup_execution_debtor_idx ON followup_execution (org_id, debtor_id, run_date)`,
    `CREATE TABLE task (
      org_id text NOT NULL,
      task_id text NOT NULL,
      debtor_id text NOT NULL,
      invoice_ids text[] NOT NULL,
      kind text NOT NULL,
      step_key text,
      title text NOT NULL,
      assignee_role text NOT NULL CHECK (assignee_role IN ('account_manager', 'credit_controller')),
      assignee_user_id text,
      due_date date NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
      outcome text,
      outcome_data jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz,
      completed_by text,
      PRIMARY KEY (org_id, task_id),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id)
    )`,
    `CREATE INDEX task_open_idx ON task (org_id, due_date) WHERE status = 'open'`,
    `CREATE TABLE outbox_message (
      org_id text NOT NULL,
      message_id text NOT NULL,
      debtor_id text NOT NULL,
      invoice_ids text[] NOT NULL,
      kind text NOT NULL,
      step_key text,
      template text NOT NULL,
      tone text NOT NULL,
      language text NOT NULL,
      channels text[] NOT NULL,
      channel text,
      idempotency_key text NOT NULL,
      amount_total bigint NOT NULL,
      currency char(3) NOT NULL,
      costs_charged bigint NOT NULL DEFAULT 0,
      status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'bounced', 'failed', 'cancelled')),
      scheduled_for date NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      subject text,
      body_html text,
      body_text text,
      sms_text text,
      rendered_at timestamptz,
      recipient text,
      message_id_header text,
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      last_error text,
      possible_duplicate boolean NOT NULL DEFAULT false,
      provider_id text,
      cost bigint NOT NULL DEFAULT 0,
      sent_at timestamptz,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, message_id),
      CONSTRAINT outbox_message_idempotency_key UNIQUE (org_id, idempotency_key),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id)
    )`,
    `CREATE INDEX outbox_message_queued_idx ON outbox_message (org_id, created_at) WHERE status IN ('queued', 'sending')`,
    // NOTE: what happened to a message, in order; append-only (what was sent is what we can show in court).
    `CREATE TABLE message_event (
      org_id text NOT NULL,
      event_id text NOT NULL,
      message_id text NOT NULL,
      status text NOT NULL,
      detail text,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, event_id),
      FOREIGN KEY (org_id, message_id) REFERENCES outbox_message (org_id, message_id)
    )`,
    `CREATE INDEX message_event_message_idx ON message_event (org_id, message_id)`,
    `ALTER TABLE organisation ADD COLUMN messaging jsonb NOT NULL DEFAULT '{}'::jsonb`,
    `CREATE TABLE payment_promise (
      org_id text NOT NULL,
      promise_id text NOT NULL,
      debtor_id text NOT NULL,
      invoice_ids text[] NOT NULL,
      promised_date date NOT NULL,
      grace_days integer NOT NULL DEFAULT 3,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'kept', 'broken')),
      task_id text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz,
      PRIMARY KEY (org_id, promise_id)
    )`,
    `CREATE INDEX payment_promise_open_idx ON payment_promise (org_id, debtor_id) WHERE status = 'open'`,
    `CREATE TABLE dispute (
      org_id text NOT NULL,
      dispute_id text NOT NULL,
      invoice_id text NOT NULL,
      debtor_id text NOT NULL,
      reason text NOT NULL,
      status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
      resolution text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      PRIMARY KEY (org_id, dispute_id),
      FOREIGN KEY (org_id, invoice_id) REFERENCES invoice (org_id, invoice_id)
    )`,
    `CREATE UNIQUE INDEX dispute_open_key ON dispute (org_id, invoice_id) WHERE status = 'open'`,
    `ALTER TABLE invoice ADD COLUMN collection_status text CHECK (collection_status IN ('in_collection'))`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const table of TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`.execute(db);
  }
  for (const grant of [
    'GRANT SELECT, INSERT, UPDATE ON segment, task, outbox_message, payment_promise, dispute, followup_run TO arflow_app',
    'GRANT SELECT, INSERT ON workflow, followup_execution, message_event TO arflow_app',
    'GRANT UPDATE (active) ON workflow TO arflow_app',
  ]) {
    await sql.raw(grant).execute(db);
  }
}
