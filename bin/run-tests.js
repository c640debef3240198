#!/usr/bin/env node
// The README's test command: every test file under test/, on PGlite, or on PostgreSQL when
// DATABASE_URL is set (each test file then works in a database of its own, created and dropped).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTests(join(dir, e.name)) : e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}
const filter = process.argv.slice(2);
const files = listTests('test').filter((f) => filter.length === 0 || filter.some((p) => f.includes(p))).sort();
const flags = process.features.typescript ? [] : ['--experimental-strip-types', '--no-warnings'];
const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';
console.log(`Running ${files.length} test files on ${backend}`);
const result = spawnSync(process.execPath, [...flags, '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
