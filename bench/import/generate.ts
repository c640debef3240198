// Synthetic invoice CSV for the import benchmark: N invoices over N/5 debtors, deterministic for a
// given seed. Columns follow the "Invoice CSV columns" paragraph of DESIGN.md. Amounts are made as
// integer cents and printed exactly (no floating point anywhere).
//
//   node bench/import/generate.ts 1000000 > invoices.csv
//   node bench/import/generate.ts 1000 --seed 7 --delimiter ';' --decimal-comma > invoices.csv

import { generateBetalingskenmerk } from '../../src/core/references.ts';
import { mulberry32 as prng } from '../../src/core/prng.ts';

export interface GenerateOptions {
  /** PRNG seed (default 1): the same seed and N give the same file, byte for byte. */
  seed?: number;
  /** Field separator (default `,`). */
  delimiter?: ',' | ';' | '\t';
  /** Print amounts Dutch-style, `1.234,56` (default false: `1234.56`). */
  decimalComma?: boolean;
}

export const HEADER = [
  'invoice_number', 'debtor_number', 'debtor_name', 'debtor_type', 'email', 'phone', 'address', 'postal_code', 'city', 'country',
  'issue_date', 'due_date', 'amount', 'vat_amount', 'po_number', 'payment_reference',
] as const;


interface Random {
  /** 0 ≤ result < n (integer). */
  int(n: number): number;
  /** true with probability `percent` / 100. */
  chance(percent: number): boolean;
  pick<T>(items: readonly T[]): T;
}

function random(seed: number): Random {
  const next = prng(seed);
  const int = (n: number) => Math.floor((next() / 4294967296) * n);
  return {
    int,
    chance: (percent) => next() % 10_000 < percent * 100,
    pick: <T>(items: readonly T[]): T => items[int(items.length)] as T,
  };
}

const FIRST = ['Jan', 'Piet', 'Klaas', 'Anna', 'Sanne', 'Fleur', 'Daan', 'Lotte', 'Bram', 'Eva', 'Sophie', 'Thomas', 'Lucas', 'Emma', 'Noah', 'Julia', 'Mila', 'Finn', 'Tess', 'Sem'];
const LAST = ['Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer', 'Mulder', 'de Groot', 'Bos', 'Vos', 'Peters', 'Hendriks', 'van Dijk', 'Dekker', 'Peeters', 'Maes', 'Claes', 'Willems', 'Janssens', 'Wouters', "D'Hondt", 'Müller'];
const TRADE = ['Bakkerij', 'Installatiebedrijf', 'Transport', 'Bouwbedrijf', 'Adviesbureau', 'Drukkerij', 'Garage', 'Hoveniersbedrijf', 'Schildersbedrijf', 'Groothandel', 'Architectenbureau', 'Loodgieter', 'Kapsalon', 'Fietsenmaker', 'Cateringservice'];
const FORM_NL = ['B.V.', 'V.O.F.', 'Holding B.V.', '', 'N.V.'];
const FORM_BE = ['BV', 'NV', 'BVBA', 'CommV', ''];
const STREET = ['Kerkstraat', 'Dorpsstraat', 'Molenweg', 'Stationsweg', 'Schoolstraat', 'Hoofdstraat', 'Nieuwstraat', 'Industrieweg', 'Julianalaan', 'Beatrixstraat', 'Markt', 'Havenkade', 'Kapelstraat', 'Steenweg', 'Grote Baan'];
const CITY_NL = [['Amsterdam', '10', '020'], ['Rotterdam', '30', '010'], ['Utrecht', '35', '030'], ['Den Haag', '25', '070'], ['Eindhoven', '56', '040'], ['Groningen', '97', '050'], ['Tilburg', '50', '013'], ['Zwolle', '80', '038'], ['Arnhem', '68', '026'], ['Leiden', '23', '071']] as const;
const CITY_BE = [['Brussel', '1000', '02'], ['Antwerpen', '2000', '03'], ['Gent', '9000', '09'], ['Leuven', '3000', '016'], ['Brugge', '8000', '050'], ['Hasselt', '3500', '011'], ['Mechelen', '2800', '015']] as const;
const DOMAINS = ['gmail.com', 'outlook.com', 'hotmail.com', 'ziggo.nl', 'kpnmail.nl', 'telenet.be', 'skynet.be'];
const LETTERS = 'ABCDEFGHJKLMNPRSTVWXZ';

/** Days since 1970-01-01 → `YYYY-MM-DD` (UTC arithmetic only, no time zones). */
function isoDate(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

function digits(r: Random, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(r.int(10));
  return s;
}

function slug(text: string): string {
  return text.toLowerCase().normalize('NFD').replace(/[^a-z0-9]+/g, '');
}

function formatCents(cents: number, decimalComma: boolean): string {
  const units = Math.floor(cents / 100);
  const minor = String(cents % 100).padStart(2, '0');
  if (!decimalComma) return `${units}.${minor}`;
  return `${String(units).replace(/\B(?=(\d{3})+(?!\d))/g, '.')},${minor}`;
}

function makeQuote(delimiter: string): (value: string) => string {
  return (value) => (value.includes(delimiter) || value.includes('"') || value.includes('\n') ? `"${value.replace(/"/g, '""')}"` : value);
}

/** The debtor columns (debtor_number … country) of debtor `k`, joined and quoted, ready to splice into rows. */
function makeDebtor(r: Random, k: number, delimiter: string, quote: (v: string) => string): string {
  const belgian = r.chance(15);
  const consumer = r.chance(20);
  const first = r.pick(FIRST);
  const last = r.pick(LAST);
  const name = consumer ? `${first} ${last}` : `${r.pick(TRADE)} ${last} ${r.pick(belgian ? FORM_BE : FORM_NL)}`.trim();
  const email = r.chance(85)
    ? consumer
      ? `${slug(first)}.${slug(last)}${r.int(100)}@${r.pick(DOMAINS)}`
      : `${r.pick(['administratie', 'facturen', 'info', 'boekhouding', 'Crediteuren'])}@${slug(last)}${k}.${belgian ? 'be' : 'nl'}`
    : '';
  let phone = '';
  let postal: string;
  let city: string;
  if (belgian) {
    const c = r.pick(CITY_BE);
    city = c[0];
    postal = c[1];
    if (r.chance(75)) phone = r.chance(50) ? `04${String(70 + r.int(30))} ${digits(r, 2)} ${digits(r, 2)} ${digits(r, 2)}` : `+32 47${r.int(10)} ${digits(r, 6)}`;
  } else {
    const c = r.pick(CITY_NL);
    city = c[0];
    postal = `${c[1]}${digits(r, 2)} ${r.pick([...LETTERS])}${r.pick([...LETTERS])}`;
    if (r.chance(75)) {
      const style = r.int(4);
      phone = style === 0 ? `06-${1 + r.int(5)}${digits(r, 7)}` : style === 1 ? `+31 6 ${1 + r.int(5)}${digits(r, 7)}` : style === 2 ? `${c[2]}-${2 + r.int(6)}${digits(r, 10 - c[2].length)}` : `06 ${1 + r.int(5)}${digits(r, 7)}`;
    }
  }
  const address = `${r.pick(STREET)} ${1 + r.int(250)}${r.chance(10) ? r.pick(['a', 'b', '-2', ' bis']) : ''}`;
  return [
    `D${String(k + 1).padStart(7, '0')}`, name, consumer ? 'consumer' : r.chance(95) ? 'business' : 'zakelijk', email, phone, address, postal, city,
    belgian ? 'BE' : r.chance(97) ? 'NL' : 'Nederland',
  ].map(quote).join(delimiter);
}

/** The file in pieces (header first, then rows in batches), for writing without one huge string. */
export function* generateInvoiceCsvChunks(n: number, options: GenerateOptions = {}): Generator<string> {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`generateInvoiceCsv: n must be a non-negative integer, not ${n}`);
  const delimiter = options.delimiter ?? ',';
  const decimalComma = options.decimalComma ?? false;
  const quote = makeQuote(delimiter);
  const r = random(options.seed ?? 1);
  const debtorCount = Math.max(1, Math.floor(n / 5));
  const debtors: string[] = [];
  for (let k = 0; k < debtorCount; k++) debtors.push(makeDebtor(r, k, delimiter, quote));

  yield `${HEADER.join(delimiter)}\n`;
  const start = Date.UTC(2025, 0, 1) / 86_400_000;
  const span = 690; // issue dates 2025-01-01 … 2026-11-21
  const terms = [14, 14, 30, 30, 30, 30, 45, 60];
  let batch: string[] = [];
  for (let i = 0; i < n; i++) {
    // Every fifth row introduces the next debtor (so all N/5 appear); the rest go to a skewed
    // random pick (big customers get more invoices).
    const u = r.int(1_000_000) / 1_000_000;
    const k = i % 5 === 0 ? Math.min(i / 5, debtorCount - 1) : Math.floor(u * u * debtorCount);
    const issue = start + r.int(span);
    // Net amounts from 5.00 to ~25,000.00, log-ish: most invoices are small.
    const scale = [1_000, 10_000, 100_000, 1_000_000, 2_500_000][r.int(5)] ?? 10_000;
    const net = 500 + r.int(scale);
    const rate = r.chance(90) ? 21 : r.chance(50) ? 9 : 0;
    const vat = Math.floor((net * rate + 50) / 100); // rounded half up, integer cents
    const po = r.chance(25) ? `PO-${digits(r, 6)}` : '';
    const reference = r.chance(5) ? generateBetalingskenmerk(i + 1) : '';
    const row = [
      `INV${String(i + 1).padStart(8, '0')}`, debtors[k] ?? '', isoDate(issue), isoDate(issue + (r.pick(terms))),
      quote(formatCents(net + vat, decimalComma)), quote(formatCents(vat, decimalComma)), po, reference,
    ];
    batch.push(row.join(delimiter));
    if (batch.length === 10_000) {
      yield `${batch.join('\n')}\n`;
      batch = [];
    }
  }
  if (batch.length > 0) yield `${batch.join('\n')}\n`;
}

/** The whole file as one string (fine up to a few million rows; the CLI streams instead). */
export function generateInvoiceCsv(n: number, options: GenerateOptions = {}): string {
  return [...generateInvoiceCsvChunks(n, options)].join('');
}

async function main(argv: string[]): Promise<void> {
  const args = [...argv];
  const options: GenerateOptions = {};
  let n: number | null = null;
  while (args.length > 0) {
    const a = args.shift() ?? '';
    if (a === '--seed') options.seed = Number(args.shift());
    else if (a === '--delimiter') {
      const d = args.shift();
      if (d !== ',' && d !== ';' && d !== '\t' && d !== 'tab') throw new Error('--delimiter takes , ; or tab');
      options.delimiter = d === 'tab' ? '\t' : d;
    } else if (a === '--decimal-comma') options.decimalComma = true;
    else if (/^\d+$/.test(a)) n = Number(a);
    else throw new Error(`Unknown argument ${a}. Usage: node bench/import/generate.ts N [--seed S] [--delimiter ,|;|tab] [--decimal-comma]`);
  }
  if (n === null) throw new Error('Usage: node bench/import/generate.ts N [--seed S] [--delimiter ,|;|tab] [--decimal-comma] > file.csv');
  for (const chunk of generateInvoiceCsvChunks(n, options)) {
    if (!process.stdout.write(chunk)) await new Promise<void>((resolve) => process.stdout.once('drain', () => resolve()));
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exitCode = 1;
  });
}
