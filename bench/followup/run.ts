// Follow-up benchmark: the daily run over N open invoices against one plain SELECT of the same
// invoices joined to their debtors (the floor), in one run; a second run on the same day; PGlite.
//
//   node bench/followup/run.ts [--invoices 1000000] [--debtors N/5] [--pglite-invoices 100000] [--database-url URL]
//                              [--date 2026-11-23] [--seed 1] [--src DIR] [--keep]
//
// The URL (default $DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test) is an admin
// connection: the run creates a scratch database beside it and drops it at the end (--keep leaves
// it, loaded and run, for EXPLAIN). See bench/README.md for what is measured.

import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import type { DatabaseHandle, Db } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import type { RunResult } from '../../src/modules/followup/daily-run.ts';
import { loadFollowupData, SEGMENT_MIX, type LoaderSubject } from './data.ts';
import { adminQuery, table, withDatabase } from '../support.ts';

type DatabaseModule = typeof import('../../src/db/database.ts');
type OrganisationModule = typeof import('../../src/modules/organisations/organisation-service.ts');
type DailyRunModule = typeof import('../../src/modules/followup/daily-run.ts');
type SegmentsModule = typeof import('../../src/modules/followup/segments.ts');

/** The code under test: this repository's src/, or another tree given with --src (to try a change). */
interface Subject extends LoaderSubject {
  openDatabase: DatabaseModule['openDatabase'];
  createOrganisation: OrganisationModule['createOrganisation'];
  runFollowup: DailyRunModule['runFollowup'];
  /** Absent in a tree from before the follow-up state (migration 0010). */
  refreshFollowupState: DailyRunModule['refreshFollowupState'] | undefined;
}

async function loadSubject(srcDir: string | undefined): Promise<Subject> {
  const base = srcDir === undefined ? new URL('../../src/', import.meta.url) : pathToFileURL(`${srcDir.replace(/\/+$/, '')}/`);
  const database = (await import(new URL('db/database.ts', base).href)) as DatabaseModule;
  const organisations = (await import(new URL('modules/organisations/organisation-service.ts', base).href)) as OrganisationModule;
  const dailyRun = (await import(new URL('modules/followup/daily-run.ts', base).href)) as DailyRunModule;
  const segments = (await import(new URL('modules/followup/segments.ts', base).href)) as SegmentsModule;
  return { openDatabase: database.openDatabase, inOrg: database.inOrg, createOrganisation: organisations.createOrganisation, runFollowup: dailyRun.runFollowup, refreshFollowupState: (dailyRun as Partial<DailyRunModule>).refreshFollowupState, segments };
}

const ORG = { slug: 'bench', name: 'Bench Groothandel B.V.', country: 'NL', iban: 'NL91ABNA0417164300' } as const;

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = (): number => performance.now();
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const int = (n: number | bigint): string => n.toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------
// Per-phase timing of the daily run, without touching src/: every query a pg.Client sends is timed
// and labelled by its SQL; the gaps between queries are the JavaScript in between.

interface QueryTiming {
  label: string;
  start: number;
  end: number;
}

const LABELS: [RegExp, string][] = [
  [/^\s*(begin|start transaction|commit)|set_config\('(arflow\.org_id|work_mem)'|SET LOCAL|pg_advisory_xact_lock/i, 'transaction, lock, settings'],
  [/from "segment"|into "segment"|into "workflow"/i, 'segments and workflows'],
  [/followup_run/i, 'run row'],
  [/CREATE TEMP TABLE fu_debtor/i, 'debtors in follow-up, segments (fu_debtor)'],
  [/CREATE TEMP TABLE fu_invoice/i, 'open invoices in follow-up (fu_invoice)'],
  [/CREATE TEMP TABLE fu_check/i, 'invoices that may have a step due (fu_check, follow-up state)'],
  [/INSERT INTO followup_state/i, 'follow-up state of the invoices read'],
  [/FROM payment_promise p WHERE p\.status = 'open' AND p\.promised_date|update "payment_promise"/i, 'promises to settle'],
  [/DROP TABLE IF EXISTS fu_|CREATE TEMP TABLE fu_step|ANALYZE fu_/i, 'work tables'],
  [/FROM fu_(invoice|check)\s*$|least\(issue_date, due_date\)|CREATE TEMP TABLE fu_bday/i, 'count, business days'],
  [/FROM fu_(invoice|check) f/i, 'due steps query'],
  [/WITH letter AS|template = 'nl_14_day_letter'/i, '14-day letters of the charged invoices'],
  [/coalesce\(x\.entry_type, e\.entry_type\)/i, 'costs and interest charged before'],
  [/select "debtor_id" from "outbox_message"|FROM outbox_message WHERE scheduled_for/i, 'messages already sent today'],
  [/insert into "?outbox_message"?/i, 'insert messages'],
  [/insert into "?task"?/i, 'insert tasks'],
  [/insert into "?ledger_entry"?/i, 'insert charges (+ ledger trigger)'],
  [/update "?invoice"?/i, 'hand-over: invoices'],
  [/insert into "?event"?/i, 'insert events'],
  [/insert into "?followup_execution"?/i, 'insert executions'],
];

function labelOf(text: string): string {
  for (const [re, label] of LABELS) if (re.test(text)) return label;
  return `other: ${text.replace(/\s+/g, ' ').trim().slice(0, 50)}`;
}

let recording: QueryTiming[] | null = null;

function installQueryTimer(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const sink = recording;
    const first = args[0];
    const text = typeof first === 'string' ? first : typeof first === 'object' && first !== null && typeof (first as { text?: unknown }).text === 'string' ? (first as { text: string }).text : null;
    const start = now();
    const result = original.apply(this, args);
    if (sink !== null && text !== null && result instanceof Promise) {
      const label = labelOf(text);
      const settle = () => sink.push({ label, start, end: now() });
      result.then(settle, settle);
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

/** Query time per label, and the JavaScript time (the gap) before each label's queries. */
function phases(timings: QueryTiming[], runStart: number, runEnd: number): Phase[] {
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
  let cursor = runStart;
  for (const t of sorted) {
    const p = get(t.label);
    p.jsMs += Math.max(0, t.start - cursor);
    p.dbMs += Math.max(0, t.end - Math.max(t.start, cursor));
    p.queries++;
    cursor = Math.max(cursor, t.end);
  }
  if (runEnd > cursor) get('after the last query (JS)').jsMs += runEnd - cursor;
  return [...byLabel.values()];
}

function phaseTable(title: string, timings: QueryTiming[], start: number, end: number): string {
  const total = end - start;
  const rows: string[][] = [[title, 'db s', 'js s', 'queries', 'share']];
  for (const p of phases(timings, start, end)) {
    rows.push([p.label, p.dbMs >= 5 ? sec(p.dbMs) : '', p.jsMs >= 5 ? sec(p.jsMs) : '', p.queries > 0 ? String(p.queries) : '', `${(((p.dbMs + p.jsMs) / total) * 100).toFixed(1)}%`]);
  }
  rows.push(['total', '', '', '', sec(total)]);
  return table(rows, [1, 2, 3, 4]);
}

// ---------------------------------------------------------------------------------------------
// The measurements

interface Timed<T> {
  ms: number;
  value: T;
  timings: QueryTiming[];
  start: number;
  end: number;
}

async function timed<T>(fn: () => Promise<T>, record = false): Promise<Timed<T>> {
  const timings: QueryTiming[] = [];
  if (record) recording = timings;
  const start = now();
  try {
    const value = await fn();
    const end = now();
    return { ms: end - start, value, timings, start, end };
  } finally {
    recording = null;
  }
}

/** The floor: one plain SELECT of the open invoices joined to their debtors, every row to the client. */
async function floorSelect(subject: Subject, db: Db, org: Organisation): Promise<Timed<number>> {
  return timed(() =>
    subject.inOrg(db, org.org_id, async (trx) => {
      const r = await sql<{ invoice_id: string }>`
        SELECT i.invoice_id, i.number, i.debtor_id, d.number AS debtor_number, d.name AS debtor_name, d.kind AS debtor_kind, d.language AS debtor_language,
          d.account_manager_user_id, i.issue_date, i.due_date, i.open_amount, i.currency
        FROM invoice i JOIN debtor d ON d.org_id = i.org_id AND d.debtor_id = i.debtor_id
        WHERE i.kind = 'invoice' AND i.open_amount > 0`.execute(trx);
      return r.rows.length;
    }),
  );
}

function describe(r: RunResult): string {
  const kinds = new Map<string, number>();
  for (const m of r.messages) kinds.set(m.stepKey, (kinds.get(m.stepKey) ?? 0) + 1);
  const steps = [...kinds.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${int(n)}`).join(', ');
  return `considered ${int(r.invoicesConsidered)}, executed ${int(r.executed)}, skipped ${int(r.skipped)}, deferred ${int(r.deferred)}; ` +
    `${int(r.messages.length)} messages (${steps}), ${int(r.tasks.length)} tasks, ${int(r.charges.length)} charges, ${int(r.handovers.length)} hand-overs, ` +
    `promises kept ${r.promisesKept} / broken ${r.promisesBroken}`;
}

/** What the run wrote must match what it returned; a second run on the same day finds (almost) nothing to do. */
async function check(subject: Subject, db: Db, org: Organisation, first: RunResult, second: RunResult, where: string): Promise<void> {
  const counts = await subject.inOrg(db, org.org_id, (trx) =>
    sql<{ done: bigint; skipped: bigint; messages: bigint }>`
      SELECT (SELECT count(*) FROM followup_execution WHERE run_id = ${first.runId} AND status = 'done') AS done,
        (SELECT count(*) FROM followup_execution WHERE run_id = ${first.runId} AND status = 'skipped') AS skipped,
        (SELECT count(*) FROM outbox_message WHERE scheduled_for = ${first.date}::date AND idempotency_key LIKE 'followup:%') AS messages`.execute(trx),
  );
  const c = counts.rows[0]!;
  const problems: string[] = [];
  if (Number(c.done) !== first.executed) problems.push(`executions done ${c.done} ≠ ${first.executed}`);
  if (Number(c.skipped) !== first.skipped) problems.push(`executions skipped ${c.skipped} ≠ ${first.skipped}`);
  if (Number(c.messages) !== first.messages.length) problems.push(`messages ${c.messages} ≠ ${first.messages.length}`);
  if (first.executed === 0 || first.messages.length === 0) problems.push('the first run did nothing');
  // NOTE: a second run may execute a few steps: the charges of the first raise open amounts over a
  // step's minimum (a business 'call' at €250). It never sends a second message to a debtor.
  if (second.messages.length !== 0 || second.executed > first.executed / 100) problems.push(`the second run did too much: ${describe(second)}`);
  if (problems.length > 0) throw new Error(`${where}: ${problems.join('; ')}`);
}

interface Shape {
  invoices: bigint;
  open: bigint;
  in_collection: bigint;
  executions: bigint;
  messages: bigint;
  disputes: bigint;
  promises: bigint;
}

async function shape(db: Db): Promise<Shape> {
  const r = await sql<Shape>`
    SELECT (SELECT count(*) FROM invoice) AS invoices, (SELECT count(*) FROM invoice WHERE open_amount > 0) AS open,
      (SELECT count(*) FROM invoice WHERE collection_status IS NOT NULL) AS in_collection, (SELECT count(*) FROM followup_execution) AS executions,
      (SELECT count(*) FROM outbox_message) AS messages, (SELECT count(*) FROM dispute) AS disputes, (SELECT count(*) FROM payment_promise) AS promises`.execute(db);
  return r.rows[0]!;
}

interface Scenario {
  kind: 'PostgreSQL' | 'PGlite';
  invoices: number;
  loadMs: number;
  first: Timed<RunResult>;
  second: Timed<RunResult>;
  floor: Timed<number>[];
}

async function scenario(subject: Subject, handle: DatabaseHandle, options: { invoices: number; debtors: number; date: string; seed: number; adminUrl: string | null; verbose: boolean }): Promise<Scenario> {
  const kind = handle.kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  const { organisation: org } = await subject.createOrganisation(handle.db, { ...ORG });
  const loadSteps = new Map<string, number>();
  const onStep = (label: string, ms: number): void => void loadSteps.set(label, (loadSteps.get(label) ?? 0) + ms);
  const load = await timed(() => loadFollowupData(handle.db, org, subject, options, { onStep }));
  // As after a nightly autovacuum: statistics and the visibility map up to date, dirty pages written.
  const vacuum = async (what: string): Promise<void> => {
    if (options.adminUrl) await adminQuery(options.adminUrl, `VACUUM ANALYZE ${what}`);
    else await sql`VACUUM ANALYZE ${sql.raw(what)}`.execute(handle.db);
  };
  const maintenance = await timed(async () => {
    await vacuum('');
    // The follow-up state the runs of the days before would have left, built from their executions
    // (NOTE: after the statistics: without them its reading of the open invoices takes minutes).
    const refresh = subject.refreshFollowupState;
    if (refresh) {
      const state = await timed(() => refresh(handle.db, org, options.date));
      onStep('follow-up state (after VACUUM ANALYZE)', state.ms);
      await vacuum('followup_state');
    }
    if (options.adminUrl) await adminQuery(options.adminUrl, 'CHECKPOINT');
  });
  const s = await shape(handle.db);
  console.log(`${kind}: loaded ${int(s.invoices)} invoices (${int(s.open)} open, ${int(s.in_collection)} handed over earlier), ${int(options.debtors)} debtors, ` +
    `history of ${int(s.executions)} executions and ${int(s.messages)} messages, ${int(s.disputes)} open disputes, ${int(s.promises)} open promises ` +
    `in ${sec(load.ms)} s (+ ${sec(maintenance.ms)} s VACUUM ANALYZE${subject.refreshFollowupState ? ', follow-up state' : ''}${options.adminUrl ? ' + CHECKPOINT' : ''})`);
  if (options.verbose) console.log(`  load steps: ${[...loadSteps.entries()].map(([l, ms]) => `${l} ${sec(ms)} s`).join(', ')}`);

  const floor: Timed<number>[] = [];
  floor.push(await floorSelect(subject, handle.db, org));
  const first = await timed(() => subject.runFollowup(handle.db, org, { date: options.date, actor: 'bench' }), true);
  console.log(`${kind}: daily run ${options.date}: ${sec(first.ms)} s; ${describe(first.value)}`);
  floor.push(await floorSelect(subject, handle.db, org));
  const second = await timed(() => subject.runFollowup(handle.db, org, { date: options.date, actor: 'bench' }), true);
  console.log(`${kind}: second run ${options.date}: ${sec(second.ms)} s; ${describe(second.value)}`);
  console.log(`${kind}: floor SELECT: ${floor.map((f) => `${sec(f.ms)} s`).join(', ')} (${int(floor[0]!.value)} rows)`);
  await check(subject, handle.db, org, first.value, second.value, kind);
  return { kind, invoices: options.invoices, loadMs: load.ms, first, second, floor };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      invoices: { type: 'string', default: '1000000' },
      debtors: { type: 'string' },
      'pglite-invoices': { type: 'string', default: '100000' },
      'database-url': { type: 'string' },
      date: { type: 'string', default: '2026-11-23' },
      seed: { type: 'string', default: '1' },
      src: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const invoices = Number(values.invoices);
  const debtors = values.debtors === undefined ? Math.max(1, Math.floor(invoices / 5)) : Number(values.debtors);
  const pgliteInvoices = Number(values['pglite-invoices']);
  const seed = Number(values.seed);
  const date = values.date;
  if (![invoices, debtors, pgliteInvoices, seed].every(Number.isSafeInteger) || invoices < 0 || debtors < 1 || debtors > Math.max(invoices, 1) || pgliteInvoices < 0) {
    throw new Error('--invoices, --debtors (1 … invoices), --pglite-invoices and --seed must be integers');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error('--date must be YYYY-MM-DD');
  const adminUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const scratch = `arflow_bench_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'arflow-bench-'));
  installQueryTimer();
  const subject = await loadSubject(values.src);
  if (values.src !== undefined) console.log(`code under test: ${values.src}`);
  const results: Scenario[] = [];
  let created = false;
  let handle: DatabaseHandle | null = null;
  try {
    const version = (await adminQuery(adminUrl, 'SELECT version() AS v')).rows[0] as { v: string };
    const weekday = new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
    console.log(`${version.v.split(' on ')[0] ?? version.v}; Node ${process.version}; run date ${date} (${weekday}); scratch database ${scratch}; temp ${dir}`);
    console.log(`debtors by segment: ${SEGMENT_MIX.map(([name, pct]) => `${name} ${pct}%`).join(', ')}`);

    if (invoices > 0) {
      await adminQuery(adminUrl, `CREATE DATABASE ${scratch}`);
      created = true;
      const url = withDatabase(adminUrl, scratch);
      handle = await subject.openDatabase(url);
      const pgResult = await scenario(subject, handle, { invoices, debtors, date, seed, adminUrl: url, verbose: true });
      results.push(pgResult);
      await handle.close();
      handle = null;
      console.log(`\n${phaseTable('first run, phase', pgResult.first.timings, pgResult.first.start, pgResult.first.end)}`);
      console.log(`\n${phaseTable('second run, phase', pgResult.second.timings, pgResult.second.start, pgResult.second.end)}`);
      console.log('(db = waiting on PostgreSQL, including sending parameters and receiving rows; js = JavaScript before the phase\'s queries)\n');
    }

    if (pgliteInvoices > 0) {
      const folder = join(dir, 'pglite');
      const t = now();
      const lite = await subject.openDatabase(folder);
      console.log(`PGlite: opened + migrated a data folder on disk in ${sec(now() - t)} s`);
      try {
        results.push(await scenario(subject, lite, { invoices: pgliteInvoices, debtors: Math.max(1, Math.floor(pgliteInvoices / 5)), date, seed, adminUrl: null, verbose: false }));
      } finally {
        await lite.close();
      }
    }

    const rows: string[][] = [['database', 'invoices', 'load s', 'daily run s', 'floor SELECT s', 'ratio', 'second run s', 'executed', 'messages', 'tasks']];
    for (const r of results) {
      const floorMs = Math.min(...r.floor.map((f) => f.ms));
      rows.push([r.kind, int(r.invoices), sec(r.loadMs), sec(r.first.ms), sec(floorMs), (r.first.ms / floorMs).toFixed(1), sec(r.second.ms),
        int(r.first.value.executed), int(r.first.value.messages.length), int(r.first.value.tasks.length)]);
    }
    console.log(`\nResults\n${table(rows, [1, 2, 3, 4, 5, 6, 7, 8, 9])}`);
    const pgRun = results.find((r) => r.kind === 'PostgreSQL');
    if (pgRun) {
      const floorMs = Math.min(...pgRun.floor.map((f) => f.ms));
      const ratio = pgRun.first.ms / floorMs;
      const goals = [
        `daily run ≤ 30 s: ${pgRun.first.ms <= 30_000 ? 'met' : 'NOT met'}`,
        `ratio ≤ 5: ${ratio <= 5 ? 'met' : 'NOT met'}`,
        `second run ≤ 10 s: ${pgRun.second.ms <= 10_000 ? 'met' : 'NOT met'}`,
      ];
      console.log(`\nPostgreSQL, ${int(pgRun.invoices)} invoices: ${goals.join('; ')} (floor = the faster of the SELECT before and after the first run)`);
    }
  } finally {
    if (handle) await handle.close();
    if (created && !values.keep) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    if (created && values.keep) console.log(`kept the scratch database ${scratch}`);
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
