import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { isPostgresUrl, openDatabase, type DatabaseHandle } from '../db/database.ts';
import { AppError, isAppError } from '../errors.ts';
import { buildApp } from '../http/app.ts';
import { buildDemo } from '../modules/demo/demo.ts';
import { parseArgs, UsageError, checkKnown, type ParsedArgs } from './args.ts';
import { executeCommand, USAGE, type Io } from './commands.ts';
import { readOwner, tryAcquire, type OwnerInfo } from './data-folder-lock.ts';
import { lawCommand } from './law-command.ts';
import { createJobRunner } from '../jobs/boss.ts';

const DEFAULT_DATA_DIR = './data/arflow';

/** The database the CLI contract names: --db, else DATABASE_URL, else ARFLOW_DATA_DIR, else ./data/arflow. */
export function resolveTarget(args: ParsedArgs, env: NodeJS.ProcessEnv, cwd: string): string {
  const target = args.options.get('db') ?? env.DATABASE_URL ?? env.ARFLOW_DATA_DIR ?? DEFAULT_DATA_DIR;
  return isPostgresUrl(target) || target === 'memory://' ? target : resolve(cwd, target);
}

function stdIo(): Io {
  return { out: (t) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`), err: (t) => process.stderr.write(t.endsWith('\n') ? t : `${t}\n`) };
}

/** Renders an error: one sentence on stderr (JSON with --json); 2 for bad input, 1 otherwise. */
export function reportError(e: unknown, io: Io, json: boolean): number {
  if (e instanceof UsageError) {
    io.err(json ? JSON.stringify({ code: 'usage', detail: e.message }) : `arflow: ${e.message}`);
    return 2;
  }
  if (isAppError(e)) {
    const details = e.details as { errors?: unknown[] } | undefined;
    io.err(json ? JSON.stringify({ code: e.code, detail: e.message, ...(details?.errors ? { errors: details.errors } : {}) }, null, 2) : `arflow: ${e.message}`);
    return e.status >= 400 && e.status < 500 ? 2 : 1;
  }
  const message = e instanceof Error ? e.message : String(e);
  io.err(json ? JSON.stringify({ code: 'internal', detail: message }) : `arflow: ${message}`);
  if (process.env.ARFLOW_DEBUG && e instanceof Error) io.err(e.stack ?? '');
  return 1;
}

/** Runs a command in this process with an open database, capturing output (used by the server). */
export async function runInProcess(handle: DatabaseHandle, argv: string[], cwd: string, env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => (stdout += t.endsWith('\n') ? t : `${t}\n`), err: (t) => (stderr += t.endsWith('\n') ? t : `${t}\n`) };
  let json = false;
  try {
    const args = parseArgs(argv);
    json = args.flags.has('json');
    const command = args.positionals[0];
    if (command === 'serve' || command === 'start' || command === 'worker') {
      throw new AppError('data_folder_busy', `This data folder is already served by process ${process.pid}; stop that server first or use another --db.`);
    }
    // NOTE: the caller's ARFLOW_* settings (ARFLOW_SMTP_URL, ARFLOW_LETTERS …) apply to its command.
    const commandEnv = { ...process.env, ...env };
    const exitCode = await executeCommand({ handle, args, io, cwd, json, orgSlug: args.options.get('org') ?? commandEnv.ARFLOW_ORG, env: commandEnv });
    return { exitCode, stdout, stderr };
  } catch (e) {
    return { exitCode: reportError(e, io, json), stdout, stderr };
  }
}

async function forwardToServer(owner: OwnerInfo, argv: string[], cwd: string, io: Io, json: boolean): Promise<number> {
  try {
    const response = await fetch(`${owner.url}/api/local/cli`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-arflow-local-token': owner.token ?? '' },
      // The command's ARFLOW_* environment goes along (not the data folder: the server has its own).
      body: JSON.stringify({ argv, cwd, env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[0].startsWith('ARFLOW_') && e[0] !== 'ARFLOW_DATA_DIR' && e[1] !== undefined)) }),
    });
    if (!response.ok) throw new Error(`the server answered ${response.status}`);
    const r = (await response.json()) as { exit_code: number; stdout: string; stderr: string };
    if (r.stdout) process.stdout.write(r.stdout);
    if (r.stderr) process.stderr.write(r.stderr);
    return r.exit_code;
  } catch (e) {
    return reportError(new AppError('data_folder_busy', `The data folder is owned by a running server (process ${owner.pid}) that did not take the command (${(e as Error).message}); stop it or try again.`), io, json);
  }
}

async function serve(handle: DatabaseHandle, args: ParsedArgs, io: Io, owner: ReturnType<typeof tryAcquire> | null, withDemo: boolean): Promise<number> {
  checkKnown(args, ['port', 'host'], args.positionals[0] ?? 'serve');
  const port = Number(args.options.get('port') ?? process.env.PORT ?? 3000);
  const host = args.options.get('host') ?? process.env.HOST ?? '127.0.0.1';
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port "${args.options.get('port')}" is not a port number.`);
  let loginText = '';
  if (withDemo) {
    const demo = await buildDemo(handle.db, { slug: 'demo' });
    loginText = `Demo organisation "${demo.slug}" (${demo.debtors} debtors, ${demo.invoices} invoices). Log in: POST /api/session with {"email":"${demo.login.email}","password":"${demo.login.password}"}`;
  }
  const token = randomBytes(24).toString('base64url');
  const app = await buildApp({ handle, logger: false, local: { token, run: (argv, cwd, env) => runInProcess(handle, argv, cwd, env) } });
  // NOTE: jobs (the daily follow-up at 06:00 in each organisation's time zone, the outbox every minute) run in this process
  // too, unless ARFLOW_JOBS=off (then an `arflow worker` on PostgreSQL runs them).
  const runner = process.env.ARFLOW_JOBS === 'off' ? null : await createJobRunner(handle, { schedule: true, work: true });
  const address = await app.listen({ port, host });
  const url = address.replace('[::1]', '127.0.0.1');
  if (owner?.acquired) owner.update({ kind: 'server', url, token });
  io.out(`ArFlow serves on ${url} (database: ${handle.kind} ${handle.location}). API docs: ${url}/api/docs`);
  if (loginText) io.out(loginText);
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await app.close();
  await runner?.stop();
  return 0;
}

async function worker(handle: DatabaseHandle, args: ParsedArgs, io: Io): Promise<number> {
  checkKnown(args, [], 'worker');
  const runner = await createJobRunner(handle, { schedule: true, work: true });
  io.out(`ArFlow worker running jobs (database: ${handle.kind} ${handle.location}); stop with Ctrl-C.`);
  await new Promise<void>((resolveStop) => {
    process.once('SIGINT', () => resolveStop());
    process.once('SIGTERM', () => resolveStop());
  });
  await runner.stop();
  return 0;
}

/** The process entry: parses, finds the database, takes or shares the data folder, runs. */
export async function runCli(argv: string[]): Promise<number> {
  const io = stdIo();
  let json = argv.includes('--json');
  let handle: DatabaseHandle | null = null;
  let release: (() => void) | null = null;
  try {
    const args = parseArgs(argv);
    json = args.flags.has('json');
    const command = args.positionals[0];
    if (args.flags.has('help') || command === undefined || command === 'help') {
      io.out(USAGE);
      return 0;
    }
    if (command === 'law') return await lawCommand(args, io, json);
    if (command === 'openapi') {
      const app = await buildApp({ handle: { db: null as never, kind: 'pglite', location: '', pglite: null, pool: null, close: () => Promise.resolve() } });
      await app.ready();
      io.out(JSON.stringify(app.swagger(), null, 2));
      return 0;
    }
    const cwd = process.cwd();
    const target = resolveTarget(args, process.env, cwd);
    const embedded = !isPostgresUrl(target) && target !== 'memory://';
    const isServer = command === 'serve' || command === 'start' || command === 'worker';
    let lock: ReturnType<typeof tryAcquire> | null = null;
    if (embedded) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        lock = tryAcquire(target, { kind: isServer ? 'server' : 'cli' });
        if (lock.acquired) break;
        const owner = lock.owner;
        if (owner.kind === 'server' && owner.url) {
          if (isServer) throw new AppError('data_folder_busy', `The data folder ${target} is already served by process ${owner.pid} on ${owner.url}; stop it first or use another --db.`);
          return await forwardToServer(owner, argv.filter((a, i) => a !== '--db' && argv[i - 1] !== '--db' && !a.startsWith('--db=')), cwd, io, json);
        }
        if (Date.now() > deadline) throw new AppError('data_folder_busy', `The data folder ${target} is in use by process ${owner.pid}; try again when it has finished.`);
        await new Promise((r) => setTimeout(r, 250));
        if (readOwner(target) === null) continue;
      }
      release = lock.release;
    }
    handle = await openDatabase(target);
    if (command === 'worker') return await worker(handle, args, io);
    if (isServer) return await serve(handle, args, io, lock, command === 'start');
    // NOTE: Ctrl-C stops a long command (the outbox dispatch) cleanly: what it holds goes back to the queue.
    const interrupt = new AbortController();
    const onSignal = (): void => interrupt.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      return await executeCommand({ handle, args, io, cwd, json, orgSlug: args.options.get('org') ?? process.env.ARFLOW_ORG, signal: interrupt.signal });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  } catch (e) {
    return reportError(e, io, json);
  } finally {
    if (handle) await handle.close();
    if (release) release();
  }
}
