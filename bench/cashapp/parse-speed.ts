// MT940 parse speed: parseMt940 against the mt940js package on the same text.
//
//   node bench/cashapp/parse-speed.ts [--mb 50] [--runs 3]
//
// The input is every corpus file (/work/shared/corpora/mt940) that both parsers read, joined and
// repeated to about --mb megabytes. mt940js rejects files whose balances do not add up and some
// bank variants, so those are left out: both parsers get exactly the same text. Reported: MB/s of
// the best of --runs runs for each, and the ratio.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseMt940 } from '../../src/formats/mt940.ts';

interface JsStatement {
  transactions: unknown[];
}
const require = createRequire(import.meta.url);
const mt940js = require('mt940js') as { Parser: new () => { parse(text: string): JsStatement[] } };

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, runs: { type: 'string', default: '3' } } });
const targetBytes = Number(values.mb) * 1e6;
const runs = Number(values.runs);

const corpus = new URL('../../../shared/corpora/mt940/', import.meta.url);
if (!existsSync(fileURLToPath(corpus))) {
  console.log('shared corpora absent: nothing to measure');
  process.exit(0);
}

const pieces: string[] = [];
for (const dir of readdirSync(corpus, { withFileTypes: true })) {
  if (!dir.isDirectory()) continue;
  for (const name of readdirSync(new URL(`${dir.name}/`, corpus))) {
    if (/\.(json|md|tsv)$/.test(name)) continue;
    const text = readFileSync(new URL(`${dir.name}/${name}`, corpus), 'utf8').replace(/\r?\n/g, '\r\n').trimEnd();
    try {
      if (new mt940js.Parser().parse(text).length === 0) continue;
      if (parseMt940(text, name).statements.length === 0) continue;
    } catch {
      continue;
    }
    pieces.push(text.endsWith('-') || text.endsWith('-}') ? text : `${text}\r\n-`);
  }
}
const unit = pieces.join('\r\n');
const text = Array.from({ length: Math.max(1, Math.round(targetBytes / unit.length)) }, () => unit).join('\r\n');
const buffer = Buffer.from(text, 'utf8');
const mb = buffer.length / 1e6;

function best(label: string, fn: () => number): number {
  let fastest = Infinity;
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    count = fn();
    fastest = Math.min(fastest, performance.now() - started);
  }
  const speed = mb / (fastest / 1000);
  console.log(`${label.padEnd(28)} ${fastest.toFixed(0).padStart(7)} ms  ${speed.toFixed(1).padStart(7)} MB/s  (${count} transactions)`);
  return speed;
}

console.log(`${pieces.length} corpus files both parsers read, repeated to ${mb.toFixed(1)} MB; best of ${runs} runs`);
const oursBuffer = best('parseMt940 (Buffer)', () => parseMt940(buffer, 'bench.sta').statements.reduce((n, s) => n + s.transactions.length, 0));
const oursString = best('parseMt940 (string)', () => parseMt940(text, 'bench.sta').statements.reduce((n, s) => n + s.transactions.length, 0));
const theirs = best('mt940js Parser.parse (string)', () => new mt940js.Parser().parse(text).reduce((n, s) => n + s.transactions.length, 0));
console.log(`ratio parseMt940/mt940js: ${(oursBuffer / theirs).toFixed(1)}x (Buffer), ${(oursString / theirs).toFixed(1)}x (string)`);
