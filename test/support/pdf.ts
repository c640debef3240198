import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Text of a PDF as a reader sees it, extracted by poppler's pdftotext (Debian: poppler-utils).

export const hasPdftotext = spawnSync('pdftotext', ['-v']).status === 0;

export function pdfText(pdf: Uint8Array, options: { layout?: boolean } = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'arflow-pdf-'));
  try {
    writeFileSync(join(dir, 'd.pdf'), pdf);
    return execFileSync('pdftotext', [...(options.layout === false ? [] : ['-layout']), '-enc', 'UTF-8', join(dir, 'd.pdf'), '-'], { encoding: 'utf8' }).replace(/\u00a0/g, ' ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
