// Cash-application benchmark: accuracy per case type against a generated ground truth, and speed
// of importStatementFile end to end (parse, store, match, book) on PostgreSQL or PGlite.
//
//   node bench/cashapp/run.ts [--invoices 1000000] [--transactions 100000] [--database-url URL] [--pglite] [--seed 1] [--show 0]
//   node bench/cashapp/run.ts --invoices 20000 --transactions 2000          # quick run for development
//
// The URL (default $DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test) is an admin
// connection: the run creates a scratch database beside it and drops it at the end. --pglite uses a
// PGlite data folder in a temporary directory instead. See bench/cashapp/README.md.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { openDatabase, inOrg, type DatabaseHandle } from '../../src/db/database.ts';
import { createOrganisation } from '../../src/modules/organisations/organisation-service.ts';
import { importInvoiceFile } from '../../src/modules/invoices/invoice-import.ts';
import { importStatementFile, parseStatementFile } from '../../src/modules/cashapp/statement-import.ts';
import { BENCH_TODAY, CASE_TYPES, ORG_IBAN, ORG_NAME, camt053Chunks, formatCents, generateOrganisation, generateTransactions, invoiceCsvChunks, type BenchTransaction } from './generate.ts';
import { adminQuery, table, withDatabase } from '../support.ts';

const now = (): number => performance.now();
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const pct = (part: number, whole: number): string => (whole === 0 ? '–' : `${((100 * part) / whole).toFixed(2)}%`);

// ---------------------------------------------------------------------------------------------
// Scoring against the truth

interface Booked {
  lines: { invoice: string | null; amount: number }[];
  rules: Set<string>;
}

interface Tally {
  count: number;
  shouldBook: number;
  booked: number;
  bookedCorrect: number;
  bookedAmount: number;
  correctAmount: number;
  review: number;
  /** Amount of the transactions that should be booked. */
  payableAmount: number;
  recalledAmount: number;
}

const emptyTally = (): Tally => ({ count: 0, shouldBook: 0, booked: 0, bookedCorrect: 0, bookedAmount: 0, correctAmount: 0, review: 0, payableAmount: 0, recalledAmount: 0 });

export interface Verdict {
  booked: boolean;
  correct: boolean;
  bookedAmount: number;
  correctAmount: number;
}

/** Booked exactly as the truth says: the same invoices with the same amounts, nothing else. */
export function judge(t: BenchTransaction, booked: Booked | undefined): Verdict {
  if (!booked || booked.lines.length === 0) return { booked: false, correct: false, bookedAmount: 0, correctAmount: 0 };
  const want = new Map<string, number>();
  for (const e of t.expected) want.set(e.invoice, (want.get(e.invoice) ?? 0) + e.amount);
  let bookedAmount = 0;
  let correctAmount = 0;
  const got = new Map<string, number>();
  for (const l of booked.lines) {
    bookedAmount += l.amount;
    const key = l.invoice ?? '(on account)';
    got.set(key, (got.get(key) ?? 0) + l.amount);
  }
  for (const [invoice, amount] of got) correctAmount += Math.min(amount, want.get(invoice) ?? 0);
  const correct = t.expected.length > 0 && got.size === want.size && [...want].every(([k, v]) => got.get(k) === v);
  return { booked: true, correct, bookedAmount, correctAmount };
}

async function loadResults(handle: DatabaseHandle, orgId: string): Promise<{ booked: Map<string, Booked>; review: Map<string, string> }> {
  return inOrg(handle.db, orgId, async (trx) => {
    const allocations = await sql<{ bank_reference: string; number: string | null; amount: bigint; rule: string }>`
      SELECT t.bank_reference, i.number, a.amount, a.rule
      FROM allocation a
      JOIN bank_transaction t ON t.org_id = a.org_id AND t.transaction_id = a.transaction_id
      LEFT JOIN invoice i ON i.org_id = a.org_id AND i.invoice_id = a.invoice_id`.execute(trx);
    const booked = new Map<string, Booked>();
    for (const a of allocations.rows) {
      const b = booked.get(a.bank_reference) ?? { lines: [], rules: new Set<string>() };
      b.lines.push({ invoice: a.number, amount: Number(a.amount) });
      b.rules.add(a.rule);
      booked.set(a.bank_reference, b);
    }
    const reviews = await sql<{ bank_reference: string; reason: string }>`
      SELECT t.bank_reference, r.reason FROM transaction_review r
      JOIN bank_transaction t ON t.org_id = r.org_id AND t.transaction_id = r.transaction_id`.execute(trx);
    return { booked, review: new Map(reviews.rows.map((r) => [r.bank_reference, r.reason])) };
  });
}

function accuracyTable(transactions: readonly BenchTransaction[], booked: Map<string, Booked>, review: Map<string, string>): { text: string; totals: Map<string, Tally> } {
  const tallies = new Map<string, Tally>();
  const add = (key: string, t: BenchTransaction, v: Verdict) => {
    const tally = tallies.get(key) ?? emptyTally();
    tally.count++;
    if (t.expected.length > 0) {
      tally.shouldBook++;
      tally.payableAmount += Math.abs(t.amount);
      if (v.correct) tally.recalledAmount += Math.abs(t.amount);
    }
    if (v.booked) {
      tally.booked++;
      tally.bookedAmount += v.bookedAmount;
      tally.correctAmount += v.correctAmount;
      if (v.correct) tally.bookedCorrect++;
    }
    if (review.has(t.bankRef)) tally.review++;
    tallies.set(key, tally);
  };
  for (const t of transactions) {
    const v = judge(t, booked.get(t.bankRef));
    add(t.case, t, v);
    if (t.case !== 'noise') add('debtor payments', t, v);
    add('all', t, v);
  }
  const rows = [['case', 'count', 'auto-booked', 'precision (count)', 'precision (amount)', 'recall (count)', 'recall (amount)', 'review', 'wrongly booked']];
  for (const key of [...CASE_TYPES, 'debtor payments', 'all']) {
    const t = tallies.get(key) ?? emptyTally();
    rows.push([
      key, String(t.count), pct(t.booked, t.count), pct(t.bookedCorrect, t.booked), pct(t.correctAmount, t.bookedAmount),
      t.shouldBook ? pct(t.bookedCorrect, t.shouldBook) : '–', t.shouldBook ? pct(t.recalledAmount, t.payableAmount) : '–', pct(t.review, t.count), String(t.booked - t.bookedCorrect),
    ]);
  }
  return { text: table(rows, [1, 2, 3, 4, 5, 6, 7, 8]), totals: tallies };
}

function breakdown(transactions: readonly BenchTransaction[], booked: Map<string, Booked>, review: Map<string, string>): string {
  const rows = new Map<string, { count: number; booked: number; correct: number; review: number }>();
  for (const t of transactions) {
    const key = `${t.case}: ${t.variant.replace(/^\dx /, 'n× ')}`;
    const v = judge(t, booked.get(t.bankRef));
    const row = rows.get(key) ?? { count: 0, booked: 0, correct: 0, review: 0 };
    row.count++;
    if (v.booked) row.booked++;
    if (v.correct) row.correct++;
    if (review.has(t.bankRef)) row.review++;
    rows.set(key, row);
  }
  const out = [['case: variant', 'count', 'booked', 'correct', 'wrong', 'review']];
  for (const [key, r] of [...rows].sort(([a], [b]) => a.localeCompare(b))) out.push([key, String(r.count), String(r.booked), String(r.correct), String(r.booked - r.correct), String(r.review)]);
  return table(out, [1, 2, 3, 4, 5]);
}

function mistakes(transactions: readonly BenchTransaction[], booked: Map<string, Booked>, review: Map<string, string>, show: number): string {
  if (show <= 0) return '';
  const lines: string[] = [];
  const wrong = transactions.filter((t) => {
    const v = judge(t, booked.get(t.bankRef));
    return v.booked && !v.correct;
  });
  const missed = transactions.filter((t) => t.expected.length > 0 && !booked.has(t.bankRef));
  const describe = (t: BenchTransaction) => `${t.bankRef} ${t.case}/${t.variant} ${formatCents(t.amount)} ${t.iban ?? '-'} "${t.name}" ustrd="${t.ustrd ?? ''}" strd="${t.strdRef ?? ''}" expected ${t.expected.map((e) => `${e.invoice}=${formatCents(e.amount)}`).join(' ') || 'nothing'}`;
  lines.push(`\nWrongly booked (${wrong.length}, first ${show}):`);
  for (const t of wrong.slice(0, show)) {
    const b = booked.get(t.bankRef)!;
    lines.push(`  ${describe(t)}\n    booked [${[...b.rules].join(', ')}] ${b.lines.map((l) => `${l.invoice ?? 'on account'}=${formatCents(l.amount)}`).join(' ')}`);
  }
  lines.push(`\nNot booked although payable (${missed.length}, first ${show}):`);
  for (const t of missed.slice(0, show)) lines.push(`  ${describe(t)}\n    review: ${review.get(t.bankRef) ?? '(none)'}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// --profile: every query a pg.Client sends during the statement import, timed by its SQL.

const timings = new Map<string, { ms: number; calls: number }>();
let profiling = false;

function installQueryTimer(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const text = args[0];
    const start = now();
    const result = original.apply(this, args);
    if (profiling && typeof text === 'string' && result instanceof Promise) {
      const label = text.replace(/\s+/g, ' ').trim().slice(0, 90);
      const settle = () => {
        const t = timings.get(label) ?? { ms: 0, calls: 0 };
        t.ms += now() - start;
        t.calls++;
        timings.set(label, t);
      };
      result.then(settle, settle);
    }
    return result;
  };
}

function profileReport(totalMs: number): string {
  const rows = [['query (PostgreSQL, during importStatementFile)', 'calls', 'seconds']];
  let db = 0;
  for (const [label, t] of [...timings].sort((a, b) => b[1].ms - a[1].ms)) {
    db += t.ms;
    if (rows.length <= 12) rows.push([label, String(t.calls), sec(t.ms)]);
  }
  rows.push(['all queries', '', sec(db)], ['JavaScript and the rest', '', sec(totalMs - db)]);
  return table(rows, [1, 2]);
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      invoices: { type: 'string', default: '1000000' },
      transactions: { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      pglite: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      show: { type: 'string', default: '0' },
      profile: { type: 'boolean', default: false },
    },
  });
  const invoiceCount = Number(values.invoices);
  const txCount = Number(values.transactions);
  const seed = Number(values.seed);
  const show = Number(values.show);
  if (!Number.isSafeInteger(invoiceCount) || invoiceCount < 100 || !Number.isSafeInteger(txCount) || txCount < 1 || txCount * 2 > invoiceCount) {
    throw new Error('--invoices must be an integer ≥ 100 and --transactions between 1 and half the invoices');
  }
  const adminUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const scratch = `arflow_cashbench_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'arflow-cashbench-'));
  let created = false;
  let handle: DatabaseHandle | null = null;

  try {
    // 1. Data and truth.
    let t = now();
    const org = generateOrganisation(invoiceCount, seed);
    const transactions = generateTransactions(org, txCount, seed);
    const csv = Buffer.from([...invoiceCsvChunks(org)].join(''), 'utf8');
    const camt = Buffer.from([...camt053Chunks(transactions)].join(''), 'utf8');
    const credits = transactions.filter((x) => x.amount > 0).length;
    console.log(`generated ${invoiceCount.toLocaleString('en-US')} invoices of ${org.debtors.length.toLocaleString('en-US')} debtors (${org.debtors.reduce((s, d) => s + d.knownIbans.length, 0).toLocaleString('en-US')} known IBANs) and ${txCount.toLocaleString('en-US')} transactions (${credits.toLocaleString('en-US')} credits; camt.053 ${(camt.length / 1e6).toFixed(1)} MB) in ${sec(now() - t)} s`);

    // 2. The database.
    t = now();
    if (values.pglite) {
      handle = await openDatabase(join(dir, 'pglite'));
    } else {
      await adminQuery(adminUrl, `CREATE DATABASE ${scratch}`);
      created = true;
      handle = await openDatabase(withDatabase(adminUrl, scratch));
    }
    const { organisation } = await createOrganisation(handle.db, { slug: 'cashbench', name: ORG_NAME, country: 'NL', iban: ORG_IBAN });
    console.log(`${handle.kind === 'pglite' ? 'PGlite (data folder on disk)' : `PostgreSQL scratch database ${scratch}`}: opened and migrated in ${sec(now() - t)} s`);

    // 3. Invoices through the real import; known IBANs set-based (there is no bank-account file import).
    t = now();
    const imported = await importInvoiceFile(handle.db, organisation, { fileName: 'invoices.csv', content: csv, actor: 'bench', today: BENCH_TODAY });
    if (imported.created !== invoiceCount) throw new Error(`invoice import created ${imported.created} of ${invoiceCount}: ${JSON.stringify(imported.errors.slice(0, 3))}`);
    const ibanDebtor: string[] = [];
    const ibanValue: string[] = [];
    for (const d of org.debtors) {
      for (const iban of d.knownIbans) {
        ibanDebtor.push(d.number);
        ibanValue.push(iban);
      }
    }
    await inOrg(handle.db, organisation.org_id, async (trx) => {
      for (let i = 0; i < ibanValue.length; i += 50_000) {
        await sql`
          INSERT INTO debtor_bank_account (org_id, debtor_id, iban, holder_name, source)
          SELECT ${organisation.org_id}, d.debtor_id, x.iban, d.name, 'manual'
          FROM unnest(${ibanDebtor.slice(i, i + 50_000)}::text[], ${ibanValue.slice(i, i + 50_000)}::text[]) AS x(number, iban)
          JOIN debtor d ON d.number = x.number`.execute(trx);
      }
    });
    await sql`ANALYZE`.execute(handle.db);
    console.log(`loaded invoices with importInvoiceFile and ${ibanValue.length.toLocaleString('en-US')} known IBANs by SQL in ${sec(now() - t)} s`);

    // 4. The statement: parse alone (for the breakdown), then the import end to end, timed.
    t = now();
    parseStatementFile(camt, 'bench.xml');
    const parseMs = now() - t;
    if (values.profile) installQueryTimer();
    profiling = values.profile;
    t = now();
    const summary = await importStatementFile(handle.db, organisation, { fileName: 'bench.xml', content: camt, actor: 'bench', today: BENCH_TODAY });
    const importMs = now() - t;
    profiling = false;
    if (summary.newTransactions !== txCount) throw new Error(`statement import stored ${summary.newTransactions} of ${txCount} transactions`);

    // 5. Against the truth.
    const { booked, review } = await loadResults(handle, organisation.org_id);
    const accuracy = accuracyTable(transactions, booked, review);
    console.log(`\nAccuracy (${txCount.toLocaleString('en-US')} transactions, ${invoiceCount.toLocaleString('en-US')} open invoices; seed ${seed})`);
    console.log(accuracy.text);
    const debtor = accuracy.totals.get('debtor payments') ?? emptyTally();
    const noise = accuracy.totals.get('noise') ?? emptyTally();
    const precision = debtor.bookedAmount + noise.bookedAmount === 0 ? 1 : debtor.correctAmount / (debtor.bookedAmount + noise.bookedAmount);
    const recall = debtor.shouldBook === 0 ? 1 : debtor.bookedCorrect / debtor.shouldBook;
    console.log(`\ngoals: precision by amount ${(precision * 100).toFixed(2)}% (≥ 99.8%: ${precision >= 0.998 ? 'met' : 'NOT met'}), recall ${(recall * 100).toFixed(2)}% (≥ 97%: ${recall >= 0.97 ? 'met' : 'NOT met'}), noise booked ${noise.booked} (0: ${noise.booked === 0 ? 'met' : 'NOT met'})`);
    console.log(`\n${breakdown(transactions, booked, review)}`);

    console.log(`\nSpeed (${handle.kind === 'pglite' ? 'PGlite' : 'PostgreSQL'})`);
    console.log(`importStatementFile: ${txCount.toLocaleString('en-US')} transactions (${summary.credits.toLocaleString('en-US')} credits matched) in ${sec(importMs)} s = ${Math.round(txCount / (importMs / 1000)).toLocaleString('en-US')} transactions/s${txCount >= 100_000 && invoiceCount >= 1_000_000 ? ` (goal ≤ 60 s: ${importMs <= 60_000 ? 'met' : 'NOT met'})` : ''}`);
    console.log(`  of which parsing the camt.053 alone takes about ${sec(parseMs)} s; booked ${summary.booked.toLocaleString('en-US')}, review ${summary.review.toLocaleString('en-US')}, peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
    if (values.profile) console.log(`\n${profileReport(importMs)}`);
    console.log(mistakes(transactions, booked, review, show));
  } finally {
    if (handle) await handle.close();
    if (created) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
