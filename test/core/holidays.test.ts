import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addBusinessDays, isBusinessDay, nextBusinessDay, publicHolidays, weekday } from '../../src/core/holidays.ts';

test('Easter-based and fixed holidays, NL and BE', () => {
  const nl2026 = publicHolidays('NL', 2026);
  for (const d of ['2026-01-01', '2026-04-03', '2026-04-05', '2026-04-06', '2026-04-27', '2026-05-14', '2026-05-24', '2026-05-25', '2026-12-25', '2026-12-26']) assert.ok(nl2026.has(d), d);
  assert.ok(!nl2026.has('2026-05-05'), 'Bevrijdingsdag only in lustrum years');
  assert.ok(publicHolidays('NL', 2025).has('2025-05-05'));
  assert.ok(publicHolidays('NL', 2025).has('2025-04-26'), 'Koningsdag on Saturday the 26th when the 27th is a Sunday');
  const be2026 = publicHolidays('BE', 2026);
  for (const d of ['2026-04-06', '2026-05-01', '2026-05-14', '2026-05-25', '2026-07-21', '2026-08-15', '2026-11-01', '2026-11-11']) assert.ok(be2026.has(d), d);
  assert.ok(!be2026.has('2026-04-27'));
});

test('business days skip weekends and holidays', () => {
  assert.equal(weekday('2026-11-22'), 7);
  assert.ok(!isBusinessDay('2026-11-22', 'NL'));
  assert.equal(nextBusinessDay('2026-11-21', 'NL'), '2026-11-23');
  assert.equal(nextBusinessDay('2026-12-25', 'NL'), '2026-12-28');
  assert.equal(nextBusinessDay('2026-12-25', 'BE'), '2026-12-28');
  assert.equal(nextBusinessDay('2026-12-26', 'BE'), '2026-12-28');
  assert.equal(addBusinessDays('2026-12-24', 2, 'NL'), '2026-12-29');
  assert.equal(addBusinessDays('2026-04-02', 1, 'NL'), '2026-04-07');
});
