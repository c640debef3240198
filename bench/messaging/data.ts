// Synthetic outbox for the messaging benchmark, loaded set-based (generate_series) as the owner role:
// N debtors (both kinds, NL and BE, languages nl/fr/en/de) each with an invoice e-mail contact and
// 20% with a dunning contact too (the dispatcher prefers that one), 1–5 open invoices per debtor
// (40% with an RF payment reference), and one queued reminder_1 e-mail per debtor in the outbox.
// The messages are inserted in one statement, as the daily follow-up run inserts them
// (src/modules/followup/daily-run.ts): they share one created_at. Deterministic: every choice is
// a hash of the row number and the seed (`hashint8`), not `random()`.

import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../src/db/database.ts';

export interface OutboxLoadOptions {
  messages: number;
  /** The run date: invoices are 3–62 days overdue on it; the messages are scheduled for it. */
  date: string;
  seed: number;
  /** Rows in email_suppression (bounced addresses no debtor uses; the dispatcher looks up only those of a batch's addresses). */
  suppressions: number;
}

export async function loadOutbox(db: Db, orgId: string, options: OutboxLoadOptions, onStep?: (label: string, ms: number) => void): Promise<void> {
  const { messages: n, date, seed, suppressions } = options;
  const run = async (label: string, query: RawBuilder<unknown>): Promise<void> => {
    const start = performance.now();
    await query.execute(db);
    onStep?.(label, performance.now() - start);
  };
  await run('helper function', sql`
    CREATE OR REPLACE FUNCTION bench_u(k bigint, salt int) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
    $$ SELECT (hashint8(k * 1000003 + salt * 7919 + ${sql.lit(seed)}) & 2147483647)::float8 / 2147483648 $$`);
  await run('debtors', sql`
    INSERT INTO debtor (org_id, debtor_id, number, name, kind, language, country, address_line, postal_code, city)
    SELECT ${orgId}, 'dbt_' || lpad(to_hex(g), 28, '0'), 'D' || lpad(g::text, 7, '0'),
      CASE WHEN x.consumer THEN (ARRAY['Marieke', 'Jan', 'Sophie', 'Luc', 'Élodie', 'Jürgen'])[1 + g % 6] || ' ' || (ARRAY['Jansen', 'Peeters', 'Dubois', 'Müller', 'de Vries'])[1 + g % 5] || ' ' || g
        ELSE (ARRAY['Bakkerij', 'Garage', 'Boulangerie', 'Transport', 'Drukkerij'])[1 + g % 5] || ' ' || g || CASE WHEN x.be THEN ' BV' ELSE ' B.V.' END END,
      CASE WHEN x.consumer THEN 'consumer' ELSE 'business' END,
      CASE WHEN x.l < 0.55 THEN 'nl' WHEN x.l < 0.75 THEN 'fr' WHEN x.l < 0.92 THEN 'en' ELSE 'de' END,
      CASE WHEN x.be THEN 'BE' ELSE 'NL' END,
      'Voorstraat ' || (1 + g % 200), CASE WHEN x.be THEN '2000' ELSE '3512 AK' END, CASE WHEN x.be THEN 'Antwerpen' ELSE 'Utrecht' END
    FROM generate_series(1, ${n}::int) g
    CROSS JOIN LATERAL (SELECT bench_u(g, 1) < 0.45 AS consumer, bench_u(g, 2) < 0.25 AS be, bench_u(g, 3) AS l) x`);
  await run('contacts', sql`
    INSERT INTO debtor_contact (org_id, contact_id, debtor_id, purpose, name, email)
    SELECT ${orgId}, 'con_i' || substr(d.debtor_id, 6), d.debtor_id, 'invoice', NULL, 'debiteuren.' || lower(d.number) || '@example.nl' FROM debtor d
    UNION ALL
    SELECT ${orgId}, 'con_d' || substr(d.debtor_id, 6), d.debtor_id, 'dunning', 'Incasso', 'incasso.' || lower(d.number) || '@example.be' FROM debtor d
    WHERE bench_u(hashtext(d.debtor_id), 4) < 0.2`);
  // 1–5 invoices per debtor (u² skew: most have one or two), 3–62 days overdue.
  await run('invoices', sql`
    INSERT INTO invoice (org_id, invoice_id, number, kind, debtor_id, issue_date, due_date, currency, amount_total, vat_amount, original_format, payment_reference)
    SELECT ${orgId}, 'inv_' || substr(d.debtor_id, 5) || k, 'F' || substr(d.number, 2) || '-' || k, 'invoice', d.debtor_id,
      v.due - 30, v.due, 'EUR', v.cents, round(v.cents * 21 / 121.0)::int8, 'api',
      CASE WHEN bench_u(v.h, 6) < 0.4 THEN 'RF' || lpad((98 - mod((v.h::text || '271500')::numeric, 97))::text, 2, '0') || v.h::text END
    FROM debtor d
    CROSS JOIN LATERAL generate_series(1, 1 + floor(5 * bench_u(hashtext(d.debtor_id), 5) ^ 2)::int) k
    CROSS JOIN LATERAL (SELECT (hashtext(d.debtor_id)::int8 & 2147483647) * 8 + k AS h) hh
    CROSS JOIN LATERAL (SELECT hh.h, ${date}::date - 3 - floor(60 * bench_u(hh.h, 7))::int AS due, 1500 + floor(2000000 * bench_u(hh.h, 8) ^ 3)::int8 AS cents) v`);
  // One reminder per debtor, in one statement (one created_at), as the daily run queues them.
  await run('outbox messages', sql`
    INSERT INTO outbox_message (org_id, message_id, debtor_id, invoice_ids, kind, step_key, template, tone, language, channels, idempotency_key,
      amount_total, currency, scheduled_for, data)
    SELECT ${orgId}, 'msg_' || substr(d.debtor_id, 5), d.debtor_id, array_agg(i.invoice_id ORDER BY i.due_date, i.invoice_id), 'message', 'reminder_1', 'reminder_1',
      (ARRAY['friendly', 'neutral', 'firm'])[1 + floor(3 * bench_u(hashtext(d.debtor_id), 9))::int], d.language, ARRAY['email'],
      'followup:' || d.debtor_id || ':' || ${date}, sum(i.open_amount), 'EUR', ${date}::date,
      jsonb_build_object(
        'invoices', jsonb_agg(jsonb_build_object('id', i.invoice_id, 'number', i.number, 'open', i.open_amount::text, 'due_date', i.due_date) ORDER BY i.due_date, i.invoice_id),
        'deadline', CASE WHEN bench_u(hashtext(d.debtor_id), 10) < 0.3 THEN (${date}::date + 14)::text END,
        'stated_costs', NULL, 'registered', false)
    FROM debtor d JOIN invoice i USING (org_id, debtor_id)
    GROUP BY d.org_id, d.debtor_id, d.language`);
  if (suppressions > 0) {
    await run('email suppressions', sql`
      INSERT INTO email_suppression (org_id, email, reason)
      SELECT ${orgId}, 'bounced' || g || '@example.org', 'hard bounce' FROM generate_series(1, ${suppressions}::int) g`);
  }
  await run('drop helper', sql`DROP FUNCTION bench_u(bigint, int)`);
  await run('ANALYZE', sql`ANALYZE debtor, debtor_contact, invoice, outbox_message, email_suppression`);
}
