import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import type { CheckStatus } from '../../db/schema.ts';
import { checkPostalAddress, normalizePhone, validateEmail } from '../../core/contact.ts';
import { validateVatNumber } from '../../core/vat.ts';
import { validateIban } from '../../core/iban.ts';
import { formatAmount } from '../../core/money.ts';

// Checks before and after sending: recorded per debtor (and per invoice where an invoice fails one),
// so the worklist and the API show what would stop a message from arriving or an invoice from
// being paid.

export type CheckCode =
  | 'postal_address_complete'
  | 'email_valid'
  | 'email_not_bounced'
  | 'phone_e164'
  | 'vat_number_valid'
  | 'iban_valid'
  | 'credit_limit'
  | 'po_number_present';

export interface CheckOutcome {
  code: CheckCode;
  status: CheckStatus;
  detail: string | null;
}

export interface DebtorCheckInput {
  kind: 'business' | 'consumer';
  country: string | null;
  addressLine: string | null;
  postalCode: string | null;
  city: string | null;
  vatNumber: string | null;
  emails: string[];
  phones: string[];
  ibans: string[];
  suppressedEmails: Set<string>;
  creditLimit: bigint | null;
  openTotal: bigint;
  currency: string;
}

/** The pure part: every debtor check from the debtor's data. */
export function evaluateDebtorChecks(d: DebtorCheckInput): CheckOutcome[] {
  const out: CheckOutcome[] = [];
  const address = checkPostalAddress({ addressLine: d.addressLine, postalCode: d.postalCode, city: d.city, country: d.country });
  out.push({ code: 'postal_address_complete', status: address.ok ? 'pass' : 'fail', detail: address.ok ? null : address.reason });

  if (d.emails.length === 0) {
    out.push({ code: 'email_valid', status: 'warn', detail: 'No e-mail address: messages go by letter.' });
    out.push({ code: 'email_not_bounced', status: 'skip', detail: null });
  } else {
    const bad = d.emails.filter((e) => !validateEmail(e));
    out.push({ code: 'email_valid', status: bad.length ? 'fail' : 'pass', detail: bad.length ? `Not a valid e-mail address: ${bad.join(', ')}` : null });
    const bounced = d.emails.filter((e) => d.suppressedEmails.has(e.toLowerCase()));
    out.push({ code: 'email_not_bounced', status: bounced.length ? 'fail' : 'pass', detail: bounced.length ? `Bounced before: ${bounced.join(', ')}` : null });
  }

  if (d.phones.length === 0) {
    out.push({ code: 'phone_e164', status: 'skip', detail: 'No phone number.' });
  } else {
    const problems: string[] = [];
    for (const phone of d.phones) {
      const r = normalizePhone(phone, d.country ?? 'NL');
      if (!r.ok) problems.push(`${phone}: ${r.reason}`);
      else if (r.e164 !== phone) problems.push(`${phone} is stored as written, not as ${r.e164}`);
    }
    out.push({ code: 'phone_e164', status: problems.length ? 'fail' : 'pass', detail: problems.length ? problems.join('; ') : null });
  }

  if (d.vatNumber) {
    const r = validateVatNumber(d.vatNumber, d.country ?? undefined);
    out.push({ code: 'vat_number_valid', status: r.ok ? 'pass' : 'fail', detail: r.ok ? null : r.reason });
  } else {
    out.push({ code: 'vat_number_valid', status: d.kind === 'business' ? 'warn' : 'skip', detail: d.kind === 'business' ? 'No VAT number for a business debtor.' : null });
  }

  if (d.ibans.length === 0) {
    out.push({ code: 'iban_valid', status: 'skip', detail: null });
  } else {
    const bad = d.ibans.filter((i) => !validateIban(i).ok);
    out.push({ code: 'iban_valid', status: bad.length ? 'fail' : 'pass', detail: bad.length ? `Not a valid IBAN: ${bad.join(', ')}` : null });
  }

  if (d.creditLimit === null) {
    out.push({ code: 'credit_limit', status: 'skip', detail: null });
  } else {
    const over = d.openTotal > d.creditLimit;
    out.push({
      code: 'credit_limit',
      status: over ? 'fail' : 'pass',
      detail: over ? `Open ${formatAmount(d.openTotal, d.currency)} exceeds the credit limit ${formatAmount(d.creditLimit, d.currency)}.` : null,
    });
  }
  return out;
}

export function worstStatus(results: readonly CheckOutcome[]): 'pass' | 'warn' | 'fail' {
  if (results.some((r) => r.status === 'fail')) return 'fail';
  if (results.some((r) => r.status === 'warn')) return 'warn';
  return 'pass';
}

/** Recomputes and records the checks of the given debtors (and the invoices they concern). */
export async function runDebtorChecks(trx: Trx, orgId: string, debtorIds: readonly string[], currency: string): Promise<void> {
  const chunkSize = 2000;
  const suppressed = new Set((await trx.selectFrom('email_suppression').select('email').execute()).map((r) => r.email.toLowerCase()));
  for (let i = 0; i < debtorIds.length; i += chunkSize) {
    const ids = debtorIds.slice(i, i + chunkSize);
    const debtors = await trx
      .selectFrom('debtor')
      .select([
        'debtor_id', 'kind', 'country', 'address_line', 'postal_code', 'city', 'vat_number', 'credit_limit',
        sql<string[]>`coalesce((SELECT array_agg(email) FROM debtor_contact c WHERE c.org_id = debtor.org_id AND c.debtor_id = debtor.debtor_id AND email IS NOT NULL), '{}')`.as('emails'),
        sql<string[]>`coalesce((SELECT array_agg(phone) FROM debtor_contact c WHERE c.org_id = debtor.org_id AND c.debtor_id = debtor.debtor_id AND phone IS NOT NULL), '{}')`.as('phones'),
        sql<string[]>`coalesce((SELECT array_agg(iban) FROM debtor_bank_account b WHERE b.org_id = debtor.org_id AND b.debtor_id = debtor.debtor_id), '{}')`.as('ibans'),
        // The open total only matters against a credit limit.
        sql<bigint>`CASE WHEN debtor.credit_limit IS NULL THEN 0 ELSE coalesce((SELECT sum(open_amount) FROM invoice i WHERE i.org_id = debtor.org_id AND i.debtor_id = debtor.debtor_id AND i.currency = ${currency}), 0) END::int8`.as('open_total'),
      ])
      .where('debtor_id', 'in', ids)
      .execute();
    const rows = debtors.map((d) => {
      const results = evaluateDebtorChecks({
        kind: d.kind, country: d.country, addressLine: d.address_line, postalCode: d.postal_code, city: d.city, vatNumber: d.vat_number,
        emails: d.emails, phones: d.phones, ibans: d.ibans, suppressedEmails: suppressed, creditLimit: d.credit_limit,
        openTotal: d.open_total, currency,
      });
      return {
        org_id: orgId,
        subject_type: 'debtor' as const,
        subject_id: d.debtor_id,
        status: worstStatus(results),
        failed_codes: results.filter((r) => r.status === 'fail').map((r) => r.code),
        results: JSON.stringify(results),
      };
    });
    if (rows.length === 0) continue;
    await trx
      .insertInto('check_result')
      .values(rows)
      .onConflict((oc) =>
        oc.columns(['org_id', 'subject_type', 'subject_id']).doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          failed_codes: eb.ref('excluded.failed_codes'),
          results: eb.ref('excluded.results'),
          checked_at: sql`now()`,
        })),
      )
      .execute();
  }
  await recordInvoiceChecks(trx, debtorIds);
}

/**
 * Invoice checks, set-based: PO number present where the debtor demands one, and the debtor's
 * credit limit. Only failures are stored as rows; an invoice without a row passed.
 */
async function recordInvoiceChecks(trx: Trx, debtorIds: readonly string[]): Promise<void> {
  if (debtorIds.length === 0) return;
  // Nothing to record or to clear: no debtor here demands a PO or has a credit limit, and no invoice failed before.
  const needed = await sql<{ yes: boolean }>`SELECT EXISTS (SELECT 1 FROM debtor WHERE debtor_id = ANY(${[...debtorIds]}::text[]) AND (requires_po OR credit_limit IS NOT NULL))
    OR EXISTS (SELECT 1 FROM check_result WHERE subject_type = 'invoice') AS yes`.execute(trx);
  if (!needed.rows[0]?.yes) return;
  await sql`
    DELETE FROM check_result c USING invoice i
    WHERE c.subject_type = 'invoice' AND c.org_id = i.org_id AND c.subject_id = i.invoice_id AND i.debtor_id = ANY(${[...debtorIds]}::text[])
  `.execute(trx);
  await sql`
    INSERT INTO check_result (org_id, subject_type, subject_id, status, failed_codes, results)
    SELECT i.org_id, 'invoice', i.invoice_id, 'fail', codes, (
      SELECT jsonb_agg(jsonb_build_object('code', code, 'status', 'fail', 'detail',
        CASE code WHEN 'po_number_present' THEN 'The debtor demands a PO number and the invoice has none.'
                  ELSE 'The debtor is over its credit limit.' END)) FROM unnest(codes) code)
    FROM (
      SELECT i.org_id, i.invoice_id, array_remove(ARRAY[
        CASE WHEN d.requires_po AND coalesce(i.po_number, '') = '' THEN 'po_number_present' END,
        CASE WHEN i.open_amount > 0 AND d.credit_limit IS NOT NULL AND EXISTS (
          SELECT 1 FROM check_result cr WHERE cr.org_id = d.org_id AND cr.subject_type = 'debtor' AND cr.subject_id = d.debtor_id
            AND cr.failed_codes @> ARRAY['credit_limit']) THEN 'credit_limit' END
      ], NULL) AS codes
      FROM invoice i
      JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
      WHERE i.debtor_id = ANY(${[...debtorIds]}::text[]) AND i.kind = 'invoice' AND (d.requires_po OR d.credit_limit IS NOT NULL)
    ) i
    WHERE cardinality(codes) > 0
  `.execute(trx);
}
