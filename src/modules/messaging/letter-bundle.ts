import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { PDFDocument } from 'pdf-lib';
import type { Db } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import { bundleProviderId } from './letter-transports.ts';

// Own printing: the letters the bundle transport took on one day (provider id `bundle:<date>`),
// as one PDF to print double-sided, each letter starting on a new sheet. A letter goes into one
// bundle only: bundling records a `bundled` event, and a second bundle of the same day holds only
// the letters sent since. The PDF is the stored letters' bytes, page for page.

const A4: [number, number] = [595.28, 841.89];

export interface BundledLetter {
  messageId: string;
  debtorNumber: string;
  pages: number;
  registered: boolean;
  /** First page of the letter in the bundle (1-based). */
  firstPage: number;
}

export interface BundleResult {
  date: string;
  letters: BundledLetter[];
  /** Pages in the PDF, blank backs included (always even). */
  pages: number;
  sha256: string | null;
  /** Letters of other days still waiting for their bundle. */
  pendingOtherDays: { date: string; letters: number }[];
}

/**
 * Makes the bundle of `date`: hands the PDF to `write` (inside the transaction, so a failed write
 * bundles nothing) and records each letter as bundled. No letters: nothing written, nothing recorded.
 */
export async function bundleLetters(db: Db, org: Organisation, options: { date: string; write: (pdf: Uint8Array) => void }): Promise<BundleResult> {
  const providerId = bundleProviderId(options.date);
  return inOrg(db, org.org_id, async (trx) => {
    // NOTE: one bundle at a time per organisation, so two runs never put a letter in both.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`arflow.letters-bundle:${org.org_id}`}))`.execute(trx);
    const unbundled = sql<boolean>`NOT EXISTS (SELECT 1 FROM message_event e WHERE e.org_id = m.org_id AND e.message_id = m.message_id AND e.status = 'bundled')`;
    const rows = await sql<{ message_id: string; debtor_number: string; content: Uint8Array; pages: number; registered: boolean }>`
      SELECT m.message_id, d.number AS debtor_number, doc.content, doc.pages, coalesce((m.data ->> 'registered')::boolean, false) AS registered
      FROM outbox_message m
      JOIN message_document doc ON doc.org_id = m.org_id AND doc.message_id = m.message_id AND doc.kind = 'letter_pdf'
      JOIN debtor d ON d.org_id = m.org_id AND d.debtor_id = m.debtor_id
      WHERE m.channel = 'letter' AND m.provider_id = ${providerId} AND m.status IN ('sent', 'delivered') AND ${unbundled}
      ORDER BY registered, m.message_id`.execute(trx);
    const pending = await sql<{ provider_id: string; letters: bigint }>`
      SELECT m.provider_id, count(*) AS letters FROM outbox_message m
      WHERE m.channel = 'letter' AND m.provider_id LIKE 'bundle:%' AND m.provider_id <> ${providerId} AND m.status IN ('sent', 'delivered') AND ${unbundled}
      GROUP BY m.provider_id ORDER BY m.provider_id`.execute(trx);
    const pendingOtherDays = pending.rows.map((r) => ({ date: r.provider_id.slice('bundle:'.length), letters: Number(r.letters) }));
    if (rows.rows.length === 0) return { date: options.date, letters: [], pages: 0, sha256: null, pendingOtherDays };

    const bundle = await PDFDocument.create();
    bundle.setTitle(`${org.legal_name}: letters of ${options.date}`);
    bundle.setCreator('ArFlow');
    const letters: BundledLetter[] = [];
    for (const row of rows.rows) {
      const source = await PDFDocument.load(row.content);
      const firstPage = bundle.getPageCount() + 1;
      for (const page of await bundle.copyPages(source, source.getPageIndices())) bundle.addPage(page);
      // NOTE: duplex printing: a letter with an odd page count gets a blank back, so the next starts on a new sheet.
      if (source.getPageCount() % 2 === 1) bundle.addPage(A4);
      letters.push({ messageId: row.message_id, debtorNumber: row.debtor_number, pages: source.getPageCount(), registered: row.registered, firstPage });
    }
    const pdf = await bundle.save();
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    options.write(pdf);
    await trx
      .insertInto('message_event')
      .values(letters.map((l) => ({ org_id: org.org_id, event_id: newId('evt'), message_id: l.messageId, status: 'bundled', detail: `${providerId}: pages ${l.firstPage}–${l.firstPage + l.pages - 1} of a bundle of ${bundle.getPageCount()} pages (sha256 ${sha256})` })))
      .execute();
    return { date: options.date, letters, pages: bundle.getPageCount(), sha256, pendingOtherDays };
  });
}
