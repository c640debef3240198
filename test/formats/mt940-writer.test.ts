import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { formatAmount } from '../../src/core/money.ts';
import { parseMt940 } from '../../src/formats/mt940.ts';
import { swiftText, writeMt940 } from '../../src/formats/mt940-writer.ts';
import type { BankStatement, StatementTransaction } from '../../src/formats/statement.ts';

// mt940js (devDependency, CommonJS, no types): only the parts this test reads.
interface JsTransaction {
  amount: number;
  isReversal: boolean;
  date: Date;
  entryDate: Date | '';
  reference: string;
  bankReference: string;
  details: string;
}
interface JsStatement {
  transactionReference: string;
  accountIdentification: string;
  currency: string;
  openingBalance: number;
  closingBalance: number;
  openingBalanceDate: Date;
  closingBalanceDate: Date;
  transactions: JsTransaction[];
}
const require = createRequire(import.meta.url);
const mt940js = require('mt940js') as { Parser: new () => { parse(text: string): JsStatement[] } };

function tx(over: Partial<StatementTransaction>): StatementTransaction {
  return {
    line: 1,
    bookingDate: '2025-03-14',
    valueDate: '2025-03-14',
    amount: 0n,
    currency: 'EUR',
    bankReference: null,
    endToEndId: null,
    counterpartyAccount: null,
    counterpartyBic: null,
    counterpartyName: null,
    structuredReference: null,
    remittanceInfo: null,
    transactionCode: null,
    isReturn: false,
    description: '',
    ...over,
  };
}

function statement(over: Partial<BankStatement>, transactions: StatementTransaction[]): BankStatement {
  const currency = over.currency ?? 'EUR';
  const opening = over.openingBalance ?? { date: '2025-03-13', amount: 100000n, currency };
  const sum = transactions.reduce((s, t) => s + t.amount, 0n);
  return {
    format: 'mt940',
    statementId: 'STMT250314',
    sequenceNumber: '00073/001',
    accountIban: 'NL91ABNA0417164300',
    accountNumber: 'NL91ABNA0417164300',
    currency,
    openingBalance: opening,
    closingBalance: { date: '2025-03-14', amount: opening.amount + sum, currency },
    transactions,
    ...over,
  };
}

const SAMPLE: BankStatement[] = [
  statement({}, [
    tx({
      amount: 12100n,
      bankReference: 'BNK0000123',
      endToEndId: 'E2E-INV20250042',
      counterpartyAccount: 'NL44RABO0123456789',
      counterpartyBic: 'RABONL2U',
      counterpartyName: 'Ëxample & Söhne B.V.',
      structuredReference: '5000000020250042',
      remittanceInfo: 'Factuur INV-2025/0042 /NAME/ and more',
    }),
    tx({ amount: -3550n, valueDate: null, remittanceInfo: 'Bank charges Q1', transactionCode: 'NMSC' }),
    tx({ amount: -1000n, isReturn: true, endToEndId: 'NOTAVERYSHORTENDTOENDREFERENCE', remittanceInfo: 'Storno' }),
    tx({ amount: 2500n, isReturn: true, counterpartyAccount: 'BE71096123456769', counterpartyName: 'Jürgen Œster' }),
    tx({ amount: 0n, remittanceInfo: 'zero' }),
    tx({
      amount: 99999999999n,
      bookingDate: '2026-01-02',
      valueDate: '2025-12-31',
      remittanceInfo: 'Lange omschrijving '.repeat(40),
      counterpartyName: 'N'.repeat(120),
    }),
  ]),
  statement({ statementId: null, sequenceNumber: null, currency: 'JPY', accountIban: null, accountNumber: 'JP-ACCOUNT 123', openingBalance: { date: '2025-03-13', amount: -5000n, currency: 'JPY' } }, [
    tx({ currency: 'JPY', amount: 1234n, endToEndId: 'A/B//C', remittanceInfo: 'line1\nline2\ttab' }),
    tx({ currency: 'JPY', amount: -99n }),
  ]),
  // no balances: the opening is 0 and the closing the sum, dated by the transactions
  statement({ statementId: '/leading//slashes/', openingBalance: null, closingBalance: null }, [tx({ amount: 4200n, bookingDate: '2025-03-15', valueDate: '2025-03-15' })]),
];

function writtenAndRead(statements: BankStatement[], senderBic?: string) {
  const text = writeMt940(statements, senderBic === undefined ? {} : { senderBic });
  return { text, ours: parseMt940(text, 'written.sta').statements, theirs: new mt940js.Parser().parse(text) };
}

function isoDay(d: Date | ''): string | null {
  return d === '' ? null : d.toISOString().slice(0, 10);
}

/** The same count, amounts, balances and dates from our parser, mt940js and the statements written. */
function assertSameMoney(statements: BankStatement[], senderBic?: string): string {
  const { text, ours, theirs } = writtenAndRead(statements, senderBic);
  assert.equal(ours.length, statements.length);
  assert.equal(theirs.length, statements.length);
  statements.forEach((expected, i) => {
    const o = ours[i];
    const t = theirs[i];
    assert.ok(o !== undefined && t !== undefined);
    const cur = expected.currency;
    const sum = expected.transactions.reduce((s, x) => s + x.amount, 0n);
    const opening = expected.openingBalance?.amount ?? (expected.closingBalance ? expected.closingBalance.amount - sum : 0n);
    const closing = expected.closingBalance?.amount ?? opening + sum;
    assert.equal(o.currency, cur);
    assert.equal(t.currency, cur);
    assert.equal(o.openingBalance?.amount, opening);
    assert.equal(o.closingBalance?.amount, closing);
    assert.equal(t.openingBalance, Number(formatAmount(opening, cur)));
    assert.equal(t.closingBalance, Number(formatAmount(closing, cur)));
    if (expected.openingBalance) assert.equal(o.openingBalance?.date, expected.openingBalance.date);
    if (expected.openingBalance) assert.equal(isoDay(t.openingBalanceDate), expected.openingBalance.date);
    if (expected.closingBalance) assert.equal(o.closingBalance?.date, expected.closingBalance.date);
    if (expected.closingBalance) assert.equal(isoDay(t.closingBalanceDate), expected.closingBalance.date);
    assert.equal(o.transactions.length, expected.transactions.length);
    assert.equal(t.transactions.length, expected.transactions.length);
    expected.transactions.forEach((e, j) => {
      const ot = o.transactions[j];
      const tt = t.transactions[j];
      assert.ok(ot !== undefined && tt !== undefined);
      assert.equal(ot.amount, e.amount, `statement ${i} transaction ${j}`);
      assert.equal(tt.amount, Number(formatAmount(e.amount, cur)), `mt940js statement ${i} transaction ${j}`);
      assert.equal(ot.isReturn, e.isReturn);
      assert.equal(tt.isReversal, e.isReturn);
      assert.equal(ot.bookingDate, e.bookingDate);
      assert.equal(ot.valueDate, e.valueDate ?? e.bookingDate);
      assert.equal(isoDay(tt.date), e.valueDate ?? e.bookingDate);
    });
  });
  return text;
}

void test('our parser and mt940js read back the same transactions, amounts and balances (plain messages)', () => {
  assertSameMoney(SAMPLE);
});

void test('our parser and mt940js read back the same transactions, amounts and balances (SWIFT blocks)', () => {
  const text = assertSameMoney(SAMPLE, 'ABNANL2A');
  assert.match(text, /^\{1:F01ABNANL2AXXXX0000000000\}\{2:I940ABNANL2AXXXN\}\{4:\r\n:20:STMT250314\r\n/);
  assert.equal(text.split('-}\r\n').length - 1, SAMPLE.length);
});

void test('the file is CRLF, SWIFT characters only, lines of at most 65 and :86: of at most 6 lines', () => {
  const text = writeMt940(SAMPLE);
  assert.ok(text.endsWith('\r\n'));
  assert.doesNotMatch(text.replace(/\r\n/g, ''), /[\r\n]/);
  const lines = text.split('\r\n').slice(0, -1);
  for (const line of lines) {
    assert.ok(line.length <= 65, `line longer than 65: ${line}`);
    assert.match(line, /^[A-Za-z0-9/\-?:().,'+ ]*$/, `not SWIFT X: ${line}`);
  }
  // every :86: is followed by at most 5 continuation lines, none of which looks like a tag or an end
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]?.startsWith(':86:')) continue;
    let n = 1;
    while (i + n < lines.length && !/^(:\d\d[A-Z]?:|-)/.test(lines[i + n] ?? '')) n++;
    assert.ok(n <= 6, `:86: at line ${i + 1} has ${n} lines`);
  }
  assert.match(text, /^:20:STMT250314\r\n:25:NL91ABNA0417164300\r\n:28C:00073\/001\r\n:60F:C250313EUR1000,00\r\n/);
  assert.match(text, /\r\n:61:2503140314C121,00NTRFE2E-INV20250042\/\/BNK0000123\r\n:86:\/EREF\/E2E-INV20250042\/IBAN\/NL44RABO0123456789\/BIC\/RABONL2U\/NA/);
  assert.match(text, /\r\n:61:2503140314RC10,00NTRFNONREF\r\n/, 'a debit reversal is RC');
  assert.match(text, /\r\n:61:2503140314RD25,00NTRFNONREF\r\n/, 'a credit reversal is RD');
  assert.match(text, /\r\n:61:2512310102C999999999,99NTRFNONREF\r\n/, 'entry date in the next year');
  assert.match(text, /\r\n:60F:D250313JPY5000,\r\n/, 'JPY has no decimals, the comma stays');
  assert.match(text, /\r\n:20:ARFLOW0002\r\n:25:JP-ACCOUNT123\r\n:28C:00002\r\n/);
  assert.match(text, /\r\n:20:leading\/slashes\r\n/);
  assert.match(text, /\r\n:60F:C250315EUR0,00\r\n:61:2503150315C42,00NTRFNONREF\r\n:62F:C250315EUR42,00\r\n-\r\n$/);
});

void test('our parser reads the structured :86: back into the same fields', () => {
  const [first] = parseMt940(writeMt940(SAMPLE), 'written.sta').statements;
  const t = first?.transactions;
  assert.ok(t !== undefined);
  assert.deepEqual(
    {
      endToEndId: t[0]?.endToEndId,
      counterpartyAccount: t[0]?.counterpartyAccount,
      counterpartyBic: t[0]?.counterpartyBic,
      counterpartyName: t[0]?.counterpartyName,
      structuredReference: t[0]?.structuredReference,
      remittanceInfo: t[0]?.remittanceInfo,
      bankReference: t[0]?.bankReference,
    },
    {
      endToEndId: 'E2E-INV20250042',
      counterpartyAccount: 'NL44RABO0123456789',
      counterpartyBic: 'RABONL2U',
      counterpartyName: 'Example + Sohne B.V.',
      structuredReference: '5000000020250042',
      remittanceInfo: 'Factuur INV-2025/0042 -NAME/ and more',
      bankReference: 'BNK0000123',
    },
  );
  assert.equal(t[1]?.transactionCode, 'NMSC');
  assert.equal(t[1]?.remittanceInfo, 'Bank charges Q1');
  assert.equal(t[2]?.endToEndId, 'NOTAVERYSHORTENDTOENDREFERENCE', 'a long end-to-end id still travels in /EREF/');
  assert.equal(t[3]?.counterpartyName, 'Jurgen OEster');
  assert.ok((t[5]?.remittanceInfo ?? '').startsWith('Lange omschrijving Lange'));
  assert.equal(t[5]?.counterpartyName, 'N'.repeat(70), 'names are cut at 70 characters');
});

void test('transliterates to the SWIFT X character set', () => {
  assert.equal(swiftText('Ça va? Grüße, €5 & 10% [x]; "q" née_ok'), "Ca va? Grusse, EUR5 + 10pct (x), 'q' nee-ok");
  assert.equal(swiftText('a\tb\nc'), 'a b c');
  assert.equal(swiftText('日本'), '..');
});

void test('refuses what MT940 cannot carry', () => {
  assert.throws(() => writeMt940([statement({}, [tx({ currency: 'USD', amount: 1n })])]), RangeError);
  assert.throws(() => writeMt940([statement({ accountIban: null, accountNumber: null }, [])]), /no account/);
  assert.throws(() => writeMt940([statement({}, [tx({ amount: 10n ** 15n })])]), /longer than MT940 allows/);
  assert.throws(() => writeMt940(SAMPLE, { senderBic: 'NOT A BIC' }), /not a BIC/);
});

// Every statement of the corpus that balances (opening + transactions = closing), written and read
// back by both parsers. mt940js checks the balance itself, so it must agree with the amounts too.
const corpusRoot = new URL('../../../shared/corpora/mt940/', import.meta.url);
const corpusPresent = existsSync(fileURLToPath(corpusRoot));

void test('corpus statements survive writing and reading back', corpusPresent ? {} : { skip: 'shared corpora absent' }, (t) => {
  const statements: BankStatement[] = [];
  for (const dir of readdirSync(corpusRoot, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(new URL(`${dir.name}/`, corpusRoot))) {
      if (/\.(json|md|tsv)$/.test(name)) continue;
      let parsed: BankStatement[];
      try {
        parsed = parseMt940(readFileSync(new URL(`${dir.name}/${name}`, corpusRoot)), name).statements;
      } catch {
        continue; // the intentionally broken files; mt940.test.ts covers them
      }
      for (const s of parsed) {
        if (s.openingBalance === null || s.closingBalance === null || s.currency === 'XXX' || (s.accountIban ?? s.accountNumber) === null) continue;
        const sum = s.transactions.reduce((a, t) => a + t.amount, 0n);
        if (s.openingBalance.amount + sum !== s.closingBalance.amount) continue;
        // mt940js rounds amounts to cents; keep to currencies with at most 2 decimals
        statements.push(s);
      }
    }
  }
  assert.ok(statements.length > 200, `only ${statements.length} balanced statements found`);
  t.diagnostic(`round trip of ${statements.length} corpus statements, ${statements.reduce((n, s) => n + s.transactions.length, 0)} transactions`);
  assertSameMoney(statements);
});
