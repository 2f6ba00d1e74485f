import {
  markingChanges,
  MarkingStudent,
  readMarkingForm,
  storedMarkingRows,
} from './assessment-form';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const students: MarkingStudent[] = [
  { enrolmentId: A, givenName: 'Ada', familyName: 'Okafor', result: null },
  {
    enrolmentId: B,
    givenName: 'Ben',
    familyName: 'Shah',
    result: { outcome: 'refer', mark: 38, note: 'Resubmit section 2' },
  },
];

describe('readMarkingForm and storedMarkingRows', () => {
  it('reads fields by enrolment id and shows recorded results', () => {
    const rows = readMarkingForm(
      {
        [`results.${A}.outcome`]: 'pass',
        [`results.${A}.mark`]: ' 72.5 ',
        [`results.${A}.note`]: ' Good ',
        [`results.${B}.outcome`]: ['pass', 'fail'],
      },
      students,
    );
    expect(rows).toEqual([
      { enrolmentId: A, outcome: 'pass', mark: '72.5', note: 'Good' },
      { enrolmentId: B, outcome: '', mark: '', note: '' },
    ]);
    expect(storedMarkingRows(students)[1]).toEqual({
      enrolmentId: B,
      outcome: 'refer',
      mark: '38',
      note: 'Resubmit section 2',
    });
  });
});

describe('markingChanges', () => {
  const row = (enrolmentId: string, outcome: string, mark = '', note = '') => ({
    enrolmentId,
    outcome,
    mark,
    note,
  });

  it.each([
    ['nothing chosen: nothing recorded', [row(A, '')], [], []],
    ['a new pass with a mark', [row(A, 'pass', '72.5')], [`${A}:pass:72.5:null`], []],
    [
      'the recorded result unchanged: not sent again',
      [row(B, 'refer', '38', 'Resubmit section 2')],
      [],
      [],
    ],
    [
      'a resubmission after a referral',
      [row(B, 'pass', '61', 'Resubmit section 2')],
      [`${B}:pass:61:Resubmit section 2`],
      [],
    ],
    [
      'a mark with no outcome',
      [row(A, '', '50')],
      [],
      [`results.${A}.outcome|Select an outcome for Ada Okafor`],
    ],
    [
      'a mark over 100',
      [row(A, 'pass', '101')],
      [],
      [`results.${A}.mark|Enter Ada Okafor's mark as a number from 0 to 100, like 65 or 72.5`],
    ],
    [
      'a mark with two decimals',
      [row(A, 'pass', '60.25')],
      [],
      [`results.${A}.mark|Enter Ada Okafor's mark as a number from 0 to 100, like 65 or 72.5`],
    ],
    [
      'an outcome the page does not offer',
      [row(A, 'merit')],
      [],
      [`results.${A}.outcome|Select an outcome for Ada Okafor`],
    ],
  ])('%s', (_label, rows, changes, errors) => {
    const result = markingChanges(rows, students);
    expect(result.changes.map((c) => `${c.enrolmentId}:${c.outcome}:${c.mark}:${c.note}`)).toEqual(
      changes,
    );
    expect(result.errors.map((e) => `${e.field}|${e.text}`)).toEqual(errors);
  });
});
