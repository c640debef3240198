import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { ContactPurpose } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { validateIban } from '../../core/iban.ts';
import { normalizePhone, validateEmail } from '../../core/contact.ts';
import { AppError } from '../../errors.ts';
import { runDebtorChecks } from '../checks/check-service.ts';

// Changes to a debtor made by people or integrations: each one an event with the old and new values.

export interface DebtorPatch {
  name?: string | undefined;
  kind?: 'business' | 'consumer' | undefined;
  language?: string | null | undefined;
  segment?: string | null | undefined;
  tags?: string[] | undefined;
  credit_limit?: bigint | null | undefined;
  payment_terms_days?: number | null | undefined;
  requires_po?: boolean | undefined;
  account_manager_user_id?: string | null | undefined;
  invoice_channel?: 'email' | 'letter' | null | undefined;
}

async function findDebtorId(trx: Trx, ref: string): Promise<string> {
  const row = await trx.selectFrom('debtor').select('debtor_id').where(ref.startsWith('dbt_') ? 'debtor_id' : 'number', '=', ref).forUpdate().executeTakeFirst();
  if (!row) throw new AppError('not_found', `No debtor ${ref}.`);
  return row.debtor_id;
}

async function recordEvent(trx: Trx, orgId: string, debtorId: string, type: string, actor: string, data: unknown): Promise<void> {
  await trx.insertInto('event').values({ org_id: orgId, event_id: newId('evt'), type, subject_type: 'debtor', subject_id: debtorId, actor, data: JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) }).execute();
}

export async function updateDebtor(trx: Trx, orgId: string, ref: string, patch: DebtorPatch, actor: string, currency: string): Promise<string> {
  const debtorId = await findDebtorId(trx, ref);
  const current = await trx.selectFrom('debtor').selectAll().where('debtor_id', '=', debtorId).executeTakeFirstOrThrow();
  if (patch.account_manager_user_id) {
    const user = await trx.selectFrom('app_user').select('user_id').where('user_id', '=', patch.account_manager_user_id).executeTakeFirst();
    if (!user) throw new AppError('bad_request', `No user ${patch.account_manager_user_id} in this organisation.`);
  }
  if (patch.tags) patch.tags = [...new Set(patch.tags.map((t) => t.trim().toLowerCase()).filter(Boolean))].sort();
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(patch) as [keyof DebtorPatch, unknown][]) {
    if (value === undefined) continue;
    const before = current[key] as unknown;
    if (JSON.stringify(before, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) changes[key] = [before, value];
  }
  if (Object.keys(changes).length === 0) return debtorId;
  const set = Object.fromEntries(Object.keys(changes).map((k) => [k, patch[k as keyof DebtorPatch]]));
  await trx.updateTable('debtor').set({ ...set, updated_at: sql`now()` }).where('debtor_id', '=', debtorId).execute();
  await recordEvent(trx, orgId, debtorId, 'debtor.updated', actor, { fields: Object.keys(changes), changes });
  await runDebtorChecks(trx, orgId, [debtorId], currency);
  return debtorId;
}

export interface ContactInput {
  name?: string | null | undefined;
  email?: string | null | undefined;
  phone?: string | null | undefined;
  address_line?: string | null | undefined;
  postal_code?: string | null | undefined;
  city?: string | null | undefined;
  country?: string | null | undefined;
}

/** Sets the invoice, dunning or general contact of a debtor: reminders can go elsewhere than invoices. */
export async function setContact(trx: Trx, orgId: string, ref: string, purpose: ContactPurpose, input: ContactInput, actor: string, defaultCountry: string, currency: string): Promise<string> {
  const debtorId = await findDebtorId(trx, ref);
  const email = input.email?.trim().toLowerCase() || null;
  if (email && !validateEmail(email)) throw new AppError('bad_request', `"${input.email}" is not a valid e-mail address.`);
  let phone = input.phone?.trim() || null;
  if (phone) {
    const p = normalizePhone(phone, input.country ?? defaultCountry);
    if (!p.ok) throw new AppError('bad_request', `"${input.phone}" is not a valid phone number: ${p.reason}.`);
    phone = p.e164;
  }
  const values = {
    name: input.name ?? null, email, phone, address_line: input.address_line ?? null, postal_code: input.postal_code ?? null,
    city: input.city ?? null, country: input.country?.toUpperCase() ?? null,
  };
  await trx
    .insertInto('debtor_contact')
    .values({ org_id: orgId, contact_id: newId('con'), debtor_id: debtorId, purpose, ...values })
    .onConflict((oc) => oc.columns(['org_id', 'debtor_id', 'purpose']).doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
  await recordEvent(trx, orgId, debtorId, 'debtor.contact_set', actor, { purpose, ...values });
  await runDebtorChecks(trx, orgId, [debtorId], currency);
  return debtorId;
}

/** Records a bank account the debtor pays from, with its holder name (learned or entered). */
export async function addBankAccount(trx: Trx, orgId: string, ref: string, input: { iban: string; holderName: string | null; source: string }, actor: string, currency: string): Promise<string> {
  const debtorId = await findDebtorId(trx, ref);
  const iban = validateIban(input.iban);
  if (!iban.ok) throw new AppError('bad_request', `The IBAN "${input.iban}" is not valid: ${iban.reason}.`);
  const inserted = await trx
    .insertInto('debtor_bank_account')
    .values({ org_id: orgId, debtor_id: debtorId, iban: iban.iban, holder_name: input.holderName, source: input.source })
    .onConflict((oc) => oc.columns(['org_id', 'debtor_id', 'iban']).doNothing())
    .returning('iban')
    .executeTakeFirst();
  if (inserted) {
    await recordEvent(trx, orgId, debtorId, 'debtor.bank_account_added', actor, { iban: iban.iban, holder_name: input.holderName, source: input.source });
    await runDebtorChecks(trx, orgId, [debtorId], currency);
  }
  return debtorId;
}
