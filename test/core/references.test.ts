import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatOgm,
  formatRf,
  generateBetalingskenmerk,
  generateOgm,
  generateRf,
  mod97,
  normalizeReference,
  referenceForInvoice,
  validateBetalingskenmerk,
  validateOgm,
  validateRf,
} from '../../src/core/references.ts';

// Vectors from /work/shared/REFERENCE.md section 2.

void describe('betalingskenmerk', () => {
  void it('accepts the published and further REFERENCE.md 2.1 vectors', () => {
    assert.equal(validateBetalingskenmerk('5000056789012345'), true);
    assert.equal(validateBetalingskenmerk('12 2345 3462 2567'), true);
    assert.equal(validateBetalingskenmerk('1223453462 2567'), true);
    assert.equal(validateBetalingskenmerk('5000000020250042'), true);
    assert.equal(validateBetalingskenmerk('172500420'), true);
  });

  void it('applies the C = 10 → 1 and C = 11 → 0 rules', () => {
    // Vectors computed independently in Python from the REFERENCE.md 2.1 weights:
    // body 000000020250045 has A = 100, A mod 11 = 1 → 11 − 1 = 10 → C = 1;
    // body 000000020250058 has A = 110, A mod 11 = 0 → 11 − 0 = 11 → C = 0.
    assert.equal(validateBetalingskenmerk('1000000020250045'), true);
    assert.equal(validateBetalingskenmerk('0000000020250045'), false);
    assert.equal(generateBetalingskenmerk(20250045), '1000000020250045');
    assert.equal(validateBetalingskenmerk('0000000020250058'), true);
    assert.equal(validateBetalingskenmerk('1000000020250058'), false);
    assert.equal(generateBetalingskenmerk(20250058), '0000000020250058');
    // Same rules at 9 digits (L = 7): bodies 72500405 (C = 1) and 72500418 (C = 0).
    assert.equal(validateBetalingskenmerk('172500405'), true);
    assert.equal(validateBetalingskenmerk('072500405'), false);
    assert.equal(validateBetalingskenmerk('072500418'), true);
    assert.equal(validateBetalingskenmerk('172500418'), false);
  });

  void it('ignores spaces and dots', () => {
    assert.equal(validateBetalingskenmerk('5000 0567 8901 2345'), true);
    assert.equal(validateBetalingskenmerk('5000.0567.8901.2345'), true);
    assert.equal(validateBetalingskenmerk(' 1725.00420 '), true);
  });

  void it('rejects a wrong check digit at every length that has one', () => {
    for (let c = 0; c <= 9; c++) {
      if (c === 5) continue;
      assert.equal(validateBetalingskenmerk(`${c}000056789012345`), false, `C=${c}`);
    }
    assert.equal(validateBetalingskenmerk('2223453462 2567'), false);
    assert.equal(validateBetalingskenmerk('272500420'), false);
    assert.equal(validateBetalingskenmerk('5000000020250043'), false);
  });

  void it('rejects a length code that does not match the number of following digits', () => {
    // 172500420 is valid with L=7 (7 digits follow). Change L and recompute nothing: must fail.
    assert.equal(validateBetalingskenmerk('182500420'), false);
    // The 14-digit vector has L=2 (12 digits follow); a 13-digit number with L=2 is wrong.
    assert.equal(validateBetalingskenmerk('1223453462256'), false);
  });

  void it('for every 9–14 digit length exactly one leading check digit is accepted', () => {
    // C + L + N digits with the right length code: of the ten candidates for C only one may pass.
    for (let n = 7; n <= 12; n++) {
      const body = `${n % 10}${'3'.repeat(n)}`;
      const valid = [...Array(10).keys()].map((c) => `${c}${body}`).filter((s) => validateBetalingskenmerk(s));
      assert.equal(valid.length, 1, `exactly one check digit is valid for length ${n + 2}`);
    }
  });

  void it('accepts any 7 digits (no check digit) and rejects disallowed lengths', () => {
    assert.equal(validateBetalingskenmerk('1234567'), true);
    assert.equal(validateBetalingskenmerk('0000000'), true);
    assert.equal(validateBetalingskenmerk('12345678'), false); // 8
    assert.equal(validateBetalingskenmerk('500005678901234'), false); // 15
    assert.equal(validateBetalingskenmerk('123456'), false); // 6
    assert.equal(validateBetalingskenmerk('50000567890123450'), false); // 17
    assert.equal(validateBetalingskenmerk(''), false);
  });

  void it('rejects letters and other characters', () => {
    assert.equal(validateBetalingskenmerk('500005678901234A'), false);
    assert.equal(validateBetalingskenmerk('5000-0567-8901-2345'), false);
    assert.equal(validateBetalingskenmerk('RF18539007547034'), false);
  });

  void it('generates 16-digit references that reproduce the vectors', () => {
    assert.equal(generateBetalingskenmerk('000056789012345'), '5000056789012345');
    assert.equal(generateBetalingskenmerk(56789012345n), '5000056789012345');
    assert.equal(generateBetalingskenmerk(20250042), '5000000020250042');
    assert.equal(generateBetalingskenmerk('20250042'), '5000000020250042');
    assert.equal(generateBetalingskenmerk(0).length, 16);
    assert.equal(generateBetalingskenmerk(999999999999999n), `${generateBetalingskenmerk('999999999999999')}`);
  });

  void it('generated references always validate', () => {
    for (let i = 0; i < 2000; i++) {
      const seed = BigInt(i) * 7919n * 104729n;
      const ref = generateBetalingskenmerk(seed);
      assert.equal(ref.length, 16);
      assert.equal(validateBetalingskenmerk(ref), true, ref);
    }
  });

  void it('refuses seeds that do not fit or are not digits', () => {
    assert.throws(() => generateBetalingskenmerk('1234567890123456'), RangeError);
    assert.throws(() => generateBetalingskenmerk(10n ** 15n), RangeError);
    assert.throws(() => generateBetalingskenmerk(-1), RangeError);
    assert.throws(() => generateBetalingskenmerk(1.5), RangeError);
    assert.throws(() => generateBetalingskenmerk('12a'), RangeError);
    assert.throws(() => generateBetalingskenmerk(''), RangeError);
  });
});

void describe('OGM / VCS', () => {
  void it('accepts the REFERENCE.md 2.2 vectors in all written forms', () => {
    assert.equal(validateOgm('+++123/4567/89002+++'), true);
    assert.equal(validateOgm('***123/4567/89002***'), true);
    assert.equal(validateOgm('123456789002'), true);
    assert.equal(validateOgm('+++000/0000/00097+++'), true);
    assert.equal(validateOgm('+++020/2500/04229+++'), true);
    assert.equal(validateOgm(' +++ 123 / 4567 / 89002 +++ '), true);
  });

  void it('rejects wrong check digits, check 00 and malformed framing', () => {
    assert.equal(validateOgm('+++123/4567/89003+++'), false);
    assert.equal(validateOgm('+++000/0000/00000+++'), false); // base 0 must use 97, not 00
    assert.equal(validateOgm('+++020/2500/04228+++'), false);
    assert.equal(validateOgm('+++123/4567/89002***'), false); // mixed framing
    assert.equal(validateOgm('++123/4567/89002++'), false);
    assert.equal(validateOgm('+++1234/567/89002+++'), false); // wrong grouping
    assert.equal(validateOgm('12345678900'), false); // 11 digits
    assert.equal(validateOgm('1234567890021'), false); // 13 digits
    assert.equal(validateOgm('12345678900A'), false);
  });

  void it('generates and formats', () => {
    assert.equal(generateOgm(1234567890), '123456789002');
    assert.equal(generateOgm('1234567890'), '123456789002');
    assert.equal(generateOgm(0), '000000000097');
    assert.equal(generateOgm(202500042n), '020250004229');
    assert.equal(formatOgm('123456789002'), '+++123/4567/89002+++');
    assert.equal(formatOgm(generateOgm(0)), '+++000/0000/00097+++');
    assert.equal(formatOgm('***020/2500/04229***'), '+++020/2500/04229+++');
    assert.throws(() => generateOgm('12345678901'), RangeError);
    assert.throws(() => generateOgm(-5), RangeError);
    assert.throws(() => formatOgm('12345'), RangeError);
  });

  void it('generated OGMs validate, and the check is 97 exactly for multiples of 97', () => {
    for (let base = 0; base < 3000; base += 7) {
      const ogm = generateOgm(base);
      assert.equal(validateOgm(ogm), true, ogm);
      assert.equal(validateOgm(formatOgm(ogm)), true);
    }
    assert.equal(generateOgm(97 * 1000).slice(10), '97');
    assert.equal(generateOgm(97 * 1000 + 1).slice(10), '01');
  });
});

void describe('ISO 11649 RF', () => {
  void it('accepts the REFERENCE.md 2.3 vectors', () => {
    assert.equal(validateRf('RF18539007547034'), true);
    assert.equal(validateRf('RF48 5000056789012345'), true);
    assert.equal(validateRf('RF25INV20250042'), true);
  });

  void it('is case-insensitive and ignores spaces', () => {
    assert.equal(validateRf('rf18 5390 0754 7034'), true);
    assert.equal(validateRf('Rf25 inv2 0250 042'), true);
  });

  void it('rejects wrong checks, bad characters and bad lengths', () => {
    assert.equal(validateRf('RF19539007547034'), false);
    assert.equal(validateRf('RF25INV20250043'), false);
    assert.equal(validateRf('RF18'), false);
    assert.equal(validateRf('RF1853900754-7034'), false);
    assert.equal(validateRf('XX18539007547034'), false);
    assert.equal(validateRf(`RF00${'A'.repeat(22)}`), false); // 26 characters
    assert.equal(validateRf('RFAB539007547034'), false);
  });

  void it('generates the vectors and round-trips', () => {
    assert.equal(generateRf('539007547034'), 'RF18539007547034');
    assert.equal(generateRf('5000056789012345'), 'RF485000056789012345');
    assert.equal(generateRf('INV20250042'), 'RF25INV20250042');
    assert.equal(generateRf('inv 2025 0042'), 'RF25INV20250042');
    const longest = generateRf('A'.repeat(21));
    assert.equal(longest.length, 25);
    assert.equal(validateRf(longest), true);
    assert.equal(generateRf('1'), 'RF' + String(98 - mod97('1RF00')).padStart(2, '0') + '1');
    assert.equal(validateRf(generateRf('1')), true);
    assert.throws(() => generateRf('A'.repeat(22)), RangeError);
    assert.throws(() => generateRf(''), RangeError);
    assert.throws(() => generateRf('INV-2025'), RangeError);
  });

  void it('formats in groups of 4', () => {
    assert.equal(formatRf('RF18539007547034'), 'RF18 5390 0754 7034');
    assert.equal(formatRf('rf25inv20250042'), 'RF25 INV2 0250 042');
    assert.equal(formatRf('RF48 5000 0567 8901 2345'), 'RF48 5000 0567 8901 2345');
  });

  void it('mod97 matches a BigInt computation and rejects other characters', () => {
    const digits = '539007547034271500';
    assert.equal(mod97(digits), Number(BigInt(digits) % 97n));
    assert.equal(mod97('A'), 10);
    assert.equal(mod97('Z'), 35);
    assert.throws(() => mod97('a'), RangeError);
  });
});

void describe('normalizeReference', () => {
  void it('recognises each scheme in its written forms', () => {
    assert.deepEqual(normalizeReference('+++123/4567/89002+++'), { scheme: 'be-ogm', value: '123456789002' });
    assert.deepEqual(normalizeReference('***020/2500/04229***'), { scheme: 'be-ogm', value: '020250004229' });
    assert.deepEqual(normalizeReference('020/2500/04229'), { scheme: 'be-ogm', value: '020250004229' });
    assert.deepEqual(normalizeReference('5000 0567 8901 2345'), { scheme: 'nl-kenmerk', value: '5000056789012345' });
    assert.deepEqual(normalizeReference('5000.0000.2025.0042'), { scheme: 'nl-kenmerk', value: '5000000020250042' });
    assert.deepEqual(normalizeReference('1725 00420'), { scheme: 'nl-kenmerk', value: '172500420' });
    assert.deepEqual(normalizeReference('rf48 5000 0567 8901 2345'), { scheme: 'rf', value: 'RF485000056789012345' });
    assert.deepEqual(normalizeReference(' RF25INV20250042 '), { scheme: 'rf', value: 'RF25INV20250042' });
  });

  void it('returns null for invalid or unrecognised text', () => {
    assert.equal(normalizeReference(''), null);
    assert.equal(normalizeReference('   '), null);
    assert.equal(normalizeReference('+++123/4567/89003+++'), null);
    assert.equal(normalizeReference('RF19539007547034'), null);
    assert.equal(normalizeReference('5000056789012346'), null);
    assert.equal(normalizeReference('12345678'), null);
    assert.equal(normalizeReference('INV-2024-00042'), null);
    assert.equal(normalizeReference('+++'), null);
  });

  void it('OGM framing wins, even when the digits are also a valid kenmerk', () => {
    // 123456789002 as a kenmerk would need L=0 at position 2; find a 12-digit value valid as both.
    let both: string | null = null;
    for (let base = 0; base < 200000 && both === null; base++) {
      const ogm = generateOgm(base);
      if (validateBetalingskenmerk(ogm)) both = ogm;
    }
    assert.ok(both !== null, 'a 12-digit value valid in both schemes exists');
    assert.deepEqual(normalizeReference(formatOgm(both)), { scheme: 'be-ogm', value: both });
    assert.deepEqual(normalizeReference(both), { scheme: 'be-ogm', value: both });
    assert.deepEqual(normalizeReference(both, 'NL'), { scheme: 'nl-kenmerk', value: both });
    assert.deepEqual(normalizeReference(both, 'BE'), { scheme: 'be-ogm', value: both });
  });

  void it('does not read a framed OGM with a bad check digit as a kenmerk', () => {
    // A 12-digit valid kenmerk (C + L=0 + 10 digits) that is not a valid OGM: bare it is a kenmerk,
    // but written with OGM framing the writer meant an OGM, which is invalid.
    const kenmerk = ['1', '2', '3', '4', '5', '6', '7', '8', '9']
      .map((c) => `${c}0123456789${c}`)
      .concat([...Array(10).keys()].map((c) => `${c}00000000042`))
      .find((s) => validateBetalingskenmerk(s) && !validateOgm(s));
    assert.ok(kenmerk !== undefined);
    assert.deepEqual(normalizeReference(kenmerk), { scheme: 'nl-kenmerk', value: kenmerk });
    assert.equal(normalizeReference(formatOgm(kenmerk)), null);
    assert.equal(normalizeReference(`***${kenmerk}***`), null);
  });
});

void describe('referenceForInvoice', () => {
  void it('NL: uses the digits of a plain sequence number', () => {
    assert.equal(referenceForInvoice('NL', '20250042'), '5000000020250042');
    assert.equal(referenceForInvoice('NL', ' 42 '), generateBetalingskenmerk(42));
    assert.equal(referenceForInvoice('NL', '999999999999999'), generateBetalingskenmerk('999999999999999'));
  });

  void it('BE: uses the digits of a plain sequence number, formatted', () => {
    assert.equal(referenceForInvoice('BE', '202500042'), '+++020/2500/04229+++');
    assert.equal(referenceForInvoice('BE', '1234567890'), '+++123/4567/89002+++');
  });

  void it('hashes seeds with other characters or too many digits, deterministically', () => {
    const nl = referenceForInvoice('NL', 'INV-2024-00042');
    assert.match(nl, /^\d{16}$/);
    assert.equal(validateBetalingskenmerk(nl), true);
    assert.equal(referenceForInvoice('NL', 'INV-2024-00042'), nl);
    assert.notEqual(referenceForInvoice('NL', 'CN-2024-00042'), nl);
    assert.notEqual(nl, generateBetalingskenmerk('202400042'));

    const be = referenceForInvoice('BE', 'INV-2024-00042');
    assert.match(be, /^\+\+\+\d{3}\/\d{4}\/\d{5}\+\+\+$/);
    assert.equal(validateOgm(be), true);
    assert.equal(referenceForInvoice('BE', 'INV-2024-00042'), be);

    const tooLongNl = referenceForInvoice('NL', '1234567890123456');
    assert.equal(validateBetalingskenmerk(tooLongNl), true);
    assert.notEqual(tooLongNl.slice(1), '234567890123456');
    const tooLongBe = referenceForInvoice('BE', '12345678901');
    assert.equal(validateOgm(tooLongBe), true);
  });

  void it('the hash is sha256 reduced to the digit count (pinned so references never change)', () => {
    // Pinned values, computed independently with Python's hashlib (sha256 as integer mod 10^15 /
    // 10^10, then the check digit). Changing the derivation would re-number outstanding invoices.
    assert.equal(referenceForInvoice('NL', 'INV-2024-00042'), '1175679706538296');
    assert.equal(referenceForInvoice('BE', 'INV-2024-00042'), '+++970/6538/29611+++');
  });

  void it('hashed references are well spread over many invoice numbers', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(referenceForInvoice('BE', `INV-2025-${String(i).padStart(5, '0')}`));
    assert.equal(seen.size, 5000);
  });

  void it('rejects an empty seed', () => {
    assert.throws(() => referenceForInvoice('NL', ''), RangeError);
    assert.throws(() => referenceForInvoice('BE', '   '), RangeError);
  });

  void it('every reference it issues is recognised by normalizeReference', () => {
    for (const seed of ['1', '42', 'INV-2024-00042', 'F2025/0001', '000000000000001']) {
      const nl = referenceForInvoice('NL', seed);
      assert.deepEqual(normalizeReference(nl), { scheme: 'nl-kenmerk', value: nl });
      const be = referenceForInvoice('BE', seed);
      assert.deepEqual(normalizeReference(be), { scheme: 'be-ogm', value: be.replace(/\D/g, '') });
    }
  });
});
