import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. E-mail delivery:
// - message_attachment: the exact bytes of every document a message carries (invoice PDF,
//   statement of account), stored when the message is rendered and never changed afterwards
//   (append-only for the application role: what was sent is what we can show in court);
// - debtor.invoice_channel: a debtor who asks for invoices by e-mail or on paper gets them so,
//   whatever channel would be cheapest.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE message_attachment (
      org_id text NOT NULL,
      message_id text NOT NULL,
      position integer NOT NULL CHECK (position >= 0),
      kind text NOT NULL CHECK (kind IN ('invoice', 'statement')),
      invoice_id text,
      source text NOT NULL CHECK (source IN ('rendered', 'original')),
      filename text NOT NULL,
      content_type text NOT NULL,
      content bytea NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, message_id, position),
      FOREIGN KEY (org_id, message_id) REFERENCES outbox_message (org_id, message_id)
    )`,
    `ALTER TABLE message_attachment ENABLE ROW LEVEL SECURITY`,
    `CREATE POLICY tenant_isolation ON message_attachment
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`,
    'GRANT SELECT, INSERT ON message_attachment TO arflow_app',
    `ALTER TABLE debtor ADD COLUMN invoice_channel text CHECK (invoice_channel IN ('email', 'letter'))`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
