import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isValidVatNumber, validateVatNumber, vatPrefixes } from '../../src/core/vat.ts';

// How the NL vectors were verified (independently of the module, by hand / Python):
// - NL123456782B01, old mod-11: 1·9+2·8+3·7+4·6+5·5+6·4+7·3+8·2 = 156; 156 mod 11 = 2 = 9th digit.
//   Its mod 97-10 value is int("2321" "123456782" "11" "01") mod 97 = 23 ≠ 1, so only mod-11 holds.
// - NL000099998B57, new mod 97-10: int("2321" "000099998" "11" "57") mod 97 = 1 (N=23, L=21, B=11).
//   Its mod-11 sum is 9·5+9·4+9·3+9·2 = 126; 126 mod 11 = 5 ≠ 8, so only mod 97 holds.
// - NL004495445B01, old mod-11: 4·7+4·6+9·5+5·4+4·3+4·2 = 137; 137 mod 11 = 5 = 9th digit.
// - NL123456783B01: mod-11 gives 2 ≠ 3, mod 97 ≠ 1 → invalid.
// BE vectors: 97 − (04031707 mod 97 = 96) = 01 ✓; 97 − (07760919 mod 97 = 46) = 51 ✓.

void describe('validateVatNumber: NL', () => {
  void it('accepts an old-style (mod 11) number and a new-style (mod 97) number', () => {
    assert.deepEqual(validateVatNumber('NL123456782B01'), { ok: true, normalized: 'NL123456782B01', country: 'NL' });
    assert.deepEqual(validateVatNumber('NL000099998B57'), { ok: true, normalized: 'NL000099998B57', country: 'NL' });
    assert.deepEqual(validateVatNumber('NL004495445B01'), { ok: true, normalized: 'NL004495445B01', country: 'NL' });
  });

  void it('normalises case, spaces, dots and dashes', () => {
    assert.deepEqual(validateVatNumber(' nl 1234.56782-b01 '), { ok: true, normalized: 'NL123456782B01', country: 'NL' });
    assert.deepEqual(validateVatNumber('NL0000.99998.B.57'), { ok: true, normalized: 'NL000099998B57', country: 'NL' });
  });

  void it('the B-suffix is free for old-style numbers but part of the mod 97 check for new-style ones', () => {
    assert.equal(isValidVatNumber('NL123456782B02'), true); // mod 11 ignores the suffix
    assert.equal(isValidVatNumber('NL000099998B58'), false); // mod 97 covers the suffix
    assert.equal(isValidVatNumber('NL000099998B56'), false);
  });

  void it('rejects broken numbers', () => {
    const broken = validateVatNumber('NL123456783B01');
    assert.equal(broken.ok, false);
    assert.ok(!broken.ok && /check digit/.test(broken.reason));
    assert.equal(isValidVatNumber('NL12345678B01'), false); // 8 digits
    assert.equal(isValidVatNumber('NL1234567820B01'), false); // 10 digits
    assert.equal(isValidVatNumber('NL123456782A01'), false); // not B
    assert.equal(isValidVatNumber('NL123456782B1'), false); // 1-digit suffix
    assert.equal(isValidVatNumber('NL123456782'), false); // no suffix
  });

  void it('a mod-11 remainder of 10 is never valid', () => {
    // First 8 digits 00000005: weighted sum 5·2 = 10, remainder 10, which no 9th digit can match.
    for (let d = 0; d <= 9; d++) {
      const n = `NL00000005${d}B01`;
      // Make sure the mod 97 route does not accept it either, so the assertion tests mod 11.
      assert.notEqual(BigInt(`2321` + `00000005${d}` + '11' + '01') % 97n, 1n, n);
      assert.equal(isValidVatNumber(n), false, n);
    }
  });
});

void describe('validateVatNumber: BE', () => {
  void it('accepts valid enterprise numbers', () => {
    assert.deepEqual(validateVatNumber('BE0403170701'), { ok: true, normalized: 'BE0403170701', country: 'BE' });
    assert.deepEqual(validateVatNumber('BE0776091951'), { ok: true, normalized: 'BE0776091951', country: 'BE' });
    assert.deepEqual(validateVatNumber('BE 0403.170.701'), { ok: true, normalized: 'BE0403170701', country: 'BE' });
  });

  void it('accepts the old 9-digit form by prefixing 0', () => {
    assert.deepEqual(validateVatNumber('BE403170701'), { ok: true, normalized: 'BE0403170701', country: 'BE' });
    assert.deepEqual(validateVatNumber('403.170.701', 'BE'), { ok: true, normalized: 'BE0403170701', country: 'BE' });
  });

  void it('accepts numbers starting with 1', () => {
    // 10000000xx: 97 − (10000000 mod 97) = 97 − 76 = 21.
    assert.equal(10000000 % 97, 76);
    assert.equal(isValidVatNumber('BE1000000021'), true);
    assert.equal(isValidVatNumber('BE1000000022'), false);
  });

  void it('rejects broken numbers', () => {
    const r = validateVatNumber('BE0403170702');
    assert.ok(!r.ok && /check digits/.test(r.reason));
    assert.equal(isValidVatNumber('BE0776091952'), false);
    assert.equal(isValidVatNumber('BE2403170701'), false); // must start with 0 or 1
    assert.equal(isValidVatNumber('BE04031707011'), false); // 11 digits
    assert.equal(isValidVatNumber('BE04031707'), false); // 8 digits
  });
});

void describe('validateVatNumber: other EU countries (format only)', () => {
  void it('accepts well-formed numbers', () => {
    const good: [string, string, string][] = [
      ['ATU12345678', 'ATU12345678', 'AT'],
      ['DE 123 456 789', 'DE123456789', 'DE'],
      ['FR40303265045', 'FR40303265045', 'FR'],
      ['FRXX999999999', 'FRXX999999999', 'FR'],
      ['ESX1234567X', 'ESX1234567X', 'ES'],
      ['ES12345678Z', 'ES12345678Z', 'ES'],
      ['IE6388047V', 'IE6388047V', 'IE'],
      ['IE1234567WA', 'IE1234567WA', 'IE'],
      ['IT12345678901', 'IT12345678901', 'IT'],
      ['LU12345678', 'LU12345678', 'LU'],
      ['PL1234567890', 'PL1234567890', 'PL'],
      ['SE123456789701', 'SE123456789701', 'SE'],
      ['EL123456789', 'EL123456789', 'GR'],
      ['GR123456789', 'EL123456789', 'GR'],
      ['CY12345678L', 'CY12345678L', 'CY'],
      ['RO18547290', 'RO18547290', 'RO'],
      ['XI123456789', 'XI123456789', 'GB'],
    ];
    for (const [input, normalized, country] of good) {
      assert.deepEqual(validateVatNumber(input), { ok: true, normalized, country }, input);
    }
  });

  void it('rejects malformed numbers', () => {
    for (const bad of ['ATU1234567', 'AT12345678', 'DE12345678', 'DE1234567890', 'FRIO303265045', 'SE123456789702', 'IT1234567890', 'CY123456789', 'RO0123', 'PL12345678A0', 'ES1234567X', 'ES123456789X']) {
      assert.equal(isValidVatNumber(bad), false, bad);
    }
  });

  void it('rejects unknown prefixes and non-EU countries', () => {
    const us = validateVatNumber('US123456789');
    assert.ok(!us.ok && /unknown VAT country prefix US/.test(us.reason));
    assert.equal(isValidVatNumber('GB123456789'), false); // GB left the EU VAT area; XI is Northern Ireland
    assert.equal(isValidVatNumber('CH123456789'), false);
  });

  void it('covers every EU member state plus XI', () => {
    assert.deepEqual(vatPrefixes(), [
      'AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'EL', 'ES', 'FI', 'FR', 'HR', 'HU',
      'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'XI',
    ]);
  });
});

void describe('validateVatNumber: country argument', () => {
  void it('adds the prefix to a local number', () => {
    assert.deepEqual(validateVatNumber('123456782B01', 'NL'), { ok: true, normalized: 'NL123456782B01', country: 'NL' });
    assert.deepEqual(validateVatNumber('123456789', 'de'), { ok: true, normalized: 'DE123456789', country: 'DE' });
    assert.deepEqual(validateVatNumber('123456789', 'GR'), { ok: true, normalized: 'EL123456789', country: 'GR' });
    assert.deepEqual(validateVatNumber('123456789', 'EL'), { ok: true, normalized: 'EL123456789', country: 'GR' });
  });

  void it('accepts an already prefixed number for the same country', () => {
    assert.deepEqual(validateVatNumber('NL000099998B57', 'NL'), { ok: true, normalized: 'NL000099998B57', country: 'NL' });
    assert.deepEqual(validateVatNumber('BE0403170701', 'be'), { ok: true, normalized: 'BE0403170701', country: 'BE' });
  });

  void it('handles a French key that starts with letters equal to another prefix', () => {
    // French keys may be letters; "AT" + 9 digits written without FR is a local French number.
    assert.deepEqual(validateVatNumber('AT123456789', 'FR'), { ok: true, normalized: 'FRAT123456789', country: 'FR' });
  });

  void it('rejects a number of another country', () => {
    const r = validateVatNumber('DE123456789', 'NL');
    assert.ok(!r.ok && /does not match country NL/.test(r.reason));
    assert.equal(isValidVatNumber('BE0403170701', 'NL'), false);
  });

  void it('rejects countries without a known format and missing prefixes', () => {
    const r = validateVatNumber('123456789', 'US');
    assert.ok(!r.ok && /no VAT number format known/.test(r.reason));
    const noPrefix = validateVatNumber('123456782B01');
    assert.ok(!noPrefix.ok && /no country prefix/.test(noPrefix.reason));
    assert.deepEqual(validateVatNumber(''), { ok: false, reason: 'empty VAT number' });
    assert.equal(isValidVatNumber('NL123456782B01!'), false);
  });
});
