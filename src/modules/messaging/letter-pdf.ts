import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import QRCode from 'qrcode';
import { epcQrPayload } from '../../core/epc-qr.ts';

// Letters as PDF: A4, the recipient's address in the window of a left-window envelope (DL/C5,
// window 20 mm from the left and 45 mm from the top, 90 × 45 mm, DIN 5008 form B), the letterhead,
// page numbers, and an EPC QR code (EPC069-12) for a SEPA transfer with the structured reference.
// NOTE: the address itself sits in the lower part of the window, 22 mm from the left and 60–85.5 mm
// from the top, and nothing is printed in the band above it (40–60 mm: postage and registered-mail
// label) nor within 5 mm of the sheet's edge: the layout print-and-mail services check before they
// accept a letter (https://help.pingen.com/en/faq-post/briefstandards-und-briefvorlagen).

const MM = 72 / 25.4;
const A4 = { width: 595.28, height: 841.89 };
export const ADDRESS_WINDOW_MM = { left: 20, top: 45, width: 90, height: 45 };
export const ADDRESS_ZONE_MM = { left: 22, top: 60, width: 85.5, height: 25.5 };

export interface LetterInput {
  organisation: { legalName: string; addressLines: string[]; iban: string; bic?: string | null; vatNumber?: string | null; cocNumber?: string | null; primaryColor?: string | null };
  recipient: { name: string; lines: string[] };
  date: string;
  subject: string;
  /** Plain text; paragraphs separated by blank lines. */
  body: string;
  payment: { amount: bigint; reference?: string | null; text?: string | null } | null;
  labels?: { page?: string; scanToPay?: string; registered?: string };
  /** Registered mail: the letter says so under the address window (the post's label goes on the envelope). */
  registered?: boolean;
}

/** Keeps what the standard PDF fonts can show (WinAnsi); other characters lose their accents or go. */
function winAnsi(text: string): string {
  const allowed = /[\n\u0020-\u007e\u00a0-\u00ff\u20ac\u2018\u2019\u201c\u201d\u2013\u2014\u2026\u2022]/;
  return [...text.normalize('NFC')]
    .map((c) => (allowed.test(c) ? c : c.normalize('NFD').replace(/[\u0300-\u036f]/g, '')))
    .filter((c) => allowed.test(c))
    .join('');
}

function colour(hex: string | null | undefined) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m ? rgb(parseInt(m[1]!, 16) / 255, parseInt(m[2]!, 16) / 255, parseInt(m[3]!, 16) / 255) : rgb(0.12, 0.29, 0.53);
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const next = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(next, size) > width && line) {
        lines.push(line);
        line = word;
      } else line = next;
    }
    lines.push(line);
  }
  return lines;
}

export async function letterPdf(input: LetterInput): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(winAnsi(input.subject));
  doc.setCreator('ArFlow');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const accent = colour(input.organisation.primaryColor);
  const left = 25 * MM;
  const right = A4.width - 20 * MM;
  const pages: PDFPage[] = [];

  const newPage = (): PDFPage => {
    const page = doc.addPage([A4.width, A4.height]);
    pages.push(page);
    // Letterhead and footer on every page.
    page.drawRectangle({ x: left, y: A4.height - 10 * MM, width: right - left, height: 2 * MM, color: accent });
    page.drawText(winAnsi(input.organisation.legalName), { x: right - bold.widthOfTextAtSize(winAnsi(input.organisation.legalName), 13), y: A4.height - 20 * MM, size: 13, font: bold, color: accent });
    input.organisation.addressLines.forEach((l, i) => {
      const t = winAnsi(l);
      page.drawText(t, { x: right - font.widthOfTextAtSize(t, 8), y: A4.height - 25 * MM - i * 10, size: 8, font });
    });
    const footer = winAnsi([input.organisation.legalName, input.organisation.cocNumber ? `KvK ${input.organisation.cocNumber}` : null, input.organisation.vatNumber ? `btw ${input.organisation.vatNumber}` : null, `IBAN ${input.organisation.iban}`, input.organisation.bic].filter(Boolean).join(' · '));
    page.drawText(footer, { x: left, y: 12 * MM, size: 7, font, color: rgb(0.35, 0.35, 0.35) });
    return page;
  };

  let page = newPage();
  // The address in the envelope window: at most six lines in the address zone.
  const zone = ADDRESS_ZONE_MM;
  const addressLines = [input.recipient.name, ...input.recipient.lines].slice(0, 6);
  const step = addressLines.length > 5 ? 10.5 : 12;
  let y = A4.height - (zone.top + 4) * MM;
  const addressX = (zone.left + 2) * MM;
  for (const [i, line] of addressLines.entries()) {
    let text = winAnsi(line);
    const f = i === 0 ? bold : font;
    while (text.length > 1 && f.widthOfTextAtSize(text, 10) > (zone.width - 4) * MM) text = text.slice(0, -1);
    page.drawText(text, { x: addressX, y, size: 10, font: f });
    y -= step;
  }

  y = A4.height - 100 * MM;
  if (input.registered) page.drawText(winAnsi(input.labels?.registered ?? 'AANGETEKEND / RECOMMANDÉ'), { x: left, y, size: 10, font: bold, color: accent });
  y = A4.height - 105 * MM;
  page.drawText(winAnsi(input.date), { x: left, y, size: 10, font });
  y -= 22;
  for (const line of wrap(winAnsi(input.subject), bold, 12, right - left)) {
    page.drawText(line, { x: left, y, size: 12, font: bold });
    y -= 16;
  }
  y -= 8;
  const qrSpace = input.payment ? 45 * MM : 0;
  for (const line of wrap(winAnsi(input.body), font, 10, right - left)) {
    if (y < 25 * MM + (pages.length === 1 ? 0 : 0)) {
      page = newPage();
      y = A4.height - 45 * MM;
    }
    page.drawText(line, { x: left, y, size: 10, font });
    y -= 14;
  }

  if (input.payment) {
    const payload = epcQrPayload({ name: input.organisation.legalName, iban: input.organisation.iban, bic: input.organisation.bic ?? null, amount: input.payment.amount, reference: input.payment.reference ?? null, text: input.payment.reference ? null : (input.payment.text ?? null) });
    const png = await QRCode.toBuffer(payload, { errorCorrectionLevel: 'M', margin: 2, width: 300 });
    const image = await doc.embedPng(png);
    if (y < 25 * MM + qrSpace) {
      page = newPage();
      y = A4.height - 45 * MM;
    }
    const size = 35 * MM;
    page.drawImage(image, { x: right - size, y: y - size, width: size, height: size });
    page.drawText(winAnsi(input.labels?.scanToPay ?? 'Scan om te betalen / Scan to pay'), { x: right - size, y: y - size - 10, size: 7, font });
  }

  pages.forEach((p, i) => {
    const label = `${input.labels?.page ?? ''}${i + 1}/${pages.length}`;
    p.drawText(label, { x: right - font.widthOfTextAtSize(label, 8), y: 12 * MM, size: 8, font });
  });
  return doc.save();
}
