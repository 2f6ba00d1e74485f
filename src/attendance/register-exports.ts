import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { ATTENDANCE_STATUSES, labelOf } from '../common/labels';
import { pdfkit } from '../common/lazy-require';
import { safeCell } from '../reports/spreadsheet-safe';
import type { RegisterView } from './attendance.service';

/**
 * Column order of a register's CSV; a header row names them. `status` keeps the API's code for
 * scripts; `statusLabel`, appended last so the earlier columns keep their places, says it in
 * words for the tutor who opens the file ("Left early").
 */
export const REGISTER_CSV_COLUMNS = [
  'familyName',
  'givenName',
  'enrolmentId',
  'status',
  'minutesAttended',
  'note',
  'checkedInAt',
  'markedBy',
  'markedAt',
  'statusLabel',
] as const;

/**
 * One register as CSV (UTF-8 with a BOM, CRLF, for spreadsheets). Text cells go through the
 * reports' formula guard, so a note or a name starting with `=` stays text.
 */
export function registerCsv(register: RegisterView): string {
  const rows = register.items.map((i) => [
    i.familyName,
    i.givenName,
    i.enrolmentId,
    i.record?.status ?? '',
    i.record ? i.record.minutesAttended : null,
    i.record?.note ?? '',
    i.record?.checkedInAt ? new Date(i.record.checkedInAt).toISOString() : '',
    i.record?.markedByName ?? '',
    i.record ? new Date(i.record.markedAt).toISOString() : '',
    i.record ? labelOf(ATTENDANCE_STATUSES, i.record.status) : '',
  ]);
  return stringify([[...REGISTER_CSV_COLUMNS], ...rows.map((r) => r.map(safeCell))], {
    bom: true,
    record_delimiter: 'windows',
  });
}

/**
 * A printable sign-in sheet for the door of a residential day: the session, then one row per
 * seated student (name, a box to sign, arrival time), A4 portrait, repeated header per page.
 */
export function signInSheetPdf(
  register: RegisterView,
  facts: { cohortName: string; timezone: string; location: string | null },
): Promise<Buffer> {
  const doc = new (pdfkit())({
    size: 'A4',
    margin: 40,
    info: { Title: `Sign-in sheet: ${register.session.title}` },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) =>
    doc.on('end', () => resolve(Buffer.concat(chunks))),
  );

  const start = DateTime.fromJSDate(new Date(register.session.startsAt), { zone: facts.timezone });
  const end = DateTime.fromJSDate(new Date(register.session.endsAt), { zone: facts.timezone });
  const left = 40;
  const widths = [210, 200, 105];
  const rowHeight = 26;
  const header = () => {
    doc
      .font('Helvetica-Bold')
      .fontSize(14)
      .text(`Sign-in sheet: ${register.session.title}`, left, 40);
    doc
      .font('Helvetica')
      .fontSize(10)
      .text(
        `${facts.cohortName}. ${start.toFormat('cccc d LLLL yyyy')}, ${start.toFormat('HH:mm')} to ${end.toFormat('HH:mm')}${facts.location ? `, ${facts.location}` : ''}`,
      );
    const y = doc.y + 8;
    doc.font('Helvetica-Bold');
    ['Name', 'Signature', 'Time of arrival'].forEach((h, i) => {
      doc.text(h, left + widths.slice(0, i).reduce((a, b) => a + b, 0) + 4, y + 8, {
        width: widths[i] - 8,
      });
    });
    doc.font('Helvetica');
    return y + rowHeight;
  };
  let y = header();
  for (const item of register.items) {
    if (y + rowHeight > doc.page.height - 40) {
      doc.addPage();
      y = header();
    }
    let x = left;
    for (const w of widths) {
      doc.rect(x, y, w, rowHeight).stroke();
      x += w;
    }
    doc.text(`${item.familyName}, ${item.givenName}`, left + 4, y + 8, {
      width: widths[0] - 8,
      lineBreak: false,
      ellipsis: true,
    });
    y += rowHeight;
  }
  doc.end();
  return done;
}
