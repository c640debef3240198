import { sql, type Kysely } from 'kysely';

// NOTE: frozen after landing. Indexes for the daily follow-up run at scale (bench/followup):
// - the debtors that already had a message today: one index range instead of a scan of the outbox;
// - an invoice's costs and interest (the principal of a 14-day letter or charge): charge entries
//   only, with their amount, instead of every ledger entry of every due invoice.

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of [
    'CREATE INDEX outbox_message_scheduled_idx ON outbox_message (org_id, scheduled_for)',
    `CREATE INDEX ledger_entry_charges_idx ON ledger_entry (org_id, invoice_id) INCLUDE (amount) WHERE component <> 'principal'`,
  ]) {
    await sql.raw(statement).execute(db);
  }
}
