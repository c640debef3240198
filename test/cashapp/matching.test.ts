import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compactKey, decideMatch, digitsKey, orderByRule, splitOverComponents, spread, textKeys, uniqueCombination, withinOneEdit, type CandidateInvoice, type FoundBy } from '../../src/modules/cashapp/matching.ts';

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
    const d = decideMatch(tx(12100n, '', { structuredReference: '5000056789012345' }), [inv('i1', 'F-1', 12100n, ['reference'])], opts);
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
    const rule = decideMatch(tx(11000n, 'betaling'), list, known);
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
  test('an unknown payer: amount and a fully agreeing name book; otherwise review with ranked suggestions', () => {
    const list = [inv('i1', 'F-1', 5000n, ['amount'], { debtorName: 'Pietersen' }), inv('i2', 'F-2', 5000n, ['amount'], { debtorId: 'dbt_2', debtorName: 'Jansen B.V.' })];
    const named = decideMatch(tx(5000n, 'dank je', { counterpartyAccount: 'NL02ABNA0123456789' }), list, opts);
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
