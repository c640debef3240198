// RFC 4180 CSV reader, built for large files: one pass over char codes, fields are slices of the
// input (no per-character string building). Lenient where spreadsheets are sloppy (a quote inside
// an unquoted field is kept as text; text after a closing quote is appended), strict only where
// data would be lost (an unterminated quote).

export type CsvDelimiter = ',' | ';' | '\t';

export interface CsvOptions {
  /** Field separator; detected from the header line when omitted. */
  delimiter?: CsvDelimiter;
}

export interface CsvRecord {
  /** 1-based physical line where the record starts (a quoted newline makes a record span lines). */
  line: number;
  fields: string[];
}

export interface CsvDocument {
  delimiter: CsvDelimiter;
  /** The first non-empty record; `[]` for an empty text. */
  header: string[];
  /** Line of the header: 1, unless the text starts with empty lines. */
  headerLine: number;
  rows: CsvRecord[];
}

/** The text cannot be split into records (an opened quote is never closed). */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError';
  /** 1-based line where the offending quoted field starts. */
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const COMMA = 0x2c;
const SEMICOLON = 0x3b;
const TAB = 0x09;

/**
 * Picks the most frequent of `,` `;` and tab outside quotes on the first non-empty line.
 * Ties go to `,` then `;` then tab; a line with none of them (a single column) gives `,`.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  let comma = 0;
  let semicolon = 0;
  let tab = 0;
  let inQuotes = false;
  let seenContent = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      inQuotes = !inQuotes; // a doubled quote toggles twice: no net effect
      seenContent = true;
    } else if (inQuotes) {
      continue;
    } else if (c === LF || c === CR) {
      if (seenContent) break;
    } else {
      seenContent = true;
      if (c === COMMA) comma++;
      else if (c === SEMICOLON) semicolon++;
      else if (c === TAB) tab++;
    }
  }
  if (semicolon > comma && semicolon >= tab) return ';';
  if (tab > comma && tab > semicolon) return '\t';
  return ',';
}

/** Line breaks (CRLF, LF or CR each count once) in `text[from, to)`. */
function countLineBreaks(text: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const c = text.charCodeAt(k);
    if (c === CR) count++;
    else if (c === LF && (k === 0 || text.charCodeAt(k - 1) !== CR)) count++;
  }
  return count;
}

/**
 * Reads a whole CSV text: strips a UTF-8 BOM, detects the delimiter unless given, splits records on
 * CRLF, LF or CR, unquotes fields (`""` inside quotes is one `"`; delimiters and line breaks inside
 * quotes are data), and skips completely empty lines. The first record is the header.
 * Throws `CsvSyntaxError` for a quote that is never closed.
 */
export function readCsv(text: string, options: CsvOptions = {}): CsvDocument {
  const delimiter = options.delimiter ?? detectDelimiter(text);
  const delim = delimiter.charCodeAt(0);
  const n = text.length;
  let i = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let header: string[] | null = null;
  let headerLine = 1;
  const rows: CsvRecord[] = [];

  while (i < n) {
    const first = text.charCodeAt(i);
    if (first === LF) {
      line++;
      i++;
      continue;
    }
    if (first === CR) {
      line++;
      i++;
      if (i < n && text.charCodeAt(i) === LF) i++;
      continue;
    }

    const recordLine = line;
    const fields: string[] = [];
    // One iteration per field; `i` is at the field's first char (or at n).
    for (;;) {
      let value: string;
      if (i < n && text.charCodeAt(i) === QUOTE) {
        const fieldLine = line;
        let segStart = i + 1;
        let parts: string | null = null;
        for (;;) {
          const q = text.indexOf('"', segStart);
          if (q < 0) {
            throw new CsvSyntaxError(`the quoted field that starts on line ${fieldLine} is never closed`, fieldLine);
          }
          line += countLineBreaks(text, segStart, q);
          if (q + 1 < n && text.charCodeAt(q + 1) === QUOTE) {
            parts = (parts ?? '') + text.slice(segStart, q + 1);
            segStart = q + 2;
            continue;
          }
          value = parts === null ? text.slice(segStart, q) : parts + text.slice(segStart, q);
          i = q + 1;
          break;
        }
        // Anything between the closing quote and the next delimiter is kept as text (`"a"b` → `ab`).
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          j++;
        }
        if (j > i) value += text.slice(i, j);
        i = j;
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === delim || c === LF || c === CR) break;
          j++;
        }
        value = text.slice(i, j);
        i = j;
      }
      fields.push(value);

      if (i >= n) break;
      const c = text.charCodeAt(i);
      if (c === delim) {
        i++;
        continue;
      }
      // Line break ends the record.
      line++;
      i++;
      if (c === CR && i < n && text.charCodeAt(i) === LF) i++;
      break;
    }

    if (header === null) {
      header = fields;
      headerLine = recordLine;
    } else {
      rows.push({ line: recordLine, fields });
    }
  }

  return { delimiter, header: header ?? [], headerLine, rows };
}
