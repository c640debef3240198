import { sql } from 'kysely';
import type { Db, DbExecutor, Trx } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { AppError } from '../../errors.ts';
import { validateIban } from '../../core/iban.ts';
import { isCurrencyCode } from '../../core/money.ts';
import { validateVatNumber } from '../../core/vat.ts';

export interface CreateOrganisationInput {
  slug: string;
  name: string;
  country: 'NL' | 'BE';
  iban: string;
  currency?: string;
  language?: string;
  creditorId?: string | null;
  vatNumber?: string | null;
  cocNumber?: string | null;
  timeZone?: string;
}

const DEFAULT_TIME_ZONE = { NL: 'Europe/Amsterdam', BE: 'Europe/Brussels' } as const;

/**
 * Creates an organisation; idempotent: the same slug with the same values returns the existing one,
 * the same slug with other values is a conflict. Runs as the owner role (organisations are the
 * tenants themselves, so there is no tenant scope yet).
 */
export async function createOrganisation(db: Db, input: CreateOrganisationInput): Promise<{ organisation: Organisation; created: boolean }> {
  if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(input.slug)) {
    throw new AppError('bad_request', `"${input.slug}" is not a valid organisation slug (lower-case letters, digits and dashes).`);
  }
  if (!input.name.trim()) throw new AppError('bad_request', 'The organisation needs a name.');
  const iban = validateIban(input.iban);
  if (!iban.ok) throw new AppError('bad_request', `The IBAN "${input.iban}" is not valid: ${iban.reason}.`);
  const currency = (input.currency ?? 'EUR').toUpperCase();
  if (!isCurrencyCode(currency)) throw new AppError('bad_request', `"${input.currency}" is not an ISO 4217 currency code.`);
  const language = (input.language ?? (input.country === 'BE' ? 'nl' : 'nl')).toLowerCase();
  if (!/^[a-z]{2}$/.test(language)) throw new AppError('bad_request', `"${input.language}" is not a two-letter language code.`);
  const values = {
    slug: input.slug,
    legal_name: input.name.trim(),
    country: input.country,
    iban: iban.iban,
    currency,
    language,
    creditor_id: input.creditorId ?? null,
    vat_number: input.vatNumber ?? null,
    coc_number: input.cocNumber ?? null,
    time_zone: input.timeZone ?? DEFAULT_TIME_ZONE[input.country],
  };
  const existing = await findOrganisationBySlug(db, input.slug);
  if (existing) {
    const differs = (Object.keys(values) as (keyof typeof values)[]).filter((k) => {
      if (k === 'creditor_id' || k === 'vat_number' || k === 'coc_number') return values[k] !== null && existing[k] !== values[k];
      return existing[k] !== values[k];
    });
    if (differs.length > 0) {
      throw new AppError('organisation_conflict', `Organisation "${input.slug}" exists with other values for ${differs.join(', ')}.`);
    }
    return { organisation: existing, created: false };
  }
  const organisation = await db
    .insertInto('organisation')
    .values({ org_id: newId('org'), ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { organisation, created: true };
}

export async function findOrganisationBySlug(db: DbExecutor, slug: string): Promise<Organisation | undefined> {
  return db.selectFrom('organisation').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export async function getOrganisation(db: DbExecutor, orgId: string): Promise<Organisation> {
  const org = await db.selectFrom('organisation').selectAll().where('org_id', '=', orgId).executeTakeFirst();
  if (!org) throw new AppError('organisation_not_found', `No organisation ${orgId}.`);
  return org;
}

export async function listOrganisations(db: Db): Promise<Organisation[]> {
  return db.selectFrom('organisation').selectAll().orderBy('slug').execute();
}

/** The CLI's choice: the named slug, else the only organisation there is. */
export async function resolveOrganisation(db: Db, slug: string | undefined): Promise<Organisation> {
  if (slug) {
    const org = await findOrganisationBySlug(db, slug);
    if (!org) throw new AppError('organisation_not_found', `There is no organisation "${slug}"; create it with "arflow init --org ${slug} …".`);
    return org;
  }
  const all = await db.selectFrom('organisation').selectAll().limit(2).execute();
  if (all.length === 0) throw new AppError('organisation_not_found', 'There is no organisation yet; create one with "arflow init" or "arflow demo".');
  if (all.length > 1) {
    const count = await db.selectFrom('organisation').select(sql<bigint>`count(*)`.as('n')).executeTakeFirstOrThrow();
    throw new AppError('organisation_ambiguous', `There are ${count.n} organisations; choose one with --org SLUG or ARFLOW_ORG.`);
  }
  return all[0]!;
}

export interface OrganisationPatch {
  legal_name?: string | undefined;
  vat_number?: string | null | undefined;
  coc_number?: string | null | undefined;
  iban?: string | undefined;
  bic?: string | null | undefined;
  language?: string | undefined;
  time_zone?: string | undefined;
  creditor_id?: string | null | undefined;
  payment_terms_days?: number | undefined;
  branding?: Record<string, unknown> | undefined;
}

/** Changes an organisation's settings, inside its own tenant scope; an event records old and new. */
export async function updateOrganisation(trx: Trx, orgId: string, patch: OrganisationPatch, actor: string): Promise<Organisation> {
  const current = await getOrganisation(trx, orgId);
  if (patch.iban !== undefined) {
    const iban = validateIban(patch.iban);
    if (!iban.ok) throw new AppError('bad_request', `The IBAN "${patch.iban}" is not valid: ${iban.reason}.`);
    patch.iban = iban.iban;
  }
  if (patch.vat_number) {
    const vat = validateVatNumber(patch.vat_number, current.country);
    if (!vat.ok) throw new AppError('bad_request', `The VAT number "${patch.vat_number}" is not valid: ${vat.reason}.`);
    patch.vat_number = vat.normalized;
  }
  if (patch.time_zone !== undefined) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: patch.time_zone });
    } catch {
      throw new AppError('bad_request', `"${patch.time_zone}" is not a time zone (use an IANA name such as Europe/Amsterdam).`);
    }
  }
  const changes: Record<string, [unknown, unknown]> = {};
  for (const [key, value] of Object.entries(patch) as [keyof OrganisationPatch, unknown][]) {
    if (value === undefined) continue;
    if (JSON.stringify(current[key]) !== JSON.stringify(value)) changes[key] = [current[key], value];
  }
  if (Object.keys(changes).length === 0) return current;
  const { branding, ...rest } = patch;
  const set = Object.fromEntries(Object.entries(rest).filter(([k]) => k in changes));
  await trx
    .updateTable('organisation')
    .set({ ...set, ...(branding !== undefined && 'branding' in changes ? { branding: JSON.stringify(branding) } : {}) })
    .where('org_id', '=', orgId)
    .execute();
  await trx
    .insertInto('event')
    .values({ org_id: orgId, event_id: newId('evt'), type: 'organisation.updated', subject_type: 'organisation', subject_id: orgId, actor, data: JSON.stringify({ fields: Object.keys(changes), changes }) })
    .execute();
  return getOrganisation(trx, orgId);
}
