import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { inOrg } from '../../db/database.ts';
import type { Organisation } from '../../db/schema.ts';
import { addDays, addMonths, daysBetween, isBusinessDate, todayIn } from '../../core/dates.ts';
import { validateIban } from '../../core/iban.ts';
import { formatAmount } from '../../core/money.ts';
import { generateRf, mod97 } from '../../core/references.ts';
import { validateVatNumber } from '../../core/vat.ts';
import { normalizePhone, normalizeDutchPostcode, validateEmail } from '../../core/contact.ts';
import { AppError } from '../../errors.ts';
import { createOrganisation, findOrganisationBySlug } from '../organisations/organisation-service.ts';
import { updateMessagingSettings } from '../organisations/messaging-settings.ts';
import { addUser } from '../users/user-service.ts';
import { importInvoiceFile } from '../invoices/invoice-import.ts';
import { runDebtorChecks } from '../checks/check-service.ts';
import { mulberry32 } from '../../core/prng.ts';
import { runFollowup } from '../followup/daily-run.ts';
import { completeTask } from '../followup/task-service.ts';
import { dispatchOutbox } from '../messaging/dispatch.ts';
import type { Transports } from '../messaging/transport.ts';

// `arflow demo`: one organisation that looks like a real Dutch wholesaler with 18 months of history,
// so that every report, worklist and check has something true to show. Everything is derived from a
// seeded PRNG and the demo's `today`: the same day gives the same debtors, invoices and payments
// (only the generated IDs differ). Money is integer cents (bigint) from the PRNG's integers.
//
// How it is built: the invoices and credit notes go in through the ordinary invoice import, one CSV
// file per month (as an ERP export would), so debtors, contacts, payment references, credit
// application and checks are made by the same code as in production. The debtor fields the import
// does not carry (tags, credit limit, PO requirement, terms) and the payments are then written
// set-based in one transaction; the payments are one `demo` batch of `payment_allocated` entries.

export interface DemoResult {
  slug: string;
  created: boolean;
  debtors: number;
  invoices: number;
  login: { email: string; password: string };
}

const LOGIN = { email: 'demo@arflow.test', password: 'arflow-demo' } as const;
const ACTOR = 'demo';
const TIME_ZONE = 'Europe/Amsterdam';
const CURRENCY = 'EUR';
const SEED = 0x41_52_46_4c; // "ARFL"

const DEBTOR_COUNT = 300;
const INVOICE_COUNT = 2920;
const CREDIT_NOTE_COUNT = 80;
const HISTORY_MONTHS = 18;

// ---------------------------------------------------------------------------------------------
// Seeded PRNG: integers only (mulberry32), so amounts never pass through a float.

interface Rng {
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with a probability of `perMille` / 1000. */
  chance(perMille: number): boolean;
  pick<T>(items: readonly T[]): T;
  weighted<T>(items: readonly (readonly [T, number])[]): T;
}


function createRng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (min: number, max: number): number => min + (next() % (max - min + 1));
  return {
    int,
    chance: (perMille) => int(0, 999) < perMille,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(0, items.length - 1)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted: <T>(items: readonly (readonly [T, number])[]): T => {
      const total = items.reduce((s, [, w]) => s + w, 0);
      let r = int(0, total - 1);
      for (const [item, w] of items) {
        if (r < w) return item;
        r -= w;
      }
      throw new Error('weighted pick from an empty list');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Check digits for the identifiers the demo invents (validated again with the core validators).

/** IBAN with ISO 13616 check digits: 98 − (BBAN + country + "00" mod 97). */
function makeIban(country: 'NL' | 'BE', bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  const iban = `${country}${String(check).padStart(2, '0')}${bban}`;
  if (!validateIban(iban).ok) throw new Error(`demo: invented IBAN ${iban} is not valid`);
  return iban;
}

/** Belgian BBAN: bank code (3) + account (7) + national check (first 10 digits mod 97, 0 → 97). */
function belgianBban(bank: string, account: string): string {
  const ten = `${bank}${account}`;
  return `${ten}${String(Number(ten) % 97 || 97).padStart(2, '0')}`;
}

/** Old-style Dutch btw-id: 8 digits + the mod-11 check digit (weights 9…2) + `B01`; null when the remainder is 10. */
function dutchVatOld(eight: string, suffix = 'B01'): string | null {
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(eight[i]) * (9 - i);
  const check = sum % 11;
  return check === 10 ? null : `NL${eight}${check}${suffix}`;
}

/** New-style Dutch btw-id (sole traders since 2020): ISO 7064 MOD 97-10 over `NL…B..`. */
function dutchVatNew(nine: string): string {
  const body = `NL${nine}B`;
  const check = (98 - mod97(`${body}00`)) % 97;
  return `${body}${String(check).padStart(2, '0')}`;
}

/** Belgian enterprise number: 0 + 7 digits, then 97 − (those 8 digits mod 97). */
function belgianEnterpriseNumber(seven: string): string {
  const eight = `0${seven}`;
  return `${eight}${String(97 - (Number(eight) % 97)).padStart(2, '0')}`;
}

/** SEPA creditor identifier: check digits over national id + country + "00", business code ZZZ ignored. */
function creditorId(country: 'NL' | 'BE', nationalId: string): string {
  const check = 98 - mod97(`${nationalId}${country}00`);
  return `${country}${String(check).padStart(2, '0')}ZZZ${nationalId}`;
}

function assertValidVat(vat: string, country: string): string {
  const r = validateVatNumber(vat, country);
  if (!r.ok) throw new Error(`demo: invented VAT number ${vat} is not valid: ${r.reason}`);
  return r.normalized;
}

// ---------------------------------------------------------------------------------------------
// The organisation.

const ORG_KVK = '34127658';
const ORG = {
  name: 'Veldhuis Technische Groothandel B.V.',
  country: 'NL' as const,
  iban: makeIban('NL', 'RABO0312456789'),
  vatNumber: assertValidVat(dutchVatOld('81245367') ?? '', 'NL'),
  cocNumber: ORG_KVK,
  creditorId: creditorId('NL', `${ORG_KVK}0000`),
};

// ---------------------------------------------------------------------------------------------
// Names, places and habits.

const NL_FIRST = [
  'Jan', 'Pieter', 'Sanne', 'Lisa', 'Daan', 'Sem', 'Emma', 'Julia', 'Thomas', 'Bram', 'Ruud', 'Marieke', 'Anouk', 'Kees', 'Henk',
  'Ingrid', 'Wim', 'Femke', 'Joost', 'Mark', 'Linda', 'Esther', 'Niels', 'Ilse', 'Bas', 'Karin', 'Rob', 'Annemiek', 'Gerrit',
  'Tineke', 'Mohammed', 'Fatima', 'Yusuf', 'Priya', 'Lotte', 'Jeroen', 'Maaike', 'Erik', 'Hanneke', 'Sven', 'Roos', 'Tim',
] as const;
const NL_LAST = [
  'de Vries', 'van den Berg', 'van Dijk', 'Bakker', 'Janssen', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot',
  'Bos', 'Vos', 'Peters', 'Hendriks', 'van Leeuwen', 'Dekker', 'Brouwer', 'de Wit', 'Dijkstra', 'Smits', 'de Graaf',
  'van der Meer', 'van der Linden', 'Kok', 'Jacobs', 'de Haan', 'Vermeulen', 'van den Heuvel', 'van der Veen', 'van den Broek',
  'de Bruijn', 'de Jong', 'Jansen', 'van Beek', 'Kuipers', 'Veenstra', 'Hoekstra', 'Postma', 'Kramer', 'Schouten', 'Prins',
  'van Wijk', 'Huisman', 'Wolters', 'Koster', 'Timmermans', 'Maas', 'Nijhuis', 'Oude Wesselink', 'Hofstede', 'Kamphuis',
  'Bosch', 'Wessels', 'Lubbers', 'ter Horst', 'Brinkman', 'Ten Have', 'Groot Nibbelink', 'Scholten',
] as const;
const BE_NL_FIRST = ['Lucas', 'Wout', 'Jens', 'Pieter', 'Bart', 'Koen', 'Tom', 'Els', 'An', 'Sofie', 'Lotte', 'Inge', 'Hanne', 'Lien', 'Griet', 'Stijn', 'Joris', 'Nele', 'Ruben', 'Dries'] as const;
const BE_NL_LAST = [
  'Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Claes', 'Goossens', 'Wouters', 'De Smet', 'Vermeulen',
  'Van den Broeck', 'De Backer', 'Hermans', 'Michiels', 'Lemmens', 'Van Damme', 'Verhoeven', 'Cools', 'Desmet', 'Smets',
  'Aerts', 'Stevens', 'Martens', 'Van Acker', 'De Clercq', 'Vandenberghe', 'Declercq',
] as const;
const BE_FR_FIRST = ['Jean', 'Pierre', 'Marie', 'Sophie', 'Julie', 'Nicolas', 'Olivier', 'Isabelle', 'Camille', 'Thomas', 'Mathilde', 'Antoine', 'Élodie', 'Céline', 'Luc', 'François'] as const;
const BE_FR_LAST = ['Dubois', 'Lambert', 'Dupont', 'Martin', 'Simon', 'Laurent', 'Leroy', 'Renard', 'Lejeune', 'François', 'Leclercq', 'Mathieu', 'Denis', 'Lemaire', 'Collard', 'Gilson', 'Thiry', 'Delvaux'] as const;
const EN_FIRST = ['James', 'Sarah', 'Michael', 'Emily', 'Daniel', 'Anna', 'Oliver', 'Katarzyna', 'Tomasz', 'Laura'] as const;
const EN_LAST = ['Miller', 'Taylor', 'Brown', 'Wilson', 'Kowalski', 'Nowak', 'Murphy', 'Schneider', 'Garcia', 'Evans'] as const;

const NL_TRADES = [
  'Installatietechniek', 'Elektrotechniek', 'Klimaattechniek', 'Installatiebedrijf', 'Aannemersbedrijf', 'Dakwerken',
  'Machinefabriek', 'Staalbouw', 'Loodgietersbedrijf', 'Schildersbedrijf', 'Bouwgroep', 'Metaalbewerking', 'Sanitair',
  'Zonne-energie', 'Warmtepompen', 'Koeltechniek', 'Montage', 'Onderhoudsbedrijf', 'Bouwbedrijf', 'Tegelwerken', 'Vastgoedbeheer',
] as const;
const NL_REGIONS = ['Twentse', 'Sallandse', 'Achterhoekse', 'Brabantse', 'Friese', 'Zeeuwse', 'Gelderse', 'Hollandse', 'Utrechtse', 'Limburgse', 'Drentse', 'Veluwse', 'Groninger'] as const;
const BRAND_PREFIX = ['Techno', 'Inno', 'Pro', 'Eco', 'Euro', 'Multi', 'Duo', 'Flex', 'Solid', 'Prima', 'Nova', 'Therm', 'Aqua', 'Volt'] as const;
const BRAND_SUFFIX = ['bouw', 'tech', 'line', 'therm', 'plan', 'fix', 'vision', 'systems', 'installaties', 'service', 'comfort', 'power'] as const;
const BE_NL_TRADES = ['Bouwwerken', 'Elektriciteitswerken', 'Verwarming', 'Schrijnwerkerij', 'Dakwerken', 'Sanitair', 'Technics', 'Renovatie', 'Installaties'] as const;
const BE_FR_TRADES = ['Construction', 'Électricité', 'Chauffage', 'Menuiserie', 'Toitures', 'Sanitaires', 'Rénovation', 'Techniques'] as const;
const EN_BUSINESS = ['Northsea Offshore Services', 'Dutch Harbour Logistics', 'Lowlands Data Centres', 'Greenfield Energy Solutions', 'Atlas Marine Supplies', 'Polder Food Processing', 'Rhine Valley Engineering'] as const;

interface NlCity { name: string; from: number; to: number; area: string; weight: number }
const NL_CITIES: readonly NlCity[] = [
  { name: 'Zwolle', from: 8011, to: 8043, area: '38', weight: 9 },
  { name: 'Deventer', from: 7411, to: 7431, area: '570', weight: 8 },
  { name: 'Apeldoorn', from: 7311, to: 7339, area: '55', weight: 7 },
  { name: 'Enschede', from: 7511, to: 7548, area: '53', weight: 6 },
  { name: 'Hengelo', from: 7551, to: 7559, area: '74', weight: 5 },
  { name: 'Almelo', from: 7601, to: 7609, area: '546', weight: 4 },
  { name: 'Amsterdam', from: 1011, to: 1109, area: '20', weight: 5 },
  { name: 'Rotterdam', from: 3011, to: 3089, area: '10', weight: 4 },
  { name: 'Den Haag', from: 2491, to: 2597, area: '70', weight: 3 },
  { name: 'Utrecht', from: 3511, to: 3585, area: '30', weight: 4 },
  { name: 'Eindhoven', from: 5611, to: 5658, area: '40', weight: 3 },
  { name: 'Groningen', from: 9711, to: 9747, area: '50', weight: 3 },
  { name: 'Arnhem', from: 6811, to: 6846, area: '26', weight: 4 },
  { name: 'Nijmegen', from: 6511, to: 6546, area: '24', weight: 3 },
  { name: 'Tilburg', from: 5011, to: 5049, area: '13', weight: 2 },
  { name: 'Breda', from: 4811, to: 4839, area: '76', weight: 2 },
  { name: 'Amersfoort', from: 3811, to: 3829, area: '33', weight: 3 },
  { name: 'Haarlem', from: 2011, to: 2037, area: '23', weight: 2 },
  { name: 'Leeuwarden', from: 8911, to: 8941, area: '58', weight: 2 },
  { name: "'s-Hertogenbosch", from: 5211, to: 5249, area: '73', weight: 2 },
  { name: 'Emmen', from: 7811, to: 7833, area: '591', weight: 2 },
  { name: 'Harderwijk', from: 3841, to: 3848, area: '341', weight: 2 },
  { name: 'Veenendaal', from: 3901, to: 3908, area: '318', weight: 1 },
  { name: 'Kampen', from: 8261, to: 8266, area: '38', weight: 2 },
  { name: 'Raalte', from: 8101, to: 8106, area: '572', weight: 2 },
];

interface BeCity { nl: string; fr: string; postcodes: readonly number[]; area: string; language: 'nl' | 'fr' | 'both'; weight: number }
const BE_CITIES: readonly BeCity[] = [
  { nl: 'Antwerpen', fr: 'Anvers', postcodes: [2000, 2018, 2020, 2060, 2100, 2140], area: '3', language: 'nl', weight: 7 },
  { nl: 'Gent', fr: 'Gand', postcodes: [9000, 9030, 9040, 9050], area: '9', language: 'nl', weight: 5 },
  { nl: 'Brussel', fr: 'Bruxelles', postcodes: [1000, 1030, 1040, 1050, 1060, 1080], area: '2', language: 'both', weight: 5 },
  { nl: 'Leuven', fr: 'Louvain', postcodes: [3000, 3001, 3010], area: '16', language: 'nl', weight: 3 },
  { nl: 'Brugge', fr: 'Bruges', postcodes: [8000, 8200, 8310], area: '50', language: 'nl', weight: 2 },
  { nl: 'Hasselt', fr: 'Hasselt', postcodes: [3500, 3510], area: '11', language: 'nl', weight: 3 },
  { nl: 'Mechelen', fr: 'Malines', postcodes: [2800], area: '15', language: 'nl', weight: 2 },
  { nl: 'Kortrijk', fr: 'Courtrai', postcodes: [8500, 8510], area: '56', language: 'nl', weight: 2 },
  { nl: 'Genk', fr: 'Genk', postcodes: [3600], area: '89', language: 'nl', weight: 2 },
  { nl: 'Turnhout', fr: 'Turnhout', postcodes: [2300], area: '14', language: 'nl', weight: 2 },
  { nl: 'Luik', fr: 'Liège', postcodes: [4000, 4020, 4030], area: '4', language: 'fr', weight: 3 },
  { nl: 'Namen', fr: 'Namur', postcodes: [5000, 5100], area: '81', language: 'fr', weight: 2 },
  { nl: 'Charleroi', fr: 'Charleroi', postcodes: [6000, 6001, 6010], area: '71', language: 'fr', weight: 2 },
  { nl: 'Bergen', fr: 'Mons', postcodes: [7000], area: '65', language: 'fr', weight: 1 },
  { nl: 'Waver', fr: 'Wavre', postcodes: [1300], area: '10', language: 'fr', weight: 1 },
];

const NL_STREETS = [
  'Kerkstraat', 'Dorpsstraat', 'Schoolstraat', 'Molenweg', 'Stationsweg', 'Julianastraat', 'Beatrixlaan', 'Wilhelminastraat',
  'Prins Hendrikstraat', 'Eikenlaan', 'Beukenlaan', 'Lindelaan', 'Rozenstraat', 'Tulpstraat', 'Sportlaan', 'Parkweg',
  'Oranjestraat', 'Nieuwstraat', 'Hoofdstraat', 'Vondelstraat', 'Rembrandtlaan', 'Van Goghstraat', 'Kastanjelaan', 'Meidoornstraat',
] as const;
const NL_BUSINESS_STREETS = [
  'Industrieweg', 'Nijverheidsweg', 'Ambachtsweg', 'Edisonstraat', 'Transportweg', 'Handelsweg', 'Marconistraat', 'Energieweg',
  'Havenweg', 'Celsiusstraat', 'Newtonstraat', 'Galvanistraat', 'Fokkerstraat', 'Zeppelinstraat', 'Kelvinstraat', 'Ampèrestraat',
] as const;
const BE_NL_STREETS = ['Kerkstraat', 'Stationsstraat', 'Molenstraat', 'Nieuwstraat', 'Kapelstraat', 'Dorpstraat', 'Schoolstraat', 'Hoogstraat', 'Veldstraat', 'Industrielaan', 'Ambachtsstraat', 'Nijverheidsstraat', 'Europalaan'] as const;
const BE_FR_STREETS = ['Rue de la Station', "Rue de l'Église", 'Rue du Moulin', 'Rue Haute', 'Chaussée de Bruxelles', 'Rue des Écoles', 'Avenue des Tilleuls', "Rue de l'Industrie", 'Rue du Zoning'] as const;

const NL_MAIL_DOMAINS = ['gmail.com', 'hotmail.com', 'outlook.com', 'ziggo.nl', 'kpnmail.nl', 'xs4all.nl', 'live.nl', 'planet.nl'] as const;
const BE_MAIL_DOMAINS = ['telenet.be', 'skynet.be', 'proximus.be', 'gmail.com', 'hotmail.com'] as const;
const POSTCODE_LETTERS = 'ABCDEGHJKLMNPRTVWXZ';
const NL_BANKS = ['ABNA', 'RABO', 'INGB', 'SNSB', 'ASNB', 'TRIO', 'KNAB', 'BUNQ', 'RBRB'] as const;
const BE_BANKS = ['001', '068', '363', '734', '143', '751', '979'] as const;

type Behaviour = 'prompt' | 'good' | 'slow' | 'bad' | 'defaulted';

/**
 * Days after the due date a debtor pays, and how often an invoice is never paid (per mille):
 * each debtor keeps one habit for its whole history, so the reports tell a consistent story.
 */
const HABITS: Readonly<Record<Behaviour, { from: number; to: number; neverPaid: number; partial: number }>> = {
  prompt: { from: -12, to: 1, neverPaid: 2, partial: 20 },
  good: { from: -3, to: 12, neverPaid: 8, partial: 40 },
  slow: { from: 6, to: 55, neverPaid: 20, partial: 80 },
  bad: { from: 25, to: 150, neverPaid: 200, partial: 180 },
  defaulted: { from: 15, to: 70, neverPaid: 50, partial: 100 },
};

// ---------------------------------------------------------------------------------------------
// The plan: what the demo contains, computed without the database.

export interface DemoDebtor {
  number: string;
  name: string;
  kind: 'business' | 'consumer';
  country: 'NL' | 'BE';
  language: 'nl' | 'fr' | 'en';
  addressLine: string;
  postalCode: string;
  city: string;
  email: string | null;
  phone: string | null;
  vatNumber: string | null;
  cocNumber: string | null;
  tags: string[];
  creditLimit: bigint | null;
  paymentTermsDays: number;
  requiresPo: boolean;
  behaviour: Behaviour;
  iban: string | null;
}

export interface DemoDocument {
  number: string;
  kind: 'invoice' | 'credit_note';
  debtorNumber: string;
  issueDate: string;
  dueDate: string;
  /** Gross (incl. VAT), positive, in cents; a credit note's CSV amount is positive too. */
  amount: bigint;
  vatAmount: bigint;
  poNumber: string | null;
  projectReference: string | null;
  paymentReference: string | null;
  relatedNumber: string | null;
}

export interface DemoPayment {
  invoiceNumber: string;
  amount: bigint;
  bookingDate: string;
}

export interface DemoPlan {
  today: string;
  debtors: DemoDebtor[];
  documents: DemoDocument[];
  payments: DemoPayment[];
}

interface DebtorDraft extends DemoDebtor {
  weight: number;
  activeFrom: string;
  activeTo: string;
  poStyle: number;
  usesPo: boolean;
  keyAccount: boolean;
  intercompany: boolean;
  projects: string[];
}

interface InvoiceDraft {
  seq: number;
  debtor: DebtorDraft;
  issueDate: string;
  dueDate: string;
  net: bigint;
  vat: bigint;
  gross: bigint;
  rate: bigint;
  poNumber: string | null;
  projectReference: string | null;
  withReference: boolean;
  number: string;
  credit: { number: string; date: string; net: bigint; vat: bigint; gross: bigint } | null;
  paid: bigint;
}

function plain(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]/g, '');
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function weekday(date: string): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

function personName(rng: Rng, country: 'NL' | 'BE', language: 'nl' | 'fr' | 'en'): { first: string; last: string } {
  if (language === 'en') return { first: rng.pick(EN_FIRST), last: rng.pick(EN_LAST) };
  if (country === 'NL') return { first: rng.pick(NL_FIRST), last: rng.pick(NL_LAST) };
  if (language === 'fr') return { first: rng.pick(BE_FR_FIRST), last: rng.pick(BE_FR_LAST) };
  return { first: rng.pick(BE_NL_FIRST), last: rng.pick(BE_NL_LAST) };
}

/** A company name and whether it is a sole trader (which gets a new-style btw-id). */
function businessName(rng: Rng, country: 'NL' | 'BE', language: 'nl' | 'fr' | 'en', city: string): { name: string; core: string; soleTrader: boolean } {
  if (language === 'en') {
    const core = rng.pick(EN_BUSINESS);
    return { name: `${core} ${country === 'NL' ? 'B.V.' : 'NV'}`, core, soleTrader: false };
  }
  if (country === 'NL') {
    const last = capitalise(rng.pick(NL_LAST));
    switch (rng.weighted<number>([[0, 30], [1, 15], [2, 15], [3, 10], [4, 12], [5, 10], [6, 8]])) {
      case 0: { const core = `${last} ${rng.pick(NL_TRADES)}`; return { name: `${core} B.V.`, core, soleTrader: false }; }
      case 1: { const core = `${rng.pick(NL_REGIONS)} ${rng.pick(NL_TRADES)}`; return { name: `${core} B.V.`, core, soleTrader: false }; }
      case 2: { const core = `${rng.pick(BRAND_PREFIX)}${rng.pick(BRAND_SUFFIX)}`; return { name: `${core} ${rng.pick(['B.V.', 'BV'])}`, core, soleTrader: false }; }
      case 3: { const core = `Gebr. ${last}`; return { name: `${core} B.V.`, core, soleTrader: false }; }
      case 4: { const core = `${last} & ${capitalise(rng.pick(NL_LAST))}`; return { name: `${core} VOF`, core, soleTrader: false }; }
      case 5: { const p = personName(rng, 'NL', 'nl'); const core = `Klusbedrijf ${p.first} ${p.last}`; return { name: core, core, soleTrader: true }; }
      default: { const core = `${rng.pick(NL_TRADES)} ${city}`; return { name: `${core} B.V.`, core, soleTrader: false }; }
    }
  }
  if (language === 'fr') {
    const last = rng.pick(BE_FR_LAST);
    const core = rng.chance(500) ? `${rng.pick(BE_FR_TRADES)} ${last}` : `${last} & Fils`;
    return { name: `${core} ${rng.pick(['SA', 'SRL', 'sprl'])}`, core, soleTrader: false };
  }
  const last = rng.pick(BE_NL_LAST);
  switch (rng.weighted<number>([[0, 35], [1, 25], [2, 20], [3, 20]])) {
    case 0: { const core = `${rng.pick(BE_NL_TRADES)} ${last}`; return { name: `${core} BV`, core, soleTrader: false }; }
    case 1: { const core = `${last}`; return { name: `${core} NV`, core, soleTrader: false }; }
    case 2: { const core = `${last} ${rng.pick(BE_NL_TRADES)}`; return { name: `bvba ${core}`, core, soleTrader: false }; }
    default: { const core = `${city} ${rng.pick(BE_NL_TRADES)}`; return { name: `${core} NV`, core, soleTrader: false }; }
  }
}

function dutchPostcode(rng: Rng, city: NlCity): string {
  for (;;) {
    const code = `${rng.int(city.from, city.to)} ${rng.pick([...POSTCODE_LETTERS])}${rng.pick([...POSTCODE_LETTERS])}`;
    if (normalizeDutchPostcode(code) === code) return code;
  }
}

/** A phone number written the way people in that country write it; checked with the phone validator. */
function phoneNumber(rng: Rng, country: 'NL' | 'BE', area: string, mobile: boolean): string {
  const digits = (n: number) => Array.from({ length: n }, () => String(rng.int(0, 9))).join('');
  for (let attempt = 0; attempt < 20; attempt++) {
    let text: string;
    if (country === 'NL') {
      text = mobile || attempt >= 10 ? `06-${rng.int(1, 5)}${digits(7)}` : `0${area}-${rng.int(2, 8)}${digits(8 - area.length)}`;
    } else if (mobile || attempt >= 10) {
      text = `04${rng.int(70, 99)} ${digits(2)} ${digits(2)} ${digits(2)}`;
    } else if (area.length === 1) {
      text = `0${area} ${rng.int(3, 7)}${digits(2)} ${digits(2)} ${digits(2)}`;
    } else {
      text = `0${area} ${rng.int(2, 8)}${digits(1)} ${digits(2)} ${digits(2)}`;
    }
    if (normalizePhone(text, country).ok) return text;
  }
  throw new Error('demo: no valid phone number found');
}

/** A few deliberately broken e-mail addresses, so the e-mail check has something to find. */
function breakEmail(rng: Rng, email: string): string {
  const at = email.indexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const broken = rng.pick([`${local}@${domain.split('.')[0] ?? domain}`, `${local}@@${domain}`, `${local} @${domain}`, `${local}@${domain.replace('.', ',')}`]);
  if (validateEmail(broken)) throw new Error(`demo: ${broken} was meant to be invalid`);
  return broken;
}

function makeDebtors(rng: Rng, today: string, start: string): DebtorDraft[] {
  const names = new Set<string>();
  const drafts: DebtorDraft[] = [];
  const span = daysBetween(start, today);

  const kinds: ('business' | 'consumer' | 'intercompany')[] = ['intercompany', 'intercompany', 'intercompany'];
  while (kinds.length < DEBTOR_COUNT) kinds.push(rng.chance(690) ? 'business' : 'consumer');

  for (let i = 0; i < DEBTOR_COUNT; i++) {
    const role = kinds[i] ?? 'business';
    const intercompany = role === 'intercompany';
    const kind = role === 'consumer' ? 'consumer' : 'business';
    const country: 'NL' | 'BE' = intercompany ? (i === 2 ? 'BE' : 'NL') : rng.chance(750) ? 'NL' : 'BE';

    let language: 'nl' | 'fr' | 'en';
    let cityName: string;
    let postalCode: string;
    let area: string;
    let street: string;
    if (country === 'NL') {
      const city = intercompany ? (NL_CITIES.find((c) => c.name === (i === 0 ? 'Deventer' : 'Zwolle')) ?? NL_CITIES[0]!) : rng.weighted(NL_CITIES.map((c) => [c, c.weight] as const));
      language = !intercompany && rng.chance(kind === 'consumer' ? 50 : 30) ? 'en' : 'nl';
      cityName = city.name;
      postalCode = dutchPostcode(rng, city);
      area = city.area;
      street = kind === 'business' ? rng.pick(NL_BUSINESS_STREETS) : rng.pick(NL_STREETS);
    } else {
      const city = intercompany ? BE_CITIES[0]! : rng.weighted(BE_CITIES.map((c) => [c, c.weight] as const));
      language = city.language === 'both' ? (rng.chance(650) ? 'fr' : 'nl') : city.language;
      if (!intercompany && kind === 'business' && rng.chance(30)) language = 'en';
      cityName = language === 'fr' ? city.fr : city.nl;
      postalCode = String(rng.pick(city.postcodes));
      area = city.area;
      street = language === 'fr' ? rng.pick(BE_FR_STREETS) : rng.pick(BE_NL_STREETS);
    }
    const houseNumber = `${rng.int(1, kind === 'business' ? 120 : 240)}${rng.chance(80) ? rng.pick(['a', 'b', 'c']) : ''}`;
    const addressLine = country === 'BE' && kind === 'consumer' && rng.chance(150) ? `${street} ${houseNumber} bus ${rng.int(1, 12)}` : `${street} ${houseNumber}`;

    let name: string;
    let email: string;
    let soleTrader = false;
    if (intercompany) {
      name = ['Veldhuis Installatietechniek B.V.', 'Veldhuis Service & Onderhoud B.V.', 'Veldhuis België NV'][i] ?? 'Veldhuis Holding B.V.';
      email = ['crediteuren@veldhuis-installatietechniek.nl', 'administratie@veldhuis-service.nl', 'boekhouding@veldhuis.be'][i] ?? 'finance@veldhuis.nl';
    } else if (kind === 'business') {
      // Unique by the name without its legal form too, so no two debtors share a mail domain.
      let made = businessName(rng, country, language, cityName);
      for (let tries = 0; (names.has(made.name) || names.has(made.core)) && tries < 30; tries++) made = businessName(rng, country, language, cityName);
      if (names.has(made.name) || names.has(made.core)) made = { ...made, name: `${made.name} (${cityName})`, core: `${made.core} ${cityName}` };
      names.add(made.core);
      name = made.name;
      soleTrader = made.soleTrader;
      const tld = country === 'NL' ? 'nl' : 'be';
      const mailbox = language === 'fr' ? rng.pick(['comptabilite', 'facturation', 'info']) : language === 'en' ? rng.pick(['accounts.payable', 'invoices', 'finance'])
        : country === 'NL' ? rng.pick(['administratie', 'crediteuren', 'facturen', 'finance', 'boekhouding', 'info']) : rng.pick(['boekhouding', 'facturatie', 'accounting', 'info']);
      email = `${mailbox}@${made.core.split(/[\s&.]+/).map(plain).filter((w) => w !== '').join('-')}.${tld}`;
    } else {
      let p = personName(rng, country, language);
      for (let tries = 0; names.has(`${p.first} ${p.last}`) && tries < 30; tries++) p = personName(rng, country, language);
      name = `${p.first} ${p.last}`;
      const local = rng.pick([`${plain(p.first)}.${plain(p.last)}`, `${plain(p.first).charAt(0)}.${plain(p.last)}`, `${plain(p.first)}${plain(p.last)}${rng.int(60, 99)}`]);
      email = `${local}@${rng.pick(country === 'NL' ? NL_MAIL_DOMAINS : BE_MAIL_DOMAINS)}`;
    }
    names.add(name);

    let vatNumber: string | null = null;
    let cocNumber: string | null = null;
    if (kind === 'business') {
      if (country === 'NL') {
        cocNumber = String(rng.int(10_000_000, 99_999_999));
        if (intercompany || rng.chance(850)) {
          let vat: string | null = null;
          while (vat === null) vat = soleTrader ? dutchVatNew(`00${rng.int(1_000_000, 9_999_999)}`) : dutchVatOld(String(rng.int(10_000_000, 99_999_999)), rng.chance(900) ? 'B01' : 'B02');
          vatNumber = assertValidVat(vat, 'NL');
        }
      } else {
        const enterprise = belgianEnterpriseNumber(String(rng.int(2_000_000, 9_999_999)));
        cocNumber = enterprise;
        if (intercompany || rng.chance(850)) vatNumber = assertValidVat(`BE${enterprise}`, 'BE');
      }
    }

    const emailState = intercompany ? 'ok' : rng.weighted<'ok' | 'missing' | 'broken'>([['ok', 950], ['missing', 30], ['broken', 20]]);
    const mobile = kind === 'consumer' ? rng.chance(800) : rng.chance(250);
    const phone = !intercompany && rng.chance(kind === 'consumer' ? 80 : 40) ? null : phoneNumber(rng, country, area, mobile);

    const behaviour: Behaviour = intercompany
      ? 'slow'
      : kind === 'consumer'
        ? rng.weighted<Behaviour>([['prompt', 40], ['good', 34], ['slow', 13], ['bad', 10], ['defaulted', 3]])
        : rng.weighted<Behaviour>([['prompt', 25], ['good', 40], ['slow', 25], ['bad', 7], ['defaulted', 3]]);

    // New customers join during the history; defaulted ones stopped buying months ago.
    const activeFrom = rng.chance(600) ? start : addDays(start, rng.int(0, span - 45));
    let activeTo = today;
    if (behaviour === 'defaulted') {
      activeTo = addDays(today, -rng.int(200, 330));
      if (activeTo < addDays(activeFrom, 60)) activeTo = addDays(activeFrom, 60);
    }

    drafts.push({
      number: '', name, kind, country, language, addressLine, postalCode, city: cityName,
      email: emailState === 'missing' ? null : emailState === 'broken' ? breakEmail(rng, email) : email,
      phone, vatNumber, cocNumber,
      tags: intercompany ? ['intercompany'] : [], creditLimit: null,
      paymentTermsDays: kind === 'consumer' ? 14 : intercompany ? 30 : rng.chance(200) ? 14 : 30,
      requiresPo: false, behaviour, iban: null,
      weight: intercompany ? 30 : kind === 'business' ? rng.int(5, 20) : rng.int(1, 2),
      activeFrom, activeTo, poStyle: rng.int(0, 3), usesPo: kind === 'business' && (intercompany || rng.chance(550)),
      keyAccount: false, intercompany, projects: [],
    });
  }

  // Key accounts (~5%): established businesses that buy a lot, some on 60 days; never the bad ones.
  const candidates = drafts.filter((d) => d.kind === 'business' && !d.intercompany && d.behaviour !== 'bad' && d.behaviour !== 'defaulted' && d.activeFrom === start);
  for (let k = 0; k < 15 && candidates.length > 0; k++) {
    const d = candidates.splice(rng.int(0, candidates.length - 1), 1)[0]!;
    d.keyAccount = true;
    d.tags = ['key-account'];
    d.weight = rng.int(40, 70);
    d.usesPo = true;
    if (rng.chance(500)) d.paymentTermsDays = 60;
  }
  // A PO number is demanded by ~5% of the debtors: a third of the key accounts and some others.
  const poCandidates = drafts.filter((d) => d.kind === 'business' && !d.intercompany && d.usesPo);
  let requiring = 0;
  for (const d of poCandidates) {
    if (requiring < 15 && (d.keyAccount ? rng.chance(350) : rng.chance(70))) {
      d.requiresPo = true;
      requiring++;
    }
  }
  for (const d of drafts) {
    if (d.kind === 'business') d.projects = Array.from({ length: rng.int(1, 4) }, () => `PRJ-${rng.int(1000, 9999)}`);
  }

  // Debtor numbers in order of becoming a customer, as an ERP hands them out.
  const ordered = drafts.map((d, i) => ({ d, i })).sort((a, b) => (a.d.activeFrom < b.d.activeFrom ? -1 : a.d.activeFrom > b.d.activeFrom ? 1 : a.i - b.i));
  ordered.forEach(({ d }, k) => { d.number = String(10001 + k); });
  return ordered.map(({ d }) => d);
}

/** A business day in [from, to]: weekend dates move to the nearest weekday inside the range. */
function businessDay(rng: Rng, from: string, to: string): string {
  const date = addDays(from, rng.int(0, Math.max(0, daysBetween(from, to))));
  const dow = weekday(date);
  const shifted = dow === 6 ? addDays(date, -1) : dow === 0 ? addDays(date, 1) : date;
  return shifted < from || shifted > to ? date : shifted;
}

/** Net amount in cents, by tier: integers from the PRNG, never a float. */
function netAmount(rng: Rng, d: DebtorDraft): bigint {
  const tiers: readonly (readonly [readonly [number, number], number])[] = d.kind === 'consumer'
    ? [[[1_650, 12_000], 50], [[12_000, 33_000], 35], [[33_000, 49_500], 15]]
    : d.keyAccount || d.intercompany
      ? [[[15_000, 80_000], 15], [[80_000, 400_000], 40], [[400_000, 2_000_000], 35], [[2_000_000, 6_000_000], 10]]
      : [[[12_400, 80_000], 35], [[80_000, 400_000], 42], [[400_000, 2_000_000], 20], [[2_000_000, 6_000_000], 3]];
  const [lo, hi] = rng.weighted(tiers);
  return BigInt(rng.int(lo, hi));
}

/** VAT on a net amount, rounded half up to the cent (the amounts are positive). */
function vatOn(net: bigint, ratePercent: bigint): bigint {
  return (net * ratePercent + 50n) / 100n;
}

function poNumber(rng: Rng, d: DebtorDraft, issueDate: string): string {
  const yy = issueDate.slice(2, 4);
  switch (d.poStyle) {
    case 0: return `PO-${yy}-${String(rng.int(1, 99_999)).padStart(5, '0')}`;
    case 1: return `45000${rng.int(10_000, 99_999)}`;
    case 2: return `IO${issueDate.slice(0, 4)}/${String(rng.int(1, 9_999)).padStart(4, '0')}`;
    default: return `${rng.pick(['Bestelling', 'Order', 'Werkbon'])} ${rng.int(1_000, 99_999)}`;
  }
}

export function planDemo(today: string): DemoPlan {
  if (!isBusinessDate(today)) throw new AppError('bad_request', `"${today}" is not a date (use YYYY-MM-DD).`);
  const rng = createRng(SEED);
  const start = addDays(addMonths(today, -HISTORY_MONTHS), 1);
  const debtors = makeDebtors(rng, today, start);

  // Every debtor gets at least one invoice (the import creates debtors from invoices); the rest by weight.
  const owners: DebtorDraft[] = [...debtors];
  const byWeight = debtors.map((d) => [d, d.weight] as const);
  while (owners.length < INVOICE_COUNT) owners.push(rng.weighted(byWeight));

  const drafts: InvoiceDraft[] = owners.map((d, seq) => {
    const issueDate = businessDay(rng, d.activeFrom, d.activeTo);
    // NOTE: 0% for a Belgian business with a VAT number (intra-Community supply, reverse charge);
    // 9% for the odd low-rate item; otherwise the standard Dutch rate of 21%.
    const rate = d.country === 'BE' && d.vatNumber !== null ? 0n : rng.chance(70) ? 9n : 21n;
    const net = netAmount(rng, d);
    const vat = vatOn(net, rate);
    const po = d.kind === 'business' && (d.requiresPo || (d.usesPo && rng.chance(850))) ? poNumber(rng, d, issueDate) : null;
    const project = d.kind === 'business' && rng.chance(150) ? rng.pick(d.projects) : null;
    return {
      seq, debtor: d, issueDate, dueDate: addDays(issueDate, d.paymentTermsDays), net, vat, gross: net + vat, rate,
      poNumber: po, projectReference: project, withReference: rng.chance(70), number: '', credit: null, paid: 0n,
    };
  });

  // Invoice numbers per year in order of issue: 2026 00001, …
  drafts.sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.seq - b.seq));
  const perYear = new Map<string, number>();
  for (const inv of drafts) {
    const year = inv.issueDate.slice(0, 4);
    const n = (perYear.get(year) ?? 0) + 1;
    perYear.set(year, n);
    inv.number = `${year}${String(n).padStart(5, '0')}`;
  }

  // Credit notes: part of an invoice (a return, a price correction) or all of it (a cancelled invoice).
  const creditable = drafts.filter((inv) => inv.issueDate <= addDays(today, -5));
  const credits: InvoiceDraft[] = [];
  while (credits.length < CREDIT_NOTE_COUNT && creditable.length > 0) {
    const inv = creditable.splice(rng.int(0, creditable.length - 1), 1)[0]!;
    if (inv.debtor.kind === 'consumer' && rng.chance(500)) continue;
    const date = addDays(inv.issueDate, rng.int(1, Math.min(40, daysBetween(inv.issueDate, today))));
    const full = rng.chance(300);
    const net = full ? inv.net : (inv.net * BigInt(rng.int(5, 60))) / 100n;
    const vat = full ? inv.vat : vatOn(net, inv.rate);
    inv.credit = { number: '', date, net, vat, gross: net + vat };
    credits.push(inv);
  }
  credits.sort((a, b) => (a.credit!.date < b.credit!.date ? -1 : a.credit!.date > b.credit!.date ? 1 : a.seq - b.seq));
  const creditsPerYear = new Map<string, number>();
  for (const inv of credits) {
    const year = inv.credit!.date.slice(0, 4);
    const n = (creditsPerYear.get(year) ?? 0) + 1;
    creditsPerYear.set(year, n);
    inv.credit!.number = `CN${year}-${String(n).padStart(4, '0')}`;
  }

  // Payments, by each debtor's habit; nothing is paid after today or before the invoice (or its credit).
  const payments: DemoPayment[] = [];
  const pay = (inv: InvoiceDraft, amount: bigint, date: string) => {
    if (amount <= 0n || date > today) return;
    payments.push({ invoiceNumber: inv.number, amount, bookingDate: date });
    inv.paid += amount;
  };
  for (const inv of drafts) {
    const d = inv.debtor;
    const habit = HABITS[d.behaviour];
    const due = inv.gross - (inv.credit?.gross ?? 0n);
    const neverPaid = rng.chance(habit.neverPaid) || (d.behaviour === 'defaulted' && inv.issueDate > addDays(d.activeTo, -90));
    const delay = rng.int(habit.from, habit.to);
    const partial = rng.chance(habit.partial);
    const short = rng.chance(6);
    if (due <= 0n || neverPaid) continue;
    let date = addDays(inv.dueDate, delay);
    if (date < inv.issueDate) date = inv.issueDate;
    if (inv.credit && date < inv.credit.date) date = addDays(inv.credit.date, rng.int(0, 6));
    if (date > today) continue;
    if (partial) {
      // NOTE: a payment arrangement: one or two instalments, the rest still open.
      const first = (due * BigInt(rng.int(25, 70))) / 100n;
      pay(inv, first, date);
      if (rng.chance(400)) pay(inv, (due * BigInt(rng.int(10, 25))) / 100n, addDays(date, rng.int(20, 40)));
    } else if (short && due > 1_000n) {
      // Paid short by a few cents or euros (bank costs, a rounded amount): a small open item remains.
      pay(inv, due - BigInt(rng.int(1, 750)), date);
    } else {
      pay(inv, due, date);
    }
  }

  // A couple of invoices without the PO number their debtor demands, left open so the check fails.
  const missingPo = drafts.filter((inv) => inv.debtor.requiresPo && inv.paid === 0n && inv.credit === null && inv.issueDate > addDays(today, -60));
  for (let k = 0; k < 2 && missingPo.length > 0; k++) {
    const inv = missingPo.splice(rng.int(0, missingPo.length - 1), 1)[0]!;
    inv.poNumber = null;
  }

  // Credit limits from a debtor's volume (a year's sales over the months its terms and some delay
  // span), comfortably above what is open today, except for some slow and bad payers that went
  // over their limit (so the credit-limit check has something to show).
  const openToday = new Map<DebtorDraft, bigint>();
  const yearSales = new Map<DebtorDraft, bigint>();
  const yearAgo = addMonths(today, -12);
  for (const inv of drafts) {
    openToday.set(inv.debtor, (openToday.get(inv.debtor) ?? 0n) + inv.gross - (inv.credit?.gross ?? 0n) - inv.paid);
    if (inv.issueDate > yearAgo) yearSales.set(inv.debtor, (yearSales.get(inv.debtor) ?? 0n) + inv.gross);
  }
  const STEPS = [250_000n, 500_000n, 750_000n, 1_000_000n, 1_500_000n, 2_000_000n, 2_500_000n, 3_500_000n, 5_000_000n, 7_500_000n, 10_000_000n, 15_000_000n, 25_000_000n];
  const paidBy = new Set(payments.map((p) => p.invoiceNumber));
  const invoicesBy = new Map<DebtorDraft, InvoiceDraft[]>();
  for (const inv of drafts) invoicesBy.set(inv.debtor, [...(invoicesBy.get(inv.debtor) ?? []), inv]);
  for (const d of debtors) {
    const open = openToday.get(d) ?? 0n;
    if (d.kind === 'business' && !d.intercompany && rng.chance(920)) {
      const over = (d.behaviour === 'bad' || d.behaviour === 'slow') && open > 250_000n && rng.chance(200);
      const volume = ((yearSales.get(d) ?? 0n) * BigInt(d.paymentTermsDays + 30)) / 365n;
      const target = over ? (open * 6n) / 10n : volume > (open * 3n) / 2n ? volume : (open * 3n) / 2n;
      const fits = STEPS.filter((s) => (over ? s <= target : s >= target));
      d.creditLimit = (over ? fits[fits.length - 1] : fits[0]) ?? (over ? STEPS[0]! : STEPS[STEPS.length - 1]!);
      if (d.keyAccount && d.creditLimit < 7_500_000n) d.creditLimit = 7_500_000n;
    }
    // The bank account a debtor paid from, as cash application would have learned it.
    const hasPaid = (invoicesBy.get(d) ?? []).some((inv) => paidBy.has(inv.number));
    if (hasPaid && rng.chance(850)) {
      d.iban = d.country === 'NL'
        ? makeIban('NL', `${rng.pick(NL_BANKS)}${String(rng.int(100_000, 999_999))}${String(rng.int(1_000, 9_999))}`)
        : makeIban('BE', belgianBban(rng.pick(BE_BANKS), String(rng.int(1_000_000, 9_999_999))));
    }
  }

  const documents: DemoDocument[] = [];
  for (const inv of drafts) {
    documents.push({
      number: inv.number, kind: 'invoice', debtorNumber: inv.debtor.number, issueDate: inv.issueDate, dueDate: inv.dueDate,
      amount: inv.gross, vatAmount: inv.vat, poNumber: inv.poNumber, projectReference: inv.projectReference,
      paymentReference: inv.withReference ? generateRf(inv.number) : null, relatedNumber: null,
    });
    if (inv.credit) {
      documents.push({
        number: inv.credit.number, kind: 'credit_note', debtorNumber: inv.debtor.number, issueDate: inv.credit.date, dueDate: inv.credit.date,
        amount: inv.credit.gross, vatAmount: inv.credit.vat, poNumber: inv.poNumber, projectReference: inv.projectReference,
        paymentReference: null, relatedNumber: inv.number,
      });
    }
  }
  documents.sort((a, b) => (a.issueDate < b.issueDate ? -1 : a.issueDate > b.issueDate ? 1 : a.number < b.number ? -1 : 1));
  payments.sort((a, b) => (a.bookingDate < b.bookingDate ? -1 : a.bookingDate > b.bookingDate ? 1 : a.invoiceNumber < b.invoiceNumber ? -1 : 1));

  const plainDebtors: DemoDebtor[] = debtors.map((d) => ({
    number: d.number, name: d.name, kind: d.kind, country: d.country, language: d.language, addressLine: d.addressLine,
    postalCode: d.postalCode, city: d.city, email: d.email, phone: d.phone, vatNumber: d.vatNumber, cocNumber: d.cocNumber,
    tags: d.tags, creditLimit: d.creditLimit, paymentTermsDays: d.paymentTermsDays, requiresPo: d.requiresPo, behaviour: d.behaviour,
    iban: d.iban,
  }));
  return { today, debtors: plainDebtors, documents, payments };
}

// ---------------------------------------------------------------------------------------------
// CSV: the invoice export of the (imaginary) ERP, one file per month.

const CSV_HEADER = [
  'invoice_number', 'type', 'related_invoice', 'debtor_number', 'debtor_name', 'debtor_type', 'email', 'phone', 'address',
  'postal_code', 'city', 'country', 'language', 'vat_number', 'coc_number', 'issue_date', 'due_date', 'currency', 'amount',
  'vat_amount', 'po_number', 'project_reference', 'payment_reference',
];

function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function invoiceCsvFiles(plan: DemoPlan): { fileName: string; content: string }[] {
  const debtorsByNumber = new Map(plan.debtors.map((d) => [d.number, d]));
  const months = new Map<string, string[]>();
  for (const doc of plan.documents) {
    const d = debtorsByNumber.get(doc.debtorNumber);
    if (!d) throw new Error(`demo: no debtor ${doc.debtorNumber}`);
    const row = [
      doc.number, doc.kind, doc.relatedNumber, d.number, d.name, d.kind, d.email, d.phone, d.addressLine, d.postalCode, d.city,
      d.country, d.language, d.vatNumber, d.cocNumber, doc.issueDate, doc.dueDate, CURRENCY, formatAmount(doc.amount, CURRENCY),
      formatAmount(doc.vatAmount, CURRENCY), doc.poNumber, doc.projectReference, doc.paymentReference,
    ].map(csvField).join(',');
    const month = doc.issueDate.slice(0, 7);
    const rows = months.get(month) ?? [];
    rows.push(row);
    months.set(month, rows);
  }
  return [...months.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([month, rows]) => ({ fileName: `verkoopfacturen-${month}.csv`, content: `${CSV_HEADER.join(',')}\n${rows.join('\n')}\n` }));
}

// ---------------------------------------------------------------------------------------------
// Building it.

async function countDemo(db: Db, orgId: string): Promise<{ debtors: number; invoices: number }> {
  return inOrg(db, orgId, async (trx) => {
    const r = await sql<{ debtors: bigint; invoices: bigint }>`
      SELECT (SELECT count(*) FROM debtor) AS debtors, (SELECT count(*) FROM invoice) AS invoices
    `.execute(trx);
    const row = r.rows[0];
    return { debtors: Number(row?.debtors ?? 0n), invoices: Number(row?.invoices ?? 0n) };
  });
}

async function setDebtorFields(trx: Trx, plan: DemoPlan, managerId: string): Promise<void> {
  const ds = plan.debtors;
  await sql`
    UPDATE debtor d SET
      tags = CASE WHEN u.tags = '' THEN '{}'::text[] ELSE string_to_array(u.tags, ',') END,
      credit_limit = u.credit_limit::int8,
      requires_po = u.requires_po::boolean,
      payment_terms_days = u.terms::int4,
      account_manager_user_id = CASE WHEN u.tags <> '' THEN ${managerId} END,
      segment = NULL,
      updated_at = now()
    FROM unnest(${ds.map((d) => d.number)}::text[], ${ds.map((d) => d.tags.join(','))}::text[],
      ${ds.map((d) => (d.creditLimit === null ? null : String(d.creditLimit)))}::text[], ${ds.map((d) => String(d.requiresPo))}::text[],
      ${ds.map((d) => String(d.paymentTermsDays))}::text[]) AS u(number, tags, credit_limit, requires_po, terms)
    WHERE d.number = u.number
  `.execute(trx);
  const withIban = ds.filter((d) => d.iban !== null);
  await sql`
    INSERT INTO debtor_bank_account (org_id, debtor_id, iban, holder_name, source)
    SELECT d.org_id, d.debtor_id, u.iban, d.name, 'demo'
    FROM unnest(${withIban.map((d) => d.number)}::text[], ${withIban.map((d) => d.iban)}::text[]) AS u(number, iban)
    JOIN debtor d ON d.number = u.number
  `.execute(trx);
}

async function bookPayments(trx: Trx, orgId: string, plan: DemoPlan): Promise<void> {
  const p = plan.payments;
  const total = p.reduce((s, x) => s + x.amount, 0n);
  const hash = createHash('sha256').update(p.map((x) => `${x.invoiceNumber};${x.amount};${x.bookingDate}`).join('\n')).digest('hex');
  const batch = await sql<{ batch_id: string }>`
    INSERT INTO import_batch (org_id, batch_id, kind, file_name, format, content_hash, summary, created_by)
    VALUES (${orgId}, arflow_id('bat'), 'demo', 'demo-payments', 'demo', ${hash},
      ${JSON.stringify({ payments: p.length, amount: formatAmount(total, CURRENCY), currency: CURRENCY })}::jsonb, ${ACTOR})
    RETURNING batch_id
  `.execute(trx);
  const batchId = batch.rows[0]?.batch_id;
  if (batchId === undefined) throw new Error('demo: the payment batch was not recorded');
  // NOTE: a payment is a negative `payment_allocated` entry; the ledger trigger updates open_amount.
  const inserted = await sql`
    INSERT INTO ledger_entry (org_id, entry_id, invoice_id, entry_type, amount, currency, booking_date, batch_id, created_by)
    SELECT ${orgId}, arflow_id('led'), i.invoice_id, 'payment_allocated', -(u.amount::int8), i.currency, u.booking_date::date, ${batchId}, ${ACTOR}
    FROM unnest(${p.map((x) => x.invoiceNumber)}::text[], ${p.map((x) => String(x.amount))}::text[], ${p.map((x) => x.bookingDate)}::text[])
      WITH ORDINALITY AS u(number, amount, booking_date, ord)
    JOIN invoice i ON i.kind = 'invoice' AND i.number = u.number
    ORDER BY u.ord
  `.execute(trx);
  if (Number(inserted.numAffectedRows ?? 0n) !== p.length) throw new Error('demo: not every payment found its invoice');
}

/**
 * Builds the demo organisation `options.slug` (default `demo`) as of `options.today` (default: today
 * in Amsterdam). Idempotent: when the organisation exists, nothing changes and its counts are returned.
 */
export async function buildDemo(db: Db, options: { slug: string; today?: string | undefined }): Promise<DemoResult> {
  const slug = options.slug.trim() === '' ? 'demo' : options.slug.trim();
  if (options.today !== undefined && !isBusinessDate(options.today)) {
    throw new AppError('bad_request', `--date "${options.today}" is not a date (use YYYY-MM-DD).`);
  }
  const existing = await findOrganisationBySlug(db, slug);
  if (existing) return { slug, created: false, ...(await countDemo(db, existing.org_id)), login: { ...LOGIN } };

  const today = options.today ?? todayIn(TIME_ZONE);
  const plan = planDemo(today);
  const files = invoiceCsvFiles(plan);

  const { organisation, created } = await createOrganisation(db, {
    slug, name: ORG.name, country: ORG.country, iban: ORG.iban, currency: CURRENCY, language: 'nl',
    vatNumber: ORG.vatNumber, cocNumber: ORG.cocNumber, creditorId: ORG.creditorId, timeZone: TIME_ZONE,
  });
  if (!created) return { slug, created: false, ...(await countDemo(db, organisation.org_id)), login: { ...LOGIN } };
  await importAll(db, organisation, files, today);

  await inOrg(db, organisation.org_id, async (trx) => {
    await addUser(trx, organisation.org_id, { email: LOGIN.email, password: LOGIN.password, role: 'owner', name: 'Marloes Veldhuis' });
    // NOTE: the demo debtors' addresses look real and some may be: the demo starts in test mode, so
    // whatever SMTP server is configured, every e-mail goes to one reserved address (.test).
    await updateMessagingSettings(trx, organisation.org_id, { test_recipient: 'demo-inbox@arflow.test', message_id_domain: 'demo.arflow.test' }, 'demo');
    const controller = await addUser(trx, organisation.org_id, { email: 'controller@arflow.test', password: LOGIN.password, role: 'controller', name: 'Joost de Wit' });
    await addUser(trx, organisation.org_id, { email: 'viewer@arflow.test', password: LOGIN.password, role: 'viewer', name: 'Eva Jansen' });
    await setDebtorFields(trx, plan, controller.user_id);
    await bookPayments(trx, organisation.org_id, plan);
    // The import checked the debtors before their limits, PO rules and payments were known: check again.
    const ids = (await trx.selectFrom('debtor').select('debtor_id').execute()).map((r) => r.debtor_id);
    await runDebtorChecks(trx, organisation.org_id, ids, organisation.currency);
  });

  await playFollowupHistory(db, organisation, today);
  return { slug, created: true, ...(await countDemo(db, organisation.org_id)), login: { ...LOGIN } };
}

/** Transports that keep what the demo's history "sent": nothing leaves the machine. */
const KEPT: Transports = {
  email: { send: (e) => Promise.resolve({ providerId: `demo:${e.messageId}` }), close: () => undefined },
  sms: { send: (m) => Promise.resolve({ providerId: `demo:${m.idempotencyKey}` }), close: () => undefined },
  voice: { call: (c) => Promise.resolve({ providerId: `demo:${c.idempotencyKey}` }), close: () => undefined },
  letter: { send: (l) => Promise.resolve({ providerId: `demo:${l.idempotencyKey}` }), close: () => undefined },
};

/**
 * The demo's follow-up history, so that today's run is an ordinary day and the dossiers, the outbox
 * and the worklist have something to show: the daily run played weekly over the last eight weeks and
 * yesterday, each day's messages rendered and marked sent (kept, not sent anywhere), and the tasks
 * due more than a week before each run done by the controller.
 */
async function playFollowupHistory(db: Db, organisation: Organisation, today: string): Promise<void> {
  const dates = [56, 49, 42, 35, 28, 21, 14, 7, 1].map((n) => addDays(today, -n));
  for (const date of dates) {
    await runFollowup(db, organisation, { date, actor: ACTOR });
    await dispatchOutbox(db, organisation, { ...KEPT, now: () => new Date(`${date}T08:00:00Z`) });
    await inOrg(db, organisation.org_id, async (trx) => {
      const stale = await trx.selectFrom('task').select(['task_id', 'kind']).where('status', '=', 'open').where('due_date', '<=', addDays(date, -7)).orderBy('task_id').execute();
      for (const t of stale) {
        await completeTask(trx, organisation.org_id, t.task_id, { outcome: t.kind === 'check_received' ? 'received' : 'done', note: 'demo history' }, ACTOR, date);
      }
    });
  }
}

async function importAll(db: Db, organisation: Organisation, files: { fileName: string; content: string }[], today: string): Promise<void> {
  for (const file of files) {
    const summary = await importInvoiceFile(db, organisation, { fileName: file.fileName, content: Buffer.from(file.content, 'utf8'), actor: ACTOR, today });
    if (summary.rejected > 0 || summary.warnings.length > 0) {
      const first = [...summary.errors, ...summary.warnings][0];
      throw new AppError('internal', `The demo import of ${file.fileName} did not go cleanly: ${first?.reason ?? 'rows rejected'}.`);
    }
    await refreshStatistics(db);
  }
}

/**
 * NOTE: PGlite runs no autovacuum, so after a bulk load the planner still believes the tables are
 * empty and joins them by nested loops over sequential scans: the monthly imports slow down with
 * every file (19 s in all) and the payment insert (whose trigger joins ledger entries to invoices)
 * takes 6 s. Fresh statistics after each file keep the whole demo at a few seconds. Runs as the
 * connecting (owner) role; on PostgreSQL it only speeds up what autovacuum would do later.
 */
async function refreshStatistics(db: Db): Promise<void> {
  await sql`ANALYZE invoice, ledger_entry, debtor, debtor_contact`.execute(db);
}
