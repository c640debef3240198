import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';
import { looksLikeCamt, parseCamt } from '../../src/formats/camt.ts';
import { StatementFormatError } from '../../src/formats/statement.ts';
import type { BankStatement, ParsedStatementFile, StatementTransaction } from '../../src/formats/statement.ts';

const corpora = new URL('../../../shared/corpora/', import.meta.url);
const corporaPresent = existsSync(fileURLToPath(corpora));
const SKIP = '../shared/corpora absent';

/** Every XML document under a corpus folder (also OCA's extensionless `test-camt05x` fixtures). */
function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(new URL(rel, corpora)).sort()) {
      const path = rel + name;
      if (statSync(new URL(path, corpora)).isDirectory()) walk(`${path}/`);
      else if (!/\.(json|md|tsv|pydata|zip)$/.test(name)) out.push(path);
    }
  };
  walk(dir);
  return out;
}

function read(path: string): Buffer {
  return readFileSync(new URL(path, corpora));
}

function parse(path: string): ParsedStatementFile {
  return parseCamt(read(path), path.slice(path.lastIndexOf('/') + 1));
}

function only<T>(items: readonly T[], what = 'item'): T {
  assert.equal(items.length, 1, `expected exactly one ${what}`);
  const item = items[0];
  assert.ok(item !== undefined);
  return item;
}

function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  assert.ok(item !== undefined, `no item ${index} (have ${items.length})`);
  return item;
}

function statementOf(path: string): BankStatement {
  return only(parse(path).statements, 'statement');
}

/** Transactions grouped per `Ntry` (split batch entries share the entry's line). */
function entries(statement: BankStatement): StatementTransaction[][] {
  const groups: StatementTransaction[][] = [];
  let last: number | null = null;
  for (const t of statement.transactions) {
    if (t.line !== last) groups.push([]);
    groups[groups.length - 1]?.push(t);
    last = t.line;
  }
  return groups;
}

const sum = (ts: readonly StatementTransaction[]): bigint => ts.reduce((s, t) => s + t.amount, 0n);

function assertFails(fn: () => unknown, pattern: RegExp, line?: number): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof StatementFormatError, `expected StatementFormatError, got ${String(error)}`);
    assert.match(error.message, pattern);
    if (line !== undefined) assert.equal(error.line, line);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Every corpus file

/** Fixtures that are broken on purpose and must be rejected. */
const REJECTED: Readonly<Record<string, RegExp>> = {
  // genkgo's testWrongDocument: a BkToCstmrStmt without any Stmt.
  'camt053/genkgo-camt/camt053.v2.wrong.xml': /^camt053\.v2\.wrong\.xml is a camt\.053 file without any Stmt element/,
};

void test('every camt.053 and camt.054 corpus document parses (and the broken one is rejected)', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const files = [...corpusFiles('camt053/'), ...corpusFiles('camt054/')];
  assert.ok(files.length >= 50, `expected the corpus documents, found ${files.length}`);
  let transactions = 0;
  for (const path of files) {
    const rejected = REJECTED[path];
    if (rejected !== undefined) {
      assertFails(() => parse(path), rejected);
      continue;
    }
    const result = parse(path);
    const format = path.startsWith('camt053/') ? 'camt.053' : 'camt.054';
    assert.equal(result.format, format, path);
    assert.ok(result.statements.length >= 1, path);
    const lines = read(path).toString('utf8').split(/\r\n|\r|\n/);
    for (const s of result.statements) {
      assert.equal(s.format, format, path);
      assert.match(s.currency, /^[A-Z]{3}$/, path);
      if (format === 'camt.054') assert.deepEqual([s.openingBalance, s.closingBalance], [null, null], path);
      for (const tx of s.transactions) {
        transactions++;
        const where = `${path} line ${tx.line}`;
        assert.match(lines[tx.line - 1] ?? '', /<(?:\w+:)?Ntry[\s>]/, `${where}: line points at an <Ntry> start tag`);
        assert.match(tx.bookingDate, /^\d{4}-\d{2}-\d{2}$/, where);
        if (tx.valueDate !== null) assert.match(tx.valueDate, /^\d{4}-\d{2}-\d{2}$/, where);
        assert.match(tx.currency, /^[A-Z]{3}$/, where);
        assert.equal(typeof tx.amount, 'bigint', where);
        assert.equal(tx.description, tx.description.replace(/\s+/g, ' ').trim(), `${where}: description folded`);
        if (tx.remittanceInfo !== null) assert.equal(tx.remittanceInfo, tx.remittanceInfo.replace(/\s+/g, ' ').trim(), where);
        assert.notEqual(tx.endToEndId, 'NOTPROVIDED', where);
      }
    }
  }
  assert.ok(transactions >= 450, `expected the corpus transactions, found ${transactions}`);
});

/**
 * Statements whose opening balance plus transactions does not give the closing balance, and why.
 * Keyed `file#statement index`; every other camt.053 statement with both balances must reconcile.
 */
const DOES_NOT_RECONCILE: Readonly<Record<string, string>> = {
  'camt053/camt_parser/valid_example_v8.xml#0': 'fixture excerpt: 3 sample entries, one of them in EUR on a CHF account',
  'camt053/camt_parser/valid_example_with_batch.xml#0': 'fixture excerpt: TxsSummry counts 35 entries, 3 are present',
  'camt053/camt_parser/valid_example_with_debit.xml#0': 'valid_example.xml (which reconciles) with the opening balance flipped to DBIT',
  'camt053/camt_parser/valid_example_with_instdamt.xml#0': 'opening 100.00 + 4500.00 credit, closing given as 4500.00',
  'camt053/genkgo-camt/camt053.v2.all-balance-types.xml#0': 'synthetic balances (one of every type, 1.01 … 10.10)',
  'camt053/genkgo-camt/camt053.v2.five.decimals.xml#0': 'synthetic: 18.150 + 8.850 = 27.000, closing given as 27.050',
  'camt053/genkgo-camt/camt053.v2.minimal.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/genkgo-camt/camt053.v2.minimal.ultimate.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/genkgo-camt/camt053.v2.with-party-ids.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/genkgo-camt/camt053.v3.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/genkgo-camt/camt053.v4.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/genkgo-camt/camt053.v8.xml#0': 'synthetic: closing balance is -27.00 SEK on a EUR account',
  'camt053/iso20022-mdr-samples/camt.053.001.01.xml#0': 'sample writes the batch debit as 2000000 SEK (200000 in the .02 sample, which reconciles)',
  'camt053/moov-iso20022/camt.053_P_CH2909000000250094239_1110092698_0_2020112503071366.xml#0':
    'PostFinance: CLBD leaves out the 1537.00 credit value-dated the next day; opening + all entries = FWAV 216649.21',
  'camt053/oca-account_statement_import_camt/test-camt053#0': 'fixture: entries sum to -12.99, balances differ by -447.15 (OCA asserts the same amounts)',
  'camt053/oca-account_statement_import_camt/test-camt053-bookgdt-dttm#0': 'fixture excerpt: test-camt053 with only its first entry',
};

function reconciles(s: BankStatement): boolean {
  const { openingBalance: open, closingBalance: close } = s;
  if (open === null || close === null) return true;
  if (open.currency !== close.currency || s.transactions.some((t) => t.currency !== open.currency)) return false;
  return open.amount + sum(s.transactions) === close.amount;
}

void test('camt.053 statements reconcile: opening + transactions = closing, except the listed fixtures', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const failing: string[] = [];
  let checked = 0;
  for (const path of corpusFiles('camt053/')) {
    if (REJECTED[path] !== undefined) continue;
    parse(path).statements.forEach((s, i) => {
      if (s.openingBalance === null || s.closingBalance === null) return;
      checked++;
      if (!reconciles(s)) failing.push(`${path}#${i}`);
    });
  }
  assert.deepEqual(failing.sort(), Object.keys(DOES_NOT_RECONCILE).sort());
  assert.ok(checked - failing.length >= 14, `reconciling statements: ${checked - failing.length}`);
});

void test('looksLikeCamt recognises every camt.052/053/054 corpus document and nothing else', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  for (const path of [...corpusFiles('camt052/'), ...corpusFiles('camt053/'), ...corpusFiles('camt054/')]) {
    assert.equal(looksLikeCamt(read(path).toString('utf8')), true, path);
  }
  assert.equal(looksLikeCamt(':20:STARTUMS\r\n:25:NL91ABNA0417164300\r\n:28C:1/1\r\n'), false);
  assert.equal(looksLikeCamt('<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'), false);
  assert.equal(
    looksLikeCamt('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn/></Document>'),
    false,
  );
  assert.equal(looksLikeCamt('\uFEFF<Document><BkToCstmrStmt><GrpHdr/></BkToCstmrStmt></Document>'), true);
  assert.equal(looksLikeCamt('0000011225   05505        00000000000000000000000'), false);
});

void test('camt.052 intraday reports are recognised and refused with a clear message', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const files = corpusFiles('camt052/');
  assert.ok(files.length >= 10);
  for (const path of files) {
    assertFails(() => parse(path), /is a camt\.052 intraday account report; only camt\.053 statements and camt\.054 notifications are imported\.$/);
  }
});

// ---------------------------------------------------------------------------------------------
// genkgo/camt golden JSON (money in minor units), compared on the fields that map.

interface GenkgoMoney {
  getAmount: string;
  getCurrency: { getCode: string };
}
interface GenkgoBalance {
  getAmount: GenkgoMoney;
  getDate: { 0: string };
  getType: string;
}
interface GenkgoRecord {
  getId: string;
  getAccount: { getIdentification: string } | null;
  getBalances?: GenkgoBalance[];
  getElectronicSequenceNumber: string | null;
  getLegalSequenceNumber: string | null;
}
interface GenkgoDetail {
  getReference: { getEndToEndId: string | null; getAccountServicerReference: string | null } | null;
  getRelatedParties: { getRelatedPartyType: { getName: string | null } }[];
  getRemittanceInformation: {
    getCreditorReferenceInformation: { getRef: string | null } | null;
    getStructuredBlock: { getCreditorReferenceInformation: { getRef: string | null } | null } | null;
    getUnstructuredBlocks: ({ getMessage: string } | string)[];
  } | null;
}
interface GenkgoEntry {
  getAmount: GenkgoMoney;
  getBookingDate: { 0: string } | null;
  getValueDate: { 0: string } | null;
  getAccountServicerReference: string | null;
  getReversalIndicator: boolean;
  getIndex: number;
  getRecord: GenkgoRecord | string;
  getBankTransactionCode: {
    getDomain: { getCode: string; getFamily: { getCode: string; getSubFamilyCode: string } } | null;
    getProprietary: { getCode: string } | null;
  } | null;
  getTransactionDetail: GenkgoDetail | null;
  getTransactionDetails: (GenkgoDetail | string)[];
}
interface GenkgoMessage {
  getEntries: GenkgoEntry[];
  getRecords: (GenkgoRecord | string)[];
}

function genkgoBalances(record: GenkgoRecord, statement: BankStatement, where: string): void {
  if (record.getBalances === undefined) return;
  const balance = (type: string) => {
    const b = record.getBalances?.find((x) => x.getType === type);
    return b === undefined ? null : { date: b.getDate[0].slice(0, 10), amount: BigInt(b.getAmount.getAmount), currency: b.getAmount.getCurrency.getCode };
  };
  assert.deepEqual(statement.openingBalance, balance('opening'), `${where} opening`);
  assert.deepEqual(statement.closingBalance, balance('closing'), `${where} closing`);
}

function compareGenkgo(path: string): number {
  const golden = JSON.parse(read(path.replace(/\.xml$/, '.json')).toString('utf8')) as GenkgoMessage;
  const parsed = parse(path);
  let compared = 0;
  assert.equal(parsed.statements.length, golden.getRecords.length, `${path}: statements`);
  golden.getRecords.forEach((record, i) => {
    if (typeof record === 'string') return;
    const s = nth(parsed.statements, i);
    assert.equal(s.statementId, record.getId, path);
    genkgoBalances(record, s, path);
    compared++;
  });
  let record: GenkgoRecord | null = null;
  for (const e of golden.getEntries) {
    if (typeof e.getRecord !== 'string') record = e.getRecord;
    assert.ok(record !== null, path);
    const s = parsed.statements.find((x) => x.statementId === record?.getId);
    assert.ok(s !== undefined, `${path}: statement ${record.getId}`);
    const where = `${path} entry ${e.getIndex}`;
    assert.equal(s.accountNumber, record.getAccount?.getIdentification ?? null, where);
    assert.equal(s.sequenceNumber, record.getElectronicSequenceNumber ?? record.getLegalSequenceNumber, where);
    genkgoBalances(record, s, where);

    const group = nth(entries(s), e.getIndex);
    assert.equal(sum(group), BigInt(e.getAmount.getAmount), `${where} amount`);
    for (const tx of group) {
      assert.equal(tx.currency, e.getAmount.getCurrency.getCode, where);
      if (e.getBookingDate !== null) assert.equal(tx.bookingDate, e.getBookingDate[0].slice(0, 10), `${where} booking date`);
      assert.equal(tx.valueDate, e.getValueDate === null ? null : e.getValueDate[0].slice(0, 10), `${where} value date`);
      if (e.getReversalIndicator) assert.equal(tx.isReturn, true, where);
      const code = e.getBankTransactionCode;
      const domain = code?.getDomain;
      const expectedCode = domain ? `${domain.getCode}/${domain.getFamily.getCode}/${domain.getFamily.getSubFamilyCode}` : (code?.getProprietary?.getCode ?? null);
      if (expectedCode !== null) assert.equal(tx.transactionCode, expectedCode, `${where} code`);
    }
    const details = e.getTransactionDetails.map((d, i) => (typeof d === 'string' ? (i === 0 ? e.getTransactionDetail : null) : d));
    if (group.length === 1 && details.length === 1) {
      const tx = only(group);
      const detail = details[0] ?? null;
      const info = detail?.getRemittanceInformation ?? null;
      assert.equal(tx.bankReference, detail?.getReference?.getAccountServicerReference ?? e.getAccountServicerReference, `${where} bank reference`);
      const e2e = detail?.getReference?.getEndToEndId ?? null;
      assert.equal(tx.endToEndId, e2e === 'NOTPROVIDED' ? null : e2e, `${where} end-to-end id`);
      const ref = info?.getCreditorReferenceInformation?.getRef ?? info?.getStructuredBlock?.getCreditorReferenceInformation?.getRef ?? null;
      assert.equal(tx.structuredReference, ref, `${where} structured reference`);
      const ustrd = (info?.getUnstructuredBlocks ?? []).map((b) => (typeof b === 'string' ? null : b.getMessage));
      if (!ustrd.includes(null)) assert.equal(tx.remittanceInfo, ustrd.length > 0 ? ustrd.join(' ') : null, `${where} remittance`);
      const names = (detail?.getRelatedParties ?? []).map((p) => p.getRelatedPartyType.getName);
      if (tx.counterpartyName !== null) assert.ok(names.includes(tx.counterpartyName), `${where}: ${tx.counterpartyName} among ${names.join(', ')}`);
    }
    compared++;
  }
  return compared;
}

void test('genkgo/camt golden JSON: statements, balances and entries match for every camt.053 and camt.054 sample', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  let files = 0;
  for (const path of [...corpusFiles('camt053/genkgo-camt/'), ...corpusFiles('camt054/genkgo-camt/')]) {
    if (!existsSync(new URL(path.replace(/\.xml$/, '.json'), corpora))) continue;
    assert.ok(compareGenkgo(path) >= 1, path);
    files++;
  }
  assert.equal(files, 17);
});

void test('genkgo/camt EndToEndTest values and the decimals rule', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  for (const name of ['camt053.v2.minimal.xml', 'camt053.v2.minimal.ultimate.xml', 'camt053.v3.xml', 'camt053.v4.xml', 'camt053.v8.xml']) {
    const s = statementOf(`camt053/genkgo-camt/${name}`);
    assert.equal(s.statementId, '253EURNL26VAYB8060476890', name);
    assert.equal(s.accountNumber, 'NL26VAYB8060476890', name);
    assert.equal(s.accountIban, 'NL26VAYB8060476890', name);
    assert.equal(s.sequenceNumber, '12312', name);
    assert.equal(s.currency, 'EUR', name);
    assert.deepEqual(s.openingBalance, { date: '2014-12-30', amount: 1815n, currency: 'EUR' }, name);
    assert.equal(s.closingBalance?.amount, -2700n, name);
    assert.equal(s.closingBalance?.currency, 'SEK', name);
    const tx = only(s.transactions);
    assert.equal(tx.amount, 885n, name);
    assert.equal(tx.bookingDate, '2014-12-31', name);
    assert.equal(tx.valueDate, '2015-01-02', name);
    assert.equal(tx.structuredReference, '4654654654654654', name);
  }
  // A credit: the counterparty is the debtor.
  assert.equal(only(statementOf('camt053/genkgo-camt/camt053.v2.minimal.xml').transactions).counterpartyName, 'NAME NAME');
  assert.equal(only(statementOf('camt053/genkgo-camt/camt053.v2.minimal.xml').transactions).counterpartyAccount, 'NL56AGDH9619008421');
  const ultimate = only(statementOf('camt053/genkgo-camt/camt053.v2.minimal.ultimate.xml').transactions);
  assert.equal(ultimate.counterpartyName, 'DEBTOR NAME NM');
  assert.match(ultimate.description, /DEBTOR NAME NM/);

  // 18.150 / 27.050 / 8.850 EUR: the extra digits are zeros, so the amounts are exact.
  const five = statementOf('camt053/genkgo-camt/camt053.v2.five.decimals.xml');
  assert.deepEqual(five.openingBalance, { date: '2014-12-30', amount: 1815n, currency: 'EUR' });
  assert.deepEqual(five.closingBalance, { date: '2014-12-31', amount: 2705n, currency: 'EUR' });
  assert.equal(only(five.transactions).amount, 885n);
  const xml = read('camt053/genkgo-camt/camt053.v2.five.decimals.xml').toString('utf8');
  const lineOfAmount = xml.split('\n').findIndex((l) => l.includes('8.850')) + 1;
  const lineOfNtry = xml.split('\n').findIndex((l) => l.includes('<Ntry>')) + 1;
  assert.ok(lineOfAmount > lineOfNtry && lineOfNtry > 0);
  assertFails(
    () => parseCamt(xml.replace('8.850', '8.855'), 'five.xml'),
    new RegExp(`^five\\.xml, line ${lineOfNtry}: Ntry/Amt "8\\.855" has more decimals than EUR allows \\(2\\); it is not rounded\\.$`),
    lineOfNtry,
  );
  assertFails(() => parseCamt(xml.replace('18.150', '18.1501'), 'five.xml'), /^five\.xml, line \d+: Bal OPBD Amt "18\.1501" has more decimals than EUR allows/);

  // A statement without entries still yields the statement (RON balance written with 5 decimals, DtTm date).
  const dtTm = statementOf('camt053/genkgo-camt/camt53.only-Dt-with-DtTm.xml');
  assert.deepEqual(dtTm.openingBalance, { date: '2025-07-23', amount: 544209n, currency: 'RON' });
  assert.equal(dtTm.closingBalance, null);
  assert.deepEqual(dtTm.transactions, []);
  assert.equal(dtTm.accountIban, 'GB33BUKB20201555555555');

  const multi = parse('camt053/genkgo-camt/camt053.v2.multi.statement.xml').statements;
  assert.deepEqual(
    multi.map((s) => [s.statementId, s.openingBalance?.amount, s.closingBalance?.amount, s.transactions.map((x) => x.amount)]),
    [
      ['253EURNL26VAYB8060476890', 1815n, 2700n, [885n]],
      ['254EURNL26VAYB8060476890', 2700n, 2000n, [-700n]],
    ],
  );
});

// ---------------------------------------------------------------------------------------------
// viafintech/camt_parser specs

void test('camt_parser camt.053 fixtures: ids, balances, entry and transaction values', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const s = statementOf('camt053/camt_parser/valid_example.xml');
  assert.equal(s.statementId, '0352C5320131227220503');
  assert.equal(s.sequenceNumber, '130000005');
  assert.deepEqual(s.openingBalance, { date: '2013-12-27', amount: 3306n, currency: 'EUR' });
  const first = nth(s.transactions, 0);
  assert.equal(first.amount, -200n);
  assert.equal(first.bookingDate, '2013-12-27');
  assert.equal(first.valueDate, '2013-12-27');
  assert.match(first.description, /Überweisungs-Gutschrift; GVC: SEPA Credit Transfer \(Einzelbuchung-Haben\)/);
  assert.equal(first.bankReference, 'BankReference');
  assert.equal(first.endToEndId, 'EndToEndReference');
  assert.equal(first.counterpartyAccount, 'DE09300606010012345671');
  assert.equal(first.counterpartyBic, 'DAAEDEDDXXX');
  assert.equal(first.transactionCode, 'NTRF+020');
  // NOTPROVIDED end-to-end ids are dropped.
  assert.equal(nth(s.transactions, 1).endToEndId, null);

  assert.deepEqual(statementOf('camt053/camt_parser/valid_example_with_debit.xml').openingBalance, {
    date: '2013-12-27',
    amount: -3306n,
    currency: 'EUR',
  });

  const instd = only(statementOf('camt053/camt_parser/valid_example_with_instdamt.xml').transactions);
  assert.equal(instd.amount, 450000n);
  assert.equal(instd.currency, 'CHF');

  const batch = nth(statementOf('camt053/camt_parser/valid_example_with_batch.xml').transactions, 0);
  assert.equal(batch.amount, -475374n);
  assert.match(batch.description, /batch O0OpeAYTkhjerKu3eE9asw of 3 transactions/);

  // Charges are noted in the description (the entry at line 245 carries a total of 5.20 CHF).
  const v4 = statementOf('camt053/camt_parser/valid_example_v4.xml');
  assert.match(v4.transactions.find((x) => x.line === 245)?.description ?? '', /charges 5\.20 CHF/);

  const v8 = statementOf('camt053/camt_parser/valid_example_v8.xml');
  assert.equal(v8.statementId, 'R30B4SA880HMZ9XA');
  assert.equal(v8.sequenceNumber, '122');
  assert.equal(nth(v8.transactions, 0).counterpartyName, 'Jon Doe'); // .08 Dbtr/Pty/Nm
  assert.equal(nth(v8.transactions, 0).counterpartyBic, 'UBSWCHZH80A'); // .08 BICFI
  assert.equal(nth(v8.transactions, 1).structuredReference, 'RF38000000000000000000552');

  const dt = only(statementOf('camt053/camt_parser/valid_example_with_datetime.xml').transactions);
  assert.equal(dt.bookingDate, '2023-06-21');
  assert.equal(dt.valueDate, null);

  const other = statementOf('camt053/camt_parser/valid_example_with_other_id.xml');
  assert.equal(other.accountIban, null);
  assert.equal(other.accountNumber, 'ABCDE1234');
});

void test('camt_parser camt.054 fixture: the notification and its entries', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const n = statementOf('camt054/camt_parser/valid_example.xml');
  assert.equal(n.format, 'camt.054');
  assert.equal(n.statementId, '20160410375204000131032');
  assert.equal(n.accountIban, 'CH0309000000250090342');
  assert.equal(n.currency, 'CHF');
  assert.equal(entries(n).length, 4);
  assert.deepEqual(
    n.transactions.map((x) => [x.amount, x.isReturn]),
    [
      [1500n, false],
      [900n, false],
      [5656n, false],
      [-600n, true],
      [-1553n, true],
    ],
  );
  assert.match(nth(n.transactions, 3).description, /return reason MD06/);
});

// ---------------------------------------------------------------------------------------------
// OCA/bank-statement-import golden pydata

/** The files of a zip archive (stored or deflated; enough for the OCA fixture). */
function unzip(data: Buffer): { name: string; content: Buffer }[] {
  const files: { name: string; content: Buffer }[] = [];
  let at = 0;
  while (data.readUInt32LE(at) === 0x04034b50) {
    const method = data.readUInt16LE(at + 8);
    const size = data.readUInt32LE(at + 18);
    const nameLength = data.readUInt16LE(at + 26);
    const extraLength = data.readUInt16LE(at + 28);
    const name = data.subarray(at + 30, at + 30 + nameLength).toString('utf8');
    const start = at + 30 + nameLength + extraLength;
    const raw = data.subarray(start, start + size);
    files.push({ name, content: method === 8 ? inflateRawSync(raw) : raw });
    at = start + size;
  }
  return files;
}

void test('OCA golden: test-camt053 statement, amounts, partners and references', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const s = statementOf('camt053/oca-account_statement_import_camt/test-camt053');
  assert.equal(s.statementId, '1234Test/1');
  assert.equal(s.currency, 'EUR');
  assert.equal(s.accountIban, 'NL77ABNA0574908765');
  assert.deepEqual(s.openingBalance, { date: '2014-01-05', amount: 1556827n, currency: 'EUR' });
  assert.deepEqual(s.closingBalance, { date: '2014-01-05', amount: 1512112n, currency: 'EUR' });
  assert.deepEqual(
    s.transactions.map((x) => [x.amount, x.bookingDate, x.counterpartyName, x.counterpartyAccount, x.endToEndId, x.transactionCode, x.isReturn]),
    [
      [-75425n, '2014-01-05', 'INSURANCE COMPANY TESTX', 'NL46ABNA0499998748', '435005714488-ABNO33052620', 'PMNT/RDDT/ESDD', false],
      [-56405n, '2014-01-05', 'Test Customer', 'NL46ABNA0499998748', 'TESTBANK/NL/20141229/01206408', 'PMNT/IDDT/UPDD', true],
      [-10000n, '2014-01-05', 'Test Customer', 'NL46ABNA0499998748', 'TESTBANK/NL/20141229/01206407', 'PMNT/IDDT/UPDD', true],
      [140531n, '2014-01-05', '3rd party Media', 'NL69ABNA0522123643', '115', 'PMNT/RCDT/ESCT', false],
    ],
  );
  const [insurance, returned, , media] = s.transactions;
  assert.equal(insurance?.remittanceInfo, 'Insurance policy 857239PERIOD 01.01.2014 - 31.12.2014');
  assert.match(insurance?.description ?? '', /MKB Insurance 859239PERIOD 01\.01\.2014 - 31\.12\.2014/);
  assert.match(returned?.description ?? '', /return reason AC06/);
  // The reversed collection names the customer as creditor; its agent's BIC comes with it.
  assert.equal(returned?.counterpartyBic, 'ABNANL2A');
  assert.match(media?.description ?? '', /#RD PARTY MEDIA CUSNO 90782 4210773/);

  // The zip holds two more statements, 1234Test/2 and 1234Test/3, of three entries each.
  const zipped = unzip(read('camt053/oca-account_statement_import_camt/test-camt053.zip')).map((f) => parseCamt(f.content, f.name));
  assert.deepEqual(
    zipped.map((r) => [only(r.statements).statementId, only(r.statements).transactions.length]),
    [
      ['1234Test/2', 3],
      ['1234Test/3', 3],
    ],
  );
});

void test('OCA golden: txdtls batch split, no-ntry statement, BookgDt as DtTm, camt.054', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  const s = statementOf('camt053/oca-account_statement_import_camt/test-camt053-txdtls');
  assert.equal(s.statementId, '20170323123456789012345');
  assert.equal(s.currency, 'CHF');
  assert.equal(s.accountIban, 'CH1111000000123456789');
  assert.equal(s.openingBalance?.amount, 7596015n);
  assert.equal(s.closingBalance?.amount, 7944315n);
  assert.deepEqual(
    s.transactions.map((x) => [x.amount, x.bookingDate, x.counterpartyName, x.counterpartyAccount, x.structuredReference, x.bankReference, x.line]),
    [
      [218700n, '2017-03-22', 'Banque Cantonale Vaudoise', 'CH2222000000123456789', '302388292000011111111111111', '123456CHCAFEBABE', 53],
      [129600n, '2017-03-22', 'Banque Cantonale Vaudoise', 'CH3333000000123456789', '302388292000022222222222222', '123456CHCAFEBABE', 53],
    ],
  );
  for (const x of s.transactions) {
    assert.match(x.description, /CRÉDIT GROUPÉ BVR TRAITEMENT DU 22\.03\.2017 NUMÉRO CLIENT 01-70884-3 PAQUET ID: 123456CHCAFEBABE/);
    assert.equal(x.transactionCode, 'PMNT/RCDT/VCOM');
  }

  // OCA drops a statement without entries; here it stays, with its balances and no transactions.
  const empty = statementOf('camt053/oca-account_statement_import_camt/test-camt053-no-ntry');
  assert.equal(empty.statementId, '1234Test/1');
  assert.deepEqual(empty.transactions, []);

  // NOTE: OCA expects 2014-01-05 for `<DtTm>2014-01-04T23:00:00.000Z</DtTm>` (Odoo converts to the
  // user's time zone); the date part as written is 2014-01-04.
  const dtTm = only(statementOf('camt053/oca-account_statement_import_camt/test-camt053-bookgdt-dttm').transactions);
  assert.equal(dtTm.bookingDate, '2014-01-04');
  assert.equal(dtTm.valueDate, '2014-01-05');

  const n = statementOf('camt054/oca-account_statement_import_camt/test-camt054');
  assert.equal(n.statementId, '20220120000000000000000');
  assert.equal(n.currency, 'EUR');
  assert.equal(n.accountIban, 'NL77ABNA0574908765');
  assert.deepEqual([n.openingBalance, n.closingBalance], [null, null]);
  const tx = only(n.transactions);
  assert.deepEqual(
    [tx.amount, tx.bookingDate, tx.counterpartyName, tx.counterpartyAccount, tx.structuredReference, tx.endToEndId, tx.bankReference, tx.transactionCode],
    [500n, '2022-01-26', 'Test Customer', 'NL46ABNA0499998748', '000000000000000000000000003', 'ENDTOENDID-01', '15180015077602405', 'PMNT/RCDT/VCOM'],
  );
  assert.match(tx.description, /Additional entry info/);
});

// ---------------------------------------------------------------------------------------------
// Other corpus files (no oracle in their sources): values read from the files.

void test('moov, ISO and Subite samples: batches, returns, CR line ends, INFO breakdowns', (t) => {
  if (!corporaPresent) return t.skip(SKIP);
  // Finnish camt.054 with CR-only line ends: lines still count, foreign-currency details use TxAmt.
  const fi = statementOf('camt054/moov-iso20022/FI_camt_054_sample.xml.xml');
  assert.equal(fi.accountIban, 'FI7433010001222090');
  const xbct = fi.transactions.filter((x) => x.line === 718);
  assert.deepEqual(
    xbct.map((x) => [x.amount, x.endToEndId, x.counterpartyName, x.remittanceInfo]),
    [
      [-50000n, 'ISSRBKREF12345678', 'CREDITOR', 'INVOICE US20291092'],
      [-50000n, 'ISSRBKREF12345679', 'CREDITOR', 'INVOICE JP1920190'],
    ],
  );
  const info = fi.transactions.filter((x) => x.line === 936);
  assert.deepEqual(
    info.map((x) => [x.amount, x.isReturn, x.structuredReference]),
    [
      [4000n, true, '2345678917'],
      [6000n, true, '1234567897'],
    ],
  );
  assert.match(nth(info, 0).description, /^status INFO \(not booked\) \| reversal \| .*return reason AC01 1\+TILIÄ EI LÖYDY$/);

  // Finnish camt.053: four entries split into their details, the statement reconciles.
  const fi053 = statementOf('camt053/moov-iso20022/FI_camt_053_sample.xml.xml');
  assert.equal(fi053.transactions.length, 13);
  assert.ok(reconciles(fi053));

  // Subite: schema-invalid exports (no CdtDbtInd on balances, no Sts/BookgDt) still reconcile.
  const lt = parse('camt053/subite-camt-to-coda/LT625883379695428516_CAMT_053_2024-03-07.xml').statements;
  assert.equal(lt.length, 2);
  assert.ok(lt.every(reconciles));
  assert.equal(nth(lt, 0).accountNumber, 'LT625883379695428516');
  assert.deepEqual(
    nth(lt, 0).transactions.map((x) => [x.amount, x.bookingDate, x.line]),
    [
      [82853198n, '2024-03-07', 2],
      [-20n, '2024-03-07', 2],
      [-579397n, '2024-03-07', 2],
    ],
  );
  const be = statementOf('camt053/subite-camt-to-coda/Other_BE68793230773034-202411.xml');
  assert.equal(be.transactions.length, 268);
  assert.ok(reconciles(be));

  // Subite camt.054: one INFO entry whose 31 details (credits and debits) add up to it.
  const breakdown = statementOf('camt054/subite-camt-to-coda/LT809872649478701594_CAMT_054_2024-03-07.xml');
  assert.equal(breakdown.transactions.length, 31);
  assert.equal(sum(breakdown.transactions), 632900n);
  assert.ok(breakdown.transactions.every((x) => x.description.startsWith('status INFO (not booked)')));

  // ISO camt.053.001.01: Tp/Cd balances, TxDtls directly in Ntry, proprietary account id, DtTm booking date.
  const v1 = statementOf('camt053/iso20022-mdr-samples/camt.053.001.01.xml');
  assert.equal(v1.accountNumber, '50000000054910000003');
  assert.equal(v1.openingBalance?.amount, 50000000n);
  assert.deepEqual(
    v1.transactions.map((x) => [x.amount, x.bookingDate, x.endToEndId, x.counterpartyName]),
    [
      [10567850n, '2007-10-18', 'MUELL/FINP/RA12345', 'MUELLER'],
      [-200000000n, '2007-10-18', null, null],
      [3000000n, '2007-10-18', 'AAAASS1085FINPSS', null],
    ],
  );

  // PostFinance returns: a credit returned with reason AC01.
  const ret = only(statementOf('camt054/moov-iso20022/camt054-returns_p_ch5109000000250092291_1110097606_0_2020112500512470.xml').transactions);
  assert.deepEqual([ret.amount, ret.isReturn, ret.counterpartyName], [50000n, true, 'Robert Schneider SA']);
  assert.match(ret.description, /return reason AC01 Kontonummer falsch/);
});

// ---------------------------------------------------------------------------------------------
// Synthetic documents: rules and errors

function camt053(entriesXml: string, opts: { ns?: string; balances?: string } = {}): string {
  const ns = opts.ns ?? 'camt.053.001.02';
  const balances =
    opts.balances ??
    `<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-13</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">221.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-03-14</Dt></Dt></Bal>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:${ns}">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>M1</MsgId><CreDtTm>2025-03-14T18:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>S1</Id><ElctrncSeqNb>42</ElctrncSeqNb><CreDtTm>2025-03-14T18:00:00</CreDtTm>
      <Acct><Id><IBAN>NL91ABNA0417164300</IBAN></Id><Ccy>EUR</Ccy></Acct>
      ${balances}
${entriesXml}
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}

const SAMPLE_ENTRY = `      <Ntry>
        <Amt Ccy="EUR">121.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-03-14</Dt></BookgDt><ValDt><Dt>2025-03-14</Dt></ValDt>
        <AcctSvcrRef>250314-0001</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>E2E-INV20250042</EndToEndId></Refs>
          <AmtDtls><TxAmt><Amt Ccy="EUR">121.00</Amt></TxAmt></AmtDtls>
          <RltdPties><Dbtr><Nm>ACME BV</Nm></Dbtr>
            <DbtrAcct><Id><IBAN>NL44RABO0123456789</IBAN></Id></DbtrAcct>
            <UltmtDbtr><Nm>ACME Holding</Nm></UltmtDbtr></RltdPties>
          <RltdAgts><DbtrAgt><FinInstnId><BIC>RABONL2U</BIC></FinInstnId></DbtrAgt></RltdAgts>
          <RmtInf><Ustrd>Invoice   2025-0042</Ustrd><Ustrd>and 2025-0043</Ustrd><Strd><CdtrRefInf>
            <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>CUR</Issr></Tp>
            <Ref>5000000020250042</Ref></CdtrRefInf></Strd></RmtInf>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>SEPA credit transfer</AddtlNtryInf>
      </Ntry>`;

void test('the REFERENCE.md sample entry maps onto every field', () => {
  const result = parseCamt(camt053(SAMPLE_ENTRY), 'sample.xml');
  assert.equal(result.format, 'camt.053');
  const s = only(result.statements);
  assert.deepEqual(
    { ...s, transactions: [] },
    {
      format: 'camt.053',
      statementId: 'S1',
      sequenceNumber: '42',
      accountIban: 'NL91ABNA0417164300',
      accountNumber: 'NL91ABNA0417164300',
      currency: 'EUR',
      openingBalance: { date: '2025-03-13', amount: 10000n, currency: 'EUR' },
      closingBalance: { date: '2025-03-14', amount: 22100n, currency: 'EUR' },
      transactions: [],
    },
  );
  assert.deepEqual(only(s.transactions), {
    line: 10,
    bookingDate: '2025-03-14',
    valueDate: '2025-03-14',
    amount: 12100n,
    currency: 'EUR',
    bankReference: '250314-0001',
    endToEndId: 'E2E-INV20250042',
    counterpartyAccount: 'NL44RABO0123456789',
    counterpartyBic: 'RABONL2U',
    counterpartyName: 'ACME BV',
    structuredReference: '5000000020250042',
    remittanceInfo: 'Invoice 2025-0042 and 2025-0043',
    transactionCode: 'PMNT/RCDT/ESCT',
    isReturn: false,
    description: 'SEPA credit transfer | ACME BV | ultimate party ACME Holding | Invoice 2025-0042 and 2025-0043 | reference 5000000020250042',
  });
});

void test('version .08 spellings, prefixed elements, CRLF line ends and Buffer input with a BOM', () => {
  const v8 = SAMPLE_ENTRY.replace('<Sts>BOOK</Sts>', '<Sts><Cd>BOOK</Cd></Sts>')
    .replace('<Dbtr><Nm>ACME BV</Nm></Dbtr>', '<Dbtr><Pty><Nm>ACME BV</Nm></Pty></Dbtr>')
    .replace('<BIC>RABONL2U</BIC>', '<BICFI>RABONL2U</BICFI>');
  const doc = camt053(v8, { ns: 'camt.053.001.08' })
    .replace(/<(\/?)([A-Za-z])/g, '<$1c:$2')
    .replace('<c:Document xmlns=', '<c:Document xmlns:c=')
    .replace(/\n/g, '\r\n');
  const tx = only(only(parseCamt(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(doc, 'utf8')]), 'v8.xml').statements).transactions);
  assert.equal(tx.line, 10);
  assert.equal(tx.counterpartyName, 'ACME BV');
  assert.equal(tx.counterpartyBic, 'RABONL2U');
  assert.equal(tx.amount, 12100n);

  // A Latin-1 file says so in its declaration.
  const latin = camt053(SAMPLE_ENTRY.replace('ACME BV', 'Café Zoë')).replace('encoding="UTF-8"', 'encoding="ISO-8859-1"');
  assert.equal(only(only(parseCamt(Buffer.from(latin, 'latin1'), 'latin.xml').statements).transactions).counterpartyName, 'Café Zoë');
});

function batchEntry(details: string, amount = '300.00', ind = 'CRDT'): string {
  return `      <Ntry>
        <Amt Ccy="EUR">${amount}</Amt><CdtDbtInd>${ind}</CdtDbtInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-03-14</Dt></BookgDt>
        <AcctSvcrRef>B-1</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>ESDD</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><Btch><PmtInfId>DD-20250314</PmtInfId><NbOfTxs>2</NbOfTxs></Btch>
${details}
        </NtryDtls>
      </Ntry>`;
}

function detail(opts: { amount?: string; ind?: string; e2e?: string; name?: string; ustrd?: string; ref?: string }): string {
  return `<TxDtls>
    <Refs>${opts.ref === undefined ? '' : `<AcctSvcrRef>${opts.ref}</AcctSvcrRef>`}<EndToEndId>${opts.e2e ?? 'NOTPROVIDED'}</EndToEndId></Refs>
    ${opts.amount === undefined ? '' : `<Amt Ccy="EUR">${opts.amount}</Amt>`}${opts.ind === undefined ? '' : `<CdtDbtInd>${opts.ind}</CdtDbtInd>`}
    <RltdPties><Dbtr><Nm>${opts.name ?? 'X'}</Nm></Dbtr></RltdPties>
    <RmtInf><Ustrd>${opts.ustrd ?? ''}</Ustrd></RmtInf>
  </TxDtls>`;
}

void test('batch entries: split per TxDtls only when the details add up to the entry', () => {
  const split = only(
    parseCamt(
      camt053(
        batchEntry(
          detail({ amount: '250.00', e2e: 'E1', name: 'Alpha', ustrd: 'INV-1', ref: 'D-1' }) + detail({ amount: '50.00', e2e: 'E2', name: 'Beta', ustrd: 'INV-2' }),
        ),
      ),
      'b.xml',
    ).statements,
  ).transactions;
  assert.deepEqual(
    split.map((x) => [x.amount, x.endToEndId, x.counterpartyName, x.remittanceInfo, x.bankReference, x.line]),
    [
      [25000n, 'E1', 'Alpha', 'INV-1', 'D-1', 10],
      [5000n, 'E2', 'Beta', 'INV-2', 'B-1', 10],
    ],
  );
  assert.match(nth(split, 0).description, /^batch DD-20250314 of 2 transactions \| Alpha \| INV-1$/);

  // A .08 netted batch: a debit detail inside a credit entry.
  const netted = only(
    parseCamt(camt053(batchEntry(detail({ amount: '350.00', ind: 'CRDT' }) + detail({ amount: '50.00', ind: 'DBIT' }))), 'n.xml').statements,
  ).transactions;
  assert.deepEqual(
    netted.map((x) => x.amount),
    [35000n, -5000n],
  );

  // Amounts that do not add up (charges taken off the entry): one transaction, details joined.
  const off = only(
    only(parseCamt(camt053(batchEntry(detail({ amount: '250.00', name: 'Alpha', ustrd: 'INV-1' }) + detail({ amount: '60.00', name: 'Beta', ustrd: 'INV-2' }))), 'o.xml').statements)
      .transactions,
  );
  assert.equal(off.amount, 30000n);
  assert.equal(off.counterpartyName, null);
  assert.equal(off.remittanceInfo, 'INV-1 INV-2');
  assert.match(off.description, /2 transactions whose amounts do not add up to the entry \| Alpha \| INV-1 \| Beta \| INV-2/);

  // No per-detail amounts: one transaction with the entry amount; shared values survive.
  const none = only(
    only(parseCamt(camt053(batchEntry(detail({ name: 'Same', e2e: 'E9' }) + detail({ name: 'Same', e2e: 'E9' }))), 'x.xml').statements).transactions,
  );
  assert.deepEqual([none.amount, none.counterpartyName, none.endToEndId], [30000n, 'Same', 'E9']);
  assert.match(none.description, /2 transactions without separate amounts/);

  // One detail: always the entry amount (the detail's TxAmt may be a different, informative figure).
  const one = only(only(parseCamt(camt053(batchEntry(detail({ amount: '0.04' }))), 'one.xml').statements).transactions);
  assert.equal(one.amount, 30000n);
});

void test('reversals, returns and entry status', () => {
  const reversal = `      <Ntry>
        <Amt Ccy="EUR">121.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>BOOK</Sts>
        <BookgDt><Dt>2025-03-20</Dt></BookgDt>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Nm>ACME BV</Nm></Dbtr><DbtrAcct><Id><IBAN>NL44RABO0123456789</IBAN></Id></DbtrAcct>
            <Cdtr><Nm>Us</Nm></Cdtr><CdtrAcct><Id><IBAN>NL91ABNA0417164300</IBAN></Id></CdtrAcct></RltdPties>
          <RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf>
        </TxDtls></NtryDtls>
      </Ntry>`;
  const pending = SAMPLE_ENTRY.replace('<Sts>BOOK</Sts>', '<Sts>PDNG</Sts>');
  const s = only(parseCamt(camt053(reversal + pending), 'r.xml').statements);
  // The reversed collection keeps the debtor of the original as counterparty; the pending entry is left out.
  const tx = only(s.transactions);
  assert.deepEqual([tx.amount, tx.isReturn, tx.counterpartyName, tx.counterpartyAccount], [-12100n, true, 'ACME BV', 'NL44RABO0123456789']);
  assert.match(tx.description, /^reversal \| ACME BV \| return reason MD06$/);

  // In a camt.054 the same pending entry is kept and marked.
  const notification = camt053(pending)
    .replace(/camt\.053\.001\.02/, 'camt.054.001.02')
    .replace(/BkToCstmrStmt>/g, 'BkToCstmrDbtCdtNtfctn>')
    .replace(/Stmt>/g, 'Ntfctn>');
  const n = parseCamt(notification, 'n.xml');
  assert.equal(n.format, 'camt.054');
  const ntx = only(only(n.statements).transactions);
  assert.equal(ntx.amount, 12100n);
  assert.match(ntx.description, /^status PDNG \(not booked\) \| SEPA credit transfer/);
  // camt.054 carries no balances.
  assert.deepEqual([only(n.statements).openingBalance, only(n.statements).closingBalance], [null, null]);
});

void test('errors name the file, the line and the element', () => {
  const doc = camt053(SAMPLE_ENTRY);
  assertFails(() => parseCamt(doc.replace('<Amt Ccy="EUR">121.00</Amt><CdtDbtInd>', '<CdtDbtInd>'), 'a.xml'), /^a\.xml, line 10: the entry \(Ntry\) has no Amt\.$/, 10);
  assertFails(() => parseCamt(doc.replace('<BookgDt><Dt>2025-03-14', '<BookgDt><Dt>2025-02-30'), 'b.xml'), /^b\.xml, line 10: Ntry\/BookgDt\/Dt "2025-02-30" is not a valid date\.$/);
  assertFails(() => parseCamt(doc.replace('<ValDt><Dt>2025-03-14</Dt>', '<ValDt><DtTm>14-03-2025T10:00</DtTm>'), 'c.xml'), /^c\.xml, line 10: Ntry\/ValDt\/DtTm "14-03-2025T10:00" is not a valid date\.$/);
  assertFails(() => parseCamt(doc.replace('>121.00</Amt><CdtDbtInd>CRDT', '>1,21</Amt><CdtDbtInd>CRDT'), 'd.xml'), /^d\.xml, line 10: Ntry\/Amt "1,21" is not a non-negative decimal amount\.$/);
  assertFails(() => parseCamt(doc.replace('<Amt Ccy="EUR">121.00</Amt><CdtDbtInd>', '<Amt>121.00</Amt><CdtDbtInd>'), 'e.xml'), /^e\.xml, line 10: Ntry\/Amt has no valid Ccy attribute/);
  assertFails(() => parseCamt(doc.replace('<CdtDbtInd>CRDT</CdtDbtInd><Sts>', '<Sts>'), 'f.xml'), /^f\.xml, line 10: Ntry has no CdtDbtInd\.$/);
  assertFails(() => parseCamt(doc.replace('<Amt Ccy="EUR">121.00</Amt><CdtDbtInd>', '<Amt Ccy="JPY">121.5</Amt><CdtDbtInd>'), 'g.xml'), /^g\.xml, line 10: Ntry\/Amt "121\.5" has more decimals than JPY allows \(0\)/);
  assertFails(() => parseCamt(doc.replace('<Dt><Dt>2025-03-13</Dt></Dt>', ''), 'h.xml'), /^h\.xml, line 8: Bal OPBD has no Dt\/Dt or Dt\/DtTm\.$/, 8);
  assertFails(() => parseCamt(doc.replace('<TxAmt><Amt Ccy="EUR">121.00', '<TxAmt><Amt Ccy="EUR">abc'), 'i.xml'), /^i\.xml, line 10: TxDtls\/AmtDtls\/TxAmt\/Amt "abc"/);
  // No booking date at all: the value date stands in; without any date it is an error.
  const undated = doc.replace('<BookgDt><Dt>2025-03-14</Dt></BookgDt><ValDt><Dt>2025-03-14</Dt></ValDt>', '').replace(/<CreDtTm>[^<]*<\/CreDtTm>/g, '');
  assertFails(() => parseCamt(undated, 'j.xml'), /^j\.xml, line 10: the entry \(Ntry\) has no BookgDt, ValDt or message CreDtTm to date it\.$/);
});

void test('files that are not camt.053/054 are refused in one sentence naming the file', () => {
  assertFails(() => parseCamt('', 'empty.xml'), /^empty\.xml is empty\.$/);
  assertFails(() => parseCamt(Buffer.from([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]), 'scan.pdf'), /^scan\.pdf is not an XML document, so not a camt\.053 or camt\.054 file\.$/);
  assertFails(() => parseCamt(':20:STARTUMS\n:25:NL91ABNA0417164300\n', 'mt940.sta'), /^mt940\.sta is not an XML document/);
  assertFails(() => parseCamt('<Document><BkToCstmrStmt><Stmt></BkToCstmrStmt></Document>', 'broken.xml'), /^broken\.xml is not well-formed XML \(line 1: .+\)\.$/);
  assertFails(
    () => parseCamt('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"><CstmrDrctDbtInitn/></Document>', 'dd.xml'),
    /^dd\.xml is not a camt\.053 or camt\.054 file \(it is an ISO 20022 pain\.008 message\)\.$/,
  );
  assertFails(() => parseCamt('<Invoice><ID>1</ID></Invoice>', 'inv.xml'), /^inv\.xml is not a camt\.053 or camt\.054 file \(root element <Invoice>\)\.$/);
  assertFails(() => parseCamt('<constructor><Stmt/></constructor>', 'proto.xml'), /^proto\.xml is not a camt\.053 or camt\.054 file \(.+\)\.$/);
  assertFails(
    () => parseCamt('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.02"><BkToCstmrAcctRpt><Rpt/></BkToCstmrAcctRpt></Document>', 'r.xml'),
    /^r\.xml is a camt\.052 intraday account report/,
  );
  assertFails(
    () => parseCamt('<!DOCTYPE d [<!ENTITY a "aaaa">]><Document><BkToCstmrStmt><Stmt/></BkToCstmrStmt></Document>', 'dtd.xml'),
    /^dtd\.xml contains a DOCTYPE declaration, which camt files never have; it is not read\.$/,
  );
});
