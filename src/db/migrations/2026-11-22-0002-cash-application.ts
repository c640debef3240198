import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. Bank statements, their transactions, allocations and the review queue.
// Every allocation books ledger entries; an allocation is undone by a reversing allocation, never
// deleted. Payments are split over costs, interest and principal (art. 6:44 BW), so ledger entries
// carry a component.

const TABLES = ['bank_account', 'bank_statement', 'bank_transaction', 'allocation', 'transaction_review'];

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `ALTER TABLE ledger_entry ADD COLUMN component text NOT NULL DEFAULT 'principal'
       CHECK (component IN ('principal', 'costs', 'interest'))`,
    `ALTER TABLE ledger_entry ADD COLUMN allocation_id text`,
    `ALTER TABLE ledger_entry ADD COLUMN exported_at timestamptz`,
    `ALTER TABLE organisation ADD COLUMN allocation_rule text NOT NULL DEFAULT 'oldest_first'
       CHECK (allocation_rule IN ('oldest_first', 'overdue_first', 'largest_first', 'smallest_first'))`,
    `ALTER TABLE organisation ADD COLUMN match_threshold numeric(4,3) NOT NULL DEFAULT 0.900
       CHECK (match_threshold > 0 AND match_threshold <= 1)`,

    `CREATE TABLE bank_account (
      org_id text NOT NULL REFERENCES organisation (org_id),
      bank_account_id text NOT NULL,
      iban text NOT NULL,
      currency char(3) NOT NULL,
      name text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, bank_account_id),
      CONSTRAINT bank_account_iban_key UNIQUE (org_id, iban, currency)
    )`,

    `CREATE TABLE bank_statement (
      org_id text NOT NULL,
      statement_id text NOT NULL,
      bank_account_id text NOT NULL,
      batch_id text NOT NULL,
      format text NOT NULL,
      external_id text,
      sequence_number text,
      currency char(3) NOT NULL,
      opening_date date,
      opening_balance bigint,
      closing_date date,
      closing_balance bigint,
      continuity text NOT NULL CHECK (continuity IN ('first', 'continuous', 'gap', 'overlap', 'unknown')),
      continuity_detail text,
      transactions_new integer NOT NULL DEFAULT 0,
      transactions_known integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, statement_id),
      FOREIGN KEY (org_id, bank_account_id) REFERENCES bank_account (org_id, bank_account_id),
      FOREIGN KEY (org_id, batch_id) REFERENCES import_batch (org_id, batch_id)
    )`,
    `CREATE INDEX bank_statement_account_idx ON bank_statement (org_id, bank_account_id, closing_date)`,

    `CREATE TABLE bank_transaction (
      org_id text NOT NULL,
      transaction_id text NOT NULL,
      bank_account_id text NOT NULL,
      statement_id text NOT NULL,
      fingerprint text NOT NULL,
      booking_date date NOT NULL,
      value_date date,
      amount bigint NOT NULL,
      currency char(3) NOT NULL,
      bank_reference text,
      end_to_end_id text,
      counterparty_account text,
      counterparty_bic text,
      counterparty_name text,
      structured_reference text,
      remittance_info text,
      transaction_code text,
      is_return boolean NOT NULL DEFAULT false,
      description text NOT NULL DEFAULT '',
      source_line integer,
      kind text NOT NULL CHECK (kind IN ('credit', 'debit', 'return')),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, transaction_id),
      CONSTRAINT bank_transaction_fingerprint_key UNIQUE (org_id, bank_account_id, fingerprint),
      FOREIGN KEY (org_id, statement_id) REFERENCES bank_statement (org_id, statement_id)
    )`,
    `CREATE INDEX bank_transaction_date_idx ON bank_transaction (org_id, booking_date)`,

    `CREATE TABLE allocation (
      org_id text NOT NULL,
      allocation_id text NOT NULL,
      transaction_id text NOT NULL,
      debtor_id text,
      invoice_id text,
      amount bigint NOT NULL,
      currency char(3) NOT NULL,
      rule text NOT NULL,
      confidence numeric(4,3) NOT NULL,
      note text,
      reverses_allocation_id text,
      exported_at timestamptz,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, allocation_id),
      FOREIGN KEY (org_id, transaction_id) REFERENCES bank_transaction (org_id, transaction_id),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id),
      FOREIGN KEY (org_id, invoice_id) REFERENCES invoice (org_id, invoice_id),
      FOREIGN KEY (org_id, reverses_allocation_id) REFERENCES allocation (org_id, allocation_id)
    )`,
    `CREATE INDEX allocation_transaction_idx ON allocation (org_id, transaction_id)`,
    `CREATE INDEX allocation_debtor_idx ON allocation (org_id, debtor_id)`,
    `CREATE UNIQUE INDEX allocation_reversal_key ON allocation (org_id, reverses_allocation_id) WHERE reverses_allocation_id IS NOT NULL`,

    `CREATE TABLE transaction_review (
      org_id text NOT NULL,
      transaction_id text NOT NULL,
      reason text NOT NULL,
      suggestions jsonb NOT NULL DEFAULT '[]'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz,
      resolution text CHECK (resolution IN ('accepted', 'split', 'rejected', 'auto')),
      resolved_by text,
      PRIMARY KEY (org_id, transaction_id),
      FOREIGN KEY (org_id, transaction_id) REFERENCES bank_transaction (org_id, transaction_id)
    )`,
    `CREATE INDEX transaction_review_open_idx ON transaction_review (org_id, created_at) WHERE resolved_at IS NULL`,

    // NOTE: the numeric groups of an invoice number without leading zeros, joined by '-':
    // 'F2026-0003' and 'INV 2026/3' both give '2026-3'; how payers write numbers they copy.
    `CREATE FUNCTION arflow_number_groups(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
       SELECT string_agg(coalesce(nullif(ltrim(x.m[1], '0'), ''), '0'), '-' ORDER BY x.ord)
       FROM regexp_matches(t, '([0-9]+)', 'g') WITH ORDINALITY AS x(m, ord)
     $$`,
    `GRANT EXECUTE ON FUNCTION arflow_number_groups(text) TO arflow_app`,
    `CREATE INDEX invoice_number_groups_idx ON invoice (org_id, arflow_number_groups(number))`,
    // Matching looks invoices up by reference, by number in several spellings and by amount.
    `CREATE INDEX invoice_number_compact_idx ON invoice (org_id, upper(regexp_replace(number, '[^A-Za-z0-9]', '', 'g')))`,
    `CREATE INDEX invoice_number_digits_idx ON invoice (org_id, ltrim(regexp_replace(number, '[^0-9]', '', 'g'), '0'))`,
    `CREATE INDEX invoice_reference_digits_idx ON invoice (org_id, upper(regexp_replace(payment_reference, '[^A-Za-z0-9]', '', 'g'))) WHERE payment_reference IS NOT NULL`,
    `CREATE INDEX invoice_open_amount_idx ON invoice (org_id, open_amount) WHERE open_amount > 0`,
    `CREATE INDEX debtor_bank_account_iban_idx ON debtor_bank_account (org_id, iban)`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
  for (const table of TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`.execute(db);
  }
  for (const grant of [
    'GRANT SELECT, INSERT ON bank_account, bank_statement, bank_transaction, allocation TO arflow_app',
    'GRANT SELECT, INSERT, UPDATE ON transaction_review TO arflow_app',
    // NOTE: exported_at is the one column of an allocation that changes: marked when handed to the ERP.
    'GRANT UPDATE (exported_at) ON allocation TO arflow_app',
    'GRANT UPDATE (exported_at) ON ledger_entry TO arflow_app',
  ]) {
    await sql.raw(grant).execute(db);
  }
}
