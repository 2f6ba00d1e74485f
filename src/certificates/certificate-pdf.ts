import QRCode from 'qrcode';
import { pdfkit } from '../common/lazy-require';

export interface CertificatePdfInput {
  holderName: string;
  courseTitle: string;
  provider: string;
  accreditationLine: string;
  cohortName: string;
  /** The route in words, e.g. "Graduate Certificate (level 6)". */
  routeInWords: string;
  contactHours: number;
  /** Shown as given (already formatted in the cohort's time zone). */
  completedOn: string | null;
  issuedOn: string;
  /** The instant of issue: it becomes the PDF's CreationDate, so a render is reproducible. */
  issuedAt: Date;
  serial: string;
  /** Grouped for reading, e.g. "ABCD-EFGH-JKMN-PQ". */
  verificationCode: string;
  verificationUrl: string;
}

/** The modules of a QR code: `size` x `size`, row-major, 1 = dark. */
export interface QrMatrix {
  size: number;
  data: Uint8Array;
}

/**
 * The QR code of the public verification URL, computed before any lock is taken. It is drawn
 * into the PDF as vector squares rather than embedded as a PNG: sharp at any print size, a
 * few hundred bytes, and about a hundred times cheaper than encoding a PNG.
 */
export function verificationQr(url: string): QrMatrix {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  return { size: modules.size, data: modules.data };
}

/**
 * Renders the certificate once, at issue: A4 landscape, built-in Helvetica (no font files, no
 * clock, no randomness), with CreationDate set to the issue instant so the same input gives
 * the same bytes. The stored bytes, not a re-render, are what anyone downloads later.
 */
export function renderCertificatePdf(input: CertificatePdfInput, qr: QrMatrix): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new (pdfkit())({
      size: 'A4',
      layout: 'landscape',
      margin: 0,
      info: {
        Title: `Certificate ${input.serial}`,
        Author: input.provider,
        Subject: input.courseTitle,
        Creator: 'POD Cohorts',
        Producer: 'POD Cohorts',
        CreationDate: input.issuedAt,
        ModDate: input.issuedAt,
      },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const width = doc.page.width;
    const height = doc.page.height;
    const blue = '#005eb8';
    const ink = '#212b32';
    const grey = '#4c6272';
    const inner = { x: 48, width: width - 96 };
    const centred = (text: string, y: number, size: number, font = 'Helvetica', color = ink) =>
      doc.font(font).fontSize(size).fillColor(color).text(text, inner.x, y, {
        width: inner.width,
        align: 'center',
      });

    doc
      .lineWidth(3)
      .strokeColor(blue)
      .rect(24, 24, width - 48, height - 48)
      .stroke();
    doc
      .lineWidth(0.75)
      .rect(32, 32, width - 64, height - 64)
      .stroke();

    centred(input.provider, 72, 12, 'Helvetica', grey);
    centred('Certificate of completion', 100, 30, 'Helvetica-Bold', blue);
    centred('This is to certify that', 164, 13);
    centred(input.holderName, 188, 30, 'Helvetica-Bold');
    centred('has completed', 236, 13);
    centred(input.courseTitle, 260, 18, 'Helvetica-Bold');
    const afterTitle = doc.y + 6;
    centred(`at ${input.routeInWords}`, afterTitle, 13);
    centred(input.accreditationLine, doc.y + 10, 12, 'Helvetica-Oblique', grey);

    const facts = [
      `${input.cohortName}`,
      input.completedOn ? `Completed ${input.completedOn}` : null,
      `Contact hours attended: ${input.contactHours.toFixed(1)}`,
      `Issued ${input.issuedOn}`,
    ].filter((s): s is string => s !== null);
    centred(facts.join('   \u00b7   '), doc.y + 16, 11);

    const qrSize = 96;
    const qrX = width - 56 - qrSize;
    const qrY = height - 56 - qrSize;
    const quiet = 2;
    const cell = qrSize / (qr.size + 2 * quiet);
    doc.rect(qrX, qrY, qrSize, qrSize).fill('#ffffff');
    // One rectangle per horizontal run of dark modules: no hairline seams between neighbours.
    for (let row = 0; row < qr.size; row++) {
      let col = 0;
      while (col < qr.size) {
        if (!qr.data[row * qr.size + col]) {
          col++;
          continue;
        }
        const start = col;
        while (col < qr.size && qr.data[row * qr.size + col]) col++;
        doc.rect(
          qrX + (start + quiet) * cell,
          qrY + (row + quiet) * cell,
          (col - start) * cell,
          cell,
        );
      }
    }
    doc.fill('#000000');

    const left = 56;
    let y = height - 56 - qrSize + 4;
    const line = (label: string, value: string) => {
      doc.font('Helvetica').fontSize(10).fillColor(grey).text(label, left, y, { lineBreak: false });
      doc
        .font('Helvetica-Bold')
        .fontSize(11)
        .fillColor(ink)
        .text(value, left + 110, y - 1, { lineBreak: false });
      y += 20;
    };
    line('Serial', input.serial);
    line('Verification code', input.verificationCode);
    line('Verify at', input.verificationUrl);
    doc
      .font('Helvetica')
      .fontSize(8)
      .fillColor(grey)
      .text(
        'Scan the code or visit the address to check that this certificate is genuine and current.',
        left,
        y + 2,
        { width: qrX - left - 24 },
      );

    doc.end();
  });
}

/** The academic route as words on the certificate and in emails. */
export function routeInWords(route: string): string {
  switch (route) {
    case 'graduate_certificate':
      return 'Graduate Certificate (level 6)';
    case 'postgraduate_certificate':
      return 'Postgraduate Certificate (level 7)';
    default:
      return route.replace(/_/g, ' ');
  }
}

/**
 * "Accredited by AFT as a Foundation level training in family therapy and systemic practice".
 * AFT accredits family therapy and systemic practice, so that field is named for it.
 */
export function accreditationLine(body: string, level: string): string {
  const field = /^AFT\b|family therapy/i.test(body)
    ? ' in family therapy and systemic practice'
    : '';
  return `Accredited by ${body} as a ${level} level training${field}`;
}
