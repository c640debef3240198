import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. Change the schema in a new, later-dated migration.
// Every table carries org_id, leads its primary key with it (the path to sharding by organisation),
// and has row-level security for the application role `arflow_app`. Ledger and event tables are
// append-only for that role: it gets SELECT and INSERT, never UPDATE or DELETE.

const TENANT_TABLES = [
  'organisation', 'app_user', 'api_key', 'user_session', 'debtor', 'debtor_contact', 'debtor_bank_account',
  'import_batch', 'invoice', 'ledger_entry', 'event', 'check_result', 'email_suppression',
];

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'arflow_app') THEN
        CREATE ROLE arflow_app NOLOGIN;
      END IF;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END $$;
  `.execute(db);
  // The connecting user must be able to SET ROLE to the application role.
  await sql`
    DO $$ BEGIN
      EXECUTE format('GRANT arflow_app TO %I', current_user);
    EXCEPTION WHEN others THEN NULL;
    END $$;
  `.execute(db);

  await runScript(db, `
    CREATE FUNCTION arflow_id(prefix text) RETURNS text LANGUAGE sql VOLATILE AS $$
      SELECT prefix || '_' || lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0')
        || substr(replace(gen_random_uuid()::text, '-', ''), 1, 16)
    $$;

    CREATE TABLE organisation (
      org_id text PRIMARY KEY,
      slug text NOT NULL CONSTRAINT organisation_slug_key UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
      legal_name text NOT NULL,
      country char(2) NOT NULL CHECK (country IN ('NL', 'BE')),
      vat_number text,
      coc_number text,
      iban text NOT NULL,
      bic text,
      currency char(3) NOT NULL DEFAULT 'EUR',
      language text NOT NULL DEFAULT 'nl',
      time_zone text NOT NULL DEFAULT 'Europe/Amsterdam',
      creditor_id text,
      payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
      reference_sequence bigint NOT NULL DEFAULT 0,
      branding jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE app_user (
      org_id text NOT NULL REFERENCES organisation (org_id),
      user_id text NOT NULL,
      email text NOT NULL,
      name text,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'controller', 'viewer')),
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      disabled_at timestamptz,
      PRIMARY KEY (org_id, user_id)
    );
    CREATE UNIQUE INDEX app_user_email_key ON app_user (org_id, lower(email));

    CREATE TABLE api_key (
      org_id text NOT NULL REFERENCES organisation (org_id),
      api_key_id text NOT NULL,
      name text NOT NULL,
      role text NOT NULL CHECK (role IN ('owner', 'admin', 'controller', 'viewer')),
      key_hash text NOT NULL CONSTRAINT api_key_hash_key UNIQUE,
      key_prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      PRIMARY KEY (org_id, api_key_id)
    );

    CREATE TABLE user_session (
      org_id text NOT NULL,
      session_id text NOT NULL,
      user_id text NOT NULL,
      token_hash text NOT NULL CONSTRAINT user_session_token_key UNIQUE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      PRIMARY KEY (org_id, session_id),
      FOREIGN KEY (org_id, user_id) REFERENCES app_user (org_id, user_id)
    );

    CREATE TABLE debtor (
      org_id text NOT NULL REFERENCES organisation (org_id),
      debtor_id text NOT NULL,
      number text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL DEFAULT 'business' CHECK (kind IN ('business', 'consumer')),
      language text,
      country char(2),
      address_line text,
      postal_code text,
      city text,
      vat_number text,
      coc_number text,
      segment text,
      account_manager_user_id text,
      tags text[] NOT NULL DEFAULT '{}',
      credit_limit bigint CHECK (credit_limit >= 0),
      payment_terms_days integer CHECK (payment_terms_days BETWEEN 0 AND 365),
      requires_po boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, debtor_id),
      CONSTRAINT debtor_number_key UNIQUE (org_id, number)
    );

    CREATE TABLE debtor_contact (
      org_id text NOT NULL,
      contact_id text NOT NULL,
      debtor_id text NOT NULL,
      purpose text NOT NULL CHECK (purpose IN ('invoice', 'dunning', 'general')),
      name text,
      email text,
      phone text,
      address_line text,
      postal_code text,
      city text,
      country char(2),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, contact_id),
      CONSTRAINT debtor_contact_purpose_key UNIQUE (org_id, debtor_id, purpose),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id)
    );

    CREATE TABLE debtor_bank_account (
      org_id text NOT NULL,
      debtor_id text NOT NULL,
      iban text NOT NULL,
      holder_name text,
      source text NOT NULL DEFAULT 'manual',
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, debtor_id, iban),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id)
    );

    CREATE TABLE import_batch (
      org_id text NOT NULL REFERENCES organisation (org_id),
      batch_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('invoices', 'statement', 'demo', 'api')),
      file_name text NOT NULL,
      format text NOT NULL,
      content_hash text NOT NULL,
      summary jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, batch_id)
    );
    CREATE INDEX import_batch_hash_idx ON import_batch (org_id, kind, content_hash);

    CREATE TABLE invoice (
      org_id text NOT NULL,
      invoice_id text NOT NULL,
      number text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
      debtor_id text NOT NULL,
      issue_date date NOT NULL,
      due_date date NOT NULL,
      currency char(3) NOT NULL,
      amount_total bigint NOT NULL,
      vat_amount bigint,
      po_number text,
      project_reference text,
      payment_reference text,
      related_invoice_id text,
      open_amount bigint NOT NULL DEFAULT 0,
      source_batch_id text,
      source_line integer,
      original_format text NOT NULL CHECK (original_format IN ('csv', 'ubl', 'api', 'demo')),
      original_document text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, invoice_id),
      CONSTRAINT invoice_number_key UNIQUE (org_id, kind, number),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id),
      FOREIGN KEY (org_id, related_invoice_id) REFERENCES invoice (org_id, invoice_id),
      FOREIGN KEY (org_id, source_batch_id) REFERENCES import_batch (org_id, batch_id),
      CHECK (due_date >= issue_date)
    );
    CREATE INDEX invoice_debtor_idx ON invoice (org_id, debtor_id);
    CREATE INDEX invoice_open_due_idx ON invoice (org_id, due_date) WHERE open_amount <> 0;
    CREATE INDEX invoice_payment_reference_idx ON invoice (org_id, payment_reference) WHERE payment_reference IS NOT NULL;

    CREATE TABLE ledger_entry (
      org_id text NOT NULL,
      entry_id text NOT NULL,
      invoice_id text NOT NULL,
      entry_type text NOT NULL CHECK (entry_type IN ('issued', 'corrected', 'credited', 'credit_applied',
        'payment_allocated', 'fee_charged', 'interest_charged', 'written_off', 'refunded', 'reversed')),
      amount bigint NOT NULL,
      currency char(3) NOT NULL,
      booking_date date NOT NULL,
      reverses_entry_id text,
      counter_invoice_id text,
      batch_id text,
      reason text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, entry_id),
      FOREIGN KEY (org_id, invoice_id) REFERENCES invoice (org_id, invoice_id),
      FOREIGN KEY (org_id, reverses_entry_id) REFERENCES ledger_entry (org_id, entry_id),
      FOREIGN KEY (org_id, batch_id) REFERENCES import_batch (org_id, batch_id)
    );
    CREATE INDEX ledger_entry_invoice_idx ON ledger_entry (org_id, invoice_id);
    CREATE UNIQUE INDEX ledger_entry_reversal_key ON ledger_entry (org_id, reverses_entry_id) WHERE reverses_entry_id IS NOT NULL;

    CREATE TABLE event (
      org_id text NOT NULL,
      event_id text NOT NULL,
      type text NOT NULL,
      subject_type text NOT NULL,
      subject_id text NOT NULL,
      batch_id text,
      actor text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, event_id)
    );
    CREATE INDEX event_subject_idx ON event (org_id, subject_type, subject_id);

    CREATE TABLE check_result (
      org_id text NOT NULL,
      subject_type text NOT NULL CHECK (subject_type IN ('debtor', 'invoice')),
      subject_id text NOT NULL,
      status text NOT NULL CHECK (status IN ('pass', 'warn', 'fail')),
      failed_codes text[] NOT NULL DEFAULT '{}',
      results jsonb NOT NULL,
      checked_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, subject_type, subject_id)
    );

    CREATE TABLE email_suppression (
      org_id text NOT NULL,
      email text NOT NULL,
      reason text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, email)
    );
  `);

  // NOTE: the open amount of an invoice is the sum of its ledger entries, kept on the invoice row
  // by triggers, never written by the application. An invoice is born with its 'issued' entry in
  // the same statement, so the row starts at amount_total (a BEFORE INSERT trigger) and the
  // statement-level trigger adds every later entry, set-based: a bulk insert updates each invoice
  // once, and a new invoice is not updated at all (an update would rewrite all its index entries).
  await runScript(db, `
    CREATE FUNCTION invoice_open_at_issue() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.open_amount := NEW.amount_total;
      RETURN NEW;
    END $$;
    CREATE TRIGGER invoice_open_at_issue BEFORE INSERT ON invoice FOR EACH ROW EXECUTE FUNCTION invoice_open_at_issue();

    CREATE FUNCTION ledger_entry_apply() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE invoice i SET open_amount = i.open_amount + s.total
      FROM (SELECT org_id, invoice_id, sum(amount) AS total FROM new_entries WHERE entry_type <> 'issued' GROUP BY org_id, invoice_id) s
      WHERE i.org_id = s.org_id AND i.invoice_id = s.invoice_id AND s.total <> 0;
      RETURN NULL;
    END $$;
    CREATE TRIGGER ledger_entry_apply AFTER INSERT ON ledger_entry
      REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_entry_apply();
  `);

  for (const table of TENANT_TABLES) {
    await sql`ALTER TABLE ${sql.table(table)} ENABLE ROW LEVEL SECURITY`.execute(db);
    await sql`CREATE POLICY tenant_isolation ON ${sql.table(table)}
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`.execute(db);
  }
  await runScript(db, `
    GRANT USAGE ON SCHEMA public TO arflow_app;
    GRANT EXECUTE ON FUNCTION arflow_id(text) TO arflow_app;
    GRANT SELECT, UPDATE ON organisation TO arflow_app;
    GRANT SELECT, INSERT, UPDATE ON app_user, api_key, user_session, debtor, debtor_contact, invoice, import_batch TO arflow_app;
    GRANT SELECT, INSERT ON debtor_bank_account, ledger_entry, event, email_suppression TO arflow_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON check_result TO arflow_app;
  `);
}

/** Runs statements one by one (PGlite's extended protocol takes one at a time); `$$` bodies kept whole. */
async function runScript(db: Kysely<any>, script: string): Promise<void> {
  const statements: string[] = [];
  let current = '';
  let inDollar = false;
  for (const part of script.split(/(\$\$|;)/)) {
    if (part === '$$') inDollar = !inDollar;
    if (part === ';' && !inDollar) {
      if (current.trim()) statements.push(current.trim());
      current = '';
    } else {
      current += part;
    }
  }
  if (current.trim()) statements.push(current.trim());
  for (const statement of statements) await sql.raw(statement).execute(db);
}
