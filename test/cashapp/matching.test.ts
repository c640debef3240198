import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactKey, decideMatch, digitsKey, isDateToken, namedInvoices, orderByRule, splitOverComponents, spread, textKeys, textTokens, uniqueCombination, withinOneEdit, type CandidateInvoice, type FoundBy } from '../../src/modules/cashapp/matching.ts';

function inv(id: string, number: string, open: bigint, foundBy: FoundBy[], extra: Partial<CandidateInvoice> = {}): CandidateInvoice {
  return {
    invoiceId: id, number, debtorId: 'dbt_1', debtorName: 'Jansen B.V.', paymentReference: null, openAmount: open, openCosts: 0n, openInterest: 0n,
    currency: 'EUR', issueDate: '2026-09-01', dueDate: '2026-10-01', foundBy: new Set(foundBy), ...extra,
  };
}
const opts = { rule: 'oldest_first' as const, today: '2026-11-22', threshold: 0.9, ibanDebtors: [] as string[] };
const tx = (amount: bigint, text: string, extra: Partial<Parameters<typeof decideMatch>[0]> = {}) => ({
  amount, currency: 'EUR', counterpartyAccount: 'NL91ABNA0417164300', counterpartyName: 'JANSEN BV', structuredReference: null, text, ...extra,
});

describe('keys from remittance text', () => {
  test('invoice numbers whatever the prefix, separators or leading zeros', () => {
    assert.equal(compactKey('F 2026/001'), 'F2026001');
    assert.equal(digitsKey('INV-2026-00042'), '202600042');
    const keys = textKeys('Betaling factuur INV-2026-00042 en F2026.0043, ref 5000 0567 8901 2345');
    assert.ok(keys.compact.has('INV202600042'));
    assert.ok(keys.digits.has('202600042'));
    assert.ok(keys.compact.has('F20260043'));
    assert.ok(keys.compact.has('5000056789012345'), 'a reference printed in groups');
    assert.ok(!keys.digits.has('2026'), 'short numbers are no keys');
  });

  test('one edit: substitution, transposition, insertion, deletion', () => {
    assert.ok(withinOneEdit('2026001', '2026007'));
    assert.ok(withinOneEdit('2026001', '2026010'));
    assert.ok(withinOneEdit('2026001', '20260001'));
    assert.ok(withinOneEdit('2026001', '202601'));
    assert.ok(!withinOneEdit('2026001', '2026100'));
  });
});

describe('allocation rules', () => {
  const a = inv('a', 'A', 5000n, [], { issueDate: '2026-01-01', dueDate: '2026-12-01' });
  const b = inv('b', 'B', 2000n, [], { issueDate: '2026-02-01', dueDate: '2026-03-01' });
  const c = inv('c', 'C', 9000n, [], { issueDate: '2026-03-01', dueDate: '2026-04-01' });
  test('oldest, overdue, largest and smallest first', () => {
    assert.deepEqual(orderByRule([c, b, a], 'oldest_first', '2026-11-22').map((i) => i.invoiceId), ['a', 'b', 'c']);
    assert.deepEqual(orderByRule([a, b, c], 'overdue_first', '2026-11-22').map((i) => i.invoiceId), ['b', 'c', 'a']);
    assert.deepEqual(orderByRule([a, b, c], 'largest_first', '2026-11-22').map((i) => i.invoiceId), ['c', 'a', 'b']);
    assert.deepEqual(orderByRule([a, b, c], 'smallest_first', '2026-11-22').map((i) => i.invoiceId), ['b', 'a', 'c']);
  });
  test('spread keeps the rest on account', () => {
    assert.deepEqual(spread(6000n, [a, b]), [{ invoiceId: 'a', amount: 5000n }, { invoiceId: 'b', amount: 1000n }]);
    assert.deepEqual(spread(8000n, [a, b]), [{ invoiceId: 'a', amount: 5000n }, { invoiceId: 'b', amount: 2000n }, { invoiceId: null, amount: 1000n }]);
  });
  test('costs, then interest, then principal (art. 6:44 BW)', () => {
    assert.deepEqual(splitOverComponents(10000n, { costs: 4000n, interest: 1500n }), [
      { component: 'costs', amount: 4000n }, { component: 'interest', amount: 1500n }, { component: 'principal', amount: 4500n },
    ]);
    assert.deepEqual(splitOverComponents(3000n, { costs: 4000n, interest: 1500n }), [{ component: 'costs', amount: 3000n }]);
  });
  test('a unique combination of open invoices', () => {
    assert.deepEqual((uniqueCombination(7000n, [a, b, c]) as CandidateInvoice[]).map((i) => i.invoiceId), ['a', 'b']);
    assert.equal(uniqueCombination(1234n, [a, b, c]), null);
    const d = inv('d', 'D', 7000n, []);
    const e = inv('e', 'E', 2000n, []);
    assert.equal(uniqueCombination(9000n, [a, b, d, e]), 'ambiguous');
  });
});

describe('decisions', () => {
  test('a structured reference with the exact amount is booked with high confidence', () => {
    const d = decideMatch(tx(12100n, '', { structuredReference: '5000056789012345' }), [inv('i1', 'F-1', 12100n, ['reference'], { paymentReference: '5000056789012345' })], opts);
    assert.equal(d.kind, 'book');
    if (d.kind === 'book') {
      assert.equal(d.rule, 'reference');
      assert.ok(d.confidence >= 0.99);
      assert.deepEqual(d.lines, [{ invoiceId: 'i1', amount: 12100n }]);
      assert.equal(d.learnIban, true);
    }
  });
  test('a short payment books what was paid and notes the reason', () => {
    const d = decideMatch(tx(10000n, 'factuur F-1 minus 21 euro schade'), [inv('i1', 'F-1', 12100n, ['number'])], opts);
    assert.equal(d.kind, 'book');
    if (d.kind === 'book') {
      assert.equal(d.rule, 'invoice_number_short');
      assert.deepEqual(d.lines, [{ invoiceId: 'i1', amount: 10000n }]);
      assert.match(d.note ?? '', /schade/);
    }
  });
  test('several invoices in one payment', () => {
    const d = decideMatch(tx(15000n, 'F-1 F-2'), [inv('i1', 'F-1', 10000n, ['number']), inv('i2', 'F-2', 5000n, ['number'], { issueDate: '2026-09-02' })], opts);
    assert.equal(d.kind === 'book' && d.rule, 'invoice_number_multi');
  });
  test('an overpayment leaves a credit on the debtor', () => {
    const d = decideMatch(tx(13000n, 'F-1'), [inv('i1', 'F-1', 12100n, ['number'])], opts);
    assert.deepEqual(d.kind === 'book' && d.lines, [{ invoiceId: 'i1', amount: 12100n }, { invoiceId: null, amount: 900n }]);
  });
  test('a known payer, no reference: exact amount, then a combination, then the rule', () => {
    const known = { ...opts, ibanDebtors: ['dbt_1'] };
    const list = [inv('i1', 'F-1', 10000n, ['iban']), inv('i2', 'F-2', 5000n, ['iban'], { issueDate: '2026-09-05' }), inv('i3', 'F-3', 2500n, ['iban'], { issueDate: '2026-09-09' })];
    assert.equal(decideMatch(tx(5000n, 'betaling'), list, known).kind === 'book' && (decideMatch(tx(5000n, 'betaling'), list, known) as { rule: string }).rule, 'iban_amount');
    const combo = decideMatch(tx(7500n, 'betaling'), list, known);
    assert.deepEqual(combo.kind === 'book' && [combo.rule, combo.lines.map((l) => l.invoiceId)], ['iban_combination', ['i2', 'i3']]);
    // An amount that fits nothing, spread by the rule: a guess, below the default threshold.
    const guess = decideMatch(tx(11000n, 'betaling'), list, known);
    assert.equal(guess.kind, 'review');
    assert.deepEqual(guess.suggestions[0]?.invoiceIds, ['i1', 'i2']);
    const rule = decideMatch(tx(11000n, 'betaling'), list, { ...known, threshold: 0.85 });
    assert.deepEqual(rule.kind === 'book' && [rule.rule, rule.lines], ['iban_oldest_first', [{ invoiceId: 'i1', amount: 10000n }, { invoiceId: 'i2', amount: 1000n }]]);
    assert.equal(rule.kind === 'book' && rule.learnIban, false, 'the IBAN is known already');
  });
  test('a typo in the number counts only where amount and payer agree', () => {
    const known = { ...opts, ibanDebtors: ['dbt_1'] };
    const list = [inv('i1', 'F2026-0417', 10000n, ['iban']), inv('i2', 'F2026-0418', 10000n, ['iban'])];
    const d = decideMatch(tx(10000n, 'factuur F2026-0471'), list, known);
    assert.deepEqual(d.kind === 'book' && [d.rule, d.lines[0]?.invoiceId], ['invoice_number_typo', 'i1']);
    const unknown = decideMatch(tx(10000n, 'factuur F2026-0471', { counterpartyAccount: null }), list, opts);
    assert.equal(unknown.kind, 'review');
  });
  test('a third party paying by reference is booked, its IBAN not learned for the debtor', () => {
    const d = decideMatch(tx(12100n, 'F-1'), [inv('i1', 'F-1', 12100n, ['number'])], { ...opts, ibanDebtors: ['dbt_other'] });
    assert.equal(d.kind, 'book');
    assert.equal(d.kind === 'book' && d.learnIban, false);
    assert.match(d.kind === 'book' ? (d.note ?? '') : '', /third party/);
  });
  test('an unknown payer: amount and a fully agreeing name are suggested first, booked only under a threshold of 0.85; otherwise review with ranked suggestions', () => {
    const list = [inv('i1', 'F-1', 5000n, ['amount'], { debtorName: 'Pietersen' }), inv('i2', 'F-2', 5000n, ['amount'], { debtorId: 'dbt_2', debtorName: 'Jansen B.V.' })];
    const suggested = decideMatch(tx(5000n, 'dank je', { counterpartyAccount: 'NL02ABNA0123456789' }), list, opts);
    assert.equal(suggested.kind, 'review', 'a name and an amount are not enough at the default threshold');
    assert.deepEqual(suggested.suggestions[0]?.invoiceIds, ['i2']);
    const named = decideMatch(tx(5000n, 'dank je', { counterpartyAccount: 'NL02ABNA0123456789' }), list, { ...opts, threshold: 0.85 });
    assert.deepEqual(named.kind === 'book' && [named.rule, named.debtorId], ['name_amount', 'dbt_2']);
    const d = decideMatch(tx(5000n, 'dank je', { counterpartyAccount: 'NL02ABNA0123456789', counterpartyName: 'JANSEN EN ZN' }), [...list, inv('i3', 'F-3', 5000n, ['amount'], { debtorId: 'dbt_3', debtorName: 'Jansen Installatie' })], opts);
    assert.equal(d.kind, 'review');
    assert.equal(d.suggestions.length, 3);
    assert.notEqual(d.suggestions[0]?.invoiceIds[0], 'i1', 'a name that agrees ranks above one that does not');
  });

  test('never books in another currency', () => {
    const d = decideMatch(tx(12100n, 'F-1'), [inv('i1', 'F-1', 12100n, ['number'], { currency: 'USD' })], opts);
    assert.equal(d.kind, 'review');
  });
});

describe('what a text names (found by the cash-application benchmark, bench/cashapp)', () => {
  test('dates are no invoice numbers; digit groups are taken whole; RF references in groups, any case', () => {
    assert.ok(isDateToken('2026-11-12') && isDateToken('22-11-2026') && isDateToken('05.03.2026'));
    assert.ok(!isDateToken('2025-11-0012') && !isDateToken('2025.1234') && !isDateToken('F2026-11-12'));
    assert.ok(!textKeys('betaald op 2026-11-12').compact.has('20261112'), 'a date does not name invoice 2026.1112');
    const keys = textKeys('Factuur F2025 002314 klantnr 84326');
    assert.ok(keys.digits.has('2025002314'));
    assert.ok(!keys.digits.has('202500231'), 'not cut inside a group');
    assert.ok(textTokens('ref rf18 5390 0754 7034').some((t) => t.compact === 'RF18539007547034'));
  });

  const series = (found: FoundBy[]) => [
    inv('f', 'F2025-000008', 5000n, found, { debtorId: 'dbt_f' }),
    inv('i', 'INV/2025/00008', 7000n, found, { debtorId: 'dbt_i' }),
    inv('d', '2025.0008', 9000n, found, { debtorId: 'dbt_d' }),
  ];
  test('each token names what it matches best: the number as written over others sharing its digit groups', () => {
    assert.deepEqual([...namedInvoices({ structuredReference: null, text: 'factuur INV-2025-00008' }, series(['number', 'groups'])).keys()], ['i']);
    assert.deepEqual([...namedInvoices({ structuredReference: null, text: 'F2025-8' }, series(['groups']))], [['f', 1]], 'letters agree: F');
    assert.deepEqual([...namedInvoices({ structuredReference: null, text: 'CN2025.0008' }, series(['groups', 'digits']))].sort(), [['d', 0], ['f', 0], ['i', 0]], 'under other letters: loose');
  });

  test('the invoice of several series named that the amount fits is booked; none fitting goes to review', () => {
    const d = decideMatch(tx(7000n, 'factuur 2025-8', { counterpartyName: 'X' }), series(['groups']), opts);
    assert.deepEqual(d.kind === 'book' && [d.rule, d.lines], ['invoice_number_groups', [{ invoiceId: 'i', amount: 7000n }]]);
    assert.equal(decideMatch(tx(6000n, 'factuur 2025-8', { counterpartyName: 'X' }), series(['groups']), opts).kind, 'review');
  });

  test('a stray number beside the invoice number (an order, another series) does not stop an exact payment', () => {
    const list = [inv('a', 'F2026-004211', 12100n, ['number']), inv('b', '2026.1234', 5000n, ['number'], { debtorId: 'dbt_2' })];
    const d = decideMatch(tx(12100n, 'F2026-004211 order 2026-1234'), list, opts);
    assert.deepEqual(d.kind === 'book' && [d.rule, d.lines], ['invoice_number', [{ invoiceId: 'a', amount: 12100n }]]);
  });

  test('short or over from an unknown account: only in the debtor\'s name and for a number written out', () => {
    const f = [inv('a', 'F2026-004211', 12100n, ['number'])];
    const stranger = { counterpartyAccount: 'NL02ABNA0123456789' };
    const short = decideMatch(tx(10000n, 'F2026-004211 korting', { ...stranger, counterpartyName: 'JANSEN' }), f, opts);
    assert.equal(short.kind === 'book' && short.rule, 'invoice_number_short');
    // A supplier refunding its own credit note that happens to carry our number.
    assert.equal(decideMatch(tx(10000n, 'Creditnota F2026-004211', { ...stranger, counterpartyName: 'Coolblue B.V.' }), f, opts).kind, 'review');
    assert.equal(decideMatch(tx(13000n, 'Retour F2026-004211', { ...stranger, counterpartyName: 'Coolblue B.V.' }), f, opts).kind, 'review');
    assert.equal(decideMatch(tx(5000n, 'F2026-004211 deel', { ...stranger, counterpartyName: 'JANSEN' }), f, opts).kind, 'review', 'less than half');
    // The same digits under other letters (CN2026/6084 for 2026.6084): never short or over.
    const bare = [inv('d', '2026.6084', 1215n, ['groups', 'digits'])];
    assert.equal(decideMatch(tx(667486n, 'Retour CN2026/6084 dubbel betaald', { ...stranger, counterpartyName: 'Jansen' }), bare, opts).kind, 'review');
  });

  test('digit groups separated by spaces name by their digits, in every stretch of the run', () => {
    const list = [inv('i', 'INV/2026/26205', 685102n, ['digits'], { debtorId: 'dbt_i' }), inv('d', '2026.26205', 900000n, ['number'], { debtorId: 'dbt_d' })];
    assert.deepEqual([...namedInvoices({ structuredReference: null, text: 'INV 2026 26205 EUR 6.851,02' }, list)].sort(), [['d', 2], ['i', 2]]);
    const d = decideMatch(tx(685102n, 'INV 2026 26205 EUR 6.851,02'), list, opts);
    assert.deepEqual(d.kind === 'book' && d.lines, [{ invoiceId: 'i', amount: 685102n }]);
    assert.equal(decideMatch(tx(600000n, 'INV 2026 26205', { counterpartyName: 'MAES' }), list, opts).kind, 'review');
    assert.ok(textKeys('Betaling 2025 30179 2026/62934').compact.has('202530179'));
  });

  test('a bare number in a stranger\'s text is never short or over, even where a surname agrees', () => {
    const list = [inv('d', '2026.4417', 101517n, ['number'], { debtorName: 'Bakkerij Smit B.V.' })];
    assert.equal(decideMatch(tx(1329947n, 'bestelling 2026/4417', { counterpartyAccount: 'NL03BUNQ3220837966', counterpartyName: 'Sportclub Smit' }), list, opts).kind, 'review');
    assert.equal(decideMatch(tx(90000n, 'bestelling 2026/4417', { counterpartyAccount: 'NL03BUNQ3220837966', counterpartyName: 'Bakkerij Smit' }), list, opts).kind, 'review');
  });

  test('short or over is not booked on the invoices named most firmly when others are named too', () => {
    const list = [inv('a', 'F2026-002550', 1779n, ['digits'], { debtorId: 'dbt_1' }), inv('b', 'F2025-001357', 5000n, ['groups'], { debtorId: 'dbt_1' })];
    const d = decideMatch(tx(1000728n, 'Facturen F2025.1357, FAC2026-002550'), list, { ...opts, ibanDebtors: ['dbt_1'] });
    assert.equal(d.kind, 'review');
  });

  test('a typo that makes another debtor\'s number, or drops zeros, still finds the payer\'s invoice of that amount', () => {
    const known = { ...opts, ibanDebtors: ['dbt_1'] };
    const other = inv('x', 'F2025-005755', 100913n, ['number'], { debtorId: 'dbt_2' });
    const mine = inv('m', 'F2025-005757', 133811n, ['iban']);
    const d = decideMatch(tx(133811n, 'F2025-005755 met dank'), [other, mine], known);
    assert.deepEqual(d.kind === 'book' && [d.rule, d.lines], ['invoice_number_typo', [{ invoiceId: 'm', amount: 133811n }]]);
    const groups = decideMatch(tx(133811n, 'F2025-5755'), [{ ...other, foundBy: new Set<FoundBy>(['groups']) }, mine], known);
    assert.deepEqual(groups.kind === 'book' && [groups.rule, groups.lines[0]?.invoiceId], ['invoice_number_typo', 'm']);
  });

  test('naming one of the payer\'s invoices and paying exactly another, without a typo, goes to review', () => {
    const list = [inv('a', 'F2026-004058', 5000n, ['number']), inv('b', 'F2026-009999', 7000n, ['iban'])];
    assert.equal(decideMatch(tx(7000n, 'F2026-004058'), list, { ...opts, ibanDebtors: ['dbt_1'] }).kind, 'review');
  });

  test('combinations over all of a payer\'s open invoices, not the first 25; too many to tell is no combination', () => {
    const many = Array.from({ length: 60 }, (_, i) => inv(`i${i}`, `F-${i}`, 100_000n + BigInt(i) ** 3n, ['iban'], { issueDate: `2026-01-${String((i % 28) + 1).padStart(2, '0')}` }));
    const pair = uniqueCombination(many[40]!.openAmount + many[55]!.openAmount, many);
    assert.deepEqual(Array.isArray(pair) && pair.map((c) => c.invoiceId).sort(), ['i40', 'i55'].sort());
    const lots = Array.from({ length: 401 }, (_, i) => inv(`j${i}`, `F-${i}`, 1_000n + BigInt(i), ['iban']));
    assert.equal(uniqueCombination(1_000_000n, lots), 'ambiguous');
  });
});
