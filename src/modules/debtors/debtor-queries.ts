import { sql, type RawBuilder } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { Debtor } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';

/** A debtor as read: its columns (but the tenant and timestamps) and its balances. */
export type DebtorRow = Omit<Debtor, 'org_id' | 'created_at' | 'updated_at'> & {
  open_total: bigint;
  overdue_total: bigint;
  open_invoices: number;
  check_status: string | null;
};

function selectDebtors(today: string, currency: string) {
  return sql`
    SELECT d.debtor_id, d.number, d.name, d.kind, d.language, d.country, d.address_line, d.postal_code, d.city, d.vat_number, d.coc_number,
      d.segment, d.account_manager_user_id, d.tags, d.credit_limit, d.payment_terms_days, d.requires_po, d.invoice_channel,
      coalesce(t.open_total, 0)::int8 AS open_total, coalesce(t.overdue_total, 0)::int8 AS overdue_total,
      coalesce(t.open_invoices, 0)::int4 AS open_invoices, c.status AS check_status
    FROM debtor d
    LEFT JOIN LATERAL (
      SELECT sum(open_amount) AS open_total, sum(open_amount) FILTER (WHERE due_date < ${today}::date AND open_amount > 0) AS overdue_total,
        count(*) FILTER (WHERE open_amount <> 0) AS open_invoices
      FROM invoice i WHERE i.org_id = d.org_id AND i.debtor_id = d.debtor_id AND i.currency = ${currency}
    ) t ON true
    LEFT JOIN check_result c ON c.org_id = d.org_id AND c.subject_type = 'debtor' AND c.subject_id = d.debtor_id`;
}

export interface DebtorFilter {
  q?: string | undefined;
  segment?: string | undefined;
  tag?: string | undefined;
  kind?: 'business' | 'consumer' | undefined;
  cursor?: string | undefined;
  limit: number;
  today: string;
  currency: string;
}

export async function listDebtors(trx: Trx, f: DebtorFilter): Promise<{ items: DebtorRow[]; nextCursor: string | null }> {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (f.q) where.push(sql`(d.name ILIKE ${'%' + f.q + '%'} OR d.number = ${f.q})`);
  if (f.segment) where.push(sql`d.segment = ${f.segment}`);
  if (f.tag) where.push(sql`${f.tag} = ANY(d.tags)`);
  if (f.kind) where.push(sql`d.kind = ${f.kind}`);
  if (f.cursor) where.push(sql`d.debtor_id > ${f.cursor}`);
  const result = await sql<DebtorRow>`${selectDebtors(f.today, f.currency)} WHERE ${sql.join(where, sql` AND `)} ORDER BY d.debtor_id LIMIT ${f.limit + 1}`.execute(trx);
  const items = result.rows.slice(0, f.limit);
  return { items, nextCursor: result.rows.length > f.limit ? (items[items.length - 1]?.debtor_id ?? null) : null };
}

export async function getDebtor(trx: Trx, ref: string, today: string, currency: string): Promise<DebtorRow> {
  const cond = ref.startsWith('dbt_') ? sql`d.debtor_id = ${ref}` : sql`d.number = ${ref}`;
  const result = await sql<DebtorRow>`${selectDebtors(today, currency)} WHERE ${cond}`.execute(trx);
  const row = result.rows[0];
  if (!row) throw new AppError('not_found', `No debtor ${ref}.`);
  return row;
}

export async function getContacts(trx: Trx, debtorId: string) {
  return trx
    .selectFrom('debtor_contact')
    .select(['contact_id', 'purpose', 'name', 'email', 'phone', 'address_line', 'postal_code', 'city', 'country'])
    .where('debtor_id', '=', debtorId)
    .orderBy('purpose')
    .execute();
}

export async function getBankAccounts(trx: Trx, debtorId: string) {
  return trx.selectFrom('debtor_bank_account').select(['iban', 'holder_name', 'source', 'created_at']).where('debtor_id', '=', debtorId).orderBy('iban').execute();
}
