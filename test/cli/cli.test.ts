import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ownerFilePath } from '../../src/cli/data-folder-lock.ts';

// The CLI as a user runs it, on the embedded default (a PGlite data folder), in subprocesses.

const BIN = fileURLToPath(new URL('../../bin/arflow.js', import.meta.url));
let dir: string;
let dataDir: string;

function arflow(...args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.ARFLOW_DATA_DIR;
  const r = spawnSync(process.execPath, [BIN, '--db', dataDir, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const CSV = [
  'invoice_number;debtor_number;debtor_name;issue_date;due_date;amount;vat_amount',
  'V-1;K1;Jansen B.V.;01-09-2026;01-10-2026;1.210,00;210,00',
  'V-2;K2;De Vries VOF;15-10-2026;14-11-2026;242,00;42,00',
].join('\r\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'arflow-cli-'));
  dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'invoices.csv'), CSV);
  writeFileSync(join(dir, 'bad.csv'), CSV.replace('242,00', 'twee'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('arflow CLI', () => {
  test('init is idempotent and refuses other values in one sentence', () => {
    const args = ['init', '--org', 'acme', '--name', 'Acme B.V.', '--country', 'NL', '--iban', 'NL91ABNA0417164300'];
    assert.equal(arflow(...args).code, 0);
    const again = arflow(...args);
    assert.equal(again.code, 0);
    assert.match(again.stdout, /exists already/);
    const other = arflow('init', '--org', 'acme', '--name', 'Other B.V.', '--country', 'NL', '--iban', 'NL91ABNA0417164300');
    assert.equal(other.code, 2);
    assert.match(other.stderr, /exists with other values for legal_name/);
    const badIban = arflow('init', '--org', 'x', '--name', 'X', '--country', 'NL', '--iban', 'NL00ABNA0417164300');
    assert.equal(badIban.code, 2);
    assert.match(badIban.stderr, /IBAN/);
  });

  test('import invoices prints one JSON document with --json; the same file again changes nothing', () => {
    const first = arflow('--json', 'import', 'invoices', 'invoices.csv');
    assert.equal(first.code, 0, first.stderr);
    const summary = JSON.parse(first.stdout) as { created: number; rows: number };
    assert.deepEqual([summary.rows, summary.created], [2, 2]);
    const second = arflow('import', 'invoices', 'invoices.csv');
    assert.equal(second.code, 0);
    assert.match(second.stdout, /0 created, 0 updated, 2 unchanged, 0 rejected/);
  });

  test('bad input: exit code 2 and a message naming file, line and field', () => {
    const bad = arflow('import', 'invoices', 'bad.csv');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /bad\.csv:3 \[amount\]/);
    const missing = arflow('import', 'invoices', 'nope.csv');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /Cannot read nope\.csv: no such file/);
    const unknown = arflow('import', 'invoices', 'invoices.csv', '--skip-invlid');
    assert.equal(unknown.code, 2);
  });

  test('report aging --json: totals equal the open amounts', () => {
    const r = arflow('--json', 'report', 'aging', '--date', '2026-11-22');
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { totals: { total: string; buckets: Record<string, string> }[] };
    assert.equal(report.totals[0]?.total, '1452.00');
    assert.equal(report.totals[0]?.buckets.d31_60, '1210.00');
    assert.equal(report.totals[0]?.buckets.d1_30, '242.00');
  });

  test('while serve owns the data folder, other commands are handed to it', async () => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    delete env.ARFLOW_SMTP_URL;
    const server = spawn(process.execPath, [BIN, '--db', dataDir, 'serve', '--port', '0'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 60_000);
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /serves on (http:\/\/[^\s]+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        server.on('exit', () => reject(new Error(`server exited: ${out}`)));
      });
      assert.ok(existsSync(ownerFilePath(dataDir)));
      const health = await fetch(`${url}/api/health`);
      assert.equal(health.status, 200);
      writeFileSync(join(dir, 'more.csv'), CSV.replace(/V-/g, 'W-'));
      const forwarded = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [BIN, '--db', dataDir, 'import', 'invoices', 'more.csv'], { cwd: dir, env });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(forwarded.code, 0, forwarded.stderr);
      assert.match(forwarded.stdout, /more\.csv: 2 rows: 2 created/);
      // The caller's ARFLOW_* settings go along with a handed-over command (the server has none).
      const dispatched = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [BIN, '--db', dataDir, '--json', 'outbox', 'dispatch'], { cwd: dir, env: { ...env, ARFLOW_SMTP_URL: 'smtp://mailer:secret@127.0.0.1:2525' } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(dispatched.code, 0, dispatched.stderr);
      assert.deepEqual((JSON.parse(dispatched.stdout) as { smtp: string | null }[]).map((r) => r.smtp), ['smtp://mailer:***@127.0.0.1:2525']);
      const second = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const p = spawn(process.execPath, [BIN, '--db', dataDir, 'serve', '--port', '0'], { cwd: dir, env });
        let stderr = '';
        p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        p.on('exit', (code) => resolve({ code, stderr }));
      });
      assert.equal(second.code, 2);
      assert.match(second.stderr, /already served by process/);
    } finally {
      server.kill('SIGTERM');
      await new Promise((r) => server.once('exit', r));
    }
    assert.ok(!existsSync(ownerFilePath(dataDir)), 'the owner file is gone after the server stops');
    const after = arflow('--json', 'report', 'aging', '--date', '2026-11-22');
    assert.equal(after.code, 0, after.stderr);
    assert.equal((JSON.parse(after.stdout) as { totals: { total: string }[] }).totals[0]?.total, '2904.00');
  });
});
