import {
  allPresent,
  readRegisterForm,
  registerErrorsFromService,
  registerRecords,
  RegisterFormRow,
  storedRows,
} from './register-form';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const students = [
  { enrolmentId: A, studentName: 'Ada Okafor' },
  { enrolmentId: B, studentName: 'Ben Shah' },
];

const row = (over: Partial<RegisterFormRow>): RegisterFormRow => ({
  enrolmentId: A,
  status: '',
  minutes: '',
  note: '',
  ...over,
});

describe('readRegisterForm', () => {
  it('reads each student on the register by enrolment id, trimming, ignoring others', () => {
    const body = {
      _csrf: 't',
      [`records.${A}.status`]: 'late',
      [`records.${A}.minutes`]: ' 45 ',
      [`records.${A}.note`]: ' Train delayed ',
      [`records.${B}.status`]: ['present', 'absent'],
      'records.33333333-3333-4333-8333-333333333333.status': 'absent',
    };
    expect(readRegisterForm(body, students)).toEqual([
      row({ status: 'late', minutes: '45', note: 'Train delayed' }),
      row({ enrolmentId: B }),
    ]);
  });

  it.each([[undefined], ['text'], [null]])('reads %p as an empty register', (body) => {
    expect(readRegisterForm(body, students).map((r) => r.status)).toEqual(['', '']);
  });
});

describe('registerRecords', () => {
  it.each([
    ['no choice: not saved', row({}), [], []],
    [
      'present ignores minutes left in the box',
      row({ status: 'present', minutes: '30' }),
      [{ enrolmentId: A, status: 'present', note: null }],
      [],
    ],
    [
      'late with minutes',
      row({ status: 'late', minutes: '45', note: 'Bus' }),
      [{ enrolmentId: A, status: 'late', minutesAttended: 45, note: 'Bus' }],
      [],
    ],
    [
      'left early reads the minutes',
      row({ status: 'left_early', minutes: '200' }),
      [{ enrolmentId: A, status: 'left_early', minutesAttended: 200, note: null }],
      [],
    ],
    [
      'late without minutes',
      row({ status: 'late' }),
      [{ enrolmentId: A, status: 'late', note: null }],
      [`records.${A}.minutes|Enter how many minutes Ada Okafor attended`],
    ],
    [
      'left early with words for minutes',
      row({ status: 'left_early', minutes: 'an hour' }),
      [{ enrolmentId: A, status: 'left_early', note: null }],
      [`records.${A}.minutes|Enter the minutes Ada Okafor attended as a whole number, like 45`],
    ],
    [
      'negative minutes',
      row({ status: 'late', minutes: '-5' }),
      [{ enrolmentId: A, status: 'late', note: null }],
      [`records.${A}.minutes|Enter the minutes Ada Okafor attended as a whole number, like 45`],
    ],
    [
      'a status the page does not offer',
      row({ status: 'asleep' }),
      [],
      [`records.${A}.status|Select whether Ada Okafor attended`],
    ],
    [
      'a note that is too long',
      row({ status: 'absent', note: 'x'.repeat(1001) }),
      [{ enrolmentId: A, status: 'absent', note: 'x'.repeat(1001) }],
      [`records.${A}.note|The note about Ada Okafor must be 1000 characters or fewer`],
    ],
  ])('%s', (_label, given, records, errors) => {
    const result = registerRecords([given], students);
    expect(result.records).toEqual(records);
    expect(result.errors.map((e) => `${e.field}|${e.text}`)).toEqual(errors);
    for (const e of result.errors) expect(e.href).toBe(`#${e.field?.replace(/\./g, '-')}`);
  });
});

describe('registerErrorsFromService', () => {
  const sent = [
    { enrolmentId: B, status: 'present' as const, note: null },
    { enrolmentId: A, status: 'left_early' as const, minutesAttended: 400, note: null },
  ];

  it.each([
    [
      'records[1].minutesAttended',
      'minutesAttended for left_early must be more than 0 and less than 360',
      `records.${A}.minutes`,
      'Ada Okafor: minutes attended for left early must be more than 0 and less than 360',
    ],
    [
      'records[0].enrolmentId',
      `enrolment ${B} is not seated in this session's cohort`,
      `records.${B}.status`,
      'Ben Shah no longer holds a seat in this cohort: reload the register',
    ],
    ['body', 'something else', undefined, 'Something else'],
    ['records[9].minutesAttended', 'minutesAttended is odd', undefined, 'Minutes attended is odd'],
  ])('%s: %s', (field, message, expectedField, expectedText) => {
    const [error] = registerErrorsFromService([{ field, message }], sent, students);
    expect(error.field).toBe(expectedField);
    expect(error.text).toBe(expectedText);
  });
});

describe('storedRows and allPresent', () => {
  it('shows stored minutes only for late and left early', () => {
    const rows = storedRows([
      { enrolmentId: A, record: { status: 'late', minutesAttended: 30, note: 'Bus' } },
      { enrolmentId: B, record: null },
    ]);
    expect(rows).toEqual([
      row({ status: 'late', minutes: '30', note: 'Bus' }),
      row({ enrolmentId: B }),
    ]);
    // A choice already made stands; only the unmarked become present.
    expect(allPresent(rows).map((r) => [r.status, r.note])).toEqual([
      ['late', 'Bus'],
      ['present', ''],
    ]);
  });
});
