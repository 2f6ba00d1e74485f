import { AnnualReturn, AnnualReturnCohort, FIGURE_DEFINITIONS } from './annual-return';
import {
  assessmentLabel,
  ASSESSMENT_OUTCOMES,
  AWARD_RESULTS,
  COHORT_STATUSES,
  labelOf,
  PROFESSIONS,
} from '../common/labels';
import { exceljs, pdfkit } from '../common/lazy-require';
import { safeCell } from './spreadsheet-safe';

type Cell = string | number | null;

/**
 * The return as a table: one row per figure, one column per cohort. Breakdowns (profession,
 * employer, bands, assessments, university results) take one row per value, the union over the
 * cohorts, so every cohort's column lines up. Codes read as their labels (common/labels.ts):
 * "Intake: Peer support worker", "Reflective essay attempt 1: Passed"; the JSON keeps the codes.
 */
export function annualReturnTable(r: AnnualReturn): { header: string[]; rows: Cell[][] } {
  const cs = r.cohorts;
  const row = (label: string, value: (c: AnnualReturnCohort) => Cell): Cell[] => [
    label,
    ...cs.map(value),
  ];
  const union = (keys: (c: AnnualReturnCohort) => string[]) => [...new Set(cs.flatMap(keys))];
  const professions = union((c) => c.intakeByProfession.map((p) => p.profession));
  const employers = union((c) => c.intakeByEmployer.map((p) => p.employer));
  const attempts = union((c) => c.assessments.map((a) => `${a.code}:${a.attempt}`)).sort();
  const rows: Cell[][] = [
    row('Status', (c) => labelOf(COHORT_STATUSES, c.status)),
    row('Start date', (c) => c.startDate),
    row('End date', (c) => c.endDate),
    row('Intake', (c) => c.intake),
    ...professions.map((p) =>
      row(
        `Intake: ${labelOf(PROFESSIONS, p)}`,
        (c) => c.intakeByProfession.find((x) => x.profession === p)?.count ?? 0,
      ),
    ),
    row('Peer support workers in the intake', (c) => c.peerSupportWorkers),
    ...employers.map((e) =>
      row(`Intake from: ${e}`, (c) => c.intakeByEmployer.find((x) => x.employer === e)?.count ?? 0),
    ),
    row('Seated', (c) => c.seated),
    row('Withdrawn', (c) => c.withdrawn),
    row('Deferred', (c) => c.deferred),
    row('Transferred', (c) => c.transferred),
    row('Completed', (c) => c.completed),
    row('Not completed', (c) => c.notCompleted),
    row('Completion rate %', (c) => c.completionRate),
    row('Contact hours scheduled', (c) => c.contactHoursScheduled),
    row('Contact hours delivered', (c) => c.contactHoursDelivered),
    row('Attendance measured (enrolments)', (c) => c.attendance.measured),
    row('Mean attendance %', (c) => c.attendance.meanPercent),
    ...(cs[0]?.attendance.bands ?? []).map((b, i) =>
      row(`Attendance ${b.band}`, (c) => c.attendance.bands[i].count),
    ),
    row('Mean approved independent hours', (c) => c.independentStudy.meanApprovedHours),
    row(
      `Meeting the ${r.targets.independentHours} h target`,
      (c) => c.independentStudy.meetingTarget,
    ),
    row(
      `Meeting the ${r.targets.independentHours} h target %`,
      (c) => c.independentStudy.meetingTargetPercent,
    ),
    ...attempts.flatMap((key) => {
      const [code, attempt] = key.split(':');
      const find = (c: AnnualReturnCohort) =>
        c.assessments.find((a) => a.code === code && a.attempt === Number(attempt));
      return (['pass', 'refer', 'fail'] as const).map((o) =>
        row(
          `${assessmentLabel(code, r.assessments)} attempt ${attempt}: ${labelOf(ASSESSMENT_OUTCOMES, o)}`,
          (c) => find(c)?.[o] ?? 0,
        ),
      );
    }),
    row('Certificates issued', (c) => c.certificates.issued),
    row('  of which issued on paper', (c) => c.certificates.onPaper),
    row('Certificates revoked', (c) => c.certificates.revoked),
    ...(['pass', 'merit', 'distinction', 'fail', 'pending', 'notRecorded'] as const).map((k) =>
      row(
        `University result: ${k === 'notRecorded' ? 'not recorded' : labelOf(AWARD_RESULTS, k)}`,
        (c) => c.universityResults[k],
      ),
    ),
  ];
  return { header: ['Figure', ...cs.map((c) => `Cohort ${c.number}`)], rows };
}

const title = (r: AnnualReturn) => `${r.courseCode} annual return ${r.year}: ${r.courseTitle}`;

/** Sheet 1 the figures (cohorts as columns), sheet 2 the definitions. No formulas, ever. */
export async function annualReturnXlsx(r: AnnualReturn): Promise<Buffer> {
  const workbook = new (exceljs().Workbook)();
  const sheet = workbook.addWorksheet('Annual return');
  const { header, rows } = annualReturnTable(r);
  const text = (v: Cell) => (typeof v === 'string' ? safeCell(v) : v);
  sheet.addRow([text(title(r))]).font = { bold: true, size: 14 };
  sheet.addRow([
    text(`Accredited by ${r.accreditationBody} (${r.accreditationLevel}); as of ${r.asOf}`),
  ]);
  sheet.addRow([]);
  sheet.addRow(header.map(text)).font = { bold: true };
  for (const values of rows) sheet.addRow(values.map(text));
  sheet.getColumn(1).width = 44;
  for (let i = 2; i <= header.length; i++) sheet.getColumn(i).width = 14;
  sheet.views = [{ state: 'frozen', ySplit: 4, xSplit: 1 }];
  const definitions = workbook.addWorksheet('Definitions');
  definitions.addRow(['Figure', 'Definition']).font = { bold: true };
  for (const [figure, definition] of FIGURE_DEFINITIONS) definitions.addRow([figure, definition]);
  definitions.getColumn(1).width = 44;
  definitions.getColumn(2).width = 120;
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A4 portrait, built-in Helvetica: the figures, a cohort per column, then the definitions. */
export function annualReturnPdf(r: AnnualReturn): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const doc = new (pdfkit())({
      size: 'A4',
      margin: 48,
      info: { Title: title(r), Creator: 'POD Cohorts', Producer: 'POD Cohorts' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);

    const { header, rows } = annualReturnTable(r);
    const left = doc.page.margins.left;
    const usable = doc.page.width - left - doc.page.margins.right;
    const labelWidth = 250;
    const columnWidth = Math.min(90, (usable - labelWidth) / Math.max(1, header.length - 1));
    doc.font('Helvetica-Bold').fontSize(15).text(title(r));
    doc
      .font('Helvetica')
      .fontSize(9)
      .fillColor('#4c6272')
      .text(`Accredited by ${r.accreditationBody} (${r.accreditationLevel}). As of ${r.asOf}.`)
      .moveDown();
    const line = (cells: Cell[], bold = false) => {
      if (doc.y > doc.page.height - doc.page.margins.bottom - 14) doc.addPage();
      const y = doc.y;
      doc
        .font(bold ? 'Helvetica-Bold' : 'Helvetica')
        .fontSize(9)
        .fillColor('#212b32');
      doc.text(String(cells[0] ?? ''), left, y, {
        width: labelWidth,
        lineBreak: false,
        ellipsis: true,
      });
      cells.slice(1).forEach((v, i) => {
        doc.text(v === null ? '-' : String(v), left + labelWidth + i * columnWidth, y, {
          width: columnWidth - 6,
          align: 'right',
          lineBreak: false,
        });
      });
      doc.x = left;
      doc.y = y + 13;
    };
    if (r.cohorts.length === 0) {
      doc.fontSize(11).text(`No cohort of the course ran in ${r.year}.`);
    } else {
      line(header, true);
      for (const values of rows) line(values);
    }
    doc.addPage();
    doc.font('Helvetica-Bold').fontSize(13).fillColor('#212b32').text('What each figure means');
    doc.moveDown(0.5);
    for (const [figure, definition] of FIGURE_DEFINITIONS) {
      doc.font('Helvetica-Bold').fontSize(9).text(figure);
      doc.font('Helvetica').fontSize(9).text(definition).moveDown(0.4);
    }
    doc.end();
  });
}
