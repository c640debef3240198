import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  IBAN_BBAN_STRUCTURES,
  IBAN_LENGTHS,
  compileBbanStructure,
  formatIban,
  ibanCountries,
  isValidIban,
  validateIban,
} from '../../src/core/iban.ts';

// Example IBANs as published in the SWIFT IBAN Registry (one per registry country, plus a few
// well-known extras such as GB82WEST12345698765432).
const REGISTRY_EXAMPLES = [
  'AD1200012030200359100100',
  'AE070331234567890123456',
  'AL47212110090000000235698741',
  'AT611904300234573201',
  'AZ21NABZ00000000137010001944',
  'BA391290079401028494',
  'BE68539007547034',
  'BG80BNBG96611020345678',
  'BH67BMAG00001299123456',
  'BI4210000100010000332045181',
  'BR1800360305000010009795493C1',
  'BY13NBRB3600900000002Z00AB00',
  'CH9300762011623852957',
  'CR05015202001026284066',
  'CY17002001280000001200527600',
  'CZ6508000000192000145399',
  'DE89370400440532013000',
  'DJ2100010000000154000100186',
  'DK5000400440116243',
  'DO28BAGR00000001212453611324',
  'EE382200221020145685',
  'EG380019000500000000263180002',
  'ES9121000418450200051332',
  'FI2112345600000785',
  'FK88SC123456789012',
  'FO6264600001631634',
  'FR1420041010050500013M02606',
  'GB29NWBK60161331926819',
  'GB82WEST12345698765432',
  'GE29NB0000000101904917',
  'GI75NWBK000000007099453',
  'GL8964710001000206',
  'GR1601101250000000012300695',
  'GT82TRAJ01020000001210029690',
  'HN88CABF00000000000250005469',
  'HR1210010051863000160',
  'HU42117730161111101800000000',
  'IE29AIBK93115212345678',
  'IL620108000000099999999',
  'IQ98NBIQ850123456789012',
  'IS140159260076545510730339',
  'IT60X0542811101000000123456',
  'JO94CBJO0010000000000131000302',
  'KW81CBKU0000000000001234560101',
  'KZ86125KZT5004100100',
  'LB62099900000001001901229114',
  'LC55HEMM000100010012001200023015',
  'LI21088100002324013AA',
  'LT121000011101001000',
  'LU280019400644750000',
  'LV80BANK0000435195001',
  'LY83002048000020100120361',
  'MC5811222000010123456789030',
  'MD24AG000225100013104168',
  'ME25505000012345678951',
  'MK07250120000058984',
  'MN121234123456789123',
  'MR1300020001010000123456753',
  'MT84MALT011000012345MTLCAST001S',
  'MU17BOMM0101101030300200000MUR',
  'NI45BAPR00000013000003558124',
  'NL91ABNA0417164300',
  'NO9386011117947',
  'OM810180000001299123456',
  'PK36SCBL0000001123456702',
  'PL61109010140000071219812874',
  'PS92PALS000000000400123456702',
  'PT50000201231234567890154',
  'QA58DOHB00001234567890ABCDEFG',
  'RO49AAAA1B31007593840000',
  'RS35260005601001611379',
  'RU0304452522540817810538091310419',
  'SA0380000000608010167519',
  'SC18SSCB11010000000000001497USD',
  'SD2129010501234001',
  'SE4550000000058398257466',
  'SI56263300012039086',
  'SK3112000000198742637541',
  'SM86U0322509800000000270100',
  'SO211000001001000100141',
  'ST68000100010051845310112',
  'SV62CENR00000000000000700025',
  'TL380080012345678910157',
  'TN5910006035183598478831',
  'TR330006100519786457841326',
  'UA213223130000026007233566001',
  'VA59001123000012345678',
  'VG96VPVG0000012345678901',
  'XK051212012345678906',
  'YE15CBYE0001018861234567891234',
];

/** Replaces the check digits with freshly computed ones (ISO 13616: 98 − (BBAN+CC+"00" mod 97)). */
function withCheckDigits(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (ch) => String(ch.charCodeAt(0) - 55));
  const rem = BigInt(digits) % 97n;
  return `${country}${String(98n - rem).padStart(2, '0')}${bban}`;
}

void describe('validateIban', () => {
  void it('accepts the registry example of every registry country', () => {
    for (const iban of REGISTRY_EXAMPLES) {
      const r = validateIban(iban);
      assert.deepEqual(r, { ok: true, iban, country: iban.slice(0, 2) }, iban);
    }
    const covered = new Set(REGISTRY_EXAMPLES.map((i) => i.slice(0, 2)));
    assert.deepEqual(ibanCountries().filter((c) => !covered.has(c)), []);
  });

  void it('accepts print format, lower case and dashes and returns the electronic format', () => {
    assert.deepEqual(validateIban('NL91 ABNA 0417 1643 00'), { ok: true, iban: 'NL91ABNA0417164300', country: 'NL' });
    assert.deepEqual(validateIban(' be68 5390 0754 7034 '), { ok: true, iban: 'BE68539007547034', country: 'BE' });
    assert.deepEqual(validateIban('DE89-3704-0044-0532-0130-00'), { ok: true, iban: 'DE89370400440532013000', country: 'DE' });
    assert.deepEqual(validateIban('IBAN NL91ABNA0417164300'), { ok: true, iban: 'NL91ABNA0417164300', country: 'NL' });
    assert.deepEqual(validateIban('FR14\u00a02004\u00a01010\u00a00505\u00a00001\u00a03M02\u00a0606'), {
      ok: true,
      iban: 'FR1420041010050500013M02606',
      country: 'FR',
    });
  });

  void it('rejects wrong check digits', () => {
    for (const bad of ['NL92ABNA0417164300', 'BE69539007547034', 'DE88370400440532013000', 'GB82WEST12345698765433', 'FR1420041010050500013M02607']) {
      const r = validateIban(bad);
      assert.equal(r.ok, false, bad);
      assert.ok(!r.ok && /check digits/.test(r.reason), bad);
    }
  });

  void it('rejects a swap of two adjacent characters', () => {
    const r = validateIban('NL91ABNA0417163400');
    assert.ok(!r.ok && /check digits/.test(r.reason));
  });

  void it('rejects wrong lengths for the country', () => {
    for (const bad of ['NL91ABNA041716430', 'NL91ABNA04171643000', 'DE8937040044053201300', 'BE6853900754703']) {
      const r = validateIban(bad);
      assert.equal(r.ok, false, bad);
      assert.ok(!r.ok && /must be \d+ characters/.test(r.reason), bad);
    }
    // A valid Belgian IBAN relabelled as Dutch fails on length before anything else.
    assert.equal(validateIban('NL68539007547034').ok, false);
  });

  void it('rejects unknown countries and non-IBAN prefixes', () => {
    for (const bad of ['US64SVBKUS6S3300958879', 'XX91ABNA0417164300', 'GF7630006000011234567890189', 'AO06004400006729503010102', 'AX2112345600000785']) {
      const r = validateIban(bad);
      assert.equal(r.ok, false, bad);
      assert.ok(!r.ok && /not in the SWIFT IBAN registry/.test(r.reason), bad);
    }
  });

  void it('rejects BBANs that do not match the country structure even with correct check digits', () => {
    // NL: 4 letters + 10 digits. Digits where the bank code goes:
    const nl = withCheckDigits('NL', '1234' + '0417164300');
    assert.equal(nl.length, 18);
    const r = validateIban(nl);
    assert.ok(!r.ok && /format/.test(r.reason));
    // DE: 18 digits; a letter in the account number.
    assert.equal(validateIban(withCheckDigits('DE', '37040044053201300A')).ok, false);
    // GB: sort code must be digits.
    assert.equal(validateIban(withCheckDigits('GB', 'WESTAB345698765432')).ok, false);
  });

  void it('rejects garbage', () => {
    assert.deepEqual(validateIban(''), { ok: false, reason: 'empty IBAN' });
    assert.equal(validateIban('   ').ok, false);
    assert.equal(validateIban('NL91ABNA04171643!0').ok, false);
    assert.equal(validateIban('NLXXABNA0417164300').ok, false);
    assert.equal(validateIban('91NLABNA0417164300').ok, false);
  });

  void it('validates a synthetic IBAN for every country built from its structure', () => {
    const sample: Record<string, string> = { n: '7', a: 'K', c: 'Q' };
    for (const country of ibanCountries()) {
      const structure = IBAN_BBAN_STRUCTURES[country] ?? '';
      const bban = [...structure.matchAll(/(\d+)!([nac])/g)].map((m) => (sample[m[2] ?? ''] ?? '').repeat(Number(m[1]))).join('');
      const iban = withCheckDigits(country, bban);
      assert.equal(iban.length, IBAN_LENGTHS[country], country);
      assert.deepEqual(validateIban(iban), { ok: true, iban, country }, country);
      assert.equal(validateIban(iban + '7').ok, false, `${country} too long`);
      assert.equal(validateIban(iban.slice(0, -1)).ok, false, `${country} too short`);
    }
  });
});

void describe('IBAN registry table', () => {
  void it('has the lengths the registry states, derived from the structures', () => {
    assert.deepEqual(Object.keys(IBAN_LENGTHS).sort(), Object.keys(IBAN_BBAN_STRUCTURES).sort());
    for (const [country, structure] of Object.entries(IBAN_BBAN_STRUCTURES)) {
      assert.equal(compileBbanStructure(structure).length + 4, IBAN_LENGTHS[country], country);
    }
    assert.equal(ibanCountries().length, 89);
    assert.equal(IBAN_LENGTHS.NO, 15);
    assert.equal(IBAN_LENGTHS.LC, 32);
    assert.equal(IBAN_LENGTHS.RU, 33);
  });

  void it('compiles registry notation and rejects what it cannot read', () => {
    const { regex, length } = compileBbanStructure('4!a10!n');
    assert.equal(length, 14);
    assert.equal(regex.test('ABNA0417164300'), true);
    assert.equal(regex.test('ABN10417164300'), false);
    assert.equal(compileBbanStructure('5!n11!c').regex.test('12345ABCDE12345X'), true);
    assert.throws(() => compileBbanStructure('4a10!n'));
    assert.throws(() => compileBbanStructure('4!x'));
    assert.throws(() => compileBbanStructure(''));
  });
});

void describe('isValidIban / formatIban', () => {
  void it('isValidIban mirrors validateIban', () => {
    assert.equal(isValidIban('NL91ABNA0417164300'), true);
    assert.equal(isValidIban('nl91 abna 0417 1643 00'), true);
    assert.equal(isValidIban('NL91ABNA0417164301'), false);
  });

  void it('formats in groups of 4', () => {
    assert.equal(formatIban('NL91ABNA0417164300'), 'NL91 ABNA 0417 1643 00');
    assert.equal(formatIban('be68539007547034'), 'BE68 5390 0754 7034');
    assert.equal(formatIban('FR14 2004 1010 0505 0001 3M02 606'), 'FR14 2004 1010 0505 0001 3M02 606');
    assert.equal(formatIban('DE89370400440532013000'), 'DE89 3704 0044 0532 0130 00');
  });
});
