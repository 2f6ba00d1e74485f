import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AccreditationRow,
  accreditationColumns,
  FIXED_HEADERS,
  headerCells,
  rowCells,
} from './accreditation-columns';

const row: AccreditationRow = {
  cohortNumber: 4,
  cohortName: 'Cohort 4 (2018)',
  givenName: 'Zoë',
  familyName: '=HYPERLINK("http://x","y")',
  email: 'zoe@pod.test',
  profession: 'peer_support_worker',
  employer: '+cmd',
  route: 'graduate_certificate',
  enrolmentStatus: 'completed',
  enrolledOn: '2018-01-02',
  endedOn: '2018-12-14',
  sessionsEligible: 20,
  sessionsAttended: 17,
  attendancePercent: 83.3,
  commitmentPercent: 90,
  attendedHours: 102,
  approvedIndependentHours: 121.5,
  seatedOn: '2018-01-02',
  blockPercents: [100, null, 66.7],
  assessments: { ESSAY: 'pass', PRACTICE: 'refer' },
  completionDecision: 'completed',
  decidedOn: '2018-12-15',
  overridden: false,
  certificateSerial: 'POD-C4-0007',
  certificateStatus: 'issued',
  awardingBody: 'London South Bank University',
  awardTitle: '=Postgraduate Certificate',
  awardLevel: 7,
  awardCredits: 60,
  awardResult: 'merit',
  awardConferredOn: '2018-12-20',
};

describe('accreditation columns', () => {
  it.each([
    [{ blockCount: 0, assessmentCodes: [] }, []],
    [{ blockCount: 2, assessmentCodes: ['ESSAY'] }, ['Block 1 %', 'Block 2 %', 'ESSAY']],
    [
      { blockCount: 4, assessmentCodes: ['ESSAY', 'PRACTICE', 'PRESENT'] },
      ['Block 1 %', 'Block 2 %', 'Block 3 %', 'Block 4 %', 'ESSAY', 'PRACTICE', 'PRESENT'],
    ],
  ])('layout %j puts %j between the fixed columns', (layout, middle) => {
    expect(accreditationColumns(layout).map((c) => c.header)).toEqual([
      ...FIXED_HEADERS.leading,
      ...middle,
      ...FIXED_HEADERS.trailing,
    ]);
  });

  it('renders a row: numbers as numbers, text neutralised, missing values empty', () => {
    const columns = accreditationColumns({
      blockCount: 4,
      assessmentCodes: ['ESSAY', 'PRACTICE', 'PRESENT'],
    });
    const cells = Object.fromEntries(columns.map((c, i) => [c.header, rowCells(columns, row)[i]]));
    expect(cells).toEqual({
      'Cohort number': 4,
      'Cohort name': 'Cohort 4 (2018)',
      'Given name': 'Zoë',
      'Family name': `'=HYPERLINK("http://x","y")`,
      Email: 'zoe@pod.test',
      Profession: 'peer_support_worker',
      Employer: `'+cmd`,
      Route: 'graduate_certificate',
      'Enrolment status': 'completed',
      'Enrolled on': '2018-01-02',
      'Ended on': '2018-12-14',
      'Sessions eligible': 20,
      'Sessions attended': 17,
      'Attendance %': 83.3,
      'Commitment %': 90,
      'Attended contact hours': 102,
      'Approved independent hours': 121.5,
      'Seated on': '2018-01-02',
      'Block 1 %': 100,
      'Block 2 %': null,
      'Block 3 %': 66.7,
      'Block 4 %': null,
      ESSAY: 'pass',
      PRACTICE: 'refer',
      PRESENT: null,
      'Completion decision': 'completed',
      'Decided on': '2018-12-15',
      Overridden: 'no',
      'Certificate serial': 'POD-C4-0007',
      'Certificate status': 'issued',
      'Awarding body': 'London South Bank University',
      'Award title': `'=Postgraduate Certificate`,
      'Award level': 7,
      'Award credits': 60,
      'Award result': 'merit',
      'Award conferred on': '2018-12-20',
    });
  });

  it.each([
    [{ overridden: true }, 'Overridden', 'yes'],
    [{ overridden: null, completionDecision: null }, 'Overridden', null],
    [{ employer: null }, 'Employer', null],
    [{ attendancePercent: null }, 'Attendance %', null],
    [{ attendancePercent: -0.5 }, 'Attendance %', -0.5],
  ] as Array<[Partial<AccreditationRow>, string, unknown]>)(
    'with %j the %s cell is %j',
    (over, header, expected) => {
      const columns = accreditationColumns({ blockCount: 0, assessmentCodes: [] });
      const cells = rowCells(columns, { ...row, ...over });
      expect(cells[columns.findIndex((c) => c.header === header)]).toEqual(expected);
    },
  );

  it('words the same cells as labels for the XLSX, with assessments headed by their titles', () => {
    const layout = {
      blockCount: 0,
      assessmentCodes: ['ESSAY', 'PRACTICE', 'PRESENT'],
      assessments: [
        { code: 'ESSAY', title: 'Reflective essay' },
        { code: 'PRACTICE', title: 'Practice portfolio' },
      ],
    };
    const coded = accreditationColumns(layout);
    const labelled = accreditationColumns(layout, 'labels');
    expect(labelled.map((c) => c.header)).toEqual([
      ...FIXED_HEADERS.leading,
      'Reflective essay (ESSAY)',
      'Practice portfolio (PRACTICE)',
      'PRESENT',
      ...FIXED_HEADERS.trailing,
    ]);
    const cells = (columns: typeof coded) =>
      Object.fromEntries(columns.map((c, i) => [c.header, rowCells(columns, row)[i]]));
    expect(cells(labelled)).toMatchObject({
      Profession: 'Peer support worker',
      Route: 'Graduate certificate (level 6)',
      'Enrolment status': 'Completed',
      'Reflective essay (ESSAY)': 'Passed',
      'Practice portfolio (PRACTICE)': 'Referred',
      PRESENT: null,
      'Completion decision': 'Completed',
      'Certificate status': 'Issued',
      'Award result': 'Merit',
      'Family name': `'=HYPERLINK("http://x","y")`,
      'Attendance %': 83.3,
    });
    expect(cells(coded)).toMatchObject({ Profession: 'peer_support_worker', ESSAY: 'pass' });
  });

  it('neutralises an assessment code used as a header', () => {
    const columns = accreditationColumns({ blockCount: 0, assessmentCodes: ['=EVIL'] });
    expect(headerCells(columns)).toContain(`'=EVIL`);
  });

  it('docs/reports.md documents every column, in the export order', () => {
    const doc = readFileSync(join(__dirname, '../../docs/reports.md'), 'utf8');
    const section = doc.split('## Accreditation export columns')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\|\s*\d+\s*\|\s*`([^`]+)`\s*\|/gm)].map((m) => m[1]);
    expect(documented).toEqual([
      ...FIXED_HEADERS.leading,
      'Block n %',
      '<assessment code>',
      ...FIXED_HEADERS.trailing,
    ]);
  });
});
