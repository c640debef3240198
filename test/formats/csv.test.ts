import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readCsv, detectDelimiter, CsvSyntaxError } from '../../src/formats/csv.ts';

void test('reads a simple comma file with LF line ends', () => {
  const doc = readCsv('a,b,c\n1,2,3\n4,5,6\n');
  assert.equal(doc.delimiter, ',');
  assert.deepEqual(doc.header, ['a', 'b', 'c']);
  assert.equal(doc.headerLine, 1);
  assert.deepEqual(doc.rows, [
    { line: 2, fields: ['1', '2', '3'] },
    { line: 3, fields: ['4', '5', '6'] },
  ]);
});

void test('handles a last line without line end, and empty fields', () => {
  const doc = readCsv('a,b,c\n,,\n1,,3');
  assert.deepEqual(doc.rows, [
    { line: 2, fields: ['', '', ''] },
    { line: 3, fields: ['1', '', '3'] },
  ]);
  assert.deepEqual(readCsv('a,b\n1,').rows, [{ line: 2, fields: ['1', ''] }]);
});

void test('unquotes fields: doubled quotes, delimiters and empty quoted fields', () => {
  const doc = readCsv('name,note\n"Smith, John","He said ""hi"""\n"",x\n"""",""""""\n');
  assert.deepEqual(doc.rows.map((r) => r.fields), [
    ['Smith, John', 'He said "hi"'],
    ['', 'x'],
    ['"', '""'],
  ]);
});

void test('keeps quotes inside unquoted fields and text after a closing quote', () => {
  const doc = readCsv('a,b\n12" screen,x\n"ab"cd,y\n');
  assert.deepEqual(doc.rows.map((r) => r.fields), [
    ['12" screen', 'x'],
    ['abcd', 'y'],
  ]);
});

void test('embedded newlines: a record spans lines and later line numbers stay right', () => {
  const text = 'id,address\n1,"Main St 1\nFlat 2\nAmsterdam"\n2,plain\n3,"a\r\nb"\r\n4,"x\ry"\n5,end\n';
  const doc = readCsv(text);
  assert.deepEqual(doc.rows, [
    { line: 2, fields: ['1', 'Main St 1\nFlat 2\nAmsterdam'] },
    { line: 5, fields: ['2', 'plain'] },
    { line: 6, fields: ['3', 'a\r\nb'] },
    { line: 8, fields: ['4', 'x\ry'] },
    { line: 10, fields: ['5', 'end'] },
  ]);
});

void test('embedded newline next to doubled quotes', () => {
  const doc = readCsv('a\n"say ""x""\nnow"\nnext\n');
  assert.deepEqual(doc.rows, [
    { line: 2, fields: ['say "x"\nnow'] },
    { line: 4, fields: ['next'] },
  ]);
});

void test('strips a UTF-8 BOM', () => {
  const doc = readCsv('\ufeffinvoice_number;amount\nF1;10,00\n');
  assert.equal(doc.delimiter, ';');
  assert.deepEqual(doc.header, ['invoice_number', 'amount']);
  assert.deepEqual(doc.rows, [{ line: 2, fields: ['F1', '10,00'] }]);
});

void test('CRLF and bare CR line ends', () => {
  assert.deepEqual(readCsv('a;b\r\n1;2\r\n3;4\r\n').rows, [
    { line: 2, fields: ['1', '2'] },
    { line: 3, fields: ['3', '4'] },
  ]);
  assert.deepEqual(readCsv('a;b\r1;2\r3;4').rows, [
    { line: 2, fields: ['1', '2'] },
    { line: 3, fields: ['3', '4'] },
  ]);
});

void test('skips completely empty lines but counts them', () => {
  const doc = readCsv('\n\na,b\n\n1,2\r\n\r\n\r\n3,4\n\n');
  assert.equal(doc.headerLine, 3);
  assert.deepEqual(doc.rows, [
    { line: 5, fields: ['1', '2'] },
    { line: 8, fields: ['3', '4'] },
  ]);
});

void test('an empty text gives an empty header and no rows', () => {
  assert.deepEqual(readCsv(''), { delimiter: ',', header: [], headerLine: 1, rows: [] });
  assert.deepEqual(readCsv('\ufeff\r\n').rows, []);
});

void test('detects the delimiter from the header line, outside quotes', () => {
  assert.equal(detectDelimiter('a,b,c\n1;2;3;4;5;6'), ',');
  assert.equal(detectDelimiter('a;b;c\n1,2,3,4,5,6'), ';');
  assert.equal(detectDelimiter('a\tb\tc\n'), '\t');
  assert.equal(detectDelimiter('"x;y;z",b,c\n'), ',');
  assert.equal(detectDelimiter('"x,y,z";"b";c\n'), ';');
  assert.equal(detectDelimiter('single\n1'), ',');
  assert.equal(detectDelimiter('\ufeff\n\nname;amount\n'), ';');
  assert.deepEqual(readCsv('a\tb\n"1\t2"\t3\n').rows, [{ line: 2, fields: ['1\t2', '3'] }]);
});

void test('an explicit delimiter wins over detection', () => {
  const doc = readCsv('a;b,c\n1;2,3\n', { delimiter: ',' });
  assert.equal(doc.delimiter, ',');
  assert.deepEqual(doc.header, ['a;b', 'c']);
  assert.deepEqual(doc.rows[0]?.fields, ['1;2', '3']);
});

void test('an unterminated quote throws CsvSyntaxError with the line where the field starts', () => {
  const text = 'a,b\n1,2\n3,"never\nclosed\n4,5\n';
  assert.throws(
    () => readCsv(text),
    (e: unknown) => e instanceof CsvSyntaxError && e.line === 3 && e.name === 'CsvSyntaxError' && /line 3/.test(e.message),
  );
  assert.throws(() => readCsv('a\n"x""'), (e: unknown) => e instanceof CsvSyntaxError && e.line === 2);
});

void test('many rows keep their line numbers', () => {
  const lines = ['n,v'];
  for (let k = 0; k < 1000; k++) lines.push(k % 10 === 0 ? `${k},"multi\nline"` : `${k},x`);
  const doc = readCsv(lines.join('\n'));
  assert.equal(doc.rows.length, 1000);
  let expected = 2;
  for (const row of doc.rows) {
    assert.equal(row.line, expected);
    expected += row.fields[1] === 'x' ? 1 : 2;
  }
});
