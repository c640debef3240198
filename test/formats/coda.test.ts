import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { looksLikeCoda, parseCoda } from '../../src/formats/coda.ts';
import { StatementFormatError } from '../../src/formats/statement.ts';
import type { BankStatement, ParsedStatementFile, StatementTransaction } from '../../src/formats/statement.ts';

// ---------------------------------------------------------------------------------------------
// Synthetic records (positions 1-based, as in REFERENCE.md 1.5)
// ---------------------------------------------------------------------------------------------

function record(fields: [number, string][]): string {
  const chars: string[] = Array.from({ length: 128 }, () => ' ');
  for (const [at, text] of fields) {
    for (let i = 0; i < text.length; i++) chars[at - 1 + i] = text.charAt(i);
  }
  return chars.join('');
}

const milli = (n: bigint | number): string => String(n).padStart(15, '0');

function header(version = '2'): string {
  return record([[1, '00000'], [6, '140325'], [12, '300'], [15, '05'], [35, 'EXAMPLE BV'], [128, version]]);
}

function oldBalance(o: { currency?: string; amount?: number; sign?: string; structure?: string; account?: string } = {}): string {
  const structure = o.structure ?? '2';
  const currencyAt = structure === '0' ? 19 : 40;
  return record([
    [1, '1'],
    [2, structure],
    [3, '073'],
    [6, o.account ?? 'BE68539007547034'],
    [currencyAt, o.currency ?? 'EUR'],
    [43, o.sign ?? '0'],
    [44, milli(o.amount ?? 1000000)],
    [59, '130325'],
    [65, 'EXAMPLE BV'],
    [126, '073'],
  ]);
}

interface Mv {
  seq?: string;
  detail?: string;
  ref?: string;
  sign?: string;
  amount: number;
  code?: string;
  commType?: string;
  comm?: string;
  glob?: string;
}

function mv21(m: Mv): string {
  return record([
    [1, '21'],
    [3, m.seq ?? '0001'],
    [7, m.detail ?? '0000'],
    [11, m.ref ?? 'BANKREF'],
    [32, m.sign ?? '0'],
    [33, milli(m.amount)],
    [48, '140325'],
    [54, m.code ?? '00150000'],
    [62, m.commType ?? '0'],
    [63, m.comm ?? ''],
    [116, '140325'],
    [122, '073'],
    [125, m.glob ?? '0'],
    [126, '1'],
    [128, '0'],
  ]);
}

function mv22(seq: string, detail: string, o: { comm?: string; clientRef?: string; bic?: string; rType?: string } = {}): string {
  return record([[1, '22'], [3, seq], [7, detail], [11, o.comm ?? ''], [64, o.clientRef ?? ''], [99, o.bic ?? ''], [113, o.rType ?? ' '], [126, '1'], [128, '0']]);
}

function mv23(seq: string, detail: string, account: string, name: string, comm = ''): string {
  return record([[1, '23'], [3, seq], [7, detail], [11, account], [48, name], [83, comm], [126, '0'], [128, '0']]);
}

function info31(seq: string, detail: string, comm: string): string {
  return record([[1, '31'], [3, seq], [7, detail], [11, 'BANKREF'], [32, '00150000'], [40, '1'], [41, comm], [126, '0'], [128, '0']]);
}

function newBalance(amount: number, sign = '0'): string {
  return record([[1, '8'], [2, '073'], [5, 'BE68539007547034'], [40, 'EUR'], [42, sign], [43, milli(amount)], [58, '140325']]);
}

/** A trailer computed the way the standard describes it (records 1, 2.x, 3.x, 8; detail 0000 sums). */
function trailer(records: string[], o: { count?: string; debit?: string; credit?: string } = {}): string {
  const count = records.filter((r) => /^[1238]/.test(r)).length;
  let debit = 0n;
  let credit = 0n;
  for (const r of records) {
    if (!r.startsWith('21') || r.slice(6, 10) !== '0000') continue;
    const raw = r.slice(32, 47);
    const amount = /^\d{15}$/.test(raw) ? BigInt(raw) : 0n;
    if (r.charAt(31) === '1') debit += amount;
    else credit += amount;
  }
  return record([[1, '9'], [17, o.count ?? String(count).padStart(6, '0')], [23, o.debit ?? milli(debit)], [38, o.credit ?? milli(credit)], [128, '2']]);
}

function codaFile(body: string[], version = '2'): string {
  return [header(version), ...body, trailer(body)].join('\n') + '\n';
}

function only(result: ParsedStatementFile): BankStatement {
  assert.equal(result.format, 'coda');
  assert.equal(result.statements.length, 1);
  const statement = result.statements[0];
  assert.ok(statement);
  return statement;
}

function tx(statement: BankStatement | undefined, index: number): StatementTransaction {
  const t = statement?.transactions[index];
  assert.ok(t, `transaction ${index}`);
  return t;
}

function throwsFormat(fn: () => unknown, pattern: RegExp, line: number | null): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof StatementFormatError, `expected StatementFormatError, got ${String(e)}`);
    assert.match(e.message, pattern);
    assert.equal(e.line, line);
    return true;
  });
}

// The sample of REFERENCE.md 1.5, verbatim (every line 128 characters).
const REFERENCE_SAMPLE = [
  '0000014032500005        0000000073EXAMPLE BV                GKCCBEBB   00123456749                                             2',
  '12073BE68539007547034                  EUR0000000001000000130325EXAMPLE BV                ZICHTREKENING                      073',
  '2100010000EBNK00001XYZ0000000010000000000121000140325001500001101020250004229                                      14032507301 0',
  '2200010000                                                                                        KREDBEBB                   1 0',
  '2300010000BE71096123456769                  EURACME NV                                                                       0 0',
  '8073BE68539007547034                  EUR0000000001121000140325                                                                0',
  '9               000005000000000000000000000000121000                                                                           2',
].join('\n');

void test('the REFERENCE.md sample: balances, OGM, counterparty, line numbers', () => {
  const statement = only(parseCoda(REFERENCE_SAMPLE, 'sample.cod'));
  assert.equal(statement.format, 'coda');
  assert.equal(statement.accountIban, 'BE68539007547034');
  assert.equal(statement.accountNumber, 'BE68539007547034');
  assert.equal(statement.currency, 'EUR');
  assert.equal(statement.statementId, '2025/073');
  assert.equal(statement.sequenceNumber, '073');
  assert.deepEqual(statement.openingBalance, { date: '2025-03-13', amount: 100000n, currency: 'EUR' });
  assert.deepEqual(statement.closingBalance, { date: '2025-03-14', amount: 112100n, currency: 'EUR' });
  assert.deepEqual(statement.transactions, [
    {
      line: 3,
      bookingDate: '2025-03-14',
      valueDate: '2025-03-14',
      amount: 12100n,
      currency: 'EUR',
      bankReference: 'EBNK00001XYZ000000001',
      endToEndId: null,
      counterpartyAccount: 'BE71096123456769',
      counterpartyBic: 'KREDBEBB',
      counterpartyName: 'ACME NV',
      structuredReference: '+++020/2500/04229+++',
      remittanceInfo: null,
      transactionCode: '00150000',
      isReturn: false,
      description: '101020250004229',
    },
  ]);
});

void test('CRLF, trailing spaces trimmed, a BOM and blank lines change nothing but line numbers', () => {
  const expected = parseCoda(REFERENCE_SAMPLE, 'a.cod');
  const trimmed = REFERENCE_SAMPLE.split('\n').map((l) => l.trimEnd());
  assert.deepEqual(parseCoda(`\uFEFF${trimmed.join('\r\n')}\r\n`, 'b.cod'), expected);
  assert.deepEqual(parseCoda(Buffer.from(trimmed.join('\r\n'), 'utf8'), 'c.cod'), expected);
  const withBlank = parseCoda(['', ...trimmed.slice(0, 2), '   ', ...trimmed.slice(2)].join('\n'), 'd.cod');
  assert.equal(tx(withBlank.statements[0], 0).line, 5);
});

void test('Latin-1 / windows-1252 bytes are decoded when the file is not UTF-8; UTF-8 stays UTF-8', () => {
  const body = [oldBalance(), mv21({ amount: 121000, comm: 'Facture réglée – merci' }), newBalance(1121000)];
  const text = codaFile(body);
  const latin1 = Buffer.from(text.replace('–', '-'), 'latin1');
  assert.equal(tx(only(parseCoda(latin1, 'l.cod')), 0).remittanceInfo, 'Facture réglée - merci');
  const cp1252 = Buffer.concat([Buffer.from(text.slice(0, text.indexOf('–')), 'latin1'), Buffer.from([0x96]), Buffer.from(text.slice(text.indexOf('–') + 1), 'latin1')]);
  assert.equal(tx(only(parseCoda(cp1252, 'w.cod')), 0).remittanceInfo, 'Facture réglée – merci');
  assert.equal(tx(only(parseCoda(Buffer.from(text, 'utf8'), 'u.cod')), 0).remittanceInfo, 'Facture réglée – merci');
});

void test('amounts convert exactly to minor units; digits beyond the currency exponent are refused', () => {
  const eur = only(parseCoda(codaFile([oldBalance({ sign: '1', amount: 5 * 1000 }), mv21({ amount: 10, sign: '0' }), newBalance(4990, '1')]), 'e.cod'));
  assert.equal(eur.openingBalance?.amount, -500n);
  assert.equal(tx(eur, 0).amount, 1n);
  assert.equal(eur.closingBalance?.amount, -499n);

  const jpy = only(parseCoda(codaFile([oldBalance({ currency: 'JPY', amount: 1000000 }), mv21({ amount: 1234000, sign: '1' }), newBalance(0)]), 'j.cod'));
  assert.equal(jpy.currency, 'JPY');
  assert.equal(tx(jpy, 0).amount, -1234n);
  assert.equal(tx(jpy, 0).currency, 'JPY');
  throwsFormat(
    () => parseCoda(codaFile([oldBalance({ currency: 'JPY' }), mv21({ amount: 1234500 }), newBalance(0)]), 'j2.cod'),
    /^j2\.cod line 3: movement amount 1234\.500 has more decimals than JPY allows \(0\)$/,
    3,
  );

  const kwd = only(parseCoda(codaFile([oldBalance({ currency: 'KWD', amount: 1 }), mv21({ amount: 1234567 }), newBalance(1234568)]), 'k.cod'));
  assert.equal(kwd.openingBalance?.amount, 1n);
  assert.equal(tx(kwd, 0).amount, 1234567n);

  throwsFormat(() => parseCoda(codaFile([oldBalance({ amount: 1001 }), newBalance(1001)]), 'o.cod'), /o\.cod line 2: old balance 1\.001 has more decimals than EUR allows/, 2);
});

void test('account structures: Belgian number (IBAN derived when its check digits are right), foreign number', () => {
  const be = only(parseCoda(codaFile([oldBalance({ structure: '0', account: '539007547034' }), newBalance(1000000)]), 'be.cod'));
  assert.equal(be.accountNumber, '539007547034');
  assert.equal(be.accountIban, 'BE68539007547034');
  const bad = only(parseCoda(codaFile([oldBalance({ structure: '0', account: '539007547035' }), newBalance(1000000)]), 'be2.cod'));
  assert.equal(bad.accountIban, null);
  const foreign = only(parseCoda(codaFile([oldBalance({ structure: '1', account: '12345678901' }), newBalance(1000000)]), 'f.cod'));
  assert.equal(foreign.accountNumber, '12345678901');
  assert.equal(foreign.accountIban, null);
  throwsFormat(() => parseCoda(codaFile([oldBalance({ structure: '7' }), newBalance(0)]), 's.cod'), /s\.cod line 2: account structure "7"/, 2);
});

void test('communication over 2.1, 2.2 and 2.3 is joined raw (split words survive), information records go to the description', () => {
  const comm21 = 'Invoice 2025-0042 and invoice 2025-00'.padEnd(53, ' ');
  const body = [
    oldBalance(),
    mv21({ amount: 121000, comm: `${comm21}` }),
    mv22('0001', '0000', { comm: '43 paid in full', clientRef: 'E2E-INV-42', bic: 'GEBABEBB' }),
    mv23('0001', '0000', 'BE71096123456769                  EUR', 'ACME NV', 'thanks'),
    info31('0001', '0001', '001ACME NV'),
    record([[1, '32'], [3, '0001'], [7, '0001'], [11, 'MAIN STREET 1                      1000 BRUSSEL']]),
    newBalance(1121000),
  ];
  const t = tx(only(parseCoda(codaFile(body), 'c.cod')), 0);
  assert.equal(t.remittanceInfo, 'Invoice 2025-0042 and invoice 2025-00 43 paid in full thanks');
  assert.equal(t.endToEndId, 'E2E-INV-42');
  assert.equal(t.counterpartyBic, 'GEBABEBB');
  assert.equal(t.counterpartyAccount, 'BE71096123456769');
  assert.equal(t.counterpartyName, 'ACME NV');
  assert.equal(t.structuredReference, null);
  assert.equal(t.description, 'Invoice 2025-0042 and invoice 2025-00 43 paid in full thanks 001ACME NV MAIN STREET 1 1000 BRUSSEL');

  const full = 'x'.repeat(52) + 'A';
  const split = tx(only(parseCoda(codaFile([oldBalance(), mv21({ amount: 1000, comm: full }), mv22('0001', '0000', { comm: 'BC def' }), newBalance(1001000)]), 's.cod')), 0);
  assert.ok(split.remittanceInfo?.endsWith('xABC def'), split.remittanceInfo ?? '');
});

void test('structured communication: valid OGM → structuredReference; invalid OGM and other types stay text', () => {
  const body = [
    oldBalance(),
    mv21({ seq: '0001', amount: 1000, commType: '1', comm: '101123456789002' }),
    mv21({ seq: '0002', amount: 1000, commType: '1', comm: '102000000000097' }),
    mv21({ seq: '0003', amount: 1000, commType: '1', comm: '101123456789003' }),
    mv21({ seq: '0004', amount: 1000, commType: '1', comm: '127140325120BE25ZZZ0123456789' }),
    mv21({ seq: '0005', amount: 1000, commType: '0', comm: '+++123/4567/89002+++' }),
    newBalance(1005000),
  ];
  const s = only(parseCoda(codaFile(body), 'o.cod'));
  assert.deepEqual(
    s.transactions.map((t) => [t.structuredReference, t.remittanceInfo]),
    [
      ['+++123/4567/89002+++', null],
      ['+++000/0000/00097+++', null],
      [null, '123456789003'],
      [null, '140325120BE25ZZZ0123456789'],
      [null, '+++123/4567/89002+++'],
    ],
  );
});

void test('returns: R-transaction type in 2.2 position 113, or family 01 operation 49', () => {
  const body = [
    oldBalance(),
    mv21({ seq: '0001', amount: 1000, sign: '1', code: '00501000' }),
    mv22('0001', '0000', { rType: '2' }),
    mv21({ seq: '0002', amount: 1000, sign: '1', code: '00149000' }),
    mv21({ seq: '0003', amount: 1000, sign: '1', code: '00150000' }),
    mv22('0003', '0000', { rType: '0', clientRef: 'NOTPROVIDED' }),
    newBalance(997000),
  ];
  const s = only(parseCoda(codaFile(body), 'r.cod'));
  assert.deepEqual(s.transactions.map((t) => t.isReturn), [true, true, false]);
  assert.equal(tx(s, 2).endToEndId, null);
});

void test('globalisation: details that add up replace the global; 7/8/9 lines describe; otherwise the global stays', () => {
  const body = [
    oldBalance({ amount: 0 }),
    // 1. Collection file totalled by the customer (type 1) with its individual collections (type 5).
    mv21({ seq: '0001', detail: '0000', amount: 300000, code: '10550000', glob: '1' }),
    mv21({ seq: '0001', detail: '0001', amount: 100000, code: '50550000', comm: 'first' }),
    mv23('0001', '0001', 'BE71096123456769', 'ACME NV'),
    mv21({ seq: '0001', detail: '0002', amount: 1500, code: '70550000', comm: 'charges of the first' }),
    mv21({ seq: '0001', detail: '0003', amount: 200000, code: '50550000', comm: 'second', glob: '1' }),
    // 2. A simple amount with detailed data (type 3) and that data (type 8): one transaction.
    mv21({ seq: '0002', detail: '0000', amount: 50000, code: '30150000', comm: 'foreign transfer', glob: '1' }),
    mv21({ seq: '0002', detail: '0001', amount: 51000, code: '80150000', comm: 'gross', glob: '0' }),
    mv21({ seq: '0002', detail: '0002', sign: '1', amount: 1000, code: '80137000', commType: '1', comm: '105 charges', glob: '1' }),
    // 3. Details that do not add up to the global: the global is the booking.
    mv21({ seq: '0003', detail: '0000', amount: 70000, code: '10550000', glob: '1' }),
    mv21({ seq: '0003', detail: '0001', amount: 60000, code: '50550000', comm: 'only one' }),
    // 4. A global without details (the "faulty globalisation" of pycoda): an ordinary transaction.
    mv21({ seq: '0004', detail: '0000', amount: 9000, code: '10550000', glob: '1' }),
    newBalance(429000),
  ];
  const s = only(parseCoda(codaFile(body), 'g.cod'));
  assert.deepEqual(
    s.transactions.map((t) => [t.line, t.amount, t.transactionCode, t.remittanceInfo, t.description]),
    [
      [4, 10000n, '50550000', 'first charges of the first', 'first charges of the first'],
      [7, 20000n, '50550000', 'second', 'second'],
      [8, 5000n, '30150000', 'foreign transfer gross', 'foreign transfer gross 105 charges'],
      [11, 7000n, '10550000', 'only one', 'only one'],
      [13, 900n, '10550000', null, ''],
    ],
  );
  assert.equal(tx(s, 0).counterpartyName, 'ACME NV');
  const sum = s.transactions.reduce((acc, t) => acc + t.amount, 0n);
  assert.equal((s.openingBalance?.amount ?? 0n) + sum, s.closingBalance?.amount);
});

void test('several statements in one file, and free communication record 4 is read but not a transaction', () => {
  const first = [oldBalance(), mv21({ amount: 1000 }), newBalance(1001000), record([[1, '4'], [3, '0001'], [7, '0000'], [33, 'PUBLIC MESSAGE']])];
  const second = [oldBalance({ amount: 1001000 }), mv21({ amount: 2000, sign: '1' }), newBalance(999000)];
  const text = [header(), ...first, trailer(first), header(), ...second, trailer(second)].join('\n');
  const parsed = parseCoda(text, 'm.cod');
  assert.equal(parsed.statements.length, 2);
  assert.deepEqual(parsed.statements.map((s) => s.transactions.map((t) => [t.line, t.amount])), [[[3, 100n]], [[9, -200n]]]);
  assert.ok(!JSON.stringify(parsed, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v)).includes('PUBLIC MESSAGE'));
});

void test('trailer: record count and totals are verified, blank fields are not, verifyTrailer: false skips it', () => {
  const body = [oldBalance(), mv21({ amount: 1000 }), mv21({ seq: '0002', amount: 500, sign: '1' }), newBalance(1000500)];
  const build = (t: string): string => [header(), ...body, t].join('\n');
  assert.equal(only(parseCoda(build(trailer(body)), 't.cod')).transactions.length, 2);
  throwsFormat(() => parseCoda(build(trailer(body, { count: '000005' })), 't.cod'), /^t\.cod line 6: trailer says 5 records but the statement has 4/, 6);
  throwsFormat(() => parseCoda(build(trailer(body, { debit: milli(501) })), 't.cod'), /^t\.cod line 6: trailer debit total 0\.501 does not match the movements \(0\.500\)$/, 6);
  throwsFormat(() => parseCoda(build(trailer(body, { credit: milli(0) })), 't.cod'), /trailer credit total 0\.000 does not match the movements \(1\.000\)/, 6);
  const blank = record([[1, '9'], [128, '2']]);
  assert.equal(only(parseCoda(build(blank), 't.cod')).transactions.length, 2);
  assert.equal(only(parseCoda(build(trailer(body, { count: '000099' })), 't.cod', { verifyTrailer: false })).transactions.length, 2);
});

void test('version 1: record 1 read as a Belgian account, 2.3 with the version 1 layout', () => {
  const v1Balance = record([[1, '1'], [3, '073'], [6, '539007547034'], [19, 'EUR'], [43, '0'], [44, milli(1000000)], [59, '130325'], [126, '073']]);
  const v1Counterparty = record([[1, '23'], [3, '0001'], [7, '0000'], [11, '096123456769'], [48, 'ACME NV'], [74, 'MAIN STREET 1 1000 BRUSSEL']]);
  const body = [v1Balance, mv21({ amount: 121000, comm: 'invoice 42' }), mv22('0001', '0000', { comm: 'paid', clientRef: 'ignored in v1' }), v1Counterparty, newBalance(1121000)];
  const s = only(parseCoda(codaFile(body, '1'), 'v1.cod'));
  assert.equal(s.accountNumber, '539007547034');
  assert.equal(s.accountIban, 'BE68539007547034');
  const t = tx(s, 0);
  assert.equal(t.counterpartyAccount, '096123456769');
  assert.equal(t.counterpartyName, 'ACME NV');
  assert.equal(t.endToEndId, null);
  assert.equal(t.remittanceInfo, 'invoice 42 paid');
  assert.equal(t.description, 'invoice 42 paid MAIN STREET 1 1000 BRUSSEL');
});

void test('errors name the file, the line and what is wrong', () => {
  throwsFormat(() => parseCoda('{"not":"coda"}', 'x.json'), /^x\.json is not a CODA file/, null);
  throwsFormat(() => parseCoda('', 'empty.cod'), /^empty\.cod is not a CODA file/, null);
  throwsFormat(() => parseCoda(header('5'), 'v5.cod'), /^v5\.cod line 1: CODA version "5" \(position 128\) is not supported/, 1);
  const good = [oldBalance(), mv21({ amount: 1000 }), newBalance(1001000)];
  const replace = (index: number, text: string): string[] => good.map((r, i) => (i === index ? text : r));
  throwsFormat(() => parseCoda(codaFile(replace(1, mv21({ amount: 1000 }).replace('140325', '310225'))), 'd.cod'), /^d\.cod line 3: value date "310225" \(positions 48-53\) is not a valid date$/, 3);
  throwsFormat(() => parseCoda(codaFile(replace(1, mv21({ amount: 1000 }).replace('000000000001000', '00000000000x000'))), 'a.cod'), /^a\.cod line 3: movement amount "00000000000x000" \(positions 33-47\) is not 15 digits$/, 3);
  throwsFormat(() => parseCoda(codaFile(replace(1, mv21({ amount: 1000, sign: '2' }))), 's.cod'), /^s\.cod line 3: movement sign "2" \(position 32\)/, 3);
  throwsFormat(() => parseCoda(codaFile(replace(1, `${mv21({ amount: 1000 })}X`)), 'l.cod'), /^l\.cod line 3: record is 129 characters long/, 3);
  throwsFormat(() => parseCoda(codaFile(replace(1, mv22('0001', '0000'))), 'o.cod'), /^o\.cod line 3: movement record 2\.2 without a preceding movement record 2\.1$/, 3);
  throwsFormat(() => parseCoda(codaFile([...good.slice(0, 2), mv22('0002', '0000'), newBalance(1001000)]), 'n.cod'), /^n\.cod line 4: movement record 2\.2 is numbered 0002\/0000 but follows movement 0001\/0000 \(line 3\)$/, 4);
  throwsFormat(() => parseCoda(codaFile(replace(1, record([[1, '7']]))), 'u.cod'), /^u\.cod line 3: unknown record type "7"/, 3);
  throwsFormat(() => parseCoda([header(), ...good].join('\n'), 't.cod'), /^t\.cod line 4: file ends without the trailer record 9/, 4);
  throwsFormat(() => parseCoda([header(), ...good.slice(0, 2), trailer(good)].join('\n'), 'c.cod'), /^c\.cod line 4: trailer record 9 before the new balance record 8/, 4);
  throwsFormat(() => parseCoda([header(), mv21({ amount: 1 }), trailer([])].join('\n'), 'b.cod'), /^b\.cod line 2: record 2 outside a statement/, 2);
  throwsFormat(() => parseCoda(codaFile(replace(0, oldBalance({ currency: 'E1R' }))), 'cur.cod'), /^cur\.cod line 2: currency "E1R"/, 2);
});

void test('looksLikeCoda', () => {
  assert.equal(looksLikeCoda(REFERENCE_SAMPLE), true);
  assert.equal(looksLikeCoda(`\r\n${REFERENCE_SAMPLE.replace(/\n/g, '\r\n')}`), true);
  assert.equal(looksLikeCoda(':20:STARTUMSE\n:25:NL91ABNA0417164300\n'), false);
  assert.equal(looksLikeCoda('<?xml version="1.0"?><Document/>'), false);
  assert.equal(looksLikeCoda('date,amount\n2025-01-01,12.00\n'), false);
  assert.equal(looksLikeCoda(''), false);
  assert.equal(looksLikeCoda('0'.repeat(200)), false);
});

// ---------------------------------------------------------------------------------------------
// Corpus: /work/shared/corpora/coda (EXPECTED.md gives the values the source projects assert)
// ---------------------------------------------------------------------------------------------

const corpus = new URL('../../../shared/corpora/coda/', import.meta.url);
const corpusPresent = existsSync(fileURLToPath(corpus));
const SKIP = '../shared/corpora/coda absent';

/**
 * How each corpus file behaves. Hand-edited test fixtures of the source projects carry trailers
 * copied from other files (they parse with `verifyTrailer: false`), and four carry amounts with a
 * third decimal in EUR, which cannot be minor units (refused, never rounded).
 */
const STRICT = 'parses';
const TRAILER = 'trailer does not match (hand-edited fixture)';
const SUB_CENT = 'amount with 3 decimals in EUR';
const FAULTY = 'intentionally faulty';
type Outcome = typeof STRICT | typeof TRAILER | typeof SUB_CENT | typeof FAULTY;

const OUTCOMES: Record<string, [Outcome, RegExp?]> = {
  'oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.branch-8.0.txt': [STRICT],
  'oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.txt': [STRICT],
  'php-coda-parser/sample1.cod': [STRICT],
  'php-coda-parser/sample2.cod': [SUB_CENT, /line 17: new balance 23154\.685 has more decimals than EUR allows/],
  'php-coda-parser/sample3.cod': [TRAILER, /line 8: trailer says 16 records but the statement has 6/],
  'php-coda-parser/sample4.cod': [TRAILER, /line 11: trailer says 16 records but the statement has 9/],
  'php-coda-parser/sample5.cod': [TRAILER, /line 16: trailer says 15 records but the statement has 14/],
  'php-coda-parser/sample6.cod': [SUB_CENT, /line 3: movement amount 767\.823 has more decimals than EUR allows/],
  'php-coda-parser/sample7.cod': [TRAILER, /line 22: trailer says 22 records but the statement has 20/],
  'php-coda-parser/sample8.cod': [STRICT],
  'php-coda-parser/sample9.cod': [TRAILER, /line 9: trailer says 22 records but the statement has 7/],
  'php-coda-parser/sample10.cod': [STRICT],
  'php-coda-parser/sample11.cod': [STRICT],
  'pycoda/Coda_faulty_version.txt': [FAULTY, /line 1: CODA version "5" \(position 128\) is not supported/],
  'pycoda/Coda_foreign_account.txt': [STRICT],
  'pycoda/Coda_v2_3_faulty_globalisation.txt': [STRICT],
  'pycoda/Coda_v2_3_faulty_globalisation_2.txt': [STRICT],
  'pycoda/Coda_v2_3_globalisation.txt': [STRICT],
  'pycoda/Coda_v2_3_globalisation_2.txt': [TRAILER, /line 21: trailer says 23 records but the statement has 19/],
  'pycoda/Coda_v2_3_multi_statements.txt': [STRICT],
  'pycoda/Coda_v2_3_single_statement.txt': [STRICT],
  'typescript-coda-parser/sample2.cod': [SUB_CENT, /line 17: new balance 23154\.685 has more decimals than EUR allows/],
  'typescript-coda-parser/sample6.cod': [SUB_CENT, /line 3: movement amount 767\.823 has more decimals than EUR allows/],
};

/** Statements whose opening + Σ transactions ≠ closing: anonymised or hand-edited files. */
const DOES_NOT_RECONCILE = new Set([
  'oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.branch-8.0.txt#0',
  'oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.txt#0',
  'php-coda-parser/sample3.cod#0',
  'php-coda-parser/sample4.cod#0',
  'php-coda-parser/sample5.cod#0',
  'php-coda-parser/sample7.cod#0',
  'php-coda-parser/sample9.cod#0',
]);

function corpusFiles(): string[] {
  return readdirSync(corpus, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(new URL(`${d.name}/`, corpus))
        .filter((name) => !/\.(md|tsv)$/i.test(name))
        .map((name) => `${d.name}/${name}`),
    )
    .sort();
}

function load(path: string): ParsedStatementFile {
  const outcome = OUTCOMES[path]?.[0];
  return parseCoda(readFileSync(new URL(path, corpus)), path, { verifyTrailer: outcome !== TRAILER });
}

function first(path: string): BankStatement {
  return only(load(path));
}

void test('corpus: every file parses, or throws StatementFormatError for the documented reason', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const files = corpusFiles();
  assert.deepEqual(files, Object.keys(OUTCOMES).sort(), 'corpus files and OUTCOMES differ');
  const counts: Record<string, number> = {};
  for (const path of files) {
    const [outcome, pattern] = OUTCOMES[path] ?? [STRICT];
    counts[outcome] = (counts[outcome] ?? 0) + 1;
    const bytes = readFileSync(new URL(path, corpus));
    assert.equal(looksLikeCoda(bytes.toString('utf8')), true, path);
    if (outcome === STRICT) {
      const parsed = parseCoda(bytes, path);
      assert.ok(parsed.statements.length >= 1, path);
      continue;
    }
    assert.throws(
      () => parseCoda(bytes, path),
      (e: unknown) => e instanceof StatementFormatError && e.message.startsWith(`${path} line `) && pattern !== undefined && pattern.test(e.message),
      path,
    );
    if (outcome === TRAILER) assert.ok(parseCoda(bytes, path, { verifyTrailer: false }).statements.length >= 1, path);
  }
  t.diagnostic(`corpus outcomes: ${JSON.stringify(counts)}`);
});

void test('corpus: opening balance + Σ transactions = closing balance, except the documented files', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const failing: string[] = [];
  for (const path of corpusFiles()) {
    const outcome = OUTCOMES[path]?.[0];
    if (outcome !== STRICT && outcome !== TRAILER) continue;
    load(path).statements.forEach((s, i) => {
      const sum = s.transactions.reduce((acc, x) => acc + x.amount, 0n);
      assert.ok(s.openingBalance && s.closingBalance, path);
      if (s.openingBalance.amount + sum !== s.closingBalance.amount) {
        failing.push(`${path}#${i}`);
        t.diagnostic(`does not reconcile: ${path}#${i} opening ${s.openingBalance.amount} + ${sum} ≠ closing ${s.closingBalance.amount}`);
      }
    });
  }
  assert.deepEqual(failing.sort(), [...DOES_NOT_RECONCILE].sort());
});

void test('corpus php-coda-parser sample1: balances, 4 transactions, counterparty, address, structured message', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const s = first('php-coda-parser/sample1.cod');
  assert.equal(s.openingBalance?.amount, 1775212n);
  assert.deepEqual(s.closingBalance, { date: '2017-10-11', amount: 1783212n, currency: 'EUR' });
  assert.equal(s.transactions.length, 4);
  const t0 = tx(s, 0);
  assert.equal(t0.amount, 500n);
  assert.equal(t0.line, 3);
  assert.equal(t0.counterpartyName, 'KLANT1 MET NAAM1');
  assert.equal(t0.counterpartyAccount, 'BE22313215646432');
  assert.equal(t0.counterpartyBic, 'KREDBEBB');
  assert.ok(t0.description.includes('GROTE WEG 32 3215 HASSELT'), t0.description);
  // Structured message 000003505158 has wrong OGM check digits (anonymised): kept as text.
  assert.equal(t0.structuredReference, null);
  assert.equal(t0.remittanceInfo, '000003505158');
  assert.deepEqual(s.transactions.map((x) => x.amount), [500n, 2500n, 2000n, 3000n]);
});

void test('corpus php-coda-parser samples 3, 4, 5, 9 (hand-edited trailers): messages, structured message, client reference', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  // sample3: a type 3 global with its type 8 details is one transaction; the message spans them.
  const s3 = first('php-coda-parser/sample3.cod');
  assert.equal(s3.transactions.length, 1);
  assert.equal(tx(s3, 0).remittanceInfo, 'Message goes here and continues here or here');
  assert.equal(tx(s3, 0).amount, -81269n);
  // sample4: message over 2.1 and 2.2 (EXPECTED.md writes it with the fixed-width spaces).
  const s4 = first('php-coda-parser/sample4.cod');
  assert.equal(tx(s4, 0).remittanceInfo, 'Europese overschrijving (zie bijlage) + 17.233,54Van: COMPANY BLABLABLAH BVBA - BE64NOT PR');
  assert.equal(tx(s4, 0).amount, 1723354n);
  // sample5: 3 transactions (sequences 1, 2, 9), statement with date, account, balances; tx[1] structured.
  const s5 = first('php-coda-parser/sample5.cod');
  assert.equal(s5.transactions.length, 3);
  assert.deepEqual(s5.transactions.map((x) => x.line), [3, 9, 13]);
  assert.equal(s5.accountNumber, '001548226815');
  assert.deepEqual(s5.openingBalance, { date: '2014-12-24', amount: 400410n, currency: 'EUR' });
  assert.deepEqual(s5.closingBalance, { date: '2015-05-12', amount: -50001210n, currency: 'EUR' });
  assert.equal(tx(s5, 0).remittanceInfo, '112/4554/46812 813 ANOTHER MESSAGE MESSAGE');
  assert.equal(tx(s5, 0).counterpartyName, 'BVBA.BAKKER PIET');
  assert.equal(tx(s5, 0).counterpartyBic, 'GEBCEEBB');
  assert.equal(tx(s5, 0).counterpartyAccount, 'BE54805480215856');
  assert.ok(tx(s5, 0).description.endsWith('SOME INFORMATION ABOUT THIS TRANSACTION'));
  assert.ok(tx(s5, 1).remittanceInfo?.startsWith('112455446812'));
  assert.equal(tx(s5, 1).endToEndId, '54875');
  assert.equal(tx(s5, 2).counterpartyName, null);
  // sample9: client reference.
  const s9 = first('php-coda-parser/sample9.cod');
  assert.equal(s9.transactions.length, 1);
  assert.equal(tx(s9, 0).endToEndId, '243690000141');
});

void test('corpus php-coda-parser samples 7, 8, 10, 11: grouped and totalled transactions', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const s7 = first('php-coda-parser/sample7.cod');
  assert.equal(s7.openingBalance?.amount, 1775212n);
  assert.deepEqual(s7.closingBalance, { date: '2017-10-11', amount: 1783212n, currency: 'EUR' });
  assert.deepEqual(s7.transactions.map((x) => [x.line, x.amount]), [[6, -2500n], [11, -2000n], [16, -3000n]]);
  const t0 = tx(s7, 0);
  assert.equal(t0.remittanceInfo, '000003515846');
  assert.equal(t0.counterpartyName, 'KLANT2 NAAM2');
  assert.equal(t0.counterpartyAccount, 'BE25646548413215');
  assert.ok(t0.description.includes('VOETGANGERSTRAAT 26 1215 ANTWERPEN'));

  const s8 = first('php-coda-parser/sample8.cod');
  assert.deepEqual(s8.transactions.map((x) => [x.amount, x.endToEndId]), [[-39555n, 'ACERTA/I/03948039/230306/1'], [-24934n, 'ACERTA/I/33449300/230306/1']]);

  const s10 = first('php-coda-parser/sample10.cod');
  assert.equal(s10.openingBalance?.amount, 10000n);
  assert.deepEqual(s10.closingBalance, { date: '2024-06-06', amount: 110000n, currency: 'EUR' });
  assert.deepEqual(
    s10.transactions.map((x) => [x.line, x.amount, x.counterpartyName, x.counterpartyAccount, x.endToEndId]),
    [
      [5, 25000n, 'KLANT1 MET NAAM1', 'BE22313215646432', '243690000141'],
      [10, 75000n, 'KLANT2 MET NAAM2', 'BE25646548413215', '243690000142'],
    ],
  );

  const s11 = first('php-coda-parser/sample11.cod');
  assert.deepEqual(s11.closingBalance, { date: '2024-06-06', amount: 110000n, currency: 'EUR' });
  assert.deepEqual(s11.transactions.map((x) => [x.amount, x.endToEndId]), [[100000n, 'REF-RECUR-06-05']]);
});

void test('corpus pycoda single and multi statement files', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const s = first('pycoda/Coda_v2_3_single_statement.txt');
  assert.equal(s.accountIban, 'BE86407051416150');
  assert.equal(s.currency, 'EUR');
  assert.deepEqual(s.openingBalance, { date: '2009-03-04', amount: 0n, currency: 'EUR' });
  assert.deepEqual(s.closingBalance, { date: '2009-03-05', amount: 0n, currency: 'EUR' });
  assert.equal(s.statementId, '2009/042');
  assert.equal(s.sequenceNumber, '002');
  // 32 movements of which 2 are globals (sequences 16 and 17) replaced by their 1 + 14 details.
  assert.equal(s.transactions.length, 30);
  const t0 = tx(s, 0);
  assert.equal(t0.bankReference, 'SWJVZ0BN6 BKTBBNPOSKZ');
  assert.equal(t0.amount, 2000n);
  assert.equal(t0.bookingDate, '2009-03-05');
  assert.equal(t0.valueDate, '2009-03-05');
  assert.equal(t0.transactionCode, '00450000');
  assert.equal(t0.structuredReference, null);
  assert.ok(t0.remittanceInfo?.startsWith('931384384900') && t0.remittanceInfo.endsWith('2905172259460041'), t0.remittanceInfo ?? '');
  const amex = s.transactions.find((x) => x.bankReference === 'SWJVZ0BOX DOMUCVDIU01');
  assert.ok(amex);
  assert.equal(amex.counterpartyName, 'AMERICAN EXPRESS');
  assert.ok(amex.description.endsWith('001AMERICAN EXPRESS'));
  assert.equal(s.transactions.filter((x) => x.transactionCode?.startsWith('6')).length, 15);

  const multi = load('pycoda/Coda_v2_3_multi_statements.txt');
  assert.equal(multi.statements.length, 2);
  assert.deepEqual(multi.statements[0], s);
  const second = first('pycoda/Coda_v2_3_faulty_globalisation.txt');
  const shifted = { ...second, transactions: second.transactions.map((x) => ({ ...x, line: x.line + 93 })) };
  assert.deepEqual(multi.statements[1], shifted);
});

void test('corpus pycoda globalisation files', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  // A global without its details is an ordinary transaction.
  const faulty = first('pycoda/Coda_v2_3_faulty_globalisation.txt');
  assert.equal(faulty.transactions.length, 11);
  assert.equal(tx(faulty, 2).amount, -556832n);
  assert.equal(first('pycoda/Coda_v2_3_faulty_globalisation_2.txt').transactions.length, 2);
  // 5 movements, movement[2] a type 3 global whose type 8 detail describes it: 4 transactions.
  const glob = first('pycoda/Coda_v2_3_globalisation.txt');
  assert.equal(glob.transactions.length, 4);
  const g = tx(glob, 2);
  assert.equal(g.line, 13);
  assert.equal(g.amount, 5000000n);
  assert.equal(g.transactionCode, '30150000');
  assert.equal(g.counterpartyName, 'XXXX MARKET SA');
  assert.ok(g.description.includes('105000000050000000000000050000000000100000000EUR'), g.description);
  assert.deepEqual(glob.openingBalance, { date: '2014-12-09', amount: -45517n, currency: 'EUR' });
  assert.equal(first('pycoda/Coda_v2_3_globalisation_2.txt').transactions.length, 4);
});

void test('corpus pycoda foreign account', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const s = first('pycoda/Coda_foreign_account.txt');
  assert.equal(s.accountNumber, 'FR1234567890240924002304825');
  assert.equal(s.accountIban, null); // structure 3, but the check digits of the anonymised IBAN are wrong
  assert.equal(s.currency, 'EUR');
  assert.deepEqual(s.transactions.map((x) => x.amount), [-3700n, -740n]);
  assert.equal(tx(s, 0).endToEndId, null); // "0000000"
});

void test('corpus OCA l10n-belgium: statement 2012/135, balances, partner 2 with OGM; CRLF copy identical', (t) => {
  if (!corpusPresent) return t.skip(SKIP);
  const s = first('oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.txt');
  assert.equal(s.statementId, '2012/135');
  assert.equal(s.openingBalance?.amount, 1181270n);
  assert.equal(s.closingBalance?.amount, 1364605n);
  const t1 = tx(s, 1);
  assert.equal(t1.counterpartyName, 'PARTNER 2');
  assert.equal(t1.counterpartyAccount, 'BE61310126985517');
  assert.equal(t1.structuredReference, '+++240/2838/42818+++');
  assert.ok(t1.description.includes('001PARTNER 2 MOLENSTRAAT 60 9340 LEDE'), t1.description);
  // Two type 3 loan repayments, each with capital and interest as type 8 lines: 5 transactions.
  assert.deepEqual(s.transactions.map((x) => x.amount), [-43500n, 304445n, -47904n, -47904n, 6374n]);
  assert.deepEqual(load('oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.branch-8.0.txt'), load('oca-l10n-belgium/Ontvangen_CODA.2012-01-11-18.59.15.txt'));
});
