import type { Trx } from '../../db/database.ts';
import type { SepaMandateTable } from '../../db/schema.ts';
import type { Selectable } from 'kysely';
import { newId } from '../../core/ids.ts';
import { isBusinessDate } from '../../core/dates.ts';
import { validateIban } from '../../core/iban.ts';
import { AppError } from '../../errors.ts';

// SEPA direct-debit mandates, as far as the follow-up needs them: a debtor who signed one pays by
// direct debit, so a step with the condition "no direct-debit mandate" that falls due while a
// mandate is in force (signed on or before the run date, not revoked by then) is skipped. Registering and
// revoking are events on the debtor. Collections (pain.008) are not built yet.

export type Mandate = Selectable<SepaMandateTable>;

// NOTE: the unique mandate reference (UMR, pain.008 MndtId): at most 35 characters of the SEPA
// character set (EPC 217-08: a–z A–Z 0–9 / - ? : ( ) . , ' + and space).
const UMR = /^[A-Za-z0-9+?/:().,' -]{1,35}$/;

async function debtorIdOf(trx: Trx, ref: string): Promise<string> {
  const row = await trx.selectFrom('debtor').select('debtor_id').where(ref.startsWith('dbt_') ? 'debtor_id' : 'number', '=', ref).executeTakeFirst();
  if (!row) throw new AppError('not_found', `No debtor ${ref}.`);
  return row.debtor_id;
}

export async function listMandates(trx: Trx, debtorRef: string): Promise<Mandate[]> {
  const debtorId = await debtorIdOf(trx, debtorRef);
  return trx.selectFrom('sepa_mandate').selectAll().where('debtor_id', '=', debtorId).orderBy('created_at').orderBy('mandate_id').execute();
}

export async function registerMandate(
  trx: Trx, orgId: string, debtorRef: string, input: { reference: string; iban: string; signedOn: string }, actor: string, today: string,
): Promise<Mandate> {
  const reference = input.reference.trim();
  if (!UMR.test(reference)) throw new AppError('bad_request', `reference: "${input.reference}" is no mandate reference (1–35 letters, digits, spaces or / - ? : ( ) . , ' +).`);
  const iban = validateIban(input.iban);
  if (!iban.ok) throw new AppError('bad_request', `iban: "${input.iban}" is not valid: ${iban.reason}.`);
  if (!isBusinessDate(input.signedOn)) throw new AppError('bad_request', `signed_on: "${input.signedOn}" is not a date (YYYY-MM-DD).`);
  if (input.signedOn > today) throw new AppError('bad_request', `signed_on: ${input.signedOn} is after today (${today}).`);
  const debtorId = await debtorIdOf(trx, debtorRef);
  const existing = await trx.selectFrom('sepa_mandate').select(['mandate_id', 'debtor_id']).where('reference', '=', reference).executeTakeFirst();
  if (existing) throw new AppError('bad_request', `reference: mandate ${reference} is registered already (${existing.mandate_id}).`);
  const mandateId = newId('mdt');
  await trx.insertInto('sepa_mandate').values({ org_id: orgId, mandate_id: mandateId, debtor_id: debtorId, reference, iban: iban.iban, signed_on: input.signedOn, created_by: actor }).execute();
  await trx.insertInto('event').values({
    org_id: orgId, event_id: newId('evt'), type: 'mandate.registered', subject_type: 'debtor', subject_id: debtorId, actor,
    data: JSON.stringify({ mandate_id: mandateId, reference, iban: iban.iban, signed_on: input.signedOn }),
  }).execute();
  return trx.selectFrom('sepa_mandate').selectAll().where('mandate_id', '=', mandateId).executeTakeFirstOrThrow();
}

export async function revokeMandate(trx: Trx, orgId: string, mandateId: string, input: { revokedOn: string; reason?: string | undefined }, actor: string): Promise<Mandate> {
  const mandate = await trx.selectFrom('sepa_mandate').selectAll().where('mandate_id', '=', mandateId).forUpdate().executeTakeFirst();
  if (!mandate) throw new AppError('not_found', `No mandate ${mandateId}.`);
  if (mandate.status === 'revoked') throw new AppError('bad_request', `Mandate ${mandate.reference} was revoked on ${mandate.revoked_on ?? '?'} already.`);
  if (!isBusinessDate(input.revokedOn)) throw new AppError('bad_request', `revoked_on: "${input.revokedOn}" is not a date (YYYY-MM-DD).`);
  if (input.revokedOn < mandate.signed_on) throw new AppError('bad_request', `revoked_on: ${input.revokedOn} is before the mandate was signed (${mandate.signed_on}).`);
  await trx.updateTable('sepa_mandate').set({ status: 'revoked', revoked_on: input.revokedOn }).where('mandate_id', '=', mandateId).execute();
  await trx.insertInto('event').values({
    org_id: orgId, event_id: newId('evt'), type: 'mandate.revoked', subject_type: 'debtor', subject_id: mandate.debtor_id, actor,
    data: JSON.stringify({ mandate_id: mandateId, reference: mandate.reference, revoked_on: input.revokedOn, reason: input.reason ?? null }),
  }).execute();
  return { ...mandate, status: 'revoked', revoked_on: input.revokedOn };
}
