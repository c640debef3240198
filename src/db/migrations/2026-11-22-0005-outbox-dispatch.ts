import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. The outbox dispatcher claims due messages in batches in the order
// (created_at, message_id) with FOR UPDATE SKIP LOCKED (bench/messaging): an index in exactly that
// order, over the messages still to send, lets the claim read the first rows instead of sorting the
// whole queue for every batch. It replaces the (org_id, created_at) index of 0003, whose rows it holds.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    `CREATE INDEX outbox_message_claim_idx ON outbox_message (org_id, created_at, message_id) WHERE status IN ('queued', 'sending')`,
    'DROP INDEX outbox_message_queued_idx',
  ]) {
    await sql.raw(statement).execute(db);
  }
}
