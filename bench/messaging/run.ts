// Messaging benchmark: render and dispatch reminder e-mails to a local SMTP sink.
//
//   node bench/messaging/run.ts [--messages 100000] [--dispatch N] [--database-url URL | --pglite]
//                               [--smtp default|pool|single] [--workers 1] [--concurrency N] [--claim-index] [--async-commit]
//                               [--suppressions 0] [--max-seconds 600] [--seed 1] [--src DIR] [--keep]
//
// 1. Rendering: renderMessage for --messages reminder_1 inputs (varied debtors, 1–5 invoices,
//    nl/fr/en/de, the three tones), in memory; messages per second.
// 2. End to end: --dispatch (default: --messages; 0 skips) queued outbox messages loaded set-based
//    into a scratch database, then dispatchOutbox with smtpTransport to an SMTP sink in a child
//    process; messages per second, and the sink must have received every message once, each
//    Message-ID once. On PostgreSQL every query is timed (pg.Client patched here, not in src/) to
//    show where a message's time goes.
//
// The URL (default $DATABASE_URL, else postgresql://postgres@127.0.0.1:5432/test) is an admin
// connection: the run creates a scratch database beside it and drops it at the end (--keep leaves
// it). --pglite runs part 2 on a PGlite data folder instead. See bench/messaging/README.md.

import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { sql } from 'kysely';
import type { DatabaseHandle } from '../../src/db/database.ts';
import type { Organisation } from '../../src/db/schema.ts';
import type { DispatchSummary } from '../../src/modules/messaging/dispatch.ts';
import type { EmailTransport } from '../../src/modules/messaging/transport.ts';
import { loadOutbox } from './data.ts';
import { reminderInputs } from './inputs.ts';
import type { SinkReport } from './sink.ts';
import { adminQuery, table, withDatabase } from '../support.ts';

type DatabaseModule = typeof import('../../src/db/database.ts');
type OrganisationModule = typeof import('../../src/modules/organisations/organisation-service.ts');
type RenderModule = typeof import('../../src/modules/messaging/render.ts');
type DispatchModule = typeof import('../../src/modules/messaging/dispatch.ts');
type TransportModule = typeof import('../../src/modules/messaging/transport.ts');

/** The code under test: this repository's src/, or another tree given with --src (to try a change). */
interface Subject {
  openDatabase: DatabaseModule['openDatabase'];
  inOrg: DatabaseModule['inOrg'];
  createOrganisation: OrganisationModule['createOrganisation'];
  renderMessage: RenderModule['renderMessage'];
  dispatchOutbox: DispatchModule['dispatchOutbox'];
  smtpTransport: TransportModule['smtpTransport'];
}

async function loadSubject(srcDir: string | undefined): Promise<Subject> {
  const base = srcDir === undefined ? new URL('../../src/', import.meta.url) : pathToFileURL(`${srcDir.replace(/\/+$/, '')}/`);
  const load = async <T>(path: string): Promise<T> => (await import(new URL(path, base).href)) as T;
  const database = await load<DatabaseModule>('db/database.ts');
  const organisations = await load<OrganisationModule>('modules/organisations/organisation-service.ts');
  const render = await load<RenderModule>('modules/messaging/render.ts');
  const dispatch = await load<DispatchModule>('modules/messaging/dispatch.ts');
  const transport = await load<TransportModule>('modules/messaging/transport.ts');
  return {
    openDatabase: database.openDatabase, inOrg: database.inOrg, createOrganisation: organisations.createOrganisation,
    renderMessage: render.renderMessage, dispatchOutbox: dispatch.dispatchOutbox, smtpTransport: transport.smtpTransport,
  };
}

const DATE = '2026-11-23';
const ORG = { slug: 'bench', name: 'Bench Groothandel B.V.', country: 'NL', iban: 'NL91ABNA0417164300', vatNumber: 'NL001234567B01', cocNumber: '12345678' } as const;
const MESSAGE_ID_DOMAIN = 'bench.arflow.local';

// ---------------------------------------------------------------------------------------------
// Small helpers

const now = (): number => performance.now();
const sec = (ms: number): string => (ms / 1000).toFixed(2);
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const perSecond = (n: number, ms: number): string => int(n / (ms / 1000));
const cpuMs = (usage: NodeJS.CpuUsage): number => (usage.user + usage.system) / 1000;

// ---------------------------------------------------------------------------------------------
// 1. Rendering

interface RenderResult {
  ms: number;
  cpuMs: number;
  htmlBytes: number;
  textBytes: number;
}

async function benchRender(subject: Subject, n: number, seed: number): Promise<RenderResult> {
  const inputs = reminderInputs(n, seed, DATE);
  // Warm-up (JIT, template parse cache), not timed.
  for (const input of reminderInputs(Math.min(1_000, n), seed + 1, DATE)) await subject.renderMessage(input);
  let htmlBytes = 0;
  let textBytes = 0;
  const cpu = process.cpuUsage();
  const start = now();
  for (const input of inputs) {
    const m = await subject.renderMessage(input);
    if (m.subject === '' || !m.html.includes(input.invoices[0]!.number) || !m.text.includes(input.payLink)) {
      throw new Error(`render check failed for debtor ${input.debtor.number}: ${m.subject}`);
    }
    htmlBytes += m.html.length;
    textBytes += m.text.length;
  }
  const ms = now() - start;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, htmlBytes, textBytes };
}

// ---------------------------------------------------------------------------------------------
// 2. End to end: per-query timing of the dispatcher, without touching src/. Every query a
// pg.Client sends is timed and labelled by its SQL; with one dispatcher the gaps between queries
// (and around the SMTP sends) are the JavaScript in between, labelled by what follows them.

const LABELS: [RegExp, string][] = [
  [/^\s*(begin|start transaction)\b/i, 'transaction: BEGIN'],
  [/^\s*commit\b/i, 'transaction: COMMIT (waits for the WAL flush)'],
  [/set_config\('arflow\.org_id'|SET LOCAL ROLE/i, 'transaction: org scope (set_config, SET ROLE)'],
  [/FROM outbox_message\s+WHERE (org_id = \$\d+ AND )?status IN/i, 'claim: SELECT … FOR UPDATE SKIP LOCKED'],
  [/from "?debtor_contact"?/i, 'chooseChannel: contacts'],
  [/^\s*select "address_line", "postal_code", "city", "country" from "debtor"/i, 'chooseChannel: debtor address'],
  [/^\s*select \* from "debtor" where "debtor_id" = ANY/i, 'batch: debtors'],
  [/from "?email_suppression"?/i, 'chooseChannel: suppressed addresses'],
  [/^\s*update "outbox_message" set "channel"/i, 'store channel + recipient'],
  [/^\s*select .* from "?debtor"?\s/i, 'render input: debtor'],
  [/from "?invoice"?\s/i, 'render input: invoices'],
  [/^\s*update "outbox_message" set "subject"/i, 'store rendered content'],
  [/^\s*update outbox_message o set\s+channel/i, 'store rendered content, channel and lease (batch)'],
  [/^\s*insert into "?message_event"?/i, 'message_event inserts'],
  [/^\s*update "outbox_message" set "status" = \$1, "attempts"/i, 'mark sending (lease)'],
  [/^\s*update "outbox_message" set "status" = \$1, "sent_at"|^\s*update outbox_message o set status\b/i, 'mark sent'],
];

function labelOf(text: string): string {
  for (const [re, label] of LABELS) if (re.test(text)) return label;
  return `other: ${text.replace(/\s+/g, ' ').slice(0, 50)}`;
}

interface Bucket {
  ms: number;
  count: number;
}

class Timeline {
  readonly db = new Map<string, Bucket>();
  readonly js = new Map<string, Bucket>();
  readonly claims: number[] = [];
  smtp: Bucket = { ms: 0, count: 0 };
  /** Gaps are attributed only with one dispatcher (with several they overlap). */
  gaps = true;
  private lastEnd = -1;

  private add(map: Map<string, Bucket>, label: string, ms: number): void {
    const b = map.get(label) ?? { ms: 0, count: 0 };
    b.ms += ms;
    b.count++;
    map.set(label, b);
  }

  private gap(before: string, start: number): void {
    if (!this.gaps || this.lastEnd < 0) return;
    const label = before.startsWith('store rendered content') ? 'JS: renderMessage (and building its input)'
      : before === 'SMTP send' ? 'JS: between claim and send'
      : 'JS: other (Kysely, pg, dispatcher)';
    this.add(this.js, label, Math.max(0, start - this.lastEnd));
  }

  query(label: string, start: number, end: number): void {
    this.gap(label, start);
    this.add(this.db, label, end - start);
    if (label.startsWith('claim:')) this.claims.push(end - start);
    this.lastEnd = Math.max(this.lastEnd, end);
  }

  send(start: number, end: number): void {
    this.gap('SMTP send', start);
    this.smtp.ms += end - start;
    this.smtp.count++;
    this.lastEnd = Math.max(this.lastEnd, end);
  }
}

let timeline: Timeline | null = null;

function installQueryTimer(): void {
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function timedQuery(this: unknown, ...args: unknown[]): unknown {
    const sink = timeline;
    const text = args[0];
    const start = now();
    const result = original.apply(this, args);
    if (sink !== null && typeof text === 'string' && result instanceof Promise) {
      const label = labelOf(text);
      const settle = () => sink.query(label, start, now());
      result.then(settle, settle);
    }
    return result;
  };
}

/** An EmailTransport that times each send (and counts them, for the progress line). */
function timed(inner: EmailTransport, onSent: () => void): EmailTransport {
  return {
    async send(email) {
      const start = now();
      try {
        return await inner.send(email);
      } finally {
        timeline?.send(start, now());
        onSent();
      }
    },
    close: () => inner.close(),
  };
}

// ---------------------------------------------------------------------------------------------
// The SMTP sink (child process)

interface Sink {
  port: number;
  report(): Promise<SinkReport>;
  close(): void;
}

async function startSink(): Promise<Sink> {
  const child: ChildProcess = fork(new URL('./sink.ts', import.meta.url), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited with ${code}`)));
    child.once('message', (m: unknown) => resolve((m as { port: number }).port));
  });
  child.removeAllListeners('exit');
  return {
    port,
    report: () =>
      new Promise<SinkReport>((resolve) => {
        child.once('message', (m: unknown) => resolve((m as { report: SinkReport }).report));
        child.send('report');
      }),
    close: () => {
      if (child.connected) child.send('close');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 2. End to end

interface DispatchOptions {
  messages: number;
  smtp: 'default' | 'pool' | 'single';
  workers: number;
  /** Sends in flight per dispatcher (dispatchOutbox's `concurrency`); undefined: its default. */
  concurrency: number | undefined;
  claimIndex: boolean;
  suppressions: number;
  maxSeconds: number;
  seed: number;
}

// The claim as src/modules/messaging/dispatch.ts sends it (a batch of 100; before 0005 it took one).
const CLAIM_SQL = `
  SELECT message_id FROM outbox_message
  WHERE org_id = $1 AND status IN ('queued', 'sending') AND (next_attempt_at IS NULL OR next_attempt_at <= now())
  ORDER BY created_at, message_id LIMIT 100 FOR UPDATE SKIP LOCKED`;

async function explainClaim(subject: Subject, handle: DatabaseHandle, orgId: string): Promise<string[]> {
  return subject.inOrg(handle.db, orgId, async (trx) => {
    const r = await sql<Record<string, string>>`${sql.raw(`EXPLAIN (ANALYZE, COSTS OFF) ${CLAIM_SQL.replace('$1', `'${orgId}'`)}`)}`.execute(trx);
    return r.rows.map((row) => Object.values(row)[0] ?? '');
  });
}

async function benchDispatch(subject: Subject, handle: DatabaseHandle, options: DispatchOptions): Promise<void> {
  const n = options.messages;
  const { organisation } = await subject.createOrganisation(handle.db, { ...ORG });
  const messaging = { message_id_domain: MESSAGE_ID_DOMAIN, from: 'Bench Groothandel <debiteuren@bench.example>' };
  await handle.db.updateTable('organisation').set({ messaging: JSON.stringify(messaging) }).where('org_id', '=', organisation.org_id).execute();
  const org: Organisation = { ...organisation, messaging };

  const t = now();
  const steps: string[][] = [['load step', 'seconds']];
  await loadOutbox(handle.db, org.org_id, { messages: n, date: DATE, seed: options.seed, suppressions: options.suppressions }, (label, ms) => steps.push([label, sec(ms)]));
  const inSchema = (await sql<{ n: string }>`SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'outbox_message_claim_idx'`.execute(handle.db)).rows[0]!;
  if (options.claimIndex && Number(inSchema.n) > 0) {
    steps.push(['claim index (--claim-index): in the schema already (migration 0005)', '0.00']);
  } else if (options.claimIndex) {
    const s = now();
    // Bench-only experiment: an index in the claim's own order (org_id, created_at, message_id).
    await sql`CREATE INDEX bench_outbox_claim_idx ON outbox_message (org_id, created_at, message_id) WHERE status IN ('queued', 'sending')`.execute(handle.db);
    await sql`ANALYZE outbox_message`.execute(handle.db);
    steps.push(['claim index (--claim-index)', sec(now() - s)]);
  }
  const counts = (await sql<{ debtors: string; contacts: string; invoices: string; messages: string }>`
    SELECT (SELECT count(*) FROM debtor) AS debtors, (SELECT count(*) FROM debtor_contact) AS contacts,
      (SELECT count(*) FROM invoice) AS invoices, (SELECT count(*) FROM outbox_message WHERE status = 'queued') AS messages`.execute(handle.db)).rows[0]!;
  console.log(`loaded in ${sec(now() - t)} s: ${int(Number(counts.debtors))} debtors, ${int(Number(counts.contacts))} contacts, ${int(Number(counts.invoices))} invoices, ${int(Number(counts.messages))} queued messages`);
  console.log(table(steps, [1]));
  if (Number(counts.messages) !== n) throw new Error(`expected ${n} queued messages`);

  const plan = await explainClaim(subject, handle, org.org_id);
  console.log(`\nclaim query plan with ${int(n)} queued messages (EXPLAIN ANALYZE, as the dispatcher's query):\n  ${plan.join('\n  ')}`);

  const sink = await startSink();
  // default: the URL as a user writes it (smtpTransport pools by default since 0005); pool: an explicit
  // pool of 8 connections per dispatcher; single: no pool, a connection per message.
  const smtpParams = { default: '', pool: `&pool=true&maxConnections=${8 * options.workers}`, single: '&pool=false' }[options.smtp];
  const smtpUrl = `smtp://127.0.0.1:${sink.port}?ignoreTLS=true${smtpParams}`;
  console.log(`\nSMTP sink on port ${sink.port} (child process); transport ${smtpUrl.replace(/^.*\?/, '')}; ${options.workers} dispatcher(s), concurrency ${options.concurrency ?? 'default'}`);
  let sent = 0;
  let lastSent = 0;
  let lastAt = now();
  const cpu = process.cpuUsage();
  const start = now();
  const progress = setInterval(() => {
    const at = now();
    console.log(`  ${sec(at - start)} s: ${int(sent)} sent (${perSecond(sent - lastSent, at - lastAt)}/s now)`);
    lastSent = sent;
    lastAt = at;
  }, 15_000);
  const transport = timed(subject.smtpTransport(smtpUrl), () => sent++);
  const line = new Timeline();
  line.gaps = options.workers === 1 && options.concurrency === 1;
  timeline = handle.kind === 'postgres' ? line : null;
  // A time budget (and Ctrl-C): the dispatcher is stopped through its beforeSend hook, where a
  // crash would stop it (the message it holds stays 'sending'); the figures cover what was sent.
  let stopReason: string | null = null;
  const deadline = start + options.maxSeconds * 1000;
  const onSignal = (): void => {
    stopReason = 'interrupted';
  };
  process.once('SIGINT', onSignal);
  const beforeSend = (): void => {
    if (stopReason === null && now() > deadline) stopReason = `time budget of ${options.maxSeconds} s reached`;
    if (stopReason !== null) throw new Error(`bench stop: ${stopReason}`);
  };
  let outcomes: PromiseSettledResult<DispatchSummary>[];
  let ms: number;
  let dispatchCpuMs: number;
  try {
    outcomes = await Promise.allSettled(
      Array.from({ length: options.workers }, () => subject.dispatchOutbox(handle.db, org, {
        email: transport, publicUrl: 'https://pay.bench.example', beforeSend, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      })),
    );
    ms = now() - start;
    dispatchCpuMs = cpuMs(process.cpuUsage(cpu));
  } finally {
    process.removeListener('SIGINT', onSignal);
    timeline = null;
    clearInterval(progress);
    transport.close();
  }
  const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !String(o.reason).includes('bench stop:'));
  if (failure) throw failure.reason;
  const summaries = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  const complete = stopReason === null;
  // Let the sink finish the last message it acknowledged, then ask for its count.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const received = await sink.report();
  sink.close();

  // Checks: everything sent once, each Message-ID once, and the sink's IDs are the stored ones.
  const stored = await sql<{ status: string; message_id_header: string | null }>`SELECT status, message_id_header FROM outbox_message`.execute(handle.db);
  const events = (await sql<{ n: string }>`SELECT count(*) AS n FROM message_event`.execute(handle.db)).rows[0]!;
  const sentIds = new Set(stored.rows.filter((r) => r.status === 'sent').map((r) => r.message_id_header));
  const done = sentIds.size;
  const uniqueReceived = new Set(received.messageIds);
  const unknown = received.messageIds.filter((id) => !sentIds.has(id)).length;
  const problems: string[] = [];
  if (complete) {
    const total = summaries.reduce((s, x) => ({ sent: s.sent + x.sent, failed: s.failed + x.failed, waiting: s.waiting + x.waiting, possibleDuplicates: s.possibleDuplicates + x.possibleDuplicates }));
    if (total.sent !== n || total.failed !== 0 || total.waiting !== 0 || total.possibleDuplicates !== 0) problems.push(`dispatch summary ${JSON.stringify(total)}`);
    if (done !== n) problems.push(`${n - done} messages not 'sent'`);
    if (Number(events.n) !== 3 * n) problems.push(`${events.n} message events, expected ${3 * n}`);
  }
  if (received.messages !== done) problems.push(`the sink received ${received.messages} messages, the outbox has ${done} sent`);
  if (uniqueReceived.size !== received.messages) problems.push(`${received.messages - uniqueReceived.size} Message-IDs arrived more than once`);
  if (unknown > 0) problems.push(`${unknown} received Message-IDs are not those of sent messages`);

  console.log(`\nResults (dispatch${complete ? '' : `, stopped: ${stopReason}`})`);
  console.log(table([
    ['measure', 'queued', 'sent', 'seconds', 'messages/s', 'CPU ms/message (this process)'],
    ['dispatchOutbox end to end', int(n), int(done), sec(ms), perSecond(done, ms), (dispatchCpuMs / Math.max(1, done)).toFixed(2)],
  ], [1, 2, 3, 4, 5]));
  console.log(`SMTP sink: ${int(received.messages)} messages (${int(uniqueReceived.size)} distinct Message-IDs, ${unknown} unknown), ${received.connections} connection(s), ${(received.bytes / Math.max(1, received.messages) / 1024).toFixed(1)} KB per message`);
  const what = complete ? 'every message sent and received once, each Message-ID once; 3 events per message' : 'every message marked sent was received once, each Message-ID once';
  console.log(problems.length === 0 ? `checked: ${what}` : `CHECK FAILED: ${problems.join('; ')}`);
  if (problems.length > 0) process.exitCode = 1;
  if (done === 0) return;

  if (handle.kind !== 'postgres') return;
  const rows: string[][] = [['where a message\'s time goes', 'ms/message', 'calls/message', 'share']];
  const push = (label: string, b: Bucket): void => {
    rows.push([label, (b.ms / done).toFixed(3), (b.count / done).toFixed(1), `${((b.ms / ms) * 100).toFixed(1)}%`]);
  };
  const dbTotal = [...line.db.values()].reduce((s, b) => s + b.ms, 0);
  for (const [label, b] of [...line.db.entries()].sort((a, b) => b[1].ms - a[1].ms)) push(`db: ${label}`, b);
  push('SMTP send (nodemailer → sink, acknowledged)', line.smtp);
  for (const [label, b] of [...line.js.entries()].sort((a, b) => b[1].ms - a[1].ms)) push(label, b);
  rows.push(['total (wall)', (ms / done).toFixed(3), '', '100%']);
  console.log(`\n${table(rows, [1, 2, 3])}`);
  const queries = [...line.db.values()].reduce((s, b) => s + b.count, 0);
  console.log(`${(queries / done).toFixed(1)} statements per message, ${(dbTotal / queries).toFixed(3)} ms each on average; ${line.gaps ? 'db = waiting on PostgreSQL; JS = the gaps between' : 'sends and statements overlap (several dispatchers or concurrent sends): shares add up to more than 100%, JS gaps not attributed'}`);
  const c = line.claims;
  if (c.length >= 20) {
    const part = Math.max(1, Math.floor(c.length / 20));
    const avg = (xs: number[]): string => (xs.reduce((s, x) => s + x, 0) / xs.length).toFixed(2);
    console.log(`claim SELECT: ${avg(c.slice(0, part))} ms for the first 5% of the claims, ${avg(c.slice(c.length - part))} ms for the last 5% (the queue empties as it goes)`);
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      messages: { type: 'string', default: '100000' },
      dispatch: { type: 'string' },
      'database-url': { type: 'string' },
      pglite: { type: 'boolean', default: false },
      smtp: { type: 'string', default: 'default' },
      workers: { type: 'string', default: '1' },
      concurrency: { type: 'string' },
      'claim-index': { type: 'boolean', default: false },
      'async-commit': { type: 'boolean', default: false },
      suppressions: { type: 'string', default: '0' },
      'max-seconds': { type: 'string', default: '600' },
      seed: { type: 'string', default: '1' },
      src: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
  });
  const messages = Number(values.messages);
  const dispatch = Number(values.dispatch ?? values.messages);
  const workers = Number(values.workers);
  const suppressions = Number(values.suppressions);
  const seed = Number(values.seed);
  const maxSeconds = Number(values['max-seconds']);
  if (![messages, dispatch, suppressions, seed, maxSeconds].every((x) => Number.isSafeInteger(x) && x >= 0) || !Number.isSafeInteger(workers) || workers < 1 || workers > 8) {
    throw new Error('--messages, --dispatch, --suppressions, --max-seconds and --seed must be integers ≥ 0, --workers 1 to 8');
  }
  if (values.smtp !== 'default' && values.smtp !== 'pool' && values.smtp !== 'single') {
    throw new Error('--smtp is default (the URL without pool options), pool (an explicit nodemailer pool of 8 connections per dispatcher) or single (pool=false: a connection per message)');
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isSafeInteger(concurrency) || concurrency < 1 || concurrency > 64)) throw new Error('--concurrency must be an integer from 1 to 64');
  const subject = await loadSubject(values.src);
  if (values.src !== undefined) console.log(`code under test: ${values.src}`);
  console.log(`Node ${process.version}; load average ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);

  if (messages > 0) {
    const r = await benchRender(subject, messages, seed);
    console.log('\nResults (rendering, reminder_1 e-mails, in memory)');
    console.log(table([
      ['measure', 'messages', 'seconds', 'messages/s', 'per CPU second', 'µs/message', 'HTML KB', 'text KB'],
      ['renderMessage', int(messages), sec(r.ms), perSecond(messages, r.ms), perSecond(messages, r.cpuMs), ((r.ms * 1000) / messages).toFixed(0),
        (r.htmlBytes / messages / 1024).toFixed(1), (r.textBytes / messages / 1024).toFixed(1)],
    ], [1, 2, 3, 4, 5, 6, 7]));
    const rate = messages / (r.ms / 1000);
    console.log(`goal ≥ 2,000 messages/s: ${rate >= 2_000 ? 'met' : 'NOT met'}`);
  }
  if (dispatch === 0) return;

  const options: DispatchOptions = { messages: dispatch, smtp: values.smtp, workers, concurrency, claimIndex: values['claim-index'], suppressions, maxSeconds, seed };
  let handle: DatabaseHandle | null = null;
  let scratch: string | null = null;
  const adminUrl = values['database-url'] ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
  const dir = mkdtempSync(join(tmpdir(), 'arflow-msgbench-'));
  try {
    let t = now();
    if (values.pglite) {
      handle = await subject.openDatabase(join(dir, 'pglite'));
      console.log(`\nPGlite data folder ${join(dir, 'pglite')}, migrated in ${sec(now() - t)} s`);
    } else {
      installQueryTimer();
      const version = (await adminQuery(adminUrl, 'SELECT version() AS v')).rows[0] as { v: string };
      scratch = `arflow_msgbench_${randomBytes(5).toString('hex')}`;
      await adminQuery(adminUrl, `CREATE DATABASE ${scratch}`);
      // Diagnosis only: how much of a message's time is the WAL flush at its two commits.
      if (values['async-commit']) await adminQuery(adminUrl, `ALTER DATABASE ${scratch} SET synchronous_commit = off`);
      t = now();
      handle = await subject.openDatabase(withDatabase(adminUrl, scratch));
      const settings = (await adminQuery(withDatabase(adminUrl, scratch), `SELECT current_setting('synchronous_commit') AS sc, current_setting('autovacuum') AS av`)).rows[0] as { sc: string; av: string };
      console.log(`\n${version.v.split(' on ')[0] ?? version.v}; scratch database ${scratch}, migrated in ${sec(now() - t)} s; synchronous_commit ${settings.sc}, autovacuum ${settings.av}`);
    }
    await benchDispatch(subject, handle, options);
  } finally {
    if (handle) await handle.close();
    if (scratch !== null) {
      if (values.keep) console.log(`kept the scratch database ${scratch}`);
      else await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exitCode = 1;
});
