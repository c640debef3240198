import { types, type PGlite, type QueryOptions } from '@electric-sql/pglite';
import type { Db as BossDb } from 'pg-boss';

// pg-boss on the application's own PGlite instance. PGlite is one connection shared by the app
// (Kysely) and pg-boss, and it serialises callers with its transaction lock: `query`, `exec` and
// `transaction` each wait for the lock, so a pg-boss statement never lands inside a Kysely
// transaction and the reverse.
//
// Three things differ from the `pg` pool pg-boss is written for:
// - `query()` takes one statement (extended protocol). pg-boss sends its schema installation,
//   migrations and maintenance as parameterless multi-statement scripts, which go through `exec()`
//   (simple protocol); the rows of every statement are flattened so a RETURNING in the middle of a
//   `BEGIN; … COMMIT;` script is not lost behind the COMMIT's empty result.
// - A pool drops a connection whose explicit transaction failed; here the one session would stay in
//   an aborted transaction and poison the next caller, possibly the app's. A script that opens its
//   own transaction therefore runs inside `pglite.transaction()`, which holds the lock until it has
//   rolled back on error. (Its BEGIN then only warns "already in a transaction" and its COMMIT ends
//   the outer one; PGlite's closing COMMIT warns "no transaction in progress". Both are silent.)
//   Statements outside an explicit transaction roll back by themselves.
// - The app's instance parses int8 as BigInt and date as a string; pg-boss expects PGlite's stock
//   parsing (numbers and Dates), so every pg-boss statement carries those parsers.

const STARTS_TRANSACTION = /^\s*BEGIN\b/i;
const INT8_ARRAY = 1016;
const DATE_ARRAY = 1182;

function stockParser(oid: number): (value: string) => unknown {
  return (value) => types.parseType(value, oid) as unknown;
}

const BOSS_QUERY_OPTIONS: QueryOptions = {
  rowMode: 'object',
  parsers: {
    [types.INT8]: stockParser(types.INT8),
    [types.DATE]: stockParser(types.DATE),
    [INT8_ARRAY]: (value: string) => types.arrayParser(value, stockParser(types.INT8), INT8_ARRAY) as unknown,
    [DATE_ARRAY]: (value: string) => types.arrayParser(value, stockParser(types.DATE), DATE_ARRAY) as unknown,
  },
};

type Row = Record<string, unknown>;

/** The `db` option for pg-boss over a PGlite instance (use with `backend: 'pglite'`). */
export function pgliteBossDb(pglite: PGlite): BossDb {
  return {
    async executeSql(text: string, values?: unknown[]): Promise<{ rows: Row[] }> {
      if (values && values.length > 0) {
        const result = await pglite.query<Row>(text, values, BOSS_QUERY_OPTIONS);
        return { rows: result.rows };
      }
      const results = STARTS_TRANSACTION.test(text)
        ? await pglite.transaction((tx) => tx.exec(text, BOSS_QUERY_OPTIONS))
        : await pglite.exec(text, BOSS_QUERY_OPTIONS);
      return { rows: results.flatMap((r) => r.rows as Row[]) };
    },
  };
}
