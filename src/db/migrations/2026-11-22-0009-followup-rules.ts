import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. Follow-up rules beyond the first version:
// - the organisation's days without sending (weekdays and dates, e.g. its own closing days): the
//   follow-up moves message steps off them; tasks are unaffected;
// - SEPA direct-debit mandates per debtor (minimal: what the step condition "no direct-debit
//   mandate" needs), registered and revoked through the API, each change an event;
// - repeating charge steps record an execution per occurrence under the step key with `#n` (the
//   unique key on invoice and step key stays the guard), so step keys may now hold '#'.

export async function up(db: Kysely<any>): Promise<void> {
  const statements = [
    `ALTER TABLE organisation ADD COLUMN no_send_days jsonb NOT NULL DEFAULT '{"weekdays": [], "dates": []}'::jsonb`,
    `CREATE TABLE sepa_mandate (
      org_id text NOT NULL,
      mandate_id text NOT NULL,
      debtor_id text NOT NULL,
      reference text NOT NULL CHECK (reference ~ '^[A-Za-z0-9+?/:().,'' -]{1,35}$'),
      iban text NOT NULL,
      signed_on date NOT NULL,
      status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
      revoked_on date,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, mandate_id),
      CONSTRAINT sepa_mandate_reference_key UNIQUE (org_id, reference),
      FOREIGN KEY (org_id, debtor_id) REFERENCES debtor (org_id, debtor_id),
      CHECK ((status = 'revoked') = (revoked_on IS NOT NULL))
    )`,
    `CREATE INDEX sepa_mandate_debtor_idx ON sepa_mandate (org_id, debtor_id)`,
    `ALTER TABLE sepa_mandate ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON sepa_mandate
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`,
    'GRANT SELECT, INSERT ON sepa_mandate TO arflow_app',
    'GRANT UPDATE (status, revoked_on) ON sepa_mandate TO arflow_app',
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
