import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lawCommand, parsePrincipal, parseVatRate } from '../../src/cli/law-command.ts';
import { parseArgs, UsageError } from '../../src/cli/args.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string }> {
  const args = parseArgs(argv);
  let out = '';
  const code = await lawCommand(args, { out: (t) => { out += t; } }, args.flags.has('json'));
  return { code, out };
}

async function runJson(...argv: string[]): Promise<Record<string, unknown>> {
  const { code, out } = await run(...argv, '--json');
  assert.equal(code, 0);
  return JSON.parse(out) as Record<string, unknown>;
}

void describe('law costs', () => {
  void it('NL consumer with VAT uplift: 1,000.00 → 150.00 + 31.50 = 181.50', async () => {
    const doc = await runJson('law', 'costs', '--country', 'NL', '--principal', '1.000,00', '--consumer', '--vat-rate', '21');
    assert.equal(doc.principal, '1000.00');
    assert.equal(doc.amount, '150.00');
    assert.equal(doc.vat, '31.50');
    assert.equal(doc.total, '181.50');
    assert.equal(doc.vat_rate, '21.00');
    assert.equal(doc.debtor, 'consumer');
  });

  void it('NL business: the staffel with the €40 floor', async () => {
    const doc = await runJson('costs', '--country', 'nl', '--principal', '250');
    assert.equal(doc.amount, '40.00');
    assert.equal(doc.rule, 'minimum');
    assert.equal(doc.debtor, 'business');
  });

  void it('NL maximum and the text breakdown', async () => {
    assert.equal((await runJson('costs', '--country', 'NL', '--principal', '5000000', '--consumer')).amount, '6775.00');
    const { code, out } = await run('law', 'costs', '--country', 'NL', '--principal', '3000.00', '--consumer');
    assert.equal(code, 0);
    assert.match(out, /15\.00% of 2500\.00/);
    assert.match(out, /Collection costs\s+425\.00/);
  });

  void it('BE consumer damages and BE business compensation', async () => {
    const consumer = await runJson('law', 'costs', '--country', 'BE', '--principal', '300', '--consumer');
    assert.equal(consumer.amount, '45.00');
    assert.equal((await runJson('law', 'costs', '--country', 'BE', '--principal', '50.000,00', '--consumer')).amount, '2000.00');
    assert.equal((await runJson('law', 'costs', '--country', 'BE', '--principal', '1234.56')).amount, '40.00');
  });

  void it('bad input throws UsageError with a sentence', async () => {
    await assert.rejects(run('law', 'costs', '--country', 'DE', '--principal', '100'), UsageError);
    await assert.rejects(run('law', 'costs', '--country', 'NL'), /--principal is required/);
    await assert.rejects(run('law', 'costs', '--country', 'NL', '--principal', 'abc'), /not an amount/);
    await assert.rejects(run('law', 'costs', '--country', 'NL', '--principal', '0'), /more than zero/);
    await assert.rejects(run('law', 'costs', '--country', 'BE', '--principal', '100', '--vat-rate', '21'), /only to Dutch/);
    await assert.rejects(run('law', 'costs', '--country', 'NL', '--principal', '100', '--vat-rate', 'x'), /not a percentage/);
    await assert.rejects(run('law', 'costs', '--country', 'NL', '--principal', '100', '--rate', '3'), UsageError);
    await assert.rejects(run('law', 'fees'), /Unknown law command/);
    await assert.rejects(run('law'), UsageError);
  });
});

void describe('law interest', () => {
  void it('REFERENCE.md §10 rows through the CLI', async () => {
    const a = await runJson('law', 'interest', '--country', 'NL', '--kind', 'commercial', '--principal', '10000', '--from', '2017-01-01', '--to', '2019-01-01');
    assert.equal(a.interest, '1664.00');
    assert.equal(a.total, '11664.00');
    const b = await runJson('law', 'interest', '--country', 'NL', '--kind', 'statutory', '--principal', '10.000,00', '--from', '01-01-2016', '--to', '01-01-2018');
    assert.equal(b.interest, '404.00');
    assert.deepEqual((b.periods as { base: string; interest: string; rate: string }[]).map((p) => [p.rate, p.base, p.interest]), [['2.00', '10000.00', '200.00'], ['2.00', '10200.00', '204.00']]);
    const c = await runJson('law', 'interest', '--country', 'BE', '--kind', 'commercial', '--principal', '10000', '--from', '2017-01-01', '--to', '2018-01-01');
    assert.equal(c.interest, '800.00');
    assert.equal(c.compounded, false);
  });

  void it('text output shows periods and warnings for non-verified rates', async () => {
    const { out } = await run('law', 'interest', '--country', 'NL', '--kind', 'statutory', '--principal', '10000', '--from', '2026-01-01', '--to', '2027-01-01');
    assert.match(out, /Interest EUR 400\.00/);
    assert.match(out, /assumed/);
    assert.match(out, /Check these rates/);
  });

  void it('bad input', async () => {
    await assert.rejects(run('law', 'interest', '--country', 'NL', '--kind', 'legal', '--principal', '1', '--from', '2020-01-01', '--to', '2021-01-01'), /--kind must be/);
    await assert.rejects(run('law', 'interest', '--country', 'NL', '--kind', 'statutory', '--principal', '1', '--from', '2020-13-01', '--to', '2021-01-01'), /not a date/);
    await assert.rejects(run('law', 'interest', '--country', 'NL', '--kind', 'statutory', '--principal', '1', '--from', '2021-01-01', '--to', '2020-01-01'), /before/);
    await assert.rejects(run('law', 'interest', '--country', 'BE', '--kind', 'statutory', '--principal', '1', '--from', '2020-01-01', '--to', '2021-01-01'), UsageError);
    await assert.rejects(run('law', 'interest', '--country', 'NL', '--kind', 'statutory', '--principal', '1', '--from', '2000-01-01', '--to', '2001-01-01'), UsageError);
  });
});

void describe('amount and rate parsing', () => {
  void it('parsePrincipal reads both conventions', () => {
    assert.equal(parsePrincipal('1234.56'), 123_456n);
    assert.equal(parsePrincipal('1.234,56'), 123_456n);
    assert.equal(parsePrincipal('1,234.56'), 123_456n);
    assert.equal(parsePrincipal('1234,5'), 123_450n);
    assert.equal(parsePrincipal('1.500'), 150_000n); // a dot before three digits can only group thousands
    assert.equal(parsePrincipal('1,500'), 150_000n);
    assert.equal(parsePrincipal('250'), 25_000n);
    assert.throws(() => parsePrincipal('1.2345'), UsageError);
    assert.throws(() => parsePrincipal('-5'), UsageError);
  });

  void it('parseVatRate gives basis points', () => {
    assert.equal(parseVatRate('21'), 2100);
    assert.equal(parseVatRate('21%'), 2100);
    assert.equal(parseVatRate('5,5'), 550);
    assert.equal(parseVatRate('9.25'), 925);
    assert.throws(() => parseVatRate('101'), UsageError);
    assert.throws(() => parseVatRate('-1'), UsageError);
  });
});
