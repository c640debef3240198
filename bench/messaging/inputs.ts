// Synthetic reminder_1 inputs for the messaging benchmark, deterministic from a seed (mulberry32):
// two organisations (NL and BE), debtors of both kinds with and without a contact person and
// address, 1–5 invoices (a third with a description), the four languages, the three tones, a
// structured payment reference (betalingskenmerk, OGM or RF) or none, and a deadline on some.

import { generateBetalingskenmerk, generateOgm, generateRf, formatOgm } from '../../src/core/references.ts';
import type { RenderInput } from '../../src/modules/messaging/render.ts';
import { mulberry32 as uint32Generator } from '../../src/core/prng.ts';

export const LANGUAGES = ['nl', 'fr', 'en', 'de'] as const;
export const TONES = ['friendly', 'neutral', 'firm'] as const;

/** Uniform in [0, 1), from the shared seeded generator. */
export function mulberry32(seed: number): () => number {
  const next = uint32Generator(seed);
  return () => next() / 4294967296;
}

const ORGANISATIONS: RenderInput['organisation'][] = [
  {
    legalName: 'Veldhuis Installatietechniek B.V.', iban: 'NL91ABNA0417164300', bic: 'ABNANL2A', vatNumber: 'NL001234567B01', cocNumber: '12345678',
    country: 'NL', address: 'Industrieweg 14\n3542 AD Utrecht', email: 'debiteuren@veldhuis.nl', phone: '030 123 4567',
    branding: { primaryColor: '#0e7c66', footer: 'Op al onze leveringen zijn onze algemene voorwaarden van toepassing.' },
  },
  {
    legalName: 'Maes & Peeters BV', iban: 'BE71096123456769', bic: 'GKCCBEBB', vatNumber: 'BE0123456749', cocNumber: '0123.456.749',
    country: 'BE', address: 'Meir 10\n2000 Antwerpen', email: 'boekhouding@maespeeters.be', branding: {},
  },
];

const FIRST = ['Marieke', 'Jan', 'Sophie', 'Luc', 'Anna', 'Pieter', 'Élodie', 'Thomas', 'Fatima', 'Jürgen', 'Noor', 'Kevin'];
const LAST = ['Jansen', 'de Vries', 'Peeters', 'Dubois', 'Bakker', 'Maes', 'Müller', 'El Amrani', 'Visser', 'Lambert', 'van den Berg', 'Claes'];
const TRADE = ['Bakkerij', 'Garage', 'Installatiebedrijf', 'Boulangerie', 'Transport', 'Café', 'Drukkerij', 'Schilderwerken', 'Bouwbedrijf', 'Tuincentrum'];
const CITY = [['Utrecht', '3512 AK', 'NL'], ['Amsterdam', '1012 AB', 'NL'], ['Antwerpen', '2000', 'BE'], ['Liège', '4000', 'BE'], ['Köln', '50667', 'DE'], ['Gent', '9000', 'BE']] as const;
const WHAT = ['Onderhoud koelinstallatie', 'Levering materialen', 'Consultancy <oktober>', 'Travaux de peinture', 'Software licence Q3', 'Huur & service'];

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const pad = (n: number, w: number): string => String(n).padStart(w, '0');

function isoDate(base: Date, days: number): string {
  return new Date(base.getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/** N reminder_1 inputs for the e-mail channel; `today` is the message date. */
export function reminderInputs(n: number, seed: number, today = '2026-11-23'): RenderInput[] {
  const r = mulberry32(seed);
  const base = new Date(`${today}T00:00:00Z`);
  const out: RenderInput[] = [];
  for (let k = 0; k < n; k++) {
    const organisation = ORGANISATIONS[r() < 0.7 ? 0 : 1]!;
    const consumer = r() < 0.45;
    const first = pick(r, FIRST);
    const last = pick(r, LAST);
    const [city, postalCode, country] = pick(r, CITY);
    const count = 1 + Math.floor(r() ** 2 * 5);
    const invoices: RenderInput['invoices'] = [];
    for (let i = 0; i < count; i++) {
      const due = -(3 + Math.floor(r() * 60));
      invoices.push({
        number: `${2026}-${pad(1 + Math.floor(r() * 99_999), 5)}`, issueDate: isoDate(base, due - 30), dueDate: isoDate(base, due),
        openAmount: BigInt(1_500 + Math.floor(r() ** 3 * 2_000_000)), currency: 'EUR', description: r() < 0.33 ? pick(r, WHAT) : null,
      });
    }
    const refKind = r();
    const paymentReference = count > 1 || refKind < 0.3 ? null
      : organisation.country === 'BE' ? (refKind < 0.85 ? formatOgm(generateOgm(String(k))) : generateRf(`ARF${k}`))
      : refKind < 0.85 ? generateBetalingskenmerk(String(k)) : generateRf(`ARF${k}`);
    out.push({
      template: 'reminder_1',
      tone: pick(r, TONES),
      language: pick(r, LANGUAGES),
      channel: 'email',
      organisation,
      debtor: {
        name: consumer ? `${first} ${last}` : `${pick(r, TRADE)} ${last} ${r() < 0.5 ? 'B.V.' : 'SRL'}`,
        number: `D${pad(k + 1, 7)}`,
        kind: consumer ? 'consumer' : 'business',
        addressLine: r() < 0.9 ? `${pick(r, ['Voorstraat', 'Rue Haute', 'Hauptstraße', 'Kerkweg'])} ${1 + Math.floor(r() * 200)}` : null,
        postalCode, city, country,
        contactName: !consumer && r() < 0.6 ? `${first} ${last}` : null,
      },
      invoices,
      total: invoices.reduce((s, i) => s + i.openAmount, 0n),
      currency: 'EUR',
      deadline: r() < 0.3 ? isoDate(base, 14) : null,
      payLink: `https://pay.arflow.eu/pay/msg_${pad(k, 12)}?t=Kq2xZ9aPq7`,
      receiptLink: `https://pay.arflow.eu/confirm/msg_${pad(k, 12)}?t=Kq2xZ9aPq7`,
      paymentReference,
      date: today,
    });
  }
  return out;
}
