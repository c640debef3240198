import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';

// A PDF as the post office and the debtor's banking app see it: rendered by poppler, areas of the
// page measured in millimetres, the QR code decoded.

// jsqr is CommonJS: its default export is the module itself.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default;

export const hasPoppler = spawnSync('pdftoppm', ['-v']).status === 0;
export const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

/** Page `page` (1-based) of the PDF as a PNG at `dpi`. */
export function renderPage(pdf: Uint8Array, dpi: number, page = 1): PNG {
  const dir = mkdtempSync(join(tmpdir(), 'arflow-letter-'));
  try {
    writeFileSync(join(dir, 'l.pdf'), pdf);
    execFileSync('pdftoppm', ['-r', String(dpi), '-png', '-f', String(page), '-l', String(page), '-singlefile', join(dir, 'l.pdf'), join(dir, 'p')]);
    return PNG.sync.read(readFileSync(join(dir, 'p.png')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text poppler finds on the pages (`-layout` unless asked otherwise; no-break spaces as spaces). */
export function pdfText(pdf: Uint8Array, options: { layout?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'arflow-pdf-'));
  try {
    writeFileSync(join(dir, 'd.pdf'), pdf);
    return execFileSync('pdftotext', [...(options.layout === false ? [] : ['-layout']), '-enc', 'UTF-8', join(dir, 'd.pdf'), '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Dark pixels inside a box given in millimetres from the top-left corner. */
export function darkIn(png: PNG, dpi: number, box: { left: number; top: number; width: number; height: number }): number {
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  let dark = 0;
  for (let y = px(box.top); y < px(box.top + box.height); y++) {
    for (let x = px(box.left); x < px(box.left + box.width); x++) {
      const i = (png.width * y + x) * 4;
      if (png.data[i]! < 128 && png.data[i + 1]! < 128 && png.data[i + 2]! < 128) dark++;
    }
  }
  return dark;
}

/** Any pixel that is not white inside the box (coloured ink counts too). */
export function inkIn(png: PNG, dpi: number, box: { left: number; top: number; width: number; height: number }): number {
  const px = (mm: number) => Math.round((mm / 25.4) * dpi);
  let ink = 0;
  for (let y = px(box.top); y < px(box.top + box.height); y++) {
    for (let x = px(box.left); x < px(box.left + box.width); x++) {
      const i = (png.width * y + x) * 4;
      if (png.data[i]! < 235 || png.data[i + 1]! < 235 || png.data[i + 2]! < 235) ink++;
    }
  }
  return ink;
}

/** The QR code on the page, decoded, or null. */
export function decodeQr(png: PNG): string | null {
  const code = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height);
  return code ? code.data : null;
}

/** The text inside a box given in millimetres from the top-left corner of page `page`. */
export function pdfTextIn(pdf: Uint8Array, box: { left: number; top: number; width: number; height: number }, page = 1): string {
  const dir = mkdtempSync(join(tmpdir(), 'arflow-letter-'));
  const pt = (mm: number) => String(Math.round((mm / 25.4) * 72));
  try {
    writeFileSync(join(dir, 'l.pdf'), pdf);
    return execFileSync('pdftotext', ['-f', String(page), '-l', String(page), '-x', pt(box.left), '-y', pt(box.top), '-W', pt(box.width), '-H', pt(box.height), join(dir, 'l.pdf'), '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
