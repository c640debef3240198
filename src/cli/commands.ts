import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatabaseHandle } from '../db/database.ts';
import { inOrg } from '../db/database.ts';
import { AppError } from '../errors.ts';
import { createOrganisation, listOrganisations, resolveOrganisation } from '../modules/organisations/organisation-service.ts';
import { addUser, createApiKey, isRole } from '../modules/users/user-service.ts';
import { importInvoiceFile } from '../modules/invoices/invoice-import.ts';
import { agingReport, dsoReport, AGING_BUCKETS } from '../modules/reporting/reports.ts';
import { buildDemo } from '../modules/demo/demo.ts';
import { isBusinessDate, todayIn } from '../core/dates.ts';
import { formatAmount } from '../core/money.ts';
import { checkKnown, UsageError, type ParsedArgs } from './args.ts';
import * as P from '../http/present.ts';
import { importStatementFile } from '../modules/cashapp/statement-import.ts';
import { ALLOCATION_COLUMNS, MUTATION_COLUMNS, exportAllocations, exportMutations, toCsv } from '../modules/cashapp/exports.ts';
import { exportPaymentsMt940 } from '../modules/cashapp/payments-export.ts';
import { runFollowup, type RunResult } from '../modules/followup/daily-run.ts';
import { dispatchOutbox, heldForTransport } from '../modules/messaging/dispatch.ts';
import { transportsFor } from '../modules/messaging/transports-config.ts';
import { bundleLetters } from '../modules/messaging/letter-bundle.ts';
import { importBounceMailbox, type MailboxImportResult } from '../modules/messaging/bounce-import.ts';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export interface CommandContext {
  handle: DatabaseHandle;
  args: ParsedArgs;
  io: Io;
  cwd: string;
  json: boolean;
  orgSlug: string | undefined;
  /** The environment of the command (a command handed to the running server brings its caller's ARFLOW_*). */
  env?: Record<string, string | undefined>;
  /** Aborted when the user interrupts (Ctrl-C) a command run in this process. */
  signal?: AbortSignal | undefined;
}

const HOW_TO_CONFIGURE: Record<string, string> = {
  email: 'set ARFLOW_SMTP_URL or the organisation\'s smtp_url',
  sms: 'set ARFLOW_TWILIO_*',
  voice: 'set ARFLOW_TWILIO_*',
  letter: 'set ARFLOW_LETTERS=bundle or ARFLOW_PINGEN_*',
};

export const USAGE = `arflow [--db PATH|URL] [--org SLUG] [--json] COMMAND

Commands:
  init --org SLUG --name NAME --country NL|BE --iban IBAN [--currency EUR] [--language nl] [--creditor-id ID]
  start [--port 3000] [--host 127.0.0.1]     the demo organisation (made once) and the server
  serve [--port 3000] [--host 127.0.0.1]     API, docs and jobs (daily follow-up, outbox every minute) in one process
  worker                                     jobs only, for scale-out on PostgreSQL
  demo [--org demo]                          a demo organisation with realistic history
  user add --email E --password P --role owner|admin|controller|viewer [--name N]
  apikey add --name N --role owner|admin|controller|viewer
  import invoices FILE [--skip-invalid]      CSV or UBL/Peppol BIS 3 invoice or credit note
  import statement FILE                      MT940, camt.053/054 or CODA: imports, matches, allocates
  export allocations [--from D] [--to D] [--format csv|json]
  export payments --format mt940 [--from D] [--to D]
  export mutations [--from D] [--to D] [--format csv|json] [--all]   (--all: again, also what was exported)
  report aging [--date D]                    aging buckets per debtor and totals
  report dso [--date D]                      DSO, countback method
  followup run [--date D] [--dry-run]        the follow-up engine for day D: messages, tasks, charges, hand-overs
  outbox dispatch                            send what is queued (SMTP from ARFLOW_SMTP_URL or the organisation), then exit
  letters bundle [--date D] [--out FILE]     own printing (ARFLOW_LETTERS=bundle): the letters sent on day D as one
                                             PDF for duplex printing; each letter in one bundle only (default file
                                             letters-D.pdf, then letters-D-2.pdf …)
  bounces import FILE...                     delivery status notifications and abuse reports (.eml or mbox)
  law costs --country NL|BE --principal AMOUNT [--consumer] [--vat-rate 21]
  law interest --country NL|BE --kind commercial|statutory --principal AMOUNT --from D --to D
  openapi                                    print the OpenAPI document

Database: --db, else DATABASE_URL, else ARFLOW_DATA_DIR, else ./data/arflow (embedded PGlite).
Organisation: --org, else ARFLOW_ORG, else the only one.`;

function required(args: ParsedArgs, name: string): string {
  const v = args.options.get(name);
  if (v === undefined || v.trim() === '') throw new UsageError(`--${name} is required.`);
  return v;
}

function dateOption(args: ParsedArgs, fallback: string): string {
  const d = args.options.get('date');
  if (d === undefined) return fallback;
  if (!isBusinessDate(d)) throw new UsageError(`--date "${d}" is not a date (YYYY-MM-DD).`);
  return d;
}

function dateArg(args: ParsedArgs, name: string): string | undefined {
  const d = args.options.get(name);
  if (d === undefined) return undefined;
  if (!isBusinessDate(d)) throw new UsageError(`--${name} "${d}" is not a date (YYYY-MM-DD).`);
  return d;
}

function readInputFile(cwd: string, file: string): Buffer {
  const path = resolve(cwd, file);
  try {
    if (statSync(path).isDirectory()) throw new AppError('invalid_file', `${file} is a folder, not a file.`);
    return readFileSync(path);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('invalid_file', `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`);
  }
}

export function presentRun(r: RunResult, currency: string) {
  const money = (v: bigint) => formatAmount(v, currency);
  return {
    date: r.date, dry_run: r.dryRun, run_id: r.runId, invoices_considered: r.invoicesConsidered, executed: r.executed, skipped: r.skipped, deferred: r.deferred,
    messages: r.messages.map((m) => ({ debtor_id: m.debtorId, debtor_number: m.debtorNumber, step: m.stepKey, kind: m.kind, template: m.template, channels: m.channels, invoices: m.invoices, amount: money(m.amount), deadline: m.deadline, stated_costs: m.statedCosts === null ? null : money(m.statedCosts) })),
    tasks: r.tasks.map((t) => ({ debtor_id: t.debtorId, debtor_number: t.debtorNumber, kind: t.kind, title: t.title, assignee_role: t.assigneeRole, due_date: t.dueDate, invoices: t.invoices })),
    charges: r.charges.map((c) => ({ invoice_number: c.invoiceNumber, costs: money(c.costs), interest: money(c.interest), rule: c.rule })),
    handovers: r.handovers, promises_kept: r.promisesKept, promises_broken: r.promisesBroken,
  };
}

function emit(ctx: CommandContext, json: unknown, text: string): void {
  ctx.io.out(ctx.json ? JSON.stringify(json, null, 2) : text);
}

/** Runs one command against an open database. Returns the exit code. */
export async function executeCommand(ctx: CommandContext): Promise<number> {
  const [command, sub, ...rest] = ctx.args.positionals;
  const args = ctx.args;
  switch (command) {
    case 'init': {
      checkKnown(args, ['name', 'country', 'iban', 'currency', 'language', 'creditor-id', 'vat-number', 'coc-number'], 'init');
      const slug = ctx.orgSlug ?? required(args, 'org');
      const country = required(args, 'country').toUpperCase();
      if (country !== 'NL' && country !== 'BE') throw new UsageError(`--country must be NL or BE, not "${country}".`);
      const { organisation, created } = await createOrganisation(ctx.handle.db, {
        slug, name: required(args, 'name'), country, iban: required(args, 'iban'), currency: args.options.get('currency'),
        language: args.options.get('language'), creditorId: args.options.get('creditor-id') ?? null,
        vatNumber: args.options.get('vat-number') ?? null, cocNumber: args.options.get('coc-number') ?? null,
      });
      emit(ctx, { created, organisation: P.presentOrganisation(organisation) }, created ? `Created organisation ${organisation.slug} (${organisation.legal_name}).` : `Organisation ${organisation.slug} exists already with these values.`);
      return 0;
    }
    case 'demo': {
      checkKnown(args, ['date'], 'demo');
      const result = await buildDemo(ctx.handle.db, { slug: ctx.orgSlug ?? 'demo', today: args.options.get('date') });
      emit(ctx, result, result.created
        ? `Demo organisation "${result.slug}": ${result.debtors} debtors, ${result.invoices} invoices.\nLog in as ${result.login.email} / ${result.login.password}`
        : `Demo organisation "${result.slug}" exists already.\nLog in as ${result.login.email} / ${result.login.password}`);
      return 0;
    }
    case 'user': {
      if (sub !== 'add') throw new UsageError('Use "arflow user add --email E --password P --role ROLE".');
      checkKnown(args, ['email', 'password', 'role', 'name'], 'user add');
      const role = required(args, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be owner, admin, controller or viewer, not "${role}".`);
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const user = await inOrg(ctx.handle.db, org.org_id, (trx) => addUser(trx, org.org_id, { email: required(args, 'email'), password: required(args, 'password'), role, name: args.options.get('name') ?? null }));
      emit(ctx, { id: user.user_id, email: user.email, role: user.role, organisation: org.slug }, `Added ${user.email} as ${user.role} of ${org.slug}.`);
      return 0;
    }
    case 'apikey': {
      if (sub !== 'add') throw new UsageError('Use "arflow apikey add --name N --role ROLE".');
      checkKnown(args, ['name', 'role'], 'apikey add');
      const role = required(args, 'role');
      if (!isRole(role)) throw new UsageError(`--role must be owner, admin, controller or viewer, not "${role}".`);
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const key = await inOrg(ctx.handle.db, org.org_id, (trx) => createApiKey(trx, org.org_id, { name: required(args, 'name'), role }));
      emit(ctx, { id: key.api_key_id, name: key.name, role: key.role, secret: key.secret }, `API key ${key.name} (${key.role}): ${key.secret}\nIt is shown once; keep it safe.`);
      return 0;
    }
    case 'import': {
      if (sub === 'statement') {
        checkKnown(args, ['date'], 'import statement');
        const file = rest[0];
        if (!file) throw new UsageError('Name the file: arflow import statement FILE.');
        const content = readInputFile(ctx.cwd, file);
        const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
        const s = await importStatementFile(ctx.handle.db, org, { fileName: file, content, actor: 'cli', today: dateOption(args, todayIn(org.time_zone)) });
        const lines = [
          `${file} (${s.format}): ${s.statements.length} statement${s.statements.length === 1 ? '' : 's'}, ${s.transactions} transactions, ${s.newTransactions} new (${s.credits} credits, ${s.debits} debits); ${s.booked} booked (${org.currency} ${s.bookedAmount}), ${s.review} to review.`,
          ...s.statements.map((st) => `  ${st.account} ${st.statementId ?? ''}: ${st.openingBalance ?? '?'} → ${st.closingBalance ?? '?'}, ${st.new} new, ${st.known} known, ${st.continuity}${st.continuityDetail ? ` (${st.continuityDetail})` : ''}`),
          ...s.warnings.map((w) => `  warning: ${w}`),
        ];
        emit(ctx, s, lines.join('\n'));
        return 0;
      }
      if (sub !== 'invoices') throw new UsageError('Use "arflow import invoices FILE" or "arflow import statement FILE".');
      checkKnown(args, ['skip-invalid', 'date'], 'import invoices');
      const file = rest[0];
      if (!file) throw new UsageError('Name the file: arflow import invoices FILE.');
      const content = readInputFile(ctx.cwd, file);
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const summary = await importInvoiceFile(ctx.handle.db, org, {
        fileName: file, content, skipInvalid: args.flags.has('skip-invalid'), actor: 'cli', today: dateOption(args, todayIn(org.time_zone)),
      });
      const lines = [
        `${file}: ${summary.rows} row${summary.rows === 1 ? '' : 's'}: ${summary.created} created, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.rejected} rejected; debtors ${summary.debtorsCreated} created, ${summary.debtorsUpdated} updated.`,
        ...summary.errors.map((e) => `  rejected ${e.file}:${e.line}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`),
        ...summary.warnings.map((e) => `  warning ${e.file}:${e.line}${e.column ? ` [${e.column}]` : ''}: ${e.reason}`),
      ];
      emit(ctx, P.presentImportSummary(summary), lines.join('\n'));
      return 0;
    }
    case 'report': {
      checkKnown(args, ['date', 'currency'], `report ${sub ?? ''}`);
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const date = dateOption(args, todayIn(org.time_zone));
      if (sub === 'aging') {
        const report = await inOrg(ctx.handle.db, org.org_id, (trx) => agingReport(trx, date));
        emit(ctx, P.presentAging(report), formatAgingText(report));
        return 0;
      }
      if (sub === 'dso') {
        const currency = args.options.get('currency') ?? org.currency;
        const report = await inOrg(ctx.handle.db, org.org_id, (trx) => dsoReport(trx, date, currency));
        emit(ctx, P.presentDso(report), `DSO on ${report.date} (countback): ${report.dso} days; receivables ${report.currency} ${formatAmount(report.receivables, report.currency)}.`);
        return 0;
      }
      throw new UsageError('Use "arflow report aging" or "arflow report dso".');
    }
    case 'followup': {
      if (sub !== 'run') throw new UsageError('Use "arflow followup run [--date D] [--dry-run]".');
      checkKnown(args, ['date', 'dry-run'], 'followup run');
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const date = dateOption(args, todayIn(org.time_zone));
      const r = await runFollowup(ctx.handle.db, org, { date, dryRun: args.flags.has('dry-run'), actor: 'cli' });
      const money = (v: bigint) => formatAmount(v, org.currency);
      const lines = [
        `Follow-up ${r.dryRun ? 'dry run' : 'run'} for ${r.date}: ${r.invoicesConsidered} open invoices in follow-up; ${r.executed} steps ${r.dryRun ? 'would run' : 'ran'}, ${r.skipped} superseded, ${r.deferred} deferred to a later day.`,
        ...r.messages.map((m) => `  message  ${m.debtorNumber} ${m.debtorName}: ${m.template} by ${m.channels.join('/')} for ${m.invoices.join(', ')} (${money(m.amount)})${m.deadline ? `, pay by ${m.deadline}` : ''}${m.statedCosts !== null ? `, costs stated ${money(m.statedCosts)}` : ''}`),
        ...r.tasks.map((t) => `  task     ${t.debtorNumber}: ${t.title} (${t.assigneeRole}, due ${t.dueDate}) for ${t.invoices.join(', ')}`),
        ...r.charges.map((c) => `  charge   ${c.invoiceNumber}: costs ${money(c.costs)}, interest ${money(c.interest)} (${c.rule})`),
        ...r.handovers.map((h) => `  handover ${h}`),
        ...(r.promisesBroken || r.promisesKept ? [`  promises: ${r.promisesKept} kept, ${r.promisesBroken} broken`] : []),
      ];
      emit(ctx, presentRun(r, org.currency), lines.join('\n'));
      return 0;
    }
    case 'outbox': {
      if (sub !== 'dispatch') throw new UsageError('Use "arflow outbox dispatch".');
      checkKnown(args, [], 'outbox dispatch');
      const orgs = ctx.orgSlug ? [await resolveOrganisation(ctx.handle.db, ctx.orgSlug)] : await listOrganisations(ctx.handle.db);
      const results = [];
      for (const org of orgs) {
        if (ctx.signal?.aborted) break;
        const { transports, description, close } = transportsFor(org, ctx.env ?? process.env);
        try {
          const s = await dispatchOutbox(ctx.handle.db, org, { ...transports, signal: ctx.signal, publicUrl: (ctx.env ?? process.env).ARFLOW_PUBLIC_URL });
          const held = await heldForTransport(ctx.handle.db, org, transports);
          results.push({ organisation: org.slug, smtp: description.email, transports: description, ...s, held });
        } finally {
          close();
        }
      }
      emit(ctx, results, results.map((r) => `${r.organisation}: ${r.sent} sent, ${r.waiting} waiting, ${r.failed} failed${r.possibleDuplicates ? `, ${r.possibleDuplicates} possibly sent twice (same Message-ID)` : ''}${Object.entries(r.held).map(([channel, n]) => `; ${n} ${channel} message${n === 1 ? '' : 's'} held: no ${channel} transport (${HOW_TO_CONFIGURE[channel] ?? 'see the README'})`).join('')}${r.transports.letter?.startsWith('bundle') ? '; letters go into the day’s bundle: print it with "arflow letters bundle"' : ''}`).join('\n'));
      return 0;
    }
    case 'letters': {
      if (sub !== 'bundle') throw new UsageError('Use "arflow letters bundle [--date D] [--out FILE]".');
      checkKnown(args, ['date', 'out'], 'letters bundle');
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const date = dateOption(args, todayIn(org.time_zone));
      const explicit = args.options.get('out');
      let file = explicit ? resolve(ctx.cwd, explicit) : resolve(ctx.cwd, `letters-${date}.pdf`);
      for (let n = 2; !explicit && existsSync(file); n++) file = resolve(ctx.cwd, `letters-${date}-${n}.pdf`);
      const r = await bundleLetters(ctx.handle.db, org, {
        date,
        write: (pdf) => {
          try {
            writeFileSync(file, pdf, { flag: explicit ? 'w' : 'wx' });
          } catch (e) {
            throw new AppError('invalid_file', `Cannot write ${file}: ${(e as Error).message}.`);
          }
        },
      });
      const written = r.letters.length > 0 ? file : null;
      const registered = r.letters.filter((l) => l.registered).length;
      const lines = [
        written
          ? `Bundle for ${date}: ${r.letters.length} letter${r.letters.length === 1 ? '' : 's'}${registered ? ` (${registered} registered: take these to the post office)` : ''}, ${r.pages} pages for duplex printing → ${written}`
          : `No letters to bundle for ${date}: nothing written.`,
        ...r.pendingOtherDays.map((p) => `  still to bundle: ${p.letters} letter${p.letters === 1 ? '' : 's'} of ${p.date} (arflow letters bundle --date ${p.date})`),
      ];
      emit(ctx, {
        date, file: written, letters: r.letters.length, registered, pages: r.pages, sha256: r.sha256,
        items: r.letters.map((l) => ({ message_id: l.messageId, debtor_number: l.debtorNumber, pages: l.pages, first_page: l.firstPage, registered: l.registered })),
        pending_other_days: r.pendingOtherDays,
      }, lines.join('\n'));
      return 0;
    }
    case 'bounces': {
      if (sub !== 'import') throw new UsageError('Use "arflow bounces import FILE...".');
      checkKnown(args, [], 'bounces import');
      if (rest.length === 0) throw new UsageError('Name the files: arflow bounces import FILE... (.eml files or an mbox).');
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const results: MailboxImportResult[] = [];
      for (const file of rest) {
        const content = readInputFile(ctx.cwd, file);
        const found = await inOrg(ctx.handle.db, org.org_id, (trx) => importBounceMailbox(trx, org, file, content));
        if (found.length === 0) throw new AppError('invalid_file', `${file} holds no e-mail message.`);
        results.push(...found);
      }
      const outcomes = results.flatMap((r) => r.outcomes);
      const count = (k: string) => outcomes.filter((o) => o.outcome === k).length;
      const lines = [
        ...results.flatMap((r) => (r.skipped !== null
          ? [`  ${r.source} message ${r.number} (line ${r.line}): skipped, ${r.skipped}`]
          : r.outcomes.map((o) => `  ${r.source} message ${r.number} (line ${r.line}): ${o.outcome.replace('_', ' ')} ${o.email ?? '?'}${o.messageId ? ` (${o.messageId})` : ''}: ${o.detail}`))),
        `${results.length} message${results.length === 1 ? '' : 's'} read: ${count('hard_bounce')} hard bounces, ${count('soft_bounce')} soft bounces, ${count('delivered')} delivered, ${count('complaint')} complaints, ${count('unmatched')} not ours, ${count('already_recorded')} already recorded, ${results.filter((r) => r.skipped !== null).length} skipped.`,
      ];
      emit(ctx, results.map((r) => ({ file: r.source, message: r.number, line: r.line, skipped: r.skipped, outcomes: r.outcomes.map((o) => ({ outcome: o.outcome, message_id: o.messageId, email: o.email, detail: o.detail })) })), lines.join('\n'));
      return 0;
    }
    case 'export': {
      checkKnown(args, ['from', 'to', 'format', 'all'], `export ${sub ?? ''}`);
      const org = await resolveOrganisation(ctx.handle.db, ctx.orgSlug);
      const range = { from: dateArg(args, 'from'), to: dateArg(args, 'to') };
      const format = args.options.get('format') ?? 'csv';
      if (sub === 'allocations' || sub === 'mutations') {
        if (format !== 'csv' && format !== 'json') throw new UsageError(`--format must be csv or json, not "${format}".`);
        const text = await inOrg(ctx.handle.db, org.org_id, async (trx) => {
          if (sub === 'allocations') {
            const rows = await exportAllocations(trx, range);
            return format === 'json' || ctx.json ? JSON.stringify(rows, null, 2) : toCsv(ALLOCATION_COLUMNS, rows);
          }
          const rows = await exportMutations(trx, { ...range, all: args.flags.has('all') });
          return format === 'json' || ctx.json ? JSON.stringify(rows, null, 2) : toCsv(MUTATION_COLUMNS, rows);
        });
        ctx.io.out(text);
        return 0;
      }
      if (sub === 'payments') {
        if (format !== 'mt940') throw new UsageError('Use "arflow export payments --format mt940".');
        const text = await inOrg(ctx.handle.db, org.org_id, (trx) => exportPaymentsMt940(trx, range));
        ctx.io.out(text);
        return 0;
      }
      throw new UsageError('Use "arflow export allocations|payments|mutations".');
    }
    case undefined:
    case 'help':
      ctx.io.out(USAGE);
      return 0;
    default:
      throw new UsageError(`Unknown command "${[command, sub].filter(Boolean).join(' ')}". See "arflow help".`);
  }
}

function formatAgingText(report: Awaited<ReturnType<typeof agingReport>>): string {
  const head = ['debtor', 'name', 'cur', 'not due', '1-30', '31-60', '61-90', '91-180', '>180', 'total'];
  const rows = report.debtors.map((d) => [d.debtor_number, d.debtor_name.slice(0, 28), d.currency, ...AGING_BUCKETS.map((b) => formatAmount(d.buckets[b], d.currency)), formatAmount(d.total, d.currency)]);
  for (const t of report.totals) rows.push(['TOTAL', '', t.currency, ...AGING_BUCKETS.map((b) => formatAmount(t.buckets[b], t.currency)), formatAmount(t.total, t.currency)]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const fmt = (r: string[]) => r.map((c, i) => (i >= 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  return [`Aging on ${report.date}`, fmt(head), ...rows.map(fmt)].join('\n');
}
