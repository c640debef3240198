import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { addDays, todayIn } from '../../core/dates.ts';
import { referenceForInvoice } from '../../core/references.ts';
import { normalizeDutchPostcode, normalizePhone } from '../../core/contact.ts';
import { parseInvoiceCsv } from '../../formats/invoice-csv.ts';
import { parseUblInvoice } from '../../formats/ubl.ts';
import { InvalidFileError, type InvoiceInput, type ParsedInvoiceFile, type RowError } from '../../formats/invoice-input.ts';
import { AppError } from '../../errors.ts';
import { runDebtorChecks } from '../checks/check-service.ts';
import { queueInvoiceDelivery } from '../messaging/invoice-delivery.ts';

export interface ImportIssue extends RowError {
  file: string;
  invoiceNumber: string | null;
}

export interface InvoiceImportSummary {
  file: string;
  format: 'csv' | 'ubl' | 'api';
  batchId: string | null;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  debtorsCreated: number;
  debtorsUpdated: number;
  errors: ImportIssue[];
  warnings: ImportIssue[];
}

export interface InvoiceImportOptions {
  fileName: string;
  content: Buffer;
  /** Import the good rows and report the bad ones, instead of rejecting the whole file. */
  skipInvalid?: boolean;
  actor?: string;
  /** The business date of the import (default: today in the organisation's time zone). */
  today?: string;
}

/** Reads a file as CSV or UBL, decided by its content. */
export function parseInvoiceFile(content: Buffer, fileName: string): ParsedInvoiceFile {
  if (content.length === 0) throw new InvalidFileError(`${fileName} is empty.`);
  let start = 0;
  if (content[0] === 0xef && content[1] === 0xbb && content[2] === 0xbf) start = 3;
  while (start < content.length && (content[start] === 0x20 || content[start] === 0x0a || content[start] === 0x0d || content[start] === 0x09)) start++;
  if (content[start] === 0x3c /* < */) return parseUblInvoice(content.toString('utf8'), fileName);
  return parseInvoiceCsv(content, fileName);
}

class NothingChanged extends Error {}

const COLUMNS = [
  'line', 'number', 'kind', 'debtor_number', 'debtor_name', 'debtor_kind', 'email', 'phone', 'address_line', 'postal_code', 'city',
  'country', 'language', 'vat_number', 'coc_number', 'issue_date', 'due_date', 'currency', 'amount', 'vat_amount', 'prepaid',
  'po_number', 'project_reference', 'payment_reference', 'generated_reference', 'related_number',
] as const;
const COLUMN_TYPES: Record<(typeof COLUMNS)[number], string> = {
  line: 'int4', number: 'text', kind: 'text', debtor_number: 'text', debtor_name: 'text', debtor_kind: 'text', email: 'text', phone: 'text',
  address_line: 'text', postal_code: 'text', city: 'text', country: 'text', language: 'text', vat_number: 'text', coc_number: 'text',
  issue_date: 'date', due_date: 'date', currency: 'text', amount: 'int8', vat_amount: 'int8', prepaid: 'int8', po_number: 'text',
  project_reference: 'text', payment_reference: 'text', generated_reference: 'text', related_number: 'text',
};

const phoneCache = new Map<string, string>();

/** E.164 where the number is valid, else as written (the phone check reports it). Cached: a debtor's number repeats on every row. */
function e164OrRaw(phone: string, country: string): string {
  const key = `${country}|${phone}`;
  let v = phoneCache.get(key);
  if (v === undefined) {
    const p = normalizePhone(phone, country);
    v = p.ok ? p.e164 : phone;
    if (phoneCache.size > 100_000) phoneCache.clear();
    phoneCache.set(key, v);
  }
  return v;
}

function toStagingRow(inv: InvoiceInput, org: Organisation): (string | null)[] {
  const due = inv.dueDate ?? (inv.kind === 'credit_note' ? inv.issueDate : addDays(inv.issueDate, org.payment_terms_days));
  const phone = inv.debtor.phone ? e164OrRaw(inv.debtor.phone, inv.debtor.country ?? org.country) : null;
  const country = inv.debtor.country ?? org.country;
  const postalCode = country === 'NL' && inv.debtor.postalCode ? (normalizeDutchPostcode(inv.debtor.postalCode) ?? inv.debtor.postalCode) : inv.debtor.postalCode;
  return [
    String(inv.line), inv.number, inv.kind, inv.debtor.number, inv.debtor.name, inv.debtor.kind, inv.debtor.email?.toLowerCase() ?? null, phone,
    inv.debtor.addressLine, postalCode, inv.debtor.city, inv.debtor.country, inv.debtor.language, inv.debtor.vatNumber,
    inv.debtor.cocNumber, inv.issueDate, due, inv.currency, String(inv.amount), inv.vatAmount === null ? null : String(inv.vatAmount),
    String(inv.prepaidAmount), inv.poNumber, inv.projectReference, inv.paymentReference,
    inv.paymentReference ? null : referenceForInvoice(org.country, inv.number), inv.relatedInvoiceNumber,
  ];
}

async function loadStaging(trx: Trx, rows: (string | null)[][]): Promise<void> {
  await sql.raw(`CREATE TEMP TABLE import_row (${COLUMNS.map((c) => `${c} ${COLUMN_TYPES[c]}`).join(', ')}) ON COMMIT DROP`).execute(trx);
  const chunk = 20_000;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const arrays = COLUMNS.map((_, col) => part.map((r) => r[col] ?? null));
    const select = COLUMNS.map((c, idx) => sql`${sql.raw(`u.c${idx}::${COLUMN_TYPES[c]}`)}`);
    await sql`
      INSERT INTO import_row (${sql.join(COLUMNS.map((c) => sql.id(c)))})
      SELECT ${sql.join(select)}
      FROM unnest(${sql.join(arrays.map((a) => sql`${a}::text[]`))}) AS u(${sql.raw(COLUMNS.map((_, idx) => `c${idx}`).join(', '))})
    `.execute(trx);
  }
  await sql`CREATE INDEX ON import_row (number)`.execute(trx);
  await sql`ANALYZE import_row`.execute(trx);
}

/** Rows whose change the ledger cannot take: a different debtor or currency, a settled invoice. */
async function findConflicts(trx: Trx): Promise<{ line: number; number: string; column: string; reason: string }[]> {
  const result = await sql<{ line: number; number: string; column: string; reason: string }>`
    SELECT r.line, r.number,
      CASE WHEN d.number IS DISTINCT FROM r.debtor_number THEN 'debtor_number'
           WHEN i.currency <> r.currency THEN 'currency'
           ELSE 'amount' END AS column,
      CASE WHEN d.number IS DISTINCT FROM r.debtor_number
             THEN 'invoice ' || r.number || ' belongs to debtor ' || d.number || ', not ' || r.debtor_number
           WHEN i.currency <> r.currency
             THEN 'invoice ' || r.number || ' is in ' || i.currency || ', not ' || r.currency
           ELSE 'invoice ' || r.number || ' is settled; a changed amount needs a credit note' END AS reason
    FROM import_row r
    JOIN invoice i ON i.kind = r.kind AND i.number = r.number
    JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
    WHERE d.number IS DISTINCT FROM r.debtor_number
       OR i.currency <> r.currency
       OR (i.amount_total <> r.amount AND i.open_amount = 0
           AND EXISTS (SELECT 1 FROM ledger_entry e WHERE e.org_id = i.org_id AND e.invoice_id = i.invoice_id AND e.entry_type NOT IN ('issued', 'corrected')))
    ORDER BY r.line
  `.execute(trx);
  return result.rows;
}

/**
 * Imports an invoice file (CSV or UBL): all-or-nothing by default, idempotent (the same file again
 * changes nothing), changed amounts become correcting ledger entries, never overwrites.
 */
export async function importInvoiceFile(db: Db, org: Organisation, options: InvoiceImportOptions): Promise<InvoiceImportSummary> {
  const { fileName, content } = options;
  let parsed: ParsedInvoiceFile;
  try {
    parsed = parseInvoiceFile(content, fileName);
  } catch (e) {
    if (e instanceof InvalidFileError) throw new AppError('invalid_file', e.message);
    throw e;
  }
  return importParsedInvoices(db, org, parsed, { ...options, contentHash: createHash('sha256').update(content).digest('hex') });
}

/** Imports invoices already parsed into the neutral shape (files, or a batch through the API). */
export async function importParsedInvoices(
  db: Db,
  org: Organisation,
  parsed: ParsedInvoiceFile,
  options: Omit<InvoiceImportOptions, 'content'> & { contentHash: string },
): Promise<InvoiceImportSummary> {
  const { fileName, contentHash } = options;
  const today = options.today ?? todayIn(org.time_zone);
  const numberAt = new Map(parsed.invoices.map((i) => [i.line, i.number]));
  const issue = (e: RowError): ImportIssue => ({ file: fileName, invoiceNumber: numberAt.get(e.line) ?? null, ...e });
  const errors: ImportIssue[] = parsed.errors.map(issue);
  const rowCount = parsed.invoices.length + new Set(parsed.errors.map((e) => e.line)).size;
  if (errors.length > 0 && !options.skipInvalid) {
    throw new AppError('import_rejected', rejectionMessage(fileName, errors), { errors });
  }
  const summary: InvoiceImportSummary = {
    file: fileName, format: parsed.format, batchId: null, rows: rowCount, created: 0, updated: 0, unchanged: 0,
    rejected: new Set(errors.map((e) => e.line)).size, debtorsCreated: 0, debtorsUpdated: 0, errors, warnings: [],
  };
  const batchId = newId('bat');
  const actor = options.actor ?? 'cli';

  try {
    await inOrg(db, org.org_id, async (trx) => {
      // Large imports sort and hash in memory rather than on disk.
      if (parsed.invoices.length > 10_000) await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
      await loadStaging(trx, parsed.invoices.map((inv) => toStagingRow(inv, org)));

      const conflicts = await findConflicts(trx);
      if (conflicts.length > 0) {
        const conflictIssues = conflicts.map((c) => ({ file: fileName, invoiceNumber: c.number, line: c.line, column: c.column, reason: c.reason }));
        if (!options.skipInvalid) {
          const all = [...errors, ...conflictIssues].sort((a, b) => a.line - b.line);
          throw new AppError('import_rejected', rejectionMessage(fileName, all), { errors: all });
        }
        summary.errors.push(...conflictIssues);
        summary.rejected += new Set(conflicts.map((c) => c.line)).size;
        await sql`DELETE FROM import_row WHERE line = ANY(${conflicts.map((c) => c.line)}::int4[])`.execute(trx);
      }

      await trx
        .insertInto('import_batch')
        .values({ org_id: org.org_id, batch_id: batchId, kind: parsed.format === 'api' ? 'api' : 'invoices', file_name: fileName, format: parsed.format, content_hash: contentHash, summary: '{}', created_by: actor })
        .execute();

      const debtorChanges = await upsertDebtors(trx, org.org_id, batchId, actor);
      summary.debtorsCreated = debtorChanges.created.length;
      summary.debtorsUpdated = debtorChanges.updated.length;

      const inv = await applyInvoices(trx, org.org_id, batchId, actor, today, parsed.originalDocument, parsed.format);
      summary.created = inv.created;
      summary.updated = inv.updated;
      summary.unchanged = (await countStaged(trx)) - inv.created - inv.updated;
      summary.warnings.push(...inv.warnings.map((w) => ({ file: fileName, invoiceNumber: w.number, line: w.line, column: w.column, reason: w.reason })));
      // Invoice delivery (when the organisation has it on): new invoices queued in the outbox, in this transaction.
      await queueInvoiceDelivery(trx, org, inv.createdIds, today);

      if (summary.created === 0 && summary.updated === 0 && summary.debtorsCreated === 0 && summary.debtorsUpdated === 0) {
        throw new NothingChanged();
      }
      summary.batchId = batchId;
      const { errors: _e, warnings: _w, ...counts } = summary;
      await trx.updateTable('import_batch').set({ summary: JSON.stringify(counts) }).where('batch_id', '=', batchId).execute();
      await trx
        .insertInto('event')
        .values({
          org_id: org.org_id, event_id: newId('evt'), type: 'import.invoices', subject_type: 'import_batch', subject_id: batchId,
          batch_id: batchId, actor, data: JSON.stringify({ ...counts, rejected_lines: summary.errors.map((e) => e.line) }),
        })
        .execute();
      await runDebtorChecks(trx, org.org_id, [...new Set([...debtorChanges.created, ...debtorChanges.updated, ...inv.debtorIds])], org.currency);
    });
  } catch (e) {
    if (!(e instanceof NothingChanged)) throw e;
  }
  // NOTE: PGlite has no autovacuum, so its statistics never catch up with a bulk load by themselves
  // and later plans degrade; on PostgreSQL this only runs sooner what autovacuum would. ANALYZE
  // needs the table owner, hence outside the tenant transaction.
  if (summary.created >= 500) await sql`ANALYZE invoice, ledger_entry, debtor, debtor_contact`.execute(db);
  return summary;
}

async function countStaged(trx: Trx): Promise<number> {
  const r = await sql<{ n: bigint }>`SELECT count(*) AS n FROM import_row`.execute(trx);
  return Number(r.rows[0]?.n ?? 0n);
}

function rejectionMessage(fileName: string, errors: ImportIssue[]): string {
  const lines = new Set(errors.map((e) => e.line)).size;
  const first = errors.slice(0, 20).map((e) => `  ${fileName}:${e.line}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`);
  const more = errors.length > 20 ? `\n  … and ${errors.length - 20} more` : '';
  return `${fileName}: ${lines} row${lines === 1 ? '' : 's'} cannot be imported; nothing was imported (use --skip-invalid to import the good rows):\n${first.join('\n')}${more}`;
}

const DEBTOR_FIELDS = ['name', 'kind', 'language', 'country', 'address_line', 'postal_code', 'city', 'vat_number', 'coc_number'] as const;

/** Creates debtors that are new and fills in or changes the fields a file gives; an event per change. */
async function upsertDebtors(trx: Trx, orgId: string, batchId: string, actor: string): Promise<{ created: string[]; updated: string[] }> {
  // NOTE: a debtor on several rows takes, per field, the value of the last row that gives one.
  const latest = (col: string) => sql.raw(`(array_agg(${col} ORDER BY line DESC) FILTER (WHERE ${col} IS NOT NULL))[1]`);
  await sql`
    CREATE TEMP TABLE import_debtor ON COMMIT DROP AS
    SELECT debtor_number AS number, ${latest('debtor_name')} AS name, ${latest('debtor_kind')} AS kind, ${latest('language')} AS language,
      upper(${latest('country')}) AS country, ${latest('address_line')} AS address_line, ${latest('postal_code')} AS postal_code,
      ${latest('city')} AS city, ${latest('vat_number')} AS vat_number, ${latest('coc_number')} AS coc_number,
      ${latest('email')} AS email, ${latest('phone')} AS phone
    FROM import_row GROUP BY debtor_number
  `.execute(trx);
  const created = await sql<{ debtor_id: string }>`
    INSERT INTO debtor (org_id, debtor_id, number, name, kind, language, country, address_line, postal_code, city, vat_number, coc_number)
    SELECT ${orgId}, arflow_id('dbt'), s.number, coalesce(s.name, s.number), coalesce(s.kind, 'business'), s.language, s.country,
      s.address_line, s.postal_code, s.city, s.vat_number, s.coc_number
    FROM import_debtor s
    WHERE NOT EXISTS (SELECT 1 FROM debtor d WHERE d.number = s.number)
    RETURNING debtor_id
  `.execute(trx);
  const createdIds = new Set(created.rows.map((r) => r.debtor_id));

  // Fields the file leaves empty keep their value; fields it gives replace the old one.
  const changed = DEBTOR_FIELDS.map((f) => sql`CASE WHEN s.${sql.id(f)} IS NOT NULL AND s.${sql.id(f)} IS DISTINCT FROM d.${sql.id(f)} THEN ${f} END`);
  const updated = await sql<{ debtor_id: string }>`
    WITH diff AS (
      SELECT d.debtor_id, array_remove(ARRAY[${sql.join(changed)}], NULL) AS fields,
        jsonb_build_object(${sql.join(DEBTOR_FIELDS.map((f) => sql`${f}::text, jsonb_build_array(d.${sql.id(f)}, s.${sql.id(f)})`))}) AS values
      FROM import_debtor s JOIN debtor d ON d.number = s.number
      WHERE d.debtor_id <> ALL(${[...createdIds]}::text[])
    ), upd AS (
      UPDATE debtor d SET ${sql.join(DEBTOR_FIELDS.map((f) => sql`${sql.id(f)} = coalesce(s.${sql.id(f)}, d.${sql.id(f)})`))}, updated_at = now()
      FROM import_debtor s, diff
      WHERE d.number = s.number AND diff.debtor_id = d.debtor_id AND cardinality(diff.fields) > 0
      RETURNING d.debtor_id
    )
    INSERT INTO event (org_id, event_id, type, subject_type, subject_id, batch_id, actor, data)
    SELECT ${orgId}, arflow_id('evt'), 'debtor.updated', 'debtor', diff.debtor_id, ${batchId}, ${actor},
      jsonb_build_object('fields', to_jsonb(diff.fields), 'changes',
        (SELECT jsonb_object_agg(k, v) FROM jsonb_each(diff.values) AS e(k, v) WHERE k = ANY(diff.fields)))
    FROM diff WHERE cardinality(diff.fields) > 0 AND diff.debtor_id IN (SELECT debtor_id FROM upd)
    RETURNING subject_id AS debtor_id
  `.execute(trx);
  const updatedIds = new Set(updated.rows.map((r) => r.debtor_id));

  // The e-mail and phone of an invoice file belong to the debtor's invoice contact.
  const contacts = await sql<{ debtor_id: string; created: boolean }>`
    WITH src AS (
      SELECT d.debtor_id, s.email, s.phone FROM import_debtor s JOIN debtor d ON d.number = s.number
      WHERE s.email IS NOT NULL OR s.phone IS NOT NULL
    ), ins AS (
      INSERT INTO debtor_contact (org_id, contact_id, debtor_id, purpose, email, phone)
      SELECT ${orgId}, arflow_id('con'), src.debtor_id, 'invoice', src.email, src.phone FROM src
      WHERE NOT EXISTS (SELECT 1 FROM debtor_contact c WHERE c.debtor_id = src.debtor_id AND c.purpose = 'invoice')
      RETURNING debtor_id
    ), upd AS (
      UPDATE debtor_contact c SET email = coalesce(src.email, c.email), phone = coalesce(src.phone, c.phone), updated_at = now()
      FROM src WHERE c.debtor_id = src.debtor_id AND c.purpose = 'invoice'
        AND ((src.email IS NOT NULL AND src.email IS DISTINCT FROM c.email) OR (src.phone IS NOT NULL AND src.phone IS DISTINCT FROM c.phone))
      RETURNING c.debtor_id, c.email, c.phone
    ), ev AS (
      INSERT INTO event (org_id, event_id, type, subject_type, subject_id, batch_id, actor, data)
      SELECT ${orgId}, arflow_id('evt'), 'debtor.contact_updated', 'debtor', upd.debtor_id, ${batchId}, ${actor},
        jsonb_build_object('purpose', 'invoice', 'email', upd.email, 'phone', upd.phone)
      FROM upd
    )
    SELECT debtor_id, true AS created FROM ins UNION ALL SELECT debtor_id, false FROM upd
  `.execute(trx);
  for (const c of contacts.rows) if (!createdIds.has(c.debtor_id)) updatedIds.add(c.debtor_id);
  return { created: [...createdIds], updated: [...updatedIds] };
}

const INVOICE_FIELDS = ['issue_date', 'due_date', 'vat_amount', 'po_number', 'project_reference', 'payment_reference'] as const;

async function applyInvoices(
  trx: Trx, orgId: string, batchId: string, actor: string, today: string, originalDocument: string | null, format: 'csv' | 'ubl' | 'api',
): Promise<{ created: number; createdIds: string[]; updated: number; debtorIds: string[]; warnings: { line: number; number: string; column: string; reason: string }[] }> {
  // New invoices and their 'issued' entries (and what the document says was prepaid).
  const created = await sql<{ invoice_id: string; debtor_id: string }>`
    WITH ins AS (
      INSERT INTO invoice (org_id, invoice_id, number, kind, debtor_id, issue_date, due_date, currency, amount_total, vat_amount, po_number,
        project_reference, payment_reference, source_batch_id, source_line, original_format, original_document)
      SELECT ${orgId}, arflow_id('inv'), r.number, r.kind, d.debtor_id, r.issue_date, r.due_date, r.currency, r.amount, r.vat_amount,
        r.po_number, r.project_reference, coalesce(r.payment_reference, r.generated_reference), ${batchId}, r.line, ${format}, ${originalDocument}
      FROM import_row r JOIN debtor d ON d.number = r.debtor_number
      WHERE NOT EXISTS (SELECT 1 FROM invoice i WHERE i.kind = r.kind AND i.number = r.number)
      RETURNING invoice_id, debtor_id, amount_total, currency, issue_date, number, kind
    ), issued AS (
      INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, batch_id, created_by)
      SELECT ${orgId}, arflow_id('led'), ins.invoice_id, 'issued', ins.amount_total, ins.currency, ins.issue_date, ${batchId}, ${actor} FROM ins
      UNION ALL
      -- NOTE: UBL PrepaidAmount: paid on an invoice, already refunded on a credit note.
      SELECT ${orgId}, arflow_id('led'), ins.invoice_id, CASE WHEN ins.kind = 'credit_note' THEN 'refunded' ELSE 'payment_allocated' END,
        CASE WHEN ins.kind = 'credit_note' THEN r.prepaid ELSE -r.prepaid END, ins.currency, ins.issue_date, ${batchId}, ${actor}
      FROM ins JOIN import_row r ON r.kind = ins.kind AND r.number = ins.number WHERE r.prepaid <> 0
    )
    SELECT invoice_id, debtor_id FROM ins
  `.execute(trx);

  // Changed fields of existing invoices: updated with an event; a changed amount is a correcting entry.
  const fieldChanged = INVOICE_FIELDS.map((f) =>
    f === 'payment_reference'
      ? sql`CASE WHEN r.payment_reference IS NOT NULL AND r.payment_reference IS DISTINCT FROM i.payment_reference THEN 'payment_reference' END`
      : sql`CASE WHEN r.${sql.id(f)} IS DISTINCT FROM i.${sql.id(f)} THEN ${f} END`,
  );
  const updated = await sql<{ invoice_id: string; debtor_id: string }>`
    WITH diff AS (
      SELECT i.invoice_id, i.debtor_id, r.line, i.currency, r.amount - i.amount_total AS delta,
        array_remove(ARRAY[${sql.join(fieldChanged)}, CASE WHEN r.amount <> i.amount_total THEN 'amount' END], NULL) AS fields,
        jsonb_build_object(${sql.join(INVOICE_FIELDS.map((f) => sql`${f}::text, jsonb_build_array(i.${sql.id(f)}, r.${sql.id(f)})`))},
          'amount', jsonb_build_array(i.amount_total::text, r.amount::text)) AS values
      FROM import_row r JOIN invoice i ON i.kind = r.kind AND i.number = r.number
      WHERE i.source_batch_id IS DISTINCT FROM ${batchId}
    ), changed AS (
      SELECT * FROM diff WHERE cardinality(fields) > 0
    ), upd AS (
      UPDATE invoice i SET issue_date = r.issue_date, due_date = r.due_date, vat_amount = r.vat_amount, po_number = r.po_number,
        project_reference = r.project_reference, payment_reference = coalesce(r.payment_reference, i.payment_reference),
        amount_total = r.amount, updated_at = now()
      FROM import_row r, changed c
      WHERE i.kind = r.kind AND i.number = r.number AND c.invoice_id = i.invoice_id
      RETURNING i.invoice_id
    ), corr AS (
      INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, batch_id, reason, created_by)
      SELECT ${orgId}, arflow_id('led'), c.invoice_id, 'corrected', c.delta, c.currency, ${today}::date, ${batchId},
        'amount changed by import', ${actor}
      FROM changed c WHERE c.delta <> 0
    ), ev AS (
      INSERT INTO event (org_id, event_id, type, subject_type, subject_id, batch_id, actor, data)
      SELECT ${orgId}, arflow_id('evt'), CASE WHEN c.delta <> 0 THEN 'invoice.corrected' ELSE 'invoice.updated' END, 'invoice',
        c.invoice_id, ${batchId}, ${actor},
        jsonb_build_object('line', c.line, 'fields', to_jsonb(c.fields),
          'changes', (SELECT jsonb_object_agg(k, v) FROM jsonb_each(c.values) AS e(k, v) WHERE k = ANY(c.fields)))
      FROM changed c
    )
    SELECT invoice_id, debtor_id FROM changed
  `.execute(trx);

  // Credit notes: link to the invoice they credit, and apply what the invoice still has open.
  await sql`
    UPDATE invoice cn SET related_invoice_id = inv.invoice_id
    FROM import_row r, invoice inv
    WHERE cn.kind = 'credit_note' AND r.kind = 'credit_note' AND cn.number = r.number AND r.related_number IS NOT NULL
      AND inv.kind = 'invoice' AND inv.number = r.related_number AND cn.related_invoice_id IS DISTINCT FROM inv.invoice_id
      AND cn.source_batch_id = ${batchId}
  `.execute(trx);
  await sql`
    WITH cn AS (
      SELECT cn.invoice_id AS credit_id, cn.related_invoice_id AS invoice_id, -cn.open_amount AS available, inv.open_amount AS invoice_open,
        inv.currency, cn.issue_date,
        sum(-cn.open_amount) OVER (PARTITION BY cn.related_invoice_id ORDER BY cn.source_line, cn.invoice_id) AS running
      FROM invoice cn JOIN invoice inv ON inv.org_id = cn.org_id AND inv.invoice_id = cn.related_invoice_id
      WHERE cn.source_batch_id = ${batchId} AND cn.kind = 'credit_note' AND cn.open_amount < 0 AND inv.open_amount > 0
        AND inv.currency = cn.currency
    ), applied AS (
      SELECT *, greatest(0, least(available, invoice_open - (running - available))) AS amount FROM cn
    )
    INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, counter_invoice_id, batch_id, created_by)
    SELECT ${orgId}, arflow_id('led'), invoice_id, 'credited', -amount, currency, issue_date, credit_id, ${batchId}, ${actor} FROM applied WHERE amount > 0
    UNION ALL
    SELECT ${orgId}, arflow_id('led'), credit_id, 'credit_applied', amount, currency, issue_date, invoice_id, ${batchId}, ${actor} FROM applied WHERE amount > 0
  `.execute(trx);
  const unlinked = await sql<{ line: number; number: string; related_number: string }>`
    SELECT r.line, r.number, r.related_number FROM import_row r
    WHERE r.kind = 'credit_note' AND r.related_number IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM invoice inv WHERE inv.kind = 'invoice' AND inv.number = r.related_number)
    ORDER BY r.line
  `.execute(trx);

  return {
    created: created.rows.length,
    createdIds: created.rows.map((r) => r.invoice_id),
    updated: updated.rows.length,
    debtorIds: [...new Set([...created.rows, ...updated.rows].map((r) => r.debtor_id))],
    warnings: unlinked.rows.map((u) => ({
      line: u.line, number: u.number, column: 'related_invoice',
      reason: `credit note ${u.number} refers to invoice ${u.related_number}, which is not known; the credit stays open on the debtor`,
    })),
  };
}
