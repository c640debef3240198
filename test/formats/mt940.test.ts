import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatAmount } from '../../src/core/money.ts';
import { looksLikeMt940, parseMt940 } from '../../src/formats/mt940.ts';
import { StatementFormatError, type BankStatement, type ParsedStatementFile, type StatementBalance, type StatementTransaction } from '../../src/formats/statement.ts';

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

const corpusRoot = new URL('../../../shared/corpora/mt940/', import.meta.url);
const corpusPresent = existsSync(fileURLToPath(corpusRoot));
const needsCorpus = corpusPresent ? {} : { skip: 'shared corpora absent' };

/** Every statement file of the corpus as `folder/name` (the .json golden outputs and the .md/.tsv notes left out). */
function corpusFiles(): string[] {
  const files: string[] = [];
  for (const dir of readdirSync(corpusRoot, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const name of readdirSync(new URL(`${dir.name}/`, corpusRoot)).sort()) {
      if (!/\.(json|md|tsv)$/.test(name)) files.push(`${dir.name}/${name}`);
    }
  }
  return files.sort();
}

function read(rel: string): Buffer {
  return readFileSync(new URL(rel, corpusRoot));
}

function parse(rel: string): ParsedStatementFile {
  return parseMt940(read(rel), rel);
}

function st(file: ParsedStatementFile, i: number): BankStatement {
  const s = file.statements[i];
  assert.ok(s !== undefined, `statement ${i} missing (${file.statements.length} statements)`);
  return s;
}

function tx(s: BankStatement, i: number): StatementTransaction {
  const t = s.transactions[i];
  assert.ok(t !== undefined, `transaction ${i} missing (${s.transactions.length} transactions)`);
  return t;
}

function allTx(file: ParsedStatementFile): StatementTransaction[] {
  return file.statements.flatMap((s) => s.transactions);
}

/** Amount as a decimal string (`-9.00`), the way the oracle writes it. */
function amt(t: { amount: bigint; currency: string } | null | undefined): string | null {
  return t ? formatAmount(t.amount, t.currency) : null;
}

function balance(b: StatementBalance | null): [string, string] | null {
  return b === null ? null : [b.date, formatAmount(b.amount, b.currency)];
}

/**
 * Account numbers as the source projects compare them: without dots, spaces, the currency some
 * banks append (`1291.99.348EUR`), a Postbank `P`, leading zeros, and (when the expected value has
 * no `/`) a bank prefix such as `TRIODOSBANK/`.
 */
function normAccount(value: string | null, expected: string): string | null {
  if (value === null) return null;
  let v = value.replace(/[\s.]/g, '').replace(/(\d)[A-Z]{3}$/, '$1');
  if (!expected.includes('/')) v = v.slice(v.lastIndexOf('/') + 1);
  // a Dutch IBAN compared with the old account number it holds
  const bban = /^NL\d\d[A-Z]{4}(\d{10})$/.exec(v);
  if (bban && /^\d+$/.test(expected)) v = bban[1] ?? v;
  return v.replace(/^P/, '').replace(/^0+/, '');
}

function assertAccount(value: string | null, expected: string, message?: string): void {
  assert.equal(normAccount(value, expected), expected.replace(/^P/, '').replace(/^0+/, ''), message);
}

function sumOf(s: BankStatement): bigint {
  return s.transactions.reduce((a, t) => a + t.amount, 0n);
}

/** php-mt940's `getDeltaPrice()`: start price − end price. */
function phpDelta(s: BankStatement): string {
  assert.ok(s.openingBalance && s.closingBalance);
  return formatAmount(s.openingBalance.amount - s.closingBalance.amount, s.currency);
}

// ---------------------------------------------------------------------------------------------
// The whole corpus
// ---------------------------------------------------------------------------------------------

/**
 * Files the source projects themselves reject; we reject them too, with StatementFormatError.
 * (mt940-rs also rejects `special-cases/*.sta`, February 30 and `jejik/knab_broken.sta`
 * = wolph-mt940/jejik_knab.sta because it is strict about the SWIFT grammar; wolph/mt940 reads
 * them, and so do we: an unknown `:12:` inside `:86:` is wrapped text, 30 February is the last day
 * of February, `C500NTRF` is an amount without its decimal comma.)
 */
const INTENTIONALLY_BROKEN: Readonly<Record<string, { reason: string; message: RegExp; line: number | null }>> = {
  'wolph-mt940/self-provided_invalid_statement.sta': {
    reason: 'lines "1" … "10", not MT940 at all (wolph and mt940-rs expect a failure)',
    message: /is not an MT940 file/,
    line: null,
  },
  'oca-bank-statement-import/mt940_base__test-wrong-file.940': {
    reason: 'first line `:9401:` is no field tag (OCA expects a ValueError)',
    message: /line 1: :9401: is not a valid MT940 field tag/,
    line: 1,
  },
  'zilverline-mt940/knab_knab_invalid.txt': {
    reason: 'the first message never ends (no :62F:, no -}) before the next {1: block (zilverline: InvalidFileContentError)',
    message: /line 9: a new SWIFT message starts before the message that began on line 1 ended \(no closing balance :62F:, no -\}\)/,
    line: 9,
  },
  'wolph-mt940/betterplace_sepa_snippet_broken.sta': {
    reason: 'a :25: where the :86: of a :61: belongs (betterplace/mt940_parser and mt940-rs expect a failure)',
    message: /line 6: an account field :25: appears among the statement lines/,
    line: 6,
  },
};

void test('the corpus holds 203 statement files', needsCorpus, () => {
  assert.equal(corpusFiles().length, 203);
});

void test('every corpus file parses, except the intentionally broken ones', needsCorpus, async (t) => {
  let statements = 0;
  let transactions = 0;
  for (const rel of corpusFiles()) {
    const broken = INTENTIONALLY_BROKEN[rel];
    await t.test(rel, () => {
      if (broken !== undefined) {
        assert.throws(
          () => parse(rel),
          (e: unknown) => e instanceof StatementFormatError && e.message.startsWith(rel) && broken.message.test(e.message) && e.line === broken.line,
          broken.reason,
        );
        return;
      }
      const file = parse(rel);
      assert.equal(file.format, 'mt940');
      for (const s of file.statements) {
        assert.equal(s.format, 'mt940');
        assert.match(s.currency, /^[A-Z]{3}$/);
        for (const x of s.transactions) {
          assert.match(x.bookingDate, /^\d{4}-\d{2}-\d{2}$/);
          assert.equal(typeof x.amount, 'bigint');
          assert.equal(x.currency, s.currency);
        }
      }
      statements += file.statements.length;
      transactions += allTx(file).length;
    });
  }
  t.diagnostic(`${statements} statements, ${transactions} transactions`);
});

/**
 * Statements whose own numbers do not add up (closing − opening − Σ transactions ≠ 0), with that
 * difference. All of them are the fixture's doing, not the parser's: the source projects trimmed
 * or duplicated transactions, or typed balances by hand. Independent checks: every amount and
 * balance of the mt940-rs files equals its golden JSON (test below); for every file here that
 * mt940js can read, mt940js's own balance check fails on the same statement ("Sum of lines …
 * != turnover"); the rest were summed by hand.
 */
const UNBALANCED: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  // ABN AMRO's own documentation examples: made-up balances per example
  'dovadi-mt940/MT940_voorbeeldbestanden_abnamro.txt': { 1: '3255.70', 2: '3255.70', 3: '3255.70', 12: '-100.00' },
  // ING/jejik "ing" fixture (and its copies): transactions edited, balances kept
  'dovadi-mt940/ing.txt': { 0: '50.06' },
  'zilverline-mt940/ing.txt': { 0: '50.06' },
  'zilverline-mt940/unknown.txt': { 0: '50.06' },
  'jejik-mt940/ing-dos.txt': { 0: '49.06' },
  'mt940-rs/mt940_full_jejik_ing.sta': { 0: '49.06' },
  'wolph-mt940/jejik_ing.sta': { 0: '49.06' },
  'php-mt940/Ing_sample': { 0: '-3.68' }, // one :61: duplicated
  // a transaction of another date appended to a real statement
  'dovadi-mt940/ing_sepa.txt': { 0: '1234.00' },
  'dovadi-mt940/rabobank_sepa.txt': { 0: '-345.16', 1: '-384.75' },
  'php-mt940/Rabo_sample3': { 0: '-345.16', 1: '-384.75' },
  // old Rabobank fixture (and copies): transactions left out
  'dovadi-mt940/rabobank.txt': { 0: '1135.93', 2: '236.56' },
  'jejik-mt940/rabobank.txt': { 0: '1135.93', 2: '236.56' },
  'mt940-rs/mt942_full_jejik_rabobank.sta': { 0: '1135.93', 2: '236.56' },
  'wolph-mt940/jejik_rabobank.sta': { 0: '1135.93', 2: '236.56' },
  // old ABN AMRO fixture (and copies): transactions left out
  'jejik-mt940/abnamro.txt': { 0: '-2038.00', 1: '-1002.60' },
  'mt940-rs/mt940_full_jejik_abnamro.sta': { 0: '-2038.00', 1: '-1002.60' },
  'wolph-mt940/jejik_abnamro.sta': { 0: '-2038.00', 1: '-1002.60' },
  'zilverline-mt940/abn_abnamro.txt': { 0: '-2038.00', 1: '-1002.60' },
  'zilverline-mt940/abn_abnamro_structured.txt': { 0: '5.10', 1: '-8.00' },
  'mt940-rs/mt940_full_abnamro_mt940.sta': { 0: '1125.84', 1: '1119.88' }, // balances 1111.10 → 2222.20 typed by hand
  'mt940-js/abn-amro-1.STA': { 0: '-213.51' },
  'php-mt940/Abn_sample2': { 0: '601.50' }, // four copies of one :61: with varied dates
  // zilverline ABN AMRO SEPA snippets: 10000 + 10.50 written as closing 10010.00
  'zilverline-mt940/abn_abn_sepa_incasso_doorlopend.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_abn_sepa_overboeking.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_abn_sepa_periodieke_overboeking.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_abn_structured_sepa_acceptgiro.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_abn_structured_sepa_ideal.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_abn_structured_sepa_overboeking.txt': { 0: '-0.50' },
  'zilverline-mt940/abn_anb_sepa_overboeking_belastingdienst.txt': { 0: '86000.00' }, // closing 95350 for 9350
  // German fixtures with balances 0 → 0 or typed by hand
  'jejik-mt940/bug-core-5401.txt': { 0: '-50.00' },
  'jejik-mt940/commerzbank.txt': { 0: '12.35' },
  'jejik-mt940/deutschebank.txt': { 0: '12.35' },
  'jejik-mt940/oldenburgischelandesbank.txt': { 0: '-104.50' },
  'jejik-mt940/oldenburgischelandesbankmitbindestrich.txt': { 0: '-281725.57' },
  'jejik-mt940/sparkasse2.txt': { 0: '-775.04' },
  'jejik-mt940/sparkasse3.txt': { 0: '1279.46' },
  'zilverline-mt940/deutsche_bank.txt': { 0: '1.87' },
  'mt940-rs/mt940_full_bugs_issue-51.sta': { 0: '100.00' },
  'mt940-rs/mt940_full_sparkasse_buxtehude.sta': { 0: '100.00' },
  'mt940-rs/mt940_special-cases_overly_long_details.sta': { 0: '234.01' },
  'wolph-mt940/self-provided_details_60-63.sta': { 0: '234.01' },
  'wolph-mt940/self-provided_malformed_details.sta': { 0: '234.01' },
  'wolph-mt940/self-provided_overly_long_details.sta': { 0: '234.01' },
  'wolph-mt940/self-provided_whitespace.sta': { 0: '234.01' },
  'wolph-mt940/self-provided_multiline.sta': { 0: '-119.00' },
  'wolph-mt940/self-provided_raiffeisen-cmi.sta': { 0: '1123264.00' }, // statement cut after 7 of its lines
  'mt940-rs/mt940_full_betterplace_sepa_snippet.sta': { 1: '300.08' },
  'wolph-mt940/betterplace_sepa_snippet.sta': { 1: '300.08' },
  'mt940-rs/mt940_full_mBank_with_newline_in_tnr.sta': { 0: '770.71' },
  'wolph-mt940/mBank_with_newline_in_tnr.sta': { 0: '770.71' },
  // Knab, PostFinance, Triodos, HSBC fixtures: balances typed by hand or transactions left out
  'jejik-mt940/knab.txt': { 1: '4500.00' },
  'mt940-rs/mt940_full_jejik_knab.sta': { 1: '4500.00' },
  'wolph-mt940/jejik_knab.sta': { 1: '4500.00' },
  'php-mt940/Knab_sample': { 0: '96.84' },
  'php-mt940/Knab_sample3': { 0: '-100000.00' },
  'zilverline-mt940/knab_knab_pin.txt': { 0: '2020.00' }, // closing C1010 after a D1010 from 0
  'jejik-mt940/postfinance.txt': { 1: '0.20' },
  'mt940-rs/mt940_full_jejik_postfinance.sta': { 1: '0.20' },
  'wolph-mt940/jejik_postfinance.sta': { 1: '0.20' },
  'jejik-mt940/triodos.txt': { 0: '111.40' },
  'zilverline-mt940/triodos.txt': { 0: '111.40' },
  'zilverline-mt940/triodos_multiline_bug.txt': { 0: '-556.18' },
  'php-mt940/Hsbc_sample': { 0: '20000.00' },
  // Rabobank structured fixtures: balances of another file or transactions left out
  'php-mt940/Rabo_sample2': { 0: '3145.35' },
  'php-mt940/Rabo_sample4': { 0: '19477.78' },
  'zilverline-mt940/14aug2014.swi': { 0: '471.87' },
  'zilverline-mt940/import-16-06-2014.txt': { 0: '16355.61' },
  'zilverline-mt940/ing_eu_incasso_foreign_transaction.txt': { 0: '0.97' },
  'zilverline-mt940/ing_structured.txt': { 0: '6716.00' },
  'zilverline-mt940/rabobank_mt940_structured_multi_line.txt': { 0: '200.01' },
  // php-mt940's Rabobank demo file: 39 statements of a demo environment, most of them not balanced
  'php-mt940/Rabo_sample': {
    0: '2145.00', 3: '20000.00', 4: '-100.00', 5: '-634.00', 6: '10500.00', 7: '-400.00', 8: '400.00', 9: '-3550.00', 12: '482.41',
    13: '164800.00', 14: '-164592.31', 15: '8703.39', 16: '18056.24', 17: '-87764.76', 18: '-21345.10', 19: '60914.51', 20: '-38727.71',
    21: '368493.56', 22: '380467.01', 23: '319629.50', 24: '-115351', 25: '115361', 26: '-1153328', 27: '1500.00', 30: '-65499.34',
    31: '1245.00', 32: '-1245.00', 33: '2545.00', 36: '5500.00',
  },
};

void test('balances reconcile (opening + transactions = closing) wherever the file itself is consistent', needsCorpus, (t) => {
  const found: Record<string, Record<number, string>> = {};
  let checked = 0;
  for (const rel of corpusFiles()) {
    if (INTENTIONALLY_BROKEN[rel] !== undefined) continue;
    parse(rel).statements.forEach((s, i) => {
      if (s.openingBalance === null || s.closingBalance === null) return;
      checked++;
      const diff = s.closingBalance.amount - s.openingBalance.amount - sumOf(s);
      if (diff !== 0n) (found[rel] ??= {})[i] = formatAmount(diff, s.currency);
    });
  }
  assert.deepEqual(found, UNBALANCED);
  const unbalanced = Object.values(UNBALANCED).reduce((n, m) => n + Object.keys(m).length, 0);
  t.diagnostic(`${checked} statements with both balances; ${checked - unbalanced} reconcile, ${unbalanced} in ${Object.keys(UNBALANCED).length} files do not (the files' own numbers)`);
});

// ---------------------------------------------------------------------------------------------
// EXPECTED.md — sandermarechal/jejik-mt940
// ---------------------------------------------------------------------------------------------

void test('jejik-mt940 fixtures: the values jejik-mt940 asserts', needsCorpus, async (t) => {
  await t.test('abnamro.txt', () => {
    const f = parse('jejik-mt940/abnamro.txt');
    assert.equal(f.statements.length, 2);
    const s0 = st(f, 0);
    assert.equal(s0.sequenceNumber, '19321/1');
    assert.equal(s0.accountNumber, '517852257');
    assert.deepEqual(balance(s0.openingBalance), ['2011-05-22', '3236.28']);
    assert.equal(s0.currency, 'EUR');
    assert.equal(s0.transactions.length, 8);
    const t0 = tx(s0, 0);
    assert.equal(t0.valueDate, '2011-05-24');
    assert.equal(t0.bookingDate, '2011-05-24');
    assert.equal(amt(t0), '-9.00');
    assertAccount(t0.counterpartyAccount, '428428');
    assert.equal(t0.counterpartyName, 'KPN - DIGITENNE');
    const s1 = st(f, 1);
    assert.equal(s1.sequenceNumber, '19322/1');
    assert.deepEqual(balance(s1.openingBalance), ['2011-05-23', '2876.84']);
    assert.deepEqual(balance(s1.closingBalance), ['2011-05-24', '1849.75']);
    assertAccount(tx(s1, 1).counterpartyAccount, '528939882');
    assert.equal(tx(s1, 1).counterpartyName, 'MYCOM DEN HAAG');
  });

  await t.test('ing-dos.txt (ing-unix.txt is the same blob)', () => {
    const f = parse('jejik-mt940/ing-dos.txt');
    assert.equal(f.statements.length, 1);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '000');
    assertAccount(s.accountNumber, '1234567');
    assert.deepEqual(balance(s.openingBalance), ['2010-07-22', '0.00']);
    assert.equal(s.transactions.length, 7);
    assert.equal(tx(s, 0).bookingDate, '2010-07-22');
    assert.equal(amt(tx(s, 0)), '-25.03');
    // jejik trims the text and keeps CRLF; ours is "as written" with LF line ends
    assert.equal(
      tx(s, 0).description.trim(),
      'RC AFREKENING BETALINGSVERKEER\nBETREFT REKENING 4715589 PERIODE: 01-10-2010 / 31-12-2010\nING Bank N.V. tarifering ING',
    );
    assertAccount(tx(s, 1).counterpartyAccount, '0111111111');
    // jejik takes tx[6]'s value date 2010-07-22 from the text "transactiedatum: 22-07-2010"; :61: says 100723
    assert.equal(tx(s, 6).bookingDate, '2010-07-23');
    assert.match(tx(s, 6).description, /transactiedatum: 22-07-2010/);
  });

  await t.test('rabobank.txt', () => {
    const f = parse('jejik-mt940/rabobank.txt');
    assert.equal(f.statements.length, 4);
    // jejik's statement "number" 110614 is its own derivation; :28: is 00000/00
    assertAccount(st(f, 0).accountNumber, '129199348');
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2011-06-14', '473.17']);
    const s2 = st(f, 2);
    assert.equal(s2.transactions.length, 2);
    assert.equal(tx(s2, 0).valueDate, '2011-06-17');
    assert.equal(amt(tx(s2, 0)), '-44.95');
    assertAccount(tx(s2, 0).counterpartyAccount, '733959555');
    assert.equal(tx(s2, 0).counterpartyName, 'T-MOBILE NETHERLANDS BV');
    assert.equal(tx(s2, 1).counterpartyAccount, null);
    assert.equal(tx(s2, 1).counterpartyName, 'TOMTE TUMMETOT AMERSFOORT');
    const s3t1 = tx(st(f, 3), 1);
    assert.equal(s3t1.valueDate, '2012-08-29');
    assert.equal(amt(s3t1), '-6.20');
    assertAccount(s3t1.counterpartyAccount, '29225');
  });

  await t.test('rabobank-iban.txt', () => {
    const f = parse('jejik-mt940/rabobank-iban.txt');
    assert.equal(f.statements.length, 2);
    const s = st(f, 0);
    assert.equal(s.statementId, '940S130101');
    assert.equal(s.accountNumber, 'NL71RABO0123456789');
    assert.deepEqual(balance(s.openingBalance), ['2013-01-01', '1000.00']);
    assert.equal(s.transactions.length, 2);
    assert.equal(amt(tx(s, 0)), '-25.00');
    assert.equal(tx(s, 0).counterpartyAccount, 'NL70ABNA0987654321');
    assert.equal(tx(s, 0).counterpartyName, 'CONTRA ACCOUNT HOLDER');
  });

  await t.test('triodos.txt', () => {
    const f = parse('jejik-mt940/triodos.txt');
    assert.equal(f.statements.length, 1);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '1');
    assertAccount(s.accountNumber, '390123456');
    assert.deepEqual(balance(s.openingBalance), ['2011-01-01', '4975.09']);
    assert.equal(s.transactions.length, 2);
    assert.equal(tx(s, 0).valueDate, '2011-01-01');
    assert.equal(amt(tx(s, 0)), '-15.70');
    assertAccount(tx(s, 0).counterpartyAccount, '987654321');
  });

  await t.test('knab.txt', () => {
    const f = parse('jejik-mt940/knab.txt');
    assert.equal(f.statements.length, 2);
    assert.equal(st(f, 0).sequenceNumber, '998/1');
    assert.equal(st(f, 0).accountNumber, '123456789');
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2014-05-07', '0.00']);
    assert.equal(tx(st(f, 0), 0).counterpartyAccount, null);
    const s1 = st(f, 1);
    assert.equal(s1.transactions.length, 2);
    assert.equal(tx(s1, 0).bookingDate, '2014-07-29');
    assert.equal(amt(tx(s1, 0)), '-7260.00');
    assert.equal(tx(s1, 0).counterpartyAccount, 'NL65INGB0123456789');
    assert.equal(tx(s1, 0).counterpartyName, 'PICQER');
    assert.equal(amt(tx(s1, 1)), '500.00', '`C500NTRF`: an amount without its decimal comma');
  });

  await t.test('sns.txt', () => {
    const f = parse('jejik-mt940/sns.txt');
    assert.equal(f.statements.length, 2);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '160/1');
    assertAccount(s.accountNumber, '123456789');
    assert.deepEqual(balance(s.openingBalance), ['2012-06-08', '1234.56']);
    assert.deepEqual(balance(s.closingBalance), ['2012-06-08', '1209.56']);
    assert.equal(s.transactions.length, 2);
    assert.equal(tx(s, 0).valueDate, '2012-06-07');
    assert.equal(tx(s, 0).bookingDate, '2012-06-08');
    assert.equal(amt(tx(s, 0)), '-20.00');
    assertAccount(tx(s, 0).counterpartyAccount, '987654321');
    assert.equal(st(f, 1).transactions.length, 0);
  });

  await t.test('postfinance.txt', () => {
    const f = parse('jejik-mt940/postfinance.txt');
    assert.equal(f.statements.length, 2);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '999/1');
    assert.equal(s.accountNumber, '123456789');
    assert.equal(s.currency, 'CHF');
    assert.deepEqual(balance(s.openingBalance), ['2013-11-30', '0.00']);
    assert.equal(s.transactions.length, 2);
    assert.equal(tx(s, 0).bookingDate, '2013-12-09');
    assert.equal(amt(tx(s, 0)), '79.70');
    // jejik's PostFinance parser reads the contra account 98765432 out of "131209CH98765432" in
    // the free text; PostFinance-specific and not done here.
    assert.match(tx(s, 0).description, /131209CH98765432/);
  });

  await t.test('deutschebank.txt', () => {
    const f = parse('jejik-mt940/deutschebank.txt');
    assert.equal(f.statements.length, 1);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '00143/1');
    assert.equal(s.accountNumber, '20070000/0123456601');
    assert.deepEqual(balance(s.openingBalance), ['2020-06-05', '0.00']);
    assert.equal(s.transactions.length, 1);
    const t0 = tx(s, 0);
    assert.equal(amt(t0), '-12.35');
    assert.equal(t0.valueDate, '2020-06-08');
    assert.equal(t0.bookingDate, '2020-06-08');
    assert.ok(t0.description.startsWith('109?00SEPA-LASTSCHR. RETOURE CORE?10'), 'GVC 109 and posting text');
    assert.equal(t0.counterpartyBic, 'CSDBDE71XXX');
    assert.equal(t0.counterpartyAccount, 'DE50712345600200691329');
    assert.equal(t0.endToEndId, 'A1.200080779.400143254.4961336');
    assert.equal(t0.bankReference, '2016021783252833');
    // supplementary details /OCMT/EUR11,85//CHGS/EUR0,50/ have no place in the neutral shape
  });

  await t.test('sparkasse.txt', () => {
    const f = parse('jejik-mt940/sparkasse.txt');
    assert.equal(f.statements.length, 2);
    assert.equal(st(f, 0).sequenceNumber, '00000/001');
    assert.equal(st(f, 0).accountNumber, '87052000/123456789');
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2019-02-15', '194.57']);
    const s1 = st(f, 1);
    assert.equal(s1.transactions.length, 1);
    assert.equal(amt(tx(s1, 0)), '-20.00');
    assert.equal(tx(s1, 0).bookingDate, '2019-02-19');
    assert.ok(tx(s1, 0).description.startsWith('177?00'), 'GVC 177');
    assert.equal(tx(s1, 0).counterpartyAccount, 'DE12345678901234567890');
    assert.equal(tx(s1, 0).counterpartyName, 'Max Mustermann');
  });

  await t.test('lbbw.txt', () => {
    const f = parse('jejik-mt940/lbbw.txt');
    assert.equal(f.statements.length, 1);
    const s = st(f, 0);
    assert.equal(s.sequenceNumber, '1');
    assert.equal(s.accountNumber, '12345678/1324357');
    assert.deepEqual(balance(s.openingBalance), ['2021-01-20', '0.00']);
    assert.equal(s.transactions.length, 2);
    assert.equal(amt(tx(s, 0)), '-0.01');
    assert.equal(tx(s, 0).bookingDate, '2021-02-08');
    assert.equal(tx(s, 0).transactionCode, 'NCMZ', 'jejik asserts the code CMZ (without the N)');
    assert.ok(tx(s, 0).description.startsWith('834?00'), 'GVC 834');
  });

  // jejik fixtures without assertions in EXPECTED.md: counts and balances read by hand from the files
  const summaries: Record<string, [statements: number, transactions: number, opening: string | null, closing: string | null]> = {
    'jejik-mt940/K4262927_20200905-080000-952.txt': [1, 1, '0.00', null],
    'jejik-mt940/bug-core-5401.txt': [1, 1, '0.00', '0.00'],
    'jejik-mt940/commerzbank.txt': [1, 1, '0.00', '0.00'],
    'jejik-mt940/generic.txt': [2, 2, '100.00', '90.00'],
    'jejik-mt940/oldenburgischelandesbank.txt': [1, 1, '0.00', '0.00'],
    'jejik-mt940/oldenburgischelandesbank2.txt': [1, 1, '0.00', null],
    'jejik-mt940/oldenburgischelandesbankmitbindestrich.txt': [1, 1, '279998.57', '0.00'],
    'jejik-mt940/sparkasse2.txt': [1, 1, '931052.29', '931304.50'],
    'jejik-mt940/sparkasse3.txt': [1, 1, '931052.29', '931304.50'],
    'jejik-mt940/sparkasse_interim_balance.txt': [3, 2, '194.57', '174.57'],
    'jejik-mt940/volksbankenraiffeisenbanken.txt': [8, 12, '3085.00', '3230.00'],
  };
  for (const [rel, [statements, transactions, opening, closing]] of Object.entries(summaries)) {
    await t.test(rel.slice(rel.indexOf('/') + 1), () => {
      const f = parse(rel);
      assert.equal(f.statements.length, statements);
      assert.equal(allTx(f).length, transactions);
      assert.equal(amt(st(f, 0).openingBalance), opening);
      assert.equal(amt(st(f, 0).closingBalance), closing);
    });
  }
  await t.test('sparkasse2/3.txt: RC and RD', () => {
    // NOTE: SWIFT — RD is the reversal of a debit (money in), RC of a credit (money out)
    const rd = tx(st(parse('jejik-mt940/sparkasse2.txt'), 0), 0);
    const rc = tx(st(parse('jejik-mt940/sparkasse3.txt'), 0), 0);
    assert.deepEqual([amt(rd), rd.isReturn, amt(rc), rc.isReturn], ['1027.25', true, '-1027.25', true]);
    assert.equal(rd.counterpartyName, 'GEBÜHREN MANUELL GG UST-FREI', 'UTF-8');
  });
  await t.test('volksbankenraiffeisenbanken.txt: SEPA keys', () => {
    const t2 = tx(st(parse('jejik-mt940/volksbankenraiffeisenbanken.txt'), 2), 0);
    assert.equal(t2.endToEndId, 'ZV0100284190949300000002');
    assert.equal(t2.counterpartyAccount, 'DE88500105178285756556');
    assert.equal(t2.counterpartyBic, 'SAKSDE55');
    assert.equal(t2.counterpartyName, 'Thomas Schulz');
  });
});

// ---------------------------------------------------------------------------------------------
// EXPECTED.md — fruitl00p/php-mt940
// ---------------------------------------------------------------------------------------------

void test('php-mt940 samples: the values php-mt940 asserts', needsCorpus, async (t) => {
  await t.test('Bunq_sample', () => {
    const f = parse('php-mt940/Bunq_sample');
    assert.equal(f.statements.length, 1);
    const s = st(f, 0);
    assert.equal(s.openingBalance?.date, '2019-01-31');
    assert.equal(s.closingBalance?.date, '2019-05-31');
    assert.equal(phpDelta(s), '26.67');
    assert.equal(tx(s, 0).bookingDate, '2019-01-31');
    assert.equal(s.transactions.at(-1)?.bookingDate, '2019-05-24');
    assert.equal(amt(tx(s, 0)), '2.00');
    assert.equal(tx(s, 0).counterpartyAccount, 'NL65BUNQ2206724936');
    assert.equal(tx(s, 0).counterpartyName, 'P.C. Wacki');
  });
  await t.test('Ing_sample', () => {
    const s = st(parse('php-mt940/Ing_sample'), 0);
    assert.equal(s.openingBalance?.date, '2010-07-22');
    assert.equal(s.closingBalance?.date, '2010-07-23');
    assert.equal(phpDelta(s), '-3.47');
    assert.equal(amt(tx(s, 0)), '25.03');
    assert.equal(s.transactions.at(-1)?.bookingDate, '2010-07-21');
  });
  await t.test('Rabo_sample', () => {
    const f = parse('php-mt940/Rabo_sample');
    assert.equal(f.statements.length, 39);
    assert.equal(st(f, 0).openingBalance?.date, '2003-01-06');
    assert.equal(st(f, 0).closingBalance?.date, '2003-01-07');
    assert.equal(st(f, 38).openingBalance?.date, '2003-01-08');
    assert.equal(st(f, 38).closingBalance?.date, '2003-01-09');
    assert.equal(amt(tx(st(f, 5), 0)), '500.00');
    assert.equal(tx(st(f, 4), 1).remittanceInfo, 'Contante storting Overige');
    assert.equal(tx(st(f, 14), 3).remittanceInfo, 'INVOICE 38');
    assert.equal(tx(st(f, 15), 0).remittanceInfo, 'VOLGENS AFSPRAAK');
    assert.equal(tx(st(f, 15), 1).remittanceInfo, 'FAKTUUR 3549');
    assert.equal(amt(tx(st(f, 4), 0)), '300.00', '`C000000000300.00`: a decimal point instead of the comma');
    assert.equal(st(f, 24).currency, 'JPY');
    assert.equal(amt(tx(st(f, 26), 0)), '1560395');
  });
  await t.test('Rabo_sample2', () => {
    const s = st(parse('php-mt940/Rabo_sample2'), 0);
    assert.equal(amt(s.openingBalance), '-1000.12');
    assert.equal(amt(s.closingBalance), '2145.23');
    assert.equal(phpDelta(s), '-3145.35');
  });
  await t.test('Rabo_sample3', () => {
    const f = parse('php-mt940/Rabo_sample3');
    assert.equal(tx(st(f, 0), 0).remittanceInfo, '674725433 1120000153447185 14144467636004962');
    assert.equal(tx(st(f, 0), 2).remittanceInfo, '861835-574631143');
    assert.equal(tx(st(f, 1), 0).remittanceInfo, 'Factuur 307472');
  });
  await t.test('Rabo_sample4', () => {
    const s = st(parse('php-mt940/Rabo_sample4'), 0);
    assert.equal(tx(s, 0).remittanceInfo, '20151208123123987 0030001100999991 Rabobank.nl - Order 347347');
    assert.equal(tx(s, 0).endToEndId, '08-12-2015 10:22 0030001100999991');
    assert.equal(tx(s, 1).description, '/PREF/PmtInfId-20151208-987');
  });
  await t.test('Abn_sample', () => {
    const f = parse('php-mt940/Abn_sample');
    assert.equal(f.statements.length, 4);
    assert.equal(st(f, 0).openingBalance?.date, '2009-06-23');
    assert.equal(st(f, 0).closingBalance?.date, '2009-06-24');
    assert.equal(phpDelta(st(f, 0)), '210.50');
    assert.equal(amt(tx(st(f, 0), 0)), '-7.50');
  });
  await t.test('Abn_sample2: entry dates across New Year', () => {
    const s = st(parse('php-mt940/Abn_sample2'), 0);
    assert.deepEqual(
      s.transactions.map((x) => [x.valueDate, x.bookingDate]),
      [
        ['2009-01-01', '2009-01-01'],
        ['2009-01-01', '2009-01-02'],
        ['2009-01-01', '2009-02-01'],
        ['2009-12-31', '2010-01-01'],
      ],
    );
  });
  await t.test('Abn_issue48', () => {
    const s = st(parse('php-mt940/Abn_issue48'), 0);
    for (const i of [0, 1]) assert.deepEqual([tx(s, i).valueDate, tx(s, i).bookingDate], ['2016-12-15', '2016-12-15']);
    assert.equal(tx(s, 1).transactionCode, 'SEPA INCASSO ALGEMEEN DOORLOPEND');
  });
  await t.test('Triodos_sample', () => {
    const f = parse('php-mt940/Triodos_sample');
    assert.equal(f.statements.length, 2);
    assertAccount(st(f, 0).accountNumber, '666666666');
    assertAccount(st(f, 1).accountNumber, '999999999');
    assert.deepEqual(f.statements.map((s) => [amt(s.openingBalance), amt(s.closingBalance), s.openingBalance?.date, s.sequenceNumber]), [
      ['1000.00', '850.00', '2012-11-23', '1'],
      ['950.12', '1009.14', '2012-11-23', '1'],
    ]);
    assert.equal(phpDelta(st(f, 0)), '150.00');
    assert.equal(phpDelta(st(f, 1)), '-59.02');
  });
  await t.test('Knab_sample', () => {
    const s = st(parse('php-mt940/Knab_sample'), 0);
    assert.equal(s.openingBalance?.date, '2015-12-03');
    assert.deepEqual([amt(s.openingBalance), amt(s.closingBalance), phpDelta(s)], ['1000.21', '945.21', '55.00']);
    assert.equal(amt(tx(s, 0)), '-15.00');
    assert.equal(tx(s, 1).counterpartyAccount, 'NL52RABO0326203011');
    assert.equal(tx(s, 1).counterpartyName, 'SOME NAME');
    // php-mt940 reports the BBAN 437015300; the file gives the IBAN, which we keep
    assert.equal(tx(s, 4).counterpartyAccount, 'NL83ABNA0437015300');
    assert.equal(tx(s, 4).counterpartyName, 'ACHMEA SCHADEVERZEKERINGEN N.V.');
  });
  await t.test('Knab_sample2 and Knab_sample3', () => {
    const s2 = st(parse('php-mt940/Knab_sample2'), 0);
    assert.deepEqual([amt(s2.openingBalance), amt(s2.closingBalance)], ['12490.07', '13057.49']);
    // php-mt940 writes the savings account /BBAN/53851317 as P53851317
    assert.equal(tx(st(parse('php-mt940/Knab_sample3'), 0), 0).counterpartyAccount, '53851317');
  });
  await t.test('Asn_sample', () => {
    const f = parse('php-mt940/Asn_sample');
    assert.equal(f.statements.length, 7);
    assert.equal(st(f, 0).openingBalance?.date, '2020-01-02');
    assert.equal(st(f, 0).closingBalance?.date, '2020-01-02');
    assert.equal(phpDelta(st(f, 0)), '2000.00');
    assert.equal(amt(tx(st(f, 0), 0)), '-2000.00');
    assert.equal(tx(st(f, 0), 0).counterpartyAccount, 'NL29INGB0006475121');
    assert.equal(tx(st(f, 0), 0).counterpartyName, 'j blom');
  });
  await t.test('Kbs_sample and Kbs_sample2', () => {
    const a = st(parse('php-mt940/Kbs_sample'), 0);
    assert.deepEqual([a.openingBalance?.date, phpDelta(a), amt(tx(a, 0))], ['2020-12-01', '-1870.00', '-80.00']);
    const b = st(parse('php-mt940/Kbs_sample2'), 0);
    assert.deepEqual([b.openingBalance?.date, phpDelta(b)], ['2020-10-09', '-22755.00']);
  });
  await t.test('Penta_sample', () => {
    const s = st(parse('php-mt940/Penta_sample'), 0);
    assert.deepEqual([s.openingBalance?.date, s.closingBalance?.date, phpDelta(s)], ['2020-09-30', '2020-09-30', '10576.30']);
    assert.equal(amt(tx(s, 0)), '-20.00');
    assert.equal(tx(s, 0).bookingDate, '2020-09-02');
    assert.equal(s.transactions.at(-1)?.bookingDate, '2020-09-30');
    assert.equal(tx(s, 0).transactionCode, null, '`D20,00NONREF`: no type code');
  });
  await t.test('Zetb_sample', () => {
    const s = st(parse('php-mt940/Zetb_sample'), 0);
    assert.deepEqual([s.openingBalance?.date, s.closingBalance?.date, phpDelta(s)], ['2020-12-18', '2020-11-30', '3743.91']);
    assert.equal(amt(tx(s, 0)), '220000.00');
  });
  await t.test('Hsbc_sample', () => {
    const s = st(parse('php-mt940/Hsbc_sample'), 0);
    assert.deepEqual([s.openingBalance?.date, amt(s.openingBalance), amt(s.closingBalance), phpDelta(s), s.currency], ['2012-03-29', '0.00', '0.00', '0.00', 'HKD']);
    assert.equal(amt(tx(s, 0)), '-20000.00');
    assert.equal(tx(s, 0).bankReference, '6128522200250001');
    // php-mt940 reads 1004688128 (the :61: reference) as account and "//6128522200250001" as name; not done here
  });
  await t.test('Spk_sample', () => {
    const f = parse('php-mt940/Spk_sample');
    assert.equal(f.statements.length, 4);
    assert.equal(allTx(f).length, 10);
    assert.equal(st(f, 0).openingBalance?.date, '2010-02-17');
    assert.equal(st(f, 3).closingBalance?.date, '2010-02-18');
    assert.ok(tx(st(f, 0), 0).amount > 0n);
  });
  await t.test('Kontist_sample', () => {
    const s = st(parse('php-mt940/Kontist_sample'), 0);
    assert.deepEqual([s.openingBalance?.date, s.closingBalance?.date, phpDelta(s)], ['2021-01-31', '2021-02-18', '-395.76']);
    assert.equal(amt(tx(s, 0)), '50.00');
    assert.equal(tx(s, 1).counterpartyName, 'Lucien Schünke');
  });
});

// ---------------------------------------------------------------------------------------------
// EXPECTED.md — zilverline/mt940 and dovadi/mt940
// ---------------------------------------------------------------------------------------------

void test('zilverline-mt940 fixtures: the values zilverline/mt940 asserts', needsCorpus, async (t) => {
  await t.test('abn_abnamro.txt', () => {
    const f = parse('zilverline-mt940/abn_abnamro.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 10);
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2011-05-22', '3236.28']);
    assert.deepEqual(balance(st(f, 1).closingBalance), ['2011-05-24', '1849.75']);
    assert.equal(st(f, 0).accountNumber, '517852257');
    assert.equal(amt(txs[0]), '-9.00');
    assert.equal(txs[0]?.bookingDate, '2011-05-24');
    assertAccount(txs[0]?.counterpartyAccount ?? null, '000428428');
    assertAccount(txs[9]?.counterpartyAccount ?? null, '528939882');
    assert.match(txs[9]?.description ?? '', /MYCOM DEN HAAG {2}S-GRAVEN,PAS999/);
  });
  await t.test('abn_abnamro_structured.txt', () => {
    const f = parse('zilverline-mt940/abn_abnamro_structured.txt');
    assert.equal(allTx(f).length, 10);
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2014-01-12', '10000.90']);
    assert.deepEqual(balance(st(f, 1).closingBalance), ['2014-01-27', '3976.90']);
    assert.equal(st(f, 0).accountNumber, '123212321');
    assert.ok(allTx(f).some((x) => amt(x) === '-10.00' && x.bookingDate === '2014-01-13'));
  });
  await t.test('abn_moneyou.txt: entry date in the previous year', () => {
    const s = st(parse('zilverline-mt940/abn_moneyou.txt'), 0);
    assert.equal(s.transactions.length, 2);
    assert.deepEqual(balance(s.openingBalance), ['2018-12-31', '43119.71']);
    assert.deepEqual(balance(s.closingBalance), ['2019-03-29', '43131.47']);
    assert.deepEqual([amt(tx(s, 0)), tx(s, 0).valueDate, tx(s, 0).bookingDate], ['6.44', '2019-01-01', '2018-12-31']);
  });
  await t.test('ing.txt', () => {
    const s = st(parse('zilverline-mt940/ing.txt'), 0);
    assert.equal(s.transactions.length, 6);
    assert.deepEqual(balance(s.openingBalance), ['2010-07-22', '0.00']);
    assert.deepEqual(balance(s.closingBalance), ['2010-07-23', '3.47']);
    assert.deepEqual([amt(tx(s, 0)), tx(s, 0).bookingDate], ['-25.03', '2010-07-22']);
    assert.equal(tx(s, 0).transactionCode, 'NOV', 'zilverline maps NOV to "Overschrijving"');
  });
  await t.test('ing_structured.txt', () => {
    const s = st(parse('zilverline-mt940/ing_structured.txt'), 0);
    assert.equal(s.transactions.length, 7);
    assert.deepEqual(balance(s.openingBalance), ['2013-06-30', '500.00']);
    assert.deepEqual(balance(s.closingBalance), ['2013-10-01', '400.00']);
    assert.ok(s.transactions.some((x) => amt(x) === '300.00' && x.bookingDate === '2013-07-01' && x.description.includes('VAN Zkl Kwartaal Spaarrekening')));
    const iban = s.transactions.find((x) => amt(x) === '-400.00');
    assert.equal(iban?.counterpartyAccount, 'NL57ABNA0987654321');
    assert.equal(iban?.counterpartyBic, 'ABNANL2A');
    assert.equal(tx(s, 4).structuredReference, '8850426741301240', 'SCOR/CUR/… in the text');
  });
  await t.test('rabobank.txt', () => {
    const f = parse('zilverline-mt940/rabobank.txt');
    assert.equal(f.statements.length, 23);
    for (const s of f.statements) assertAccount(s.accountNumber, '212121211');
    assert.deepEqual([0, 1, 10].map((i) => st(f, i).transactions.length), [1, 0, 2]);
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2012-09-28', '17431.67']);
    assert.deepEqual(balance(st(f, 0).closingBalance), ['2012-10-01', '17381.67']);
    const debit = allTx(f).find((x) => x.remittanceInfo === 'Incasso deposit Savings Account');
    assert.deepEqual([amt(debit), debit?.counterpartyAccount, debit?.counterpartyName], ['-50.00', '1313131319', 'J. DOE']);
    assert.ok(allTx(f).some((x) => amt(x) === '12100.00'));
  });
  await t.test('rabobank_mt940_structured.txt', () => {
    const f = parse('zilverline-mt940/rabobank_mt940_structured.txt');
    assert.deepEqual(f.statements.map((s) => s.transactions.length), [2, 7]);
    assert.equal(st(f, 0).accountNumber, 'NL50RABO0123456789');
    assertAccount(st(f, 0).accountNumber, 'NL50RABO0123456789');
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2013-04-02', '1147.95']);
    assert.deepEqual(balance(st(f, 0).closingBalance), ['2013-04-03', '1190.35']);
    const t0 = tx(st(f, 0), 0);
    assert.deepEqual(
      [t0.counterpartyAccount, t0.counterpartyName, t0.endToEndId, t0.remittanceInfo],
      ['NL96RBOS0523149468', 'Nespresso Nederland B.V.', '02-04-2013 22:56 1120000153447185', '674725433 1120000153447185 14144467636004962'],
    );
  });
  await t.test('rabobank_with_debet_previous_balance.txt', () => {
    const s = st(parse('zilverline-mt940/rabobank_with_debet_previous_balance.txt'), 0);
    assertAccount(s.accountNumber, '129199348');
    assert.deepEqual([amt(s.openingBalance), amt(s.closingBalance)], ['-12.00', '-12.00']);
  });
  await t.test('triodos.txt and triodos_iban.txt', () => {
    const a = st(parse('zilverline-mt940/triodos.txt'), 0);
    assert.equal(a.transactions.length, 2);
    assert.deepEqual(balance(a.openingBalance), ['2011-01-01', '4975.09']);
    assert.deepEqual(balance(a.closingBalance), ['2011-02-01', '4370.79']);
    assert.deepEqual([amt(tx(a, 0)), tx(a, 0).bookingDate], ['-15.70', '2011-01-01']);
    const b = st(parse('zilverline-mt940/triodos_iban.txt'), 0);
    assert.equal(b.transactions.length, 3);
    assert.deepEqual(balance(b.openingBalance), ['2013-10-07', '0.00']);
    assert.deepEqual(balance(b.closingBalance), ['2013-10-25', '948.00']);
    assert.equal(amt(tx(b, 0)), '1000.00');
    assert.deepEqual([tx(b, 0).counterpartyBic, tx(b, 0).counterpartyAccount], ['RABONL2U', 'NL12RABO0888888888']);
    assert.ok(b.transactions.some((x) => amt(x) === '-10.00' && x.bookingDate === '2013-10-25'));
  });
  await t.test('knab_knab.txt and knab_knab_with_iban.txt', () => {
    for (const rel of ['zilverline-mt940/knab_knab.txt', 'zilverline-mt940/knab_knab_with_iban.txt']) {
      const f = parse(rel);
      assert.equal(f.statements.length, 1);
      const s = st(f, 0);
      assertAccount(s.accountNumber, '123456789');
      assert.equal(s.transactions.length, 2);
      assert.deepEqual(balance(s.openingBalance), ['2014-10-24', '0.00']);
      assert.deepEqual(balance(s.closingBalance), ['2014-10-27', '1010.00']);
      assert.deepEqual([amt(tx(s, 0)), tx(s, 0).bookingDate], ['1000.00', '2014-10-24']);
      assert.deepEqual([tx(s, 0).counterpartyAccount, tx(s, 0).counterpartyName], ['NL26ABNA0999999999', 'BEDRIJF VOF']);
      assert.equal(tx(s, 0).bankReference, 'ABC9886658908791');
    }
  });
  await t.test('sns_sns.txt', () => {
    const f = parse('zilverline-mt940/sns_sns.txt');
    assert.equal(f.statements.length, 16);
    assert.equal(st(f, 0).transactions.length, 1);
    assert.deepEqual(balance(st(f, 0).openingBalance), ['2014-01-19', '534.03']);
    assert.deepEqual(balance(st(f, 0).closingBalance), ['2014-01-19', '546.48']);
    assert.ok(allTx(f).some((x) => amt(x) === '12.45' && x.valueDate === '2014-01-01'));
    assert.ok(allTx(f).some((x) => amt(x) === '20000.00' && x.valueDate === '2014-09-22'));
  });
  await t.test('two_accounts.txt', () => {
    const f = parse('zilverline-mt940/two_accounts.txt');
    const rows = f.statements.map((s) => [normAccount(s.accountNumber, ''), amt(s.openingBalance), s.openingBalance?.date, amt(s.closingBalance), s.closingBalance?.date, s.transactions.length]);
    assert.deepEqual(rows, [
      ['156750961', '9265.12', '2012-09-17', '2666.37', '2012-09-18', 2],
      ['991430727', '352.84', '2012-10-23', '352.84', '2012-10-24', 0],
      ['3462483153', '5000.00', '2012-11-01', '5000.00', '2012-11-01', 0],
      ['132576155', '-12.00', '2012-10-26', '238.00', '2012-10-29', 1],
    ]);
  });
  await t.test('van_lanschot_van_lanschot.txt', () => {
    const f = parse('zilverline-mt940/van_lanschot_van_lanschot.txt');
    for (const s of f.statements) assertAccount(s.accountNumber, '878787878');
    assert.deepEqual(f.statements.map((s) => s.transactions.length), [1, 2, 1]);
    assert.deepEqual([balance(st(f, 0).openingBalance), balance(st(f, 0).closingBalance), amt(tx(st(f, 0), 0))], [['2014-01-03', '5053.33'], ['2014-01-10', '7770.09'], '2716.76']);
    assert.deepEqual([amt(st(f, 1).openingBalance), balance(st(f, 1).closingBalance)], ['7770.09', ['2014-01-13', '5666.09']]);
  });
  await t.test('deutsche_bank.txt', () => {
    const s = st(parse('zilverline-mt940/deutsche_bank.txt'), 0);
    assert.deepEqual(s.transactions.map((x) => [amt(x), x.transactionCode]), [['3.99', 'NTRF'], ['0.01', 'NDDT']]);
    assert.equal(tx(s, 0).counterpartyName, 'PETRA TESTER');
  });
  await t.test('ABN AMRO SEPA variants (structured and labelled)', () => {
    const one = (rel: string) => tx(st(parse(`zilverline-mt940/${rel}`), 0), 0);
    const acceptgiro = one('abn_abn_structured_sepa_acceptgiro.txt');
    assert.deepEqual(
      [acceptgiro.transactionCode, acceptgiro.counterpartyAccount, acceptgiro.counterpartyBic, acceptgiro.counterpartyName, acceptgiro.endToEndId, acceptgiro.structuredReference],
      ['ACCEPTGIROBETALING', 'NL86INGB0002445588', 'INGBNL2A', 'BELASTINGDIENST', null, '4420043232693268'],
    );
    const labelled = one('abn_abn_sepa_overboeking.txt');
    assert.deepEqual(
      [labelled.counterpartyAccount, labelled.counterpartyBic, labelled.counterpartyName, labelled.remittanceInfo, labelled.endToEndId],
      ['NL56CHAS0101010101', 'CHASNL2XXXX', 'AA GHGHGH NETHERLANDS B.V.', '1412DEC 2015 CONSU LTING', '7541410'],
    );
    const kenmerk = tx(st(parse('zilverline-mt940/abn_anb_sepa_overboeking_belastingdienst.txt'), 0), 1);
    assert.deepEqual([kenmerk.counterpartyAccount, kenmerk.counterpartyName, kenmerk.structuredReference], ['NL86INGB0002445588', 'BELASTINGDIENST APELDOORN', '1234123412345678']);
  });
  await t.test('ING structured variants', () => {
    const one = (rel: string) => tx(st(parse(`zilverline-mt940/${rel}`), 0), 0);
    const remi = one('ing_unstructured_remi_with_space_in_remi.txt');
    assert.deepEqual(
      [remi.endToEndId, remi.counterpartyAccount, remi.counterpartyBic, remi.counterpartyName, remi.remittanceInfo, remi.transactionCode],
      ['501810557591', 'NL12COBA0733959555', 'COBANL2XXXX', 'B ASDGF Netherlands BV', 'Factuurnummer 987654321098', 'NDDT'],
    );
    const cntp = one('ing_cntp_without_description.txt');
    assert.deepEqual([cntp.counterpartyAccount, cntp.counterpartyName, cntp.remittanceInfo], ['0001234500', null, null]);
  });
});

void test('dovadi-mt940 fixtures: the values dovadi/mt940 asserts', needsCorpus, async (t) => {
  await t.test('abnamro_sepa.txt', () => {
    const f = parse('dovadi-mt940/abnamro_sepa.txt');
    const [t0] = allTx(f);
    assert.equal(allTx(f).length, 1);
    assert.deepEqual([amt(t0), t0?.bookingDate, t0?.counterpartyAccount, t0?.remittanceInfo], ['0.01', '2012-09-27', 'NL73ANDL0123456789', 'Dit zijn de omschrijvingsregels']);
    assert.equal(st(f, 0).accountNumber, '123456789');
  });
  await t.test('ing.txt', () => {
    const f = parse('dovadi-mt940/ing.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 6);
    assertAccount(st(f, 0).accountNumber, '001234567');
    assert.deepEqual([amt(txs[0]), txs[0]?.bookingDate], ['-25.03', '2010-07-22']);
    assertAccount(txs[5]?.counterpartyAccount ?? null, '123456789');
  });
  await t.test('ing_sepa.txt', () => {
    const f = parse('dovadi-mt940/ing_sepa.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 9);
    assertAccount(st(f, 0).accountNumber, '654321789');
    assert.deepEqual([amt(txs[0]), txs[0]?.bookingDate], ['1.41', '2012-08-10']);
    assert.equal(txs[1]?.counterpartyAccount, 'NL69INGB0123456789');
    assert.equal(txs[8]?.counterpartyAccount, null);
  });
  await t.test('rabobank.txt', () => {
    const f = parse('dovadi-mt940/rabobank.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 3);
    assertAccount(st(f, 0).accountNumber, '129199348');
    assert.deepEqual([amt(txs[0]), txs[0]?.bookingDate, txs[0]?.counterpartyName], ['-1213.28', '2011-05-27', 'W.P. Jansen']);
    assertAccount(txs[0]?.counterpartyAccount ?? null, '121470966');
    assertAccount(txs[1]?.counterpartyAccount ?? null, '733959555');
    // dovadi reports the last contra account as "NONREF" (the :61: reference); we report none
    assert.equal(txs[2]?.counterpartyAccount, null);
  });
  await t.test('rabobank_sepa.txt', () => {
    const f = parse('dovadi-mt940/rabobank_sepa.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 12);
    assert.equal(st(f, 0).accountNumber, 'NL50RABO0123456789');
    assert.deepEqual([amt(txs[0]), txs[0]?.bookingDate, txs[0]?.counterpartyAccount], ['-127.50', '2013-04-03', 'NL96RBOS0523149468']);
    assert.deepEqual([txs[4]?.counterpartyAccount, txs[4]?.counterpartyName, txs[4]?.remittanceInfo], ['P004500018', 'DIVV afd parkeergebouwewn', 'Factuur 307472']);
    assert.deepEqual([txs[11]?.counterpartyAccount, txs[11]?.counterpartyBic], ['NL54INGB0006752576', 'INGBNL2A'], '/ACCW/iban,bic');
  });
  await t.test('triodos_sepa.txt', () => {
    const f = parse('dovadi-mt940/triodos_sepa.txt');
    const txs = allTx(f);
    assert.equal(txs.length, 8);
    assertAccount(st(f, 0).accountNumber, '666666666');
    assert.deepEqual([amt(txs[0]), txs[0]?.bookingDate], ['-10.00', '2012-11-23']);
    assertAccount(txs[0]?.counterpartyAccount ?? null, '555555555');
    assert.deepEqual([txs[2]?.counterpartyAccount, txs[2]?.counterpartyBic], ['AA99BBBB0555555555', 'BBBBAA2U']);
  });
});

// ---------------------------------------------------------------------------------------------
// EXPECTED.md — OCA/bank-statement-import
// ---------------------------------------------------------------------------------------------

void test('OCA bank-statement-import files: the values OCA asserts', needsCorpus, async (t) => {
  await t.test('mt940_nl_ing__test-ing.940 and test-ing-old.940', () => {
    for (const [rel, date] of [
      ['oca-bank-statement-import/mt940_nl_ing__test-ing.940', '2014-02-20'],
      ['oca-bank-statement-import/mt940_nl_ing__test-ing-old.940', '2014-01-20'],
    ] as const) {
      const s = st(parse(rel), 0);
      // OCA names the statement <IBAN>-<closing date>
      assert.equal(s.accountNumber, 'NL77INGB0574908765EUR');
      assert.equal(s.closingBalance?.date, date);
      assert.deepEqual([amt(s.openingBalance), amt(s.closingBalance)], ['662.23', '564.35']);
    }
    const s = st(parse('oca-bank-statement-import/mt940_nl_ing__test-ing.940'), 0);
    const line = s.transactions.find((x) => x.endToEndId === 'EV12341REP1231456T1234');
    assert.deepEqual([line?.counterpartyAccount, amt(line), line?.valueDate], ['NL32INGB0000012345', '1.56', '2014-02-20']);
    // lines wrapped in the middle of code words and values, and a lone `-` that is text
    assert.deepEqual(
      s.transactions.map((x) => [x.endToEndId, x.structuredReference, x.isReturn]),
      [
        ['EV12341REP1231456T1234', null, false],
        [null, null, false],
        ['20120123456789', null, true],
        ['EV123REP123412T1234', null, false],
        [null, null, false],
        ['20120501P0123478', null, true],
        ['15814016000676480', '9001123412341234', false],
        ['15614016000384600', '1070123412341234', false],
      ],
    );
  });
  await t.test('mt940_nl_rabo__test-rabo.swi', () => {
    const f = parse('oca-bank-statement-import/mt940_nl_rabo__test-rabo.swi');
    assert.equal(st(f, 0).accountIban, 'NL34RABO0142623393');
    assert.equal(amt(st(f, 0).openingBalance), '4433.52');
    assert.deepEqual(balance(st(f, f.statements.length - 1).closingBalance), ['2014-01-07', '4798.91']);
    const line = allTx(f).find((x) => x.counterpartyAccount === 'NL66RABO0160878799');
    assert.deepEqual([amt(line), line?.valueDate, line?.counterpartyName], ['400.00', '2014-01-02', 'R. SMITH']);
  });
  await t.test('mt940_base__test-wrong-file.940 is rejected', () => {
    assert.throws(() => parse('oca-bank-statement-import/mt940_base__test-wrong-file.940'), StatementFormatError);
  });
});

// ---------------------------------------------------------------------------------------------
// Golden JSON outputs: svenstaro/mt940-rs and webschik/mt940-js
// ---------------------------------------------------------------------------------------------

interface RsBalance {
  debit_credit_indicator: 'Credit' | 'Debit';
  date: string;
  iso_currency_code: string;
  amount: string;
}
interface RsInfo {
  purpose?: string;
  applicant_iban?: string;
  applicant_name?: string;
}
interface RsLine {
  value_date: string;
  entry_date: string | null;
  ext_debit_credit_indicator: 'Credit' | 'Debit' | 'ReverseCredit' | 'ReverseDebit';
  amount: string;
  bank_ref: string | null;
  information_to_account_owner: string | RsInfo | null;
}
interface RsMessage {
  transaction_ref_no: string;
  account_id: string;
  statement_no: string;
  sequence_no: string | null;
  opening_balance: RsBalance;
  closing_balance: RsBalance;
  statement_lines: RsLine[];
}

/** mt940-rs writes amounts as given (`"1000.00"`, `"0"`, `"229.2"`): compare them as numbers of minor units. */
function minor(decimal: string): bigint {
  const [whole = '0', frac = ''] = decimal.split('.');
  return BigInt(whole) * 100n + BigInt((frac + '00').slice(0, 2));
}

/** Text as mt940-rs hands it out: outside SWIFT X replaced, umlauts spelt out; compare letters and digits only. */
function letters(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss')
    .replace(/[^A-Za-z0-9]/g, '');
}

void test('mt940-rs golden JSON: statements, balances, lines, dates, references and descriptions', needsCorpus, async (t) => {
  const jsons = corpusFiles().length > 0 ? readdirSync(new URL('mt940-rs/', corpusRoot)).filter((n) => n.endsWith('.json')) : [];
  assert.equal(jsons.length, 20);
  for (const name of jsons) {
    await t.test(name, () => {
      const expected = JSON.parse(read(`mt940-rs/${name}`).toString('utf8')) as RsMessage[];
      const got = parse(`mt940-rs/${name.replace(/\.json$/, '.sta')}`).statements;
      assert.equal(got.length, expected.length);
      expected.forEach((e, i) => {
        const g = got[i];
        assert.ok(g !== undefined);
        assert.equal(letters(g.statementId ?? ''), letters(e.transaction_ref_no));
        assert.equal(g.accountNumber, e.account_id);
        assert.equal(g.sequenceNumber, e.sequence_no === null ? e.statement_no : `${e.statement_no}/${e.sequence_no}`);
        for (const [b, eb] of [
          [g.openingBalance, e.opening_balance],
          [g.closingBalance, e.closing_balance],
        ] as const) {
          assert.ok(b !== null);
          assert.equal(b.date, eb.date);
          assert.equal(b.currency, eb.iso_currency_code);
          assert.equal(b.amount * (b.currency === 'JPY' ? 100n : 1n), (eb.debit_credit_indicator === 'Debit' ? -1n : 1n) * minor(eb.amount));
        }
        assert.equal(g.transactions.length, e.statement_lines.length);
        e.statement_lines.forEach((l, j) => {
          const x = g.transactions[j];
          assert.ok(x !== undefined);
          const where = `statement ${i} line ${j}`;
          // mt940-rs names RC (reversal of a credit, money out) "ReverseDebit"; we follow SWIFT, and the statements reconcile
          const sign = l.ext_debit_credit_indicator === 'Debit' ? -1n : l.ext_debit_credit_indicator === 'Credit' ? 1n : x.amount < 0n ? -1n : 1n;
          assert.equal(x.amount, sign * minor(l.amount), where);
          assert.equal(x.isReturn, l.ext_debit_credit_indicator.startsWith('Reverse'), where);
          assert.equal(x.valueDate, l.value_date, where);
          assert.equal(x.bookingDate, l.entry_date ?? l.value_date, where);
          assert.equal(x.bankReference, l.bank_ref, where);
          const info = l.information_to_account_owner;
          if (info === null || typeof info === 'string') {
            // mt940-rs concatenates repeated :86: fields (Danske Bank) without a line break
            assert.equal(letters(x.description), letters(info ?? ''), where);
          } else {
            assert.equal(x.counterpartyAccount, info.applicant_iban ?? null, where);
            assert.equal((x.counterpartyName ?? '').replace(/\s+/g, ' '), (info.applicant_name ?? '').replace(/\s+/g, ' '), where);
            if (info.purpose !== undefined && !/(EREF|KREF|MREF|SVWZ)\+/.test(info.purpose)) {
              assert.equal(letters(x.remittanceInfo ?? ''), letters(info.purpose), where);
            }
          }
        });
      });
    });
  }
});

interface JsGoldenBalance {
  isCredit: boolean;
  date: string;
  currency: string;
  value: number;
}
interface JsGolden {
  accountId: string;
  number: string;
  openingBalance: JsGoldenBalance;
  closingBalance: JsGoldenBalance;
  transactions: { amount: number; isCredit: boolean; valueDate: string; entryDate: string; bankReference: string; description: string; code: string }[];
}

void test('mt940-js golden JSON: statements, balances, transactions, dates, references and descriptions', needsCorpus, async (t) => {
  const cases = { 'abn-amro-1': 'STA', 'base-1': 'mta', 'base-2': 'mta', 'base-3': 'mta', 'ing-1': 'mta', 'ing-2': 'mta' };
  for (const [name, ext] of Object.entries(cases)) {
    await t.test(name, () => {
      const expected = JSON.parse(read(`mt940-js/${name}.json`).toString('utf8')) as JsGolden[];
      const got = parse(`mt940-js/${name}.${ext}`).statements;
      assert.equal(got.length, expected.length);
      expected.forEach((e, i) => {
        const g = got[i];
        assert.ok(g !== undefined);
        assert.equal(g.accountNumber, e.accountId);
        assert.ok(g.sequenceNumber?.startsWith(e.number));
        for (const [b, eb] of [
          [g.openingBalance, e.openingBalance],
          [g.closingBalance, e.closingBalance],
        ] as const) {
          assert.deepEqual([b?.date, b?.currency, amt(b)], [eb.date, eb.currency, formatAmount(BigInt(Math.round(eb.value * 100)) * (eb.isCredit ? 1n : -1n), 'EUR')]);
        }
        assert.equal(g.transactions.length, e.transactions.length);
        e.transactions.forEach((et, j) => {
          const x = g.transactions[j];
          assert.ok(x !== undefined);
          assert.equal(x.amount, BigInt(Math.round(et.amount * 100)) * (et.isCredit ? 1n : -1n));
          assert.equal(x.valueDate, et.valueDate);
          assert.equal(x.bookingDate, et.entryDate === '' ? et.valueDate : et.entryDate);
          assert.equal(x.bankReference ?? '', et.bankReference);
          assert.equal(x.description.replace(/\n/g, '').replace(/\s+/g, ''), et.description.replace(/\s+/g, ''));
        });
      });
    });
  }
});

/** wolph/mt940's YAML snapshots: the number of transactions in the whole file (EXPECTED.md). */
const WOLPH_TRANSACTIONS: Readonly<Record<string, number>> = {
  'betterplace_amount_formats.sta': 0, 'betterplace_currency_in_25.sta': 0, 'betterplace_empty_86.sta': 0, 'betterplace_empty_entry_date.sta': 1,
  'betterplace_empty_line.sta': 0, 'betterplace_missing_crlf_at_end.sta': 0, 'betterplace_sepa_mt9401.sta': 97, 'betterplace_sepa_snippet.sta': 11,
  'betterplace_with_binary_character.sta': 4, 'cmxl_account_balance_credit.sta': 0, 'cmxl_account_balance_debit.sta': 0,
  'cmxl_account_identification_iban.sta': 0, 'cmxl_account_identification_legacy.sta': 0, 'cmxl_available_balance.sta': 0,
  'cmxl_closing_balance.sta': 0, 'cmxl_mt940.sta': 16, 'cmxl_reference.sta': 0, 'cmxl_statement_details.sta': 1, 'cmxl_statement_line.sta': 1,
  'cmxl_statement_number.sta': 0, 'jejik_abnamro.sta': 10, 'jejik_generic.sta': 2, 'jejik_ing.sta': 7, 'jejik_knab.sta': 3, 'jejik_postfinance.sta': 4,
  'jejik_rabobank-iban.sta': 4, 'jejik_rabobank.sta': 5, 'jejik_sns.sta': 2, 'mBank_mt940.sta': 3, 'mBank_mt942.sta': 3, 'mBank_with_newline_in_tnr.sta': 2,
  'sberbank_171011_01234945.sta': 3, 'self-provided_account_identification.sta': 0, 'self-provided_details_60-63.sta': 1,
  'self-provided_empty_non_swift.sta': 0, 'self-provided_february_30.sta': 1, 'self-provided_gv_codes.sta': 2, 'self-provided_long_statement_number.sta': 0,
  'self-provided_malformed_details.sta': 1, 'self-provided_mt942.sta': 1, 'self-provided_multiline.sta': 2, 'self-provided_overly_long_details.sta': 1,
  'self-provided_raiffeisen-cmi.sta': 7, 'self-provided_raphaelm.sta': 9, 'self-provided_sparkassen.sta': 1, 'self-provided_transaction_details_wrapped.sta': 1,
  'self-provided_whitespace.sta': 1, 'self-provided_wrapped_timestamp.sta': 1,
};

void test('wolph-mt940 files: the transaction counts of wolph/mt940, and their special cases', needsCorpus, async (t) => {
  for (const [name, count] of Object.entries(WOLPH_TRANSACTIONS)) {
    await t.test(name, () => assert.equal(allTx(parse(`wolph-mt940/${name}`)).length, count));
  }
  await t.test('amount formats', () => {
    assert.deepEqual(parse('wolph-mt940/betterplace_amount_formats.sta').statements.map((s) => amt(s.openingBalance)), [
      '380115.12', '380115.10', '380115.00', '0.12', '0.12', '1.12',
    ]);
  });
  await t.test('30 February is read as the last day of February', () => {
    const x = tx(st(parse('wolph-mt940/self-provided_february_30.sta'), 0), 0);
    assert.deepEqual([x.valueDate, x.bookingDate, amt(x)], ['2016-02-29', '2016-03-01', '-6.00']);
  });
  await t.test('a :61: broken over two lines and a tag on the line after a lone colon', () => {
    const x = tx(st(parse('wolph-mt940/self-provided_sparkassen.sta'), 0), 0);
    assert.deepEqual([x.bookingDate, amt(x), x.transactionCode, x.remittanceInfo], ['2018-11-26', '30.00', 'N062', 'Test']);
  });
  await t.test('an unknown :12: inside :86: is text', () => {
    const x = tx(st(parse('wolph-mt940/self-provided_transaction_details_wrapped.sta'), 0), 0);
    assert.equal(x.description, '805?00ENTGELTABSCHLUSS?106666?20Pauschalen?3012345678?1122334\n45566?602017-01-01T13\n:12:11');
    assert.equal(x.remittanceInfo, 'Pauschalen2017-01-01T13:12:11');
  });
  await t.test('MT942: currency from :34F:, no balances', () => {
    const s = st(parse('wolph-mt940/self-provided_mt942.sta'), 0);
    assert.deepEqual([s.currency, s.openingBalance, s.closingBalance, amt(tx(s, 0)), tx(s, 0).bankReference], ['EUR', null, null, '-0.42', '055001022000001']);
    assert.equal(st(parse('wolph-mt940/mBank_mt942.sta'), 0).currency, 'PLN');
  });
  await t.test('a balance without currency takes the statement currency', () => {
    const f = parse('wolph-mt940/self-provided_raphaelm.sta');
    assert.deepEqual(f.statements.map((s) => [s.currency, amt(s.closingBalance)]), [
      ['DEM', '105000.00'],
      ['DEM', '145000.00'],
      ['DEM', '95000.00'],
    ]);
  });
  await t.test('windows-1252 when the file is not UTF-8', () => {
    const f = parse('wolph-mt940/self-provided_raiffeisen-cmi.sta');
    assert.equal(st(f, 0).currency, 'HUF');
    assert.equal(st(f, 0).accountIban, null);
    assert.ok(!tx(st(f, 0), 0).description.includes('\ufffd'));
  });
  await t.test('fragments without :20: still give their fields', () => {
    assert.deepEqual(balance(st(parse('wolph-mt940/cmxl_account_balance_debit.sta'), 0).openingBalance), ['2014-08-29', '-147.64']);
    const pl = st(parse('wolph-mt940/cmxl_account_identification_iban.sta'), 0);
    assert.deepEqual([pl.accountNumber, pl.accountIban], ['PL25106000760000888888888888', null], 'made-up IBAN: check digits wrong');
    assert.equal(st(parse('wolph-mt940/betterplace_currency_in_25.sta'), 0).currency, 'EUR');
    const line = st(parse('wolph-mt940/cmxl_statement_line.sta'), 0);
    assert.deepEqual([line.currency, amt(tx(line, 0)), tx(line, 0).bankReference], ['XXX', '-1.62', '025498557/000001']);
    assert.equal(parse('wolph-mt940/self-provided_empty_non_swift.sta').statements.length, 0);
  });
});

// ---------------------------------------------------------------------------------------------
// Inline samples (REFERENCE.md §1.1–1.2) and edge cases
// ---------------------------------------------------------------------------------------------

const GENERIC = [
  ':20:STMT250314',
  ':25:NL91ABNA0417164300',
  ':28C:00073/001',
  ':60F:C250313EUR1000,00',
  ':61:2503140314C121,00NTRFINV20250042//BNK0000123',
  ':86:Payment invoice INV-2025-0042 ACME BV',
  ':61:250314D35,50NMSCNONREF',
  ':86:Bank charges Q1',
  ':62F:C250314EUR1085,50',
  ':64:C250314EUR1085,50',
].join('\r\n');

void test('reads the generic sample (REFERENCE.md §1.1), with CRLF and without trailing -', () => {
  const f = parseMt940(GENERIC, 'generic.sta');
  assert.equal(f.format, 'mt940');
  assert.equal(f.statements.length, 1);
  const s = st(f, 0);
  assert.deepEqual(
    [s.statementId, s.sequenceNumber, s.accountIban, s.accountNumber, s.currency, balance(s.openingBalance), balance(s.closingBalance)],
    ['STMT250314', '00073/001', 'NL91ABNA0417164300', 'NL91ABNA0417164300', 'EUR', ['2025-03-13', '1000.00'], ['2025-03-14', '1085.50']],
  );
  assert.deepEqual(s.transactions, [
    {
      line: 5,
      bookingDate: '2025-03-14',
      valueDate: '2025-03-14',
      amount: 12100n,
      currency: 'EUR',
      bankReference: 'BNK0000123',
      endToEndId: null,
      counterpartyAccount: null,
      counterpartyBic: null,
      counterpartyName: null,
      structuredReference: null,
      remittanceInfo: 'Payment invoice INV-2025-0042 ACME BV',
      transactionCode: 'NTRF',
      isReturn: false,
      description: 'Payment invoice INV-2025-0042 ACME BV',
    },
    {
      line: 7,
      bookingDate: '2025-03-14',
      valueDate: '2025-03-14',
      amount: -3550n,
      currency: 'EUR',
      bankReference: null,
      endToEndId: null,
      counterpartyAccount: null,
      counterpartyBic: null,
      counterpartyName: null,
      structuredReference: null,
      remittanceInfo: 'Bank charges Q1',
      transactionCode: 'NMSC',
      isReturn: false,
      description: 'Bank charges Q1',
    },
  ]);
  assert.equal(parseMt940(Buffer.from(GENERIC.replace(/\r\n/g, '\n') + '\n-\n\n'), 'lf.sta').statements[0]?.transactions.length, 2);
});

void test('reads the ING sample: SWIFT blocks, /CNTP/, /REMI/STRD/CUR/, statement-level :86:', () => {
  const text = [
    '{1:F01INGBNL2AXXXX0000000000}',
    '{2:I940INGBNL2AXXXN}',
    '{4:',
    ':20:P250314000000001',
    ':25:NL20INGB0001234567EUR',
    ':28C:00000',
    ':60F:C250313EUR1000,00',
    ':61:2503140314C121,00NTRFEREF//25073000000001',
    '/TRCD/00100/',
    ':86:/EREF/E2E-INV20250042//CNTP/NL44RABO0123456789/RABONL2U/ACME',
    ' BV/UTRECHT///REMI/STRD/CUR/5000000020250042/',
    ':62F:C250314EUR1121,00',
    ':64:C250314EUR1121,00',
    ':86:/SUM/0/1/0,00/121,00/',
    '-}',
  ].join('\n');
  const s = st(parseMt940(text, 'ing.sta'), 0);
  assert.equal(s.accountIban, 'NL20INGB0001234567', 'the IBAN without the currency ING appends');
  assert.equal(s.accountNumber, 'NL20INGB0001234567EUR');
  const x = tx(s, 0);
  assert.deepEqual(
    [x.endToEndId, x.counterpartyAccount, x.counterpartyBic, x.counterpartyName, x.structuredReference, x.remittanceInfo, x.bankReference, x.transactionCode],
    ['E2E-INV20250042', 'NL44RABO0123456789', 'RABONL2U', 'ACME BV', '5000000020250042', null, '25073000000001', 'NTRF'],
  );
  assert.equal(x.description, '/EREF/E2E-INV20250042//CNTP/NL44RABO0123456789/RABONL2U/ACME\n BV/UTRECHT///REMI/STRD/CUR/5000000020250042/');
  assert.equal(s.transactions.length, 1, 'the :86:/SUM/ after :62F: belongs to the statement');
});

void test('reads the Rabobank sample: :940:, zero-padded amounts, IBAN after :61:, /ORDP//NAME/', () => {
  const text = [
    ':940:',
    ':20:940S250314',
    ':25:NL44RABO0123456789',
    ':28C:0',
    ':60F:C250313EUR000000001000,00',
    ':61:250314C000000000121,00N541EREF',
    'NL91ABNA0417164300',
    ':86:/EREF/E2E-INV20250042/ORDP//NAME/ACME BV/REMI/Factuur 2025-0042',
    '/ISDT/2025-03-14',
    ':62F:C250314EUR000000001121,00',
  ].join('\r\n');
  const x = tx(st(parseMt940(text, 'rabo.swi'), 0), 0);
  assert.deepEqual(
    [amt(x), x.endToEndId, x.counterpartyAccount, x.counterpartyName, x.remittanceInfo, x.transactionCode],
    ['121.00', 'E2E-INV20250042', 'NL91ABNA0417164300', 'ACME BV', 'Factuur 2025-0042', 'N541'],
  );
});

void test('reads the ABN AMRO sample: header lines, :28:, /TRTP/ with a code word wrapped over two lines', () => {
  const text = [
    'ABNANL2A',
    '940',
    'ABNANL2A',
    ':20:ABN AMRO BANK NV',
    ':25:417164300',
    ':28:25073/1',
    ':60F:C250313EUR1000,00',
    ':61:2503140314C121,00N658NONREF',
    ':86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NA',
    'ME/ACME BV/REMI/INV 2025-0042/EREF/NOTPROVIDED',
    ':62F:C250314EUR1121,00',
    '-',
  ].join('\r\n');
  const s = st(parseMt940(text, 'abn.sta'), 0);
  assert.deepEqual([s.statementId, s.sequenceNumber, s.accountNumber], ['ABN AMRO BANK NV', '25073/1', '417164300']);
  const x = tx(s, 0);
  assert.deepEqual(
    [x.transactionCode, x.counterpartyAccount, x.counterpartyBic, x.counterpartyName, x.remittanceInfo, x.endToEndId],
    ['SEPA OVERBOEKING', 'NL44RABO0123456789', 'RABONL2U', 'ACME BV', 'INV 2025-0042', null],
  );
});

void test('old ABN AMRO free text: GIRO account and name, BETALINGSKENM.', () => {
  const text = [
    ':20:ABN AMRO BANK NV',
    ':25:517852257',
    ':28:19321/1',
    ':60F:C110522EUR3236,28',
    ':61:1105240524D9,N192NONREF',
    ':86:GIRO   428428 KPN - DIGITENNE    BETALINGSKENM.  0000000421886595',
    '314606715                       BETREFT FACTUUR D.D. 20-05-2011',
    ':62F:C110524EUR3227,28',
  ].join('\n');
  const x = tx(st(parseMt940(text, 'abn-old.sta'), 0), 0);
  assert.deepEqual([x.counterpartyAccount, x.counterpartyName, x.structuredReference], ['428428', 'KPN - DIGITENNE', '0000000421886595']);
  assert.equal(x.remittanceInfo, 'GIRO 428428 KPN - DIGITENNE BETALINGSKENM. 0000000421886595 314606715 BETREFT FACTUUR D.D. 20-05-2011');
});

void test('German ?nn sub-fields: IBAN, BIC, name, EREF+ and SVWZ+', () => {
  const text = [
    ':20:STARTUMSE',
    ':25:DE89370400440532013000',
    ':28C:00001/001',
    ':60F:C250313EUR100,00',
    ':61:2503140314CR50,00N166NONREF',
    ':86:166?00GUTSCHR. UEBERWEISUNG?109310?20EREF+INV-2025-0042?21SVWZ+Rechnung INV-20',
    '25-0042 danke?30COBADEFFXXX?31DE02120300000000202051?32ACME',
    ' GmbH',
    ':62F:C250314EUR150,00',
    '-',
  ].join('\n');
  const s = st(parseMt940(text, 'de.sta'), 0);
  assert.equal(s.accountIban, 'DE89370400440532013000');
  const x = tx(s, 0);
  assert.deepEqual(
    [amt(x), x.endToEndId, x.remittanceInfo, x.counterpartyBic, x.counterpartyAccount, x.counterpartyName, x.transactionCode],
    ['50.00', 'INV-2025-0042', 'Rechnung INV-2025-0042 danke', 'COBADEFFXXX', 'DE02120300000000202051', 'ACME GmbH', 'N166'],
  );
});

void test('/REMI/USTD//, /RTRN/, NOTPROVIDED, /REMI/STRD/ISO/ and a structured ABN acceptgiro', () => {
  const lines = (d86: string, dc = 'C') => [':20:X', ':25:NL91ABNA0417164300', ':60F:C250313EUR0,00', `:61:250314${dc}10,00NTRFNONREF`, `:86:${d86}`].join('\n');
  const one = (d86: string, dc?: string) => tx(st(parseMt940(lines(d86, dc), 'x.sta'), 0), 0);
  assert.equal(one('/REMI/USTD//Factuur   2025 0042/').remittanceInfo, 'Factuur 2025 0042');
  assert.equal(one('/EREF/NOTPROVIDED//REMI/USTD//x/').endToEndId, null);
  assert.equal(one('/REMI/STRD/ISO/RF18539007547034/').structuredReference, 'RF18539007547034');
  const rtrn = one('/RTRN/MS03//EREF/E2E1//CNTP/NL44RABO0123456789/RABONL2U/ACME BV///REMI/USTD//x/', 'RC');
  assert.deepEqual([rtrn.isReturn, amt(rtrn), rtrn.endToEndId], [true, '-10.00', 'E2E1']);
  assert.equal(one('/TRTP/ACCEPTGIROBETALING/IBAN/NL86INGB0002445588/NAME/X/REMI/ISSUER: CUR                  REF: 4420043232693268/EREF/1').structuredReference, '4420043232693268');
  assert.equal(one('Old style BETALINGSKENM.: 1234123412345678').structuredReference, '1234123412345678');
  assert.deepEqual([one('/ORDP//NAME/A/B Co/REMI/x').counterpartyName], ['A/B Co']);
});

void test(':61: entry dates across New Year, D/C marks and funds codes', () => {
  const line = (l61: string) => tx(st(parseMt940([':20:X', ':25:1', ':60F:C250101EUR0,', `:61:${l61}`].join('\n'), 'x.sta'), 0), 0);
  assert.deepEqual([line('2412310102C1,NTRF').valueDate, line('2412310102C1,NTRF').bookingDate], ['2024-12-31', '2025-01-02']);
  assert.deepEqual([line('2501011231C1,NTRF').valueDate, line('2501011231C1,NTRF').bookingDate], ['2025-01-01', '2024-12-31']);
  assert.equal(line('250101DR1,50NTRF').amount, -150n, 'DR: debit with funds code R (EUR)');
  assert.equal(line('250101CR1,50NTRF').amount, 150n);
  assert.equal(line('250101RC1,50NTRF').amount, -150n, 'RC: reversal of a credit');
  assert.equal(line('250101RD1,50NTRF').amount, 150n, 'RD: reversal of a debit');
  assert.equal(line('250101RCR1,50NTRF').amount, -150n);
  assert.equal(line('250101ED2,NTRF').amount, -200n, 'MT942 expected debit');
  assert.equal(line('250101    D2,NTRF').bookingDate, '2025-01-01', 'entry date left blank');
  assert.deepEqual([line('250101C1,NMSCMYREF//BANKREF').bankReference, line('250101C1,NMSC').transactionCode], ['BANKREF', 'NMSC']);
});

void test('Latin-1 / windows-1252 bytes when the file is not UTF-8', () => {
  const text = [':20:X', ':25:1', ':60F:C250101EUR0,', ':61:250101C1,NTRF', ':86:Caf\u00e9 M\u00fcller \u20ac5'].join('\r\n');
  const latin = Buffer.from(text, 'latin1');
  latin[latin.length - 2] = 0x80; // euro sign in windows-1252
  assert.equal(tx(st(parseMt940(latin, 'latin.sta'), 0), 0).description, 'Café Müller €5');
  assert.equal(tx(st(parseMt940(Buffer.from(text, 'utf8'), 'utf8.sta'), 0), 0).description, 'Café Müller €5');
  assert.equal(tx(st(parseMt940(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]), 'bom.sta'), 0), 0).description, 'Café Müller €5');
});

void test('SWIFT messages: a missing -} is forgiven when the statement is complete, not when it was cut off', () => {
  const message = (n: number, closing: boolean) =>
    [`{1:F01KNABNL2HAXXX0000000000}{2:I940KNABNL2HXXXXN3020}{4:`, `:20:S${n}`, ':25:NL92KNAB0123123123', ':28C:1/1', ':60F:C250313EUR10,00', ':61:2503140314D1,NTRFNONREF', closing ? ':62F:C250314EUR9,00' : ''].filter(Boolean);
  const complete = [...message(1, true), ...message(2, true), '-}'].join('\r\n');
  assert.deepEqual(parseMt940(complete, 'blocks.sta').statements.map((s) => [s.statementId, amt(s.closingBalance)]), [['S1', '9.00'], ['S2', '9.00']]);
  const cut = [...message(1, false), ...message(2, true), '-}'].join('\r\n');
  assert.throws(() => parseMt940(cut, 'cut.sta'), (e: unknown) => e instanceof StatementFormatError && e.line === 7);
});

void test('statements without :20: are told apart by :25: and :60F:', () => {
  const text = [':25:NL91ABNA0417164300', ':60F:C250313EUR1,00', ':61:250314C1,00NTRF', ':62F:C250314EUR2,00', ':25:123456789', ':60F:C250313EUR5,00', ':62F:C250314EUR5,00', ':60M:C250314EUR5,00', ':62F:C250315EUR5,00'].join('\n');
  assert.deepEqual(
    parseMt940(text, 'x.sta').statements.map((s) => [s.accountNumber, amt(s.openingBalance), amt(s.closingBalance), s.transactions.length]),
    [
      ['NL91ABNA0417164300', '1.00', '2.00', 1],
      ['123456789', '5.00', '5.00', 0],
      ['123456789', '5.00', '5.00', 0],
    ],
  );
});

void test('a transaction without :86: has an empty description', () => {
  const x = tx(st(parseMt940(':20:X\n:25:1\n:60F:C250101EUR0,\n:61:250101C1,NTRF\n:62F:C250101EUR1,\n', 'x.sta'), 0), 0);
  assert.deepEqual([x.description, x.remittanceInfo, x.counterpartyAccount], ['', null, null]);
});

void test('errors: not MT940 at all names the file; a broken :61: or balance names file and line', () => {
  for (const content of ['', 'hello\nworld\n', '<?xml version="1.0"?><Document/>', Buffer.from([0, 1, 2, 255])]) {
    assert.throws(
      () => parseMt940(content, 'upload.txt'),
      (e: unknown) => e instanceof StatementFormatError && e.message === 'upload.txt is not an MT940 file: it contains no MT940 field such as :20:, :25: or :61:.' && e.line === null,
    );
  }
  assert.throws(
    () => parseMt940(':20:X\n:25:1\n:60F:C250101EUR0,\n:61:25013XC1,NTRF\n', 'bad.sta'),
    (e: unknown) => e instanceof StatementFormatError && e.line === 4 && /^bad\.sta line 4: the statement line :61:25013XC1,NTRF cannot be read/.test(e.message),
  );
  assert.throws(
    () => parseMt940(':20:X\n:25:1\n:60F:C250101EUR0,\n:61:251301C1,NTRF\n', 'bad.sta'),
    (e: unknown) => e instanceof StatementFormatError && e.line === 4 && /invalid value date/.test(e.message),
  );
  assert.throws(
    () => parseMt940(':20:X\n:25:1\n:60F:C250101JPY0,\n:61:250101C1,5NTRF\n', 'bad.sta'),
    (e: unknown) => e instanceof StatementFormatError && e.line === 4 && /the amount 1,5 is not a valid JPY amount/.test(e.message),
  );
  assert.throws(
    () => parseMt940(':20:X\n:25:1\n:60F:C2501EUR0,\n', 'bad.sta'),
    (e: unknown) => e instanceof StatementFormatError && e.line === 3 && /balance :60F:/.test(e.message),
  );
});

void test('looksLikeMt940 for format detection', () => {
  assert.ok(looksLikeMt940(GENERIC));
  assert.ok(looksLikeMt940('{1:F01INGBNL2AXXXX0000000000}{2:I940INGBNL2AXXXN}{4::20:P1\n:25:X\n'));
  assert.ok(looksLikeMt940('ABNANL2A\r\n940\r\nABNANL2A\r\n:20:ABN AMRO BANK NV\r\n'));
  assert.ok(looksLikeMt940('\ufeff:940:\n:20:940S130403\n'));
  assert.ok(looksLikeMt940('This is an example file\n\n- - -\n:20:3996-11-11111111\n'));
  assert.ok(!looksLikeMt940('<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"/>'));
  assert.ok(!looksLikeMt940('0000020250314ING  00123456  Statement\n'));
  assert.ok(!looksLikeMt940('invoice_number,amount\n1,2\n'));
  assert.ok(!looksLikeMt940(''));
});

void test('looksLikeMt940 recognises every readable corpus file that has a :20:', needsCorpus, () => {
  for (const rel of corpusFiles()) {
    if (INTENTIONALLY_BROKEN[rel] !== undefined) continue;
    const text = read(rel).toString('latin1');
    if (/^:20:/m.test(text.slice(0, 4096))) assert.ok(looksLikeMt940(text.slice(0, 4096)), rel);
  }
});

void test('a big file of 20,000 statements parses whole (speed: bench/cashapp/parse-speed.ts)', () => {
  const block = GENERIC.replace(':64:C250314EUR1085,50', ':64:C250314EUR1085,50\r\n-');
  const big = Array.from({ length: 20_000 }, () => block).join('\r\n');
  const f = parseMt940(big, 'big.sta');
  assert.equal(f.statements.length, 20_000);
  assert.equal(f.statements[19_999]!.closingBalance?.amount, f.statements[0]!.closingBalance?.amount);
  assert.notEqual(f.statements[0]!.closingBalance, null);
});
