import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. SMS and voice through a provider with signed delivery reports:
// - the SMS parts a message took (cost = per-SMS cost × segments);
// - a message found by the provider's id when a report names no message of ours;
// - a guard that keeps a reported outcome: a delivery report can arrive before the dispatcher
//   marks the message `sent` (or a late retry marks it again); `delivered` and `bounced` never go
//   back to queued/sending/sent, and a provider's `failed` is not overwritten by `sent`; the outcome's
//   columns (status, last_error, next_attempt_at, delivered_at) stay, the rest (sent_at, provider_id) is written.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'ALTER TABLE outbox_message ADD COLUMN segments integer CHECK (segments > 0)',
    'CREATE INDEX outbox_message_provider_idx ON outbox_message (org_id, provider_id) WHERE provider_id IS NOT NULL',
    `CREATE FUNCTION outbox_message_keep_outcome() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.status := OLD.status;
      NEW.last_error := OLD.last_error;
      NEW.next_attempt_at := OLD.next_attempt_at;
      NEW.delivered_at := OLD.delivered_at;
      RETURN NEW;
    END
    $$`,
    `CREATE TRIGGER outbox_message_keep_outcome BEFORE UPDATE OF status ON outbox_message FOR EACH ROW
      WHEN ((OLD.status IN ('delivered', 'bounced') AND NEW.status IN ('queued', 'sending', 'sent')) OR (OLD.status = 'failed' AND NEW.status = 'sent'))
      EXECUTE FUNCTION outbox_message_keep_outcome()`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
