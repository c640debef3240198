// Import benchmark: ArFlow's invoice import against a bare COPY of the same file, in one run.
//
//   node bench/import/run.ts [--rows 1000000] [--pglite-rows 100000] [--database-url URL] [--seed 1] [--src DIR]
//
// The URL (default $DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test) is an admin
// connection: the run creates a scratch database beside it and drops it at the end. See
// bench/README.md for what is measured.

import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pathToFileURL } from 'node:url';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { InvoiceImportSummary } from '../../src/modules/invoices/invoice-import.ts';
import { generateInvoiceCsvChunks } from './generate.ts';
import { adminQuery, table, withDatabase } from '../support.ts';

type DatabaseModule = typeof import('../../src/db/database.ts');
type OrganisationModule = typeof import('../../src/modules/organisations/organisation-service.ts');
type ImportModule = typeof import('../../src/modules/invoices/invoice-import.ts');

/** The code under test: this repository's src/, or another tree given with --src (to try a change). */
interface Subject {
  openDatabase: DatabaseModule['openDatabase'];
  createOrganisation: OrganisationModule['createOrganisation'];
  importInvoiceFile: ImportModule['importInvoiceFile'];
}

async function loadSubject(srcDir: string | undefined): Promise<Subject> {
  const base = srcDir === undefined ? new URL('../../src/', import.meta.url) : pathToFileURL(`${srcDir.replace(/\/+$/, '')}/`);
  const database = (await import(new URL('db/database.ts', base).href)) as DatabaseModule;
  const organisations = (await import(new URL('modules/organisations/organisation-service.ts', base).href)) as OrganisationModule;
  const imports = (await import(new URL('modules/invoices/invoice-import.ts', base).href)) as ImportModule;
  return { openDatabase: database.openDatabase, createOrganisation: organisations.createOrganisation, importInvoiceFile: imports.importInvoiceFile };
}

const TODAY = '2026-11-22';
const ORG = { slug: 'bench', name: 'Bench Groothandel B.V.', country: 'NL', iban: 'NL91ABNA0417164300' } as const;

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = (): number => performance.now();
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const mb = (kb: number): string => `${Math.round(kb / 1024)} MB`;
const perSecond = (rows: number, ms: number): string => Math.round(rows / (ms / 1000)).toLocaleString('en-US');

async function writeCsv(path: string, rows: number, seed: number): Promise<number> {
  const out = createWriteStream(path);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  for (const chunk of generateInvoiceCsvChunks(rows, { seed })) {
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  out.end();
  await done;
  return statSync(path).size;
}

// ---------------------------------------------------------------------------------------------
// Per-phase timing of the real import, without touching src/: every query a pg.Client sends is
// timed and labelled by its SQL; the gaps between queries are the JavaScript work in between.

interface QueryTiming {
  label: string;
  start: number;
  end: number;
}

const LABELS: [RegExp, string][] = [
  [/^\s*(begin|start transaction)/i, 'transaction setup'],
  [/set_config\('arflow\.org_id'|SET LOCAL (ROLE|work_mem|temp_buffers)/i, 'transaction setup'],
  [/CREATE TEMP TABLE import_row/i, 'staging: create temp table'],
  [/INSERT INTO "?import_row"?/i, 'staging: load (unnest batches)'],
  [/^\s*COPY import_row/i, 'staging: load (COPY)'],
  [/CREATE INDEX ON import_row|ANALYZE import_row/i, 'staging: index + analyze'],
  [/belongs to debtor/i, 'conflict check'],
  [/insert into "import_batch"/i, 'batch + event rows'],
  [/CREATE TEMP TABLE import_debtor/i, 'debtors: distinct'],
  [/INSERT INTO debtor \(/i, 'debtors: insert new'],
  [/'debtor\.updated'/i, 'debtors: diff + update'],
  [/INSERT INTO debtor_contact/i, 'debtors: contacts'],
  [/INSERT INTO invoice \(/i, 'invoices + ledger insert (+ trigger)'],
  [/'invoice\.corrected'/i, 'invoices: diff + update'],
  [/UPDATE invoice cn|'credit_applied'|r\.related_number IS NOT NULL/i, 'credit notes'],
  [/count\(\*\) AS n FROM import_row/i, 'batch + event rows'],
  [/update "import_batch"|insert into "event"/i, 'batch + event rows'],
  [/email_suppression|check_result|from "debtor"/i, 'checks'],
  [/^\s*commit/i, 'commit'],
  [/^\s*ANALYZE /i, 'ANALYZE (after commit)'],
];

function labelOf(text: string): string {
  for (const [re, label] of LABELS) if (re.test(text)) return label;
  return `other: ${text.replace(/\s+/g, ' ').slice(0, 40)}`;
}

let recording: QueryTiming[] | null = null;

function isCopyStream(value: unknown): value is { text: string; once(event: string, fn: () => void): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { text?: unknown }).text === 'string' && typeof (value as { once?: unknown }).once === 'function';
}

function installQueryTimer(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const sink = recording;
    const text = args[0];
    const start = now();
    const result = original.apply(this, args);
    if (sink !== null && typeof text === 'string' && result instanceof Promise) {
      const label = labelOf(text);
      const settle = () => sink.push({ label, start, end: now() });
      result.then(settle, settle);
    } else if (sink !== null && isCopyStream(text)) {
      // COPY … FROM STDIN through pg-copy-streams: done when the stream finishes.
      const label = labelOf(text.text);
      const settle = () => sink.push({ label, start, end: now() });
      text.once('finish', settle);
      text.once('error', settle);
    }
    return result;
  };
}

interface Phase {
  label: string;
  dbMs: number;
  jsMs: number;
  queries: number;
}

/** Query time per label, and the JavaScript time (gaps) before each label's queries. */
function phases(timings: QueryTiming[], importStart: number, importEnd: number): Phase[] {
  const sorted = [...timings].sort((a, b) => a.start - b.start);
  const byLabel = new Map<string, Phase>();
  const get = (label: string): Phase => {
    let p = byLabel.get(label);
    if (!p) {
      p = { label, dbMs: 0, jsMs: 0, queries: 0 };
      byLabel.set(label, p);
    }
    return p;
  };
  let cursor = importStart;
  let first = true;
  for (const t of sorted) {
    const gap = Math.max(0, t.start - cursor);
    // The first gap is reading nothing but the parse (and the file hash) before the transaction.
    if (first) get('parse CSV + hash (JS, before the transaction)').jsMs += gap;
    else if (t.label === 'staging: create temp table') get('staging rows (JS: phone, due date, reference)').jsMs += gap;
    else get(t.label).jsMs += gap;
    first = false;
    const p = get(t.label);
    p.dbMs += t.end - Math.max(t.start, cursor);
    p.queries++;
    cursor = Math.max(cursor, t.end);
  }
  if (importEnd > cursor) get('after commit (JS)').jsMs += importEnd - cursor;
  return [...byLabel.values()];
}

// ---------------------------------------------------------------------------------------------
// The measurements

async function bareCopy(url: string, file: string): Promise<{ ms: number; rows: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`
      CREATE TABLE bare (
        invoice_number text, debtor_number text, debtor_name text, debtor_type text, email text, phone text, address text,
        postal_code text, city text, country text, issue_date date, due_date date, amount numeric(14,2), vat_amount numeric(14,2),
        po_number text, payment_reference text
      )`);
    await client.query('CHECKPOINT');
    const start = now();
    const copy = client.query(copyFrom('COPY bare FROM STDIN WITH (FORMAT csv, HEADER true)'));
    await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), copy);
    const ms = now() - start;
    const rows = copy.rowCount;
    await client.query('DROP TABLE bare');
    return { ms, rows };
  } finally {
    await client.end();
  }
}

interface ImportRun {
  ms: number;
  readMs: number;
  summary: InvoiceImportSummary;
  timings: QueryTiming[];
  start: number;
  end: number;
}

async function arflowImport(subject: Subject, handle: DatabaseHandle, file: string, record: boolean): Promise<ImportRun> {
  const { organisation } = await subject.createOrganisation(handle.db, { ...ORG });
  const timings: QueryTiming[] = [];
  const start = now();
  const content = readFileSync(file);
  const readMs = now() - start;
  if (record) recording = timings;
  try {
    const summary = await subject.importInvoiceFile(handle.db, organisation, { fileName: 'invoices.csv', content, actor: 'bench', today: TODAY });
    const end = now();
    return { ms: end - start, readMs, summary, timings, start: start + readMs, end };
  } finally {
    recording = null;
  }
}

function checkSummary(summary: InvoiceImportSummary, rows: number, where: string): void {
  if (summary.created !== rows || summary.rejected !== 0 || summary.debtorsCreated !== Math.max(1, Math.floor(rows / 5))) {
    const { errors, warnings, ...counts } = summary;
    throw new Error(`${where}: unexpected import result ${JSON.stringify(counts)}; first errors: ${JSON.stringify(errors.slice(0, 3))} ${JSON.stringify(warnings.slice(0, 3))}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      'pglite-rows': { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      seed: { type: 'string', default: '1' },
      src: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const pgliteRows = Number(values['pglite-rows']);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(rows) || rows < 5 || !Number.isSafeInteger(pgliteRows) || pgliteRows < 0) {
    throw new Error('--rows must be an integer ≥ 5 and --pglite-rows an integer ≥ 0');
  }
  const adminUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const scratch = `arflow_bench_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'arflow-bench-'));
  const report: string[][] = [['measure', 'rows', 'seconds', 'rows/s', 'note']];
  let created = false;
  let handle: DatabaseHandle | null = null;
  installQueryTimer();
  const subject = await loadSubject(values.src);
  if (values.src !== undefined) console.log(`code under test: ${values.src}`);

  try {
    const version = (await adminQuery(adminUrl, 'SELECT version() AS v')).rows[0] as { v: string };
    console.log(`${version.v.split(' on ')[0] ?? version.v}; Node ${process.version}; scratch database ${scratch}; temp ${dir}`);

    // The file.
    const file = join(dir, `invoices-${rows}.csv`);
    let t = now();
    const bytes = await writeCsv(file, rows, seed);
    console.log(`generated ${rows.toLocaleString('en-US')} rows (${Math.floor(rows / 5).toLocaleString('en-US')} debtors, ${mb(bytes / 1024)}) in ${sec(now() - t)} s`);

    // The scratch database, migrated; functions are timed so the ledger trigger shows separately.
    await adminQuery(adminUrl, `CREATE DATABASE ${scratch}`);
    created = true;
    await adminQuery(adminUrl, `ALTER DATABASE ${scratch} SET track_functions = 'pl'`);
    const url = withDatabase(adminUrl, scratch);
    t = now();
    handle = await subject.openDatabase(url);
    console.log(`migrated the scratch database in ${sec(now() - t)} s`);

    // a) Bare COPY.
    const copy = await bareCopy(url, file);
    if (copy.rows !== rows) throw new Error(`COPY loaded ${copy.rows} rows, expected ${rows}`);
    report.push(['bare COPY into one table', rows.toLocaleString('en-US'), sec(copy.ms), perSecond(rows, copy.ms), 'pg-copy-streams, typed columns, no indexes']);
    const rssAfterCopy = process.resourceUsage().maxRSS;
    console.log(`bare COPY: ${sec(copy.ms)} s`);

    // b) ArFlow import, end to end (read file, parse, stage, upsert, insert, ledger, checks, commit).
    await adminQuery(url, 'CHECKPOINT');
    const run = await arflowImport(subject, handle, file, true);
    checkSummary(run.summary, rows, 'PostgreSQL import');
    const rssAfterImport = process.resourceUsage().maxRSS;
    report.push(['ArFlow importInvoiceFile', rows.toLocaleString('en-US'), sec(run.ms), perSecond(rows, run.ms), 'PostgreSQL, fresh organisation, end to end']);
    console.log(`ArFlow import: ${sec(run.ms)} s`);
    const sums = await adminQuery(url, `SELECT (SELECT count(*) FROM invoice) AS invoices, (SELECT sum(open_amount) FROM invoice) AS open,
      (SELECT sum(amount) FROM ledger_entry) AS ledger, (SELECT count(*) FROM check_result) AS checks`);
    const sum = sums.rows[0] as { invoices: string; open: string; ledger: string; checks: string };
    if (sum.open !== sum.ledger || Number(sum.invoices) !== rows) throw new Error(`inconsistent result: ${JSON.stringify(sum)}`);
    console.log(`checked: ${sum.invoices} invoices, open total = ledger total (${sum.open}), ${sum.checks} check results`);
    await handle.close();
    handle = null;

    // The trigger's own time (function statistics are flushed when the backends exit).
    await new Promise((resolve) => setTimeout(resolve, 700));
    const fn = await adminQuery(url, `SELECT funcname, calls, total_time FROM pg_stat_user_functions ORDER BY total_time DESC`);
    const trigger = (fn.rows as { funcname: string; calls: string; total_time: number }[]).find((r) => r.funcname === 'ledger_entry_apply');

    // c) Figures.
    const ratio = run.ms / copy.ms;

    // d) PGlite.
    let pgliteLine: string[] | null = null;
    if (pgliteRows > 0) {
      const pgFile = join(dir, `invoices-${pgliteRows}.csv`);
      await writeCsv(pgFile, pgliteRows, seed);
      const folder = join(dir, 'pglite');
      t = now();
      const lite = await subject.openDatabase(folder);
      const migrateMs = now() - t;
      try {
        const liteRun = await arflowImport(subject, lite, pgFile, false);
        checkSummary(liteRun.summary, pgliteRows, 'PGlite import');
        pgliteLine = ['ArFlow import on PGlite', pgliteRows.toLocaleString('en-US'), sec(liteRun.ms), perSecond(pgliteRows, liteRun.ms), `data folder on disk; opening + migrating took ${sec(migrateMs)} s more`];
      } finally {
        await lite.close();
      }
    }
    if (pgliteLine) report.push(pgliteLine);

    console.log('\nResults');
    console.log(table(report, [1, 2, 3]));
    console.log(`\nratio import / COPY: ${ratio.toFixed(2)} (goal ≤ 4: ${ratio <= 4 ? 'met' : 'NOT met'})`);
    console.log(`peak RSS: ${mb(rssAfterCopy)} after generating + COPY, ${mb(rssAfterImport)} after the PostgreSQL import, ${mb(process.resourceUsage().maxRSS)} at the end`);

    const ph = phases(run.timings, run.start, run.end);
    const triggerMs = trigger ? trigger.total_time : 0;
    const phaseRows: string[][] = [['phase (PostgreSQL import)', 'db s', 'js s', 'queries', 'share']];
    phaseRows.push(['read file', '', sec(run.readMs), '', `${((run.readMs / run.ms) * 100).toFixed(1)}%`]);
    for (const p of ph) {
      const total = p.dbMs + p.jsMs;
      phaseRows.push([p.label, p.dbMs > 0 ? sec(p.dbMs) : '', p.jsMs >= 5 ? sec(p.jsMs) : '', p.queries > 0 ? String(p.queries) : '', `${((total / run.ms) * 100).toFixed(1)}%`]);
    }
    if (trigger) phaseRows.push(['  of which ledger trigger (ledger_entry_apply)', sec(triggerMs), '', `${trigger.calls} calls`, `${((triggerMs / run.ms) * 100).toFixed(1)}%`]);
    phaseRows.push(['total', '', '', '', sec(run.ms)]);
    console.log(`\n${table(phaseRows, [1, 2, 3, 4])}`);
    console.log('(db = waiting on PostgreSQL, including sending parameters; js = JavaScript between queries)');
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
