import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. Letters: the exact document of a message (the printed PDF), rendered
// once and stored, so a send, a re-send and the dossier all use the same bytes (what was sent is
// what we can show in court). Append-only for the application role, like the ledger: no UPDATE or
// DELETE grant. One document per message and kind.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE TABLE message_document (
      org_id text NOT NULL,
      message_id text NOT NULL,
      kind text NOT NULL CHECK (kind IN ('letter_pdf')),
      content bytea NOT NULL,
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      pages integer NOT NULL CHECK (pages > 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (org_id, message_id, kind),
      FOREIGN KEY (org_id, message_id) REFERENCES outbox_message (org_id, message_id)
    )`,
    // A print-and-mail provider's status webhook finds the letter by the provider's id.
    `CREATE INDEX outbox_message_letter_provider_idx ON outbox_message (org_id, provider_id) WHERE channel = 'letter' AND provider_id IS NOT NULL`,
    'ALTER TABLE message_document ENABLE ROW LEVEL SECURITY',
    `CREATE POLICY tenant_isolation ON message_document
      USING (org_id = current_setting('arflow.org_id', true))
      WITH CHECK (org_id = current_setting('arflow.org_id', true))`,
    'GRANT SELECT, INSERT ON message_document TO arflow_app',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
