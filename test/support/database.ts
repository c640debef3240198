import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.ts';

// Tests run on PGlite (in memory) by default, and on PostgreSQL when DATABASE_URL is set: each
// test file then gets a database of its own, created here and dropped when it closes.

export interface TestDatabase extends DatabaseHandle {
  /** A connection string to this very database (PostgreSQL only), for subprocess tests. */
  url: string | null;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.DATABASE_URL;
  if (!base) {
    const handle = await openDatabase('memory://');
    return { ...handle, url: null };
  }
  const name = `arflow_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(base, name);
  const handle = await openDatabase(url);
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The shared corpora folder beside the repository, or null when it is absent. */
export function corporaDir(): string | null {
  const dir = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));
  return existsSync(dir) ? dir : null;
}
