import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { camt053 } from '../support/camt.ts';
import { parseMt940 } from '../../src/formats/mt940.ts';

// Cash application as a user runs it: invoices in, a statement in, the results out to the ERP.

const BIN = fileURLToPath(new URL('../../bin/arflow.js', import.meta.url));
const require = createRequire(import.meta.url);
const mt940js = require('mt940js') as { Parser: new () => { parse(text: string): { openingBalance: number; closingBalance: number; transactions: { amount: number }[] }[] } };
let dir: string;

function arflow(...args: string[]) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [BIN, '--db', join(dir, 'data'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'arflow-cash-'));
  writeFileSync(join(dir, 'invoices.csv'), [
    'invoice_number,debtor_number,debtor_name,issue_date,due_date,amount',
    'F2026-0101,D1,Jansen B.V.,2026-10-01,2026-10-31,100.00',
    'F2026-0102,D2,De Vries VOF,2026-10-01,2026-10-31,250.00',
  ].join('\n'));
  writeFileSync(join(dir, 'statement.xml'), camt053({
    id: 'CLI1', iban: 'NL91ABNA0417164300', opening: '0.00', closing: '345.50', from: '2026-11-01', to: '2026-11-02',
    entries: [
      { amount: '100.00', credit: true, bookingDate: '2026-11-02', bankRef: 'R1', name: 'JANSEN', iban: 'NL44RABO0123456789', ustrd: 'factuur F2026-0101' },
      { amount: '250.00', credit: true, bookingDate: '2026-11-02', bankRef: 'R2', name: 'DE VRIES', iban: 'NL69INGB0123456789', ustrd: 'F 2026 0102' },
      { amount: '4.50', credit: false, bookingDate: '2026-11-02', bankRef: 'R3', name: 'BANK', ustrd: 'kosten' },
    ],
  }));
  writeFileSync(join(dir, 'broken.sta'), ':20:X\r\n:25:NL91ABNA0417164300\r\n:28C:1\r\n:60F:C261101EUR0,00\r\n:61:2611XXC100,00NTRFNONREF\r\n-\r\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('import statement, export allocations, payments as MT940 and mutations', () => {
  assert.equal(arflow('init', '--org', 'acme', '--name', 'Acme B.V.', '--country', 'NL', '--iban', 'NL91ABNA0417164300').code, 0);
  assert.equal(arflow('import', 'invoices', 'invoices.csv').code, 0);
  const imported = arflow('--json', 'import', 'statement', 'statement.xml');
  assert.equal(imported.code, 0, imported.stderr);
  const summary = JSON.parse(imported.stdout) as { booked: number; review: number; debits: number };
  assert.deepEqual([summary.booked, summary.review, summary.debits], [2, 0, 1]);
  assert.match(arflow('import', 'statement', 'statement.xml').stdout, /0 new/);

  const allocations = arflow('export', 'allocations', '--from', '2026-11-01', '--to', '2026-11-30');
  assert.equal(allocations.code, 0, allocations.stderr);
  const [header, ...rows] = allocations.stdout.trim().split('\n');
  assert.equal(header, 'allocation_id,bank_reference,booking_date,counterparty_iban,counterparty_name,transaction_amount,invoice_number,debtor_number,allocated_amount,rule,confidence,created_at');
  assert.deepEqual(rows.map((r) => r.split(',').slice(1, 9)).sort(), [
    ['R1', '2026-11-02', 'NL44RABO0123456789', 'JANSEN', '100.00', 'F2026-0101', 'D1', '100.00'],
    ['R2', '2026-11-02', 'NL69INGB0123456789', 'DE VRIES', '250.00', 'F2026-0102', 'D2', '250.00'],
  ]);

  const payments = arflow('export', 'payments', '--format', 'mt940', '--from', '2026-11-01', '--to', '2026-11-30');
  assert.equal(payments.code, 0, payments.stderr);
  const ours = parseMt940(payments.stdout, 'payments.sta').statements;
  const theirs = new mt940js.Parser().parse(payments.stdout);
  assert.equal(ours.length, 1);
  assert.deepEqual(ours[0]!.transactions.map((t) => t.amount), [10000n, 25000n]);
  assert.equal(ours[0]!.closingBalance?.amount, 35000n);
  assert.deepEqual(theirs[0]!.transactions.map((t) => t.amount), [100, 250]);
  assert.equal(theirs[0]!.closingBalance, 350);
  assert.match(payments.stdout, /F2026-0101/, 'the allocated invoice travels in :86:');

  const mutations = arflow('--json', 'export', 'mutations');
  const entries = JSON.parse(mutations.stdout) as { entry_type: string; invoice_number: string; amount: string }[];
  assert.deepEqual(entries.map((e) => [e.entry_type, e.invoice_number, e.amount]).sort(), [
    ['issued', 'F2026-0101', '100.00'], ['issued', 'F2026-0102', '250.00'],
    ['payment_allocated', 'F2026-0101', '-100.00'], ['payment_allocated', 'F2026-0102', '-250.00'],
  ]);
  assert.deepEqual(JSON.parse(arflow('--json', 'export', 'mutations').stdout), [], 'handed over once');
  assert.equal((JSON.parse(arflow('--json', 'export', 'mutations', '--all').stdout) as unknown[]).length, 4, 'again on request');
});

test('a broken statement: exit code 2 naming file and line', () => {
  const r = arflow('import', 'statement', 'broken.sta');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.sta/);
  assert.match(r.stderr, /line 5/);
});
