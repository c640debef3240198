import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkPostalAddress, normalizeDutchPostcode, normalizePhone, validateEmail } from '../../src/core/contact.ts';

void describe('validateEmail', () => {
  void it('accepts ordinary addresses', () => {
    for (const ok of [
      'info@example.nl',
      'jan.de.vries@example.com',
      'debiteuren+ar@sub.example.co.uk',
      "o'neil@example.ie",
      'a@b.be',
      'x_y-z@my-company.nl',
      'facturen@bücher.de',
      'user@example.xn--p1ai',
      'UPPER@EXAMPLE.NL',
    ]) {
      assert.equal(validateEmail(ok), true, ok);
    }
  });

  void it('rejects malformed addresses', () => {
    for (const bad of [
      '',
      'plainaddress',
      '@example.nl',
      'jan@',
      'jan@@example.nl',
      'jan@piet@example.nl',
      'jan@example',
      'jan @example.nl',
      ' jan@example.nl',
      'jan@example.nl ',
      'jan@exa mple.nl',
      '.jan@example.nl',
      'jan.@example.nl',
      'jan..piet@example.nl',
      'jan@.example.nl',
      'jan@example..nl',
      'jan@example.nl.',
      'jan@-example.nl',
      'jan@example-.nl',
      'jan@example.n',
      'jan@example.123',
      'jan@exam_ple.nl',
      'jan(at)example.nl',
      'jan,piet@example.nl',
      '"jan piet"@example.nl',
      'jan@[192.168.0.1]',
    ]) {
      assert.equal(validateEmail(bad), false, bad);
    }
  });

  void it('enforces length limits', () => {
    assert.equal(validateEmail(`${'a'.repeat(64)}@example.nl`), true);
    assert.equal(validateEmail(`${'a'.repeat(65)}@example.nl`), false);
    assert.equal(validateEmail(`a@${'b'.repeat(63)}.nl`), true);
    assert.equal(validateEmail(`a@${'b'.repeat(64)}.nl`), false);
    const longDomain = `${Array(5).fill('c'.repeat(60)).join('.')}.nl`; // > 254 in total
    assert.equal(validateEmail(`a@${longDomain}`), false);
  });
});

void describe('normalizePhone', () => {
  void it('handles Dutch ways of writing numbers', () => {
    const cases: [string, string][] = [
      ['06-12345678', '+31612345678'],
      ['06 1234 5678', '+31612345678'],
      ['0612345678', '+31612345678'],
      ['+31 (0)6 1234 5678', '+31612345678'],
      ['+31(0)612345678', '+31612345678'],
      ['+31 6 1234 5678', '+31612345678'],
      ['0031612345678', '+31612345678'],
      ['0031 (0)6 12345678', '+31612345678'],
      ['020-1234567', '+31201234567'],
      ['(020) 123 45 67', '+31201234567'],
      ['+31 (0)20 123 4567', '+31201234567'],
      ['010 - 123 45 67', '+31101234567'],
    ];
    for (const [raw, e164] of cases) {
      assert.deepEqual(normalizePhone(raw, 'NL'), { ok: true, e164 }, raw);
    }
  });

  void it('handles Belgian numbers', () => {
    assert.deepEqual(normalizePhone('0470 12 34 56', 'BE'), { ok: true, e164: '+32470123456' });
    assert.deepEqual(normalizePhone('0470/12.34.56', 'BE'), { ok: true, e164: '+32470123456' });
    assert.deepEqual(normalizePhone('+32 2 234 56 78', 'BE'), { ok: true, e164: '+3222345678' });
    assert.deepEqual(normalizePhone('02 234 56 78', 'BE'), { ok: true, e164: '+3222345678' });
    assert.deepEqual(normalizePhone('+32 (0)2 234 56 78', 'BE'), { ok: true, e164: '+3222345678' });
  });

  void it('an explicit country calling code overrides the default country', () => {
    assert.deepEqual(normalizePhone('+32 470 12 34 56', 'NL'), { ok: true, e164: '+32470123456' });
    assert.deepEqual(normalizePhone('0032 470 12 34 56', 'NL'), { ok: true, e164: '+32470123456' });
    assert.deepEqual(normalizePhone('+31 6 12345678', 'BE'), { ok: true, e164: '+31612345678' });
    assert.deepEqual(normalizePhone('+49 30 12345678', 'NL'), { ok: true, e164: '+493012345678' });
  });

  void it('the default country decides how a national number is read', () => {
    // 0470… is a Belgian mobile; in the Dutch plan 047x is not a valid 10-digit number range.
    assert.equal(normalizePhone('0470 12 34 56', 'NL').ok, false);
    assert.equal(normalizePhone('06-12345678', 'BE').ok, false);
  });

  void it('rejects invalid numbers with a reason', () => {
    const short = normalizePhone('06 1234 567', 'NL');
    assert.equal(short.ok, false);
    assert.ok(!short.ok && short.reason.length > 0);
    for (const raw of ['06-123456789', '12345', '+31 6 1234', '0900', '+999 123 456 789']) {
      assert.equal(normalizePhone(raw, 'NL').ok, false, raw);
    }
  });

  void it('rejects text that is not a phone number, and does not extract numbers from text', () => {
    assert.deepEqual(normalizePhone('', 'NL'), { ok: false, reason: 'empty phone number' });
    assert.equal(normalizePhone('   ', 'NL').ok, false);
    const text = normalizePhone('geen telefoon', 'NL');
    assert.ok(!text.ok && text.reason === 'not a phone number');
    assert.equal(normalizePhone('bel 06-12345678 na 17u', 'NL').ok, false);
  });

  void it('rejects an unsupported default country', () => {
    assert.deepEqual(normalizePhone('0612345678', 'XX'), { ok: false, reason: 'unsupported country XX' });
    assert.deepEqual(normalizePhone('0612345678', 'nl'), { ok: true, e164: '+31612345678' });
  });
});

void describe('normalizeDutchPostcode', () => {
  void it('normalises spacing and case', () => {
    assert.equal(normalizeDutchPostcode('1234 AB'), '1234 AB');
    assert.equal(normalizeDutchPostcode('1234AB'), '1234 AB');
    assert.equal(normalizeDutchPostcode('1234ab'), '1234 AB');
    assert.equal(normalizeDutchPostcode(' 9999  zz '), '9999 ZZ');
    assert.equal(normalizeDutchPostcode('1000 AA'), '1000 AA');
  });

  void it('rejects non-postcodes', () => {
    for (const bad of ['0123 AB', '123 AB', '12345 AB', '1234 A', '1234 ABC', '1234-AB', 'AB 1234', '', '1234 A1', '1234 SS', '1234 sa', '1234SD']) {
      assert.equal(normalizeDutchPostcode(bad), null, bad);
    }
  });
});

void describe('checkPostalAddress', () => {
  void it('accepts a complete Dutch address and normalises the postcode', () => {
    assert.deepEqual(checkPostalAddress({ addressLine: 'Damrak 1', postalCode: '1012lg', city: 'Amsterdam', country: 'NL' }), {
      ok: true,
      postalCode: '1012 LG',
    });
  });

  void it('accepts a complete Belgian address', () => {
    assert.deepEqual(checkPostalAddress({ addressLine: 'Wetstraat 16', postalCode: ' 1000 ', city: 'Brussel', country: 'be' }), {
      ok: true,
      postalCode: '1000',
    });
  });

  void it('other countries only need non-empty fields', () => {
    assert.deepEqual(checkPostalAddress({ addressLine: '10 Downing Street', postalCode: 'SW1A 2AA', city: 'London', country: 'GB' }), {
      ok: true,
      postalCode: 'SW1A 2AA',
    });
    assert.equal(checkPostalAddress({ addressLine: 'Unter den Linden 1', postalCode: 'x', city: 'Berlin', country: 'DE' }).ok, true);
  });

  void it('lists every missing field', () => {
    const r = checkPostalAddress({ addressLine: '  ', postalCode: null, city: undefined, country: '' });
    assert.equal(r.ok, false);
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, ['addressLine', 'postalCode', 'city', 'country']);
    assert.deepEqual(r.invalid, []);
    assert.match(r.reason, /missing addressLine, postalCode, city, country/);
  });

  void it('reports a missing city alone', () => {
    const r = checkPostalAddress({ addressLine: 'Damrak 1', postalCode: '1012 LG', city: '', country: 'NL' });
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, ['city']);
  });

  void it('rejects a malformed Dutch postcode', () => {
    const r = checkPostalAddress({ addressLine: 'Damrak 1', postalCode: '101 LG', city: 'Amsterdam', country: 'NL' });
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, []);
    assert.deepEqual(r.invalid, ['postalCode']);
    assert.match(r.reason, /Dutch postcode/);
  });

  void it('rejects Belgian postcodes outside 1000-9999', () => {
    for (const pc of ['0999', '999', '10000', 'B-1000', '1000 AB']) {
      const r = checkPostalAddress({ addressLine: 'Wetstraat 16', postalCode: pc, city: 'Brussel', country: 'BE' });
      assert.ok(!r.ok, pc);
      assert.deepEqual(r.invalid, ['postalCode'], pc);
    }
  });

  void it('rejects a country that is not an ISO code, together with missing fields', () => {
    const r = checkPostalAddress({ addressLine: 'Damrak 1', postalCode: '', city: 'Amsterdam', country: 'Nederland' });
    assert.ok(!r.ok);
    assert.deepEqual(r.missing, ['postalCode']);
    assert.deepEqual(r.invalid, ['country']);
    assert.match(r.reason, /2-letter ISO code/);
  });
});
