import { PGlite, types as pgliteTypes } from '@electric-sql/pglite';
import { Kysely, PGliteDialect, PostgresDialect, sql, type Transaction } from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import pg from 'pg';
import { mkdirSync } from 'node:fs';
import type { Database } from './schema.ts';
import * as foundation from './migrations/2026-11-22-0001-foundation.ts';
import * as cashApplication from './migrations/2026-11-22-0002-cash-application.ts';
import * as followup from './migrations/2026-11-22-0003-followup.ts';
import * as followupIndexes from './migrations/2026-11-22-0004-followup-indexes.ts';
import * as outboxDispatch from './migrations/2026-11-22-0005-outbox-dispatch.ts';
import * as smsVoice from './migrations/2026-11-22-0006-sms-voice.ts';
import * as letters from './migrations/2026-11-22-0007-letters.ts';
import * as emailDelivery from './migrations/2026-11-22-0008-email-delivery.ts';
import * as followupRules from './migrations/2026-11-22-0009-followup-rules.ts';
import * as followupState from './migrations/2026-11-22-0010-followup-state.ts';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
export type DbExecutor = Db | Trx;

export interface DatabaseHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Where the data lives: a folder for PGlite, the URL (without password) for PostgreSQL. */
  location: string;
  /** The raw driver, for COPY and other things Kysely does not do. */
  pglite: PGlite | null;
  pool: pg.Pool | null;
  close(): Promise<void>;
}

// NOTE: migrations are frozen and ordered by their dated names; add new ones, never edit old ones.
const MIGRATIONS: Record<string, Migration> = {
  '2026-11-22-0001-foundation': foundation,
  '2026-11-22-0002-cash-application': cashApplication,
  '2026-11-22-0003-followup': followup,
  '2026-11-22-0004-followup-indexes': followupIndexes,
  '2026-11-22-0005-outbox-dispatch': outboxDispatch,
  '2026-11-22-0006-sms-voice': smsVoice,
  '2026-11-22-0007-letters': letters,
  '2026-11-22-0008-email-delivery': emailDelivery,
  '2026-11-22-0009-followup-rules': followupRules,
  '2026-11-22-0010-followup-state': followupState,
};

const INT8_OID = 20;
const DATE_OID = 1082;

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

function makePgTypes(): pg.CustomTypesConfig {
  return {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
      if (oid === INT8_OID) return (v: string) => BigInt(v);
      if (oid === DATE_OID) return (v: string) => v;
      return format === 'binary' ? (pg.types.getTypeParser(oid, 'binary') as unknown) : (pg.types.getTypeParser(oid, 'text') as unknown);
    }) as pg.CustomTypesConfig['getTypeParser'],
  };
}

/** Opens the database: a postgres:// URL, `memory://` (tests) or a PGlite data folder. */
export async function openDatabase(target: string, options: { migrate?: boolean } = {}): Promise<DatabaseHandle> {
  let handle: DatabaseHandle;
  if (isPostgresUrl(target)) {
    const pool = new pg.Pool({ connectionString: target, types: makePgTypes(), max: 10 });
    // NOTE: an idle connection that the server ends (a restart, a dropped database) must not take
    // the process down: the pool replaces it on the next query.
    pool.on('error', (e) => process.stderr.write(`arflow: an idle PostgreSQL connection ended: ${e.message}\n`));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const safe = target.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
    handle = { db, kind: 'postgres', location: safe, pglite: null, pool, close: () => db.destroy() };
  } else {
    const memory = target === 'memory://';
    if (!memory) mkdirSync(target, { recursive: true });
    const parsers = { [pgliteTypes.INT8]: (v: string) => BigInt(v), [pgliteTypes.DATE]: (v: string) => v };
    const pglite = memory ? new PGlite({ parsers }) : new PGlite(target, { parsers });
    await pglite.waitReady;
    const db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }) });
    handle = { db, kind: 'pglite', location: target, pglite, pool: null, close: () => db.destroy() };
  }
  if (options.migrate !== false) await migrateToLatest(handle.db);
  return handle;
}

export async function migrateToLatest(db: Db): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve(MIGRATIONS) },
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Runs `fn` in one transaction as the application role, scoped to one organisation: row-level
 * security then shows and accepts only that organisation's rows.
 */
export async function inOrg<T>(db: Db, orgId: string, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('arflow.org_id', ${orgId}, true)`.execute(trx);
    await sql`SET LOCAL ROLE arflow_app`.execute(trx);
    return fn(trx);
  });
}
