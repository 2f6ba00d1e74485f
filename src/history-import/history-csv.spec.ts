import { HistoryContext, parseHistoryCsv } from './history-csv';

const ctx: HistoryContext = {
  sessions: new Map([
    ['2016-10-17T09:30', { id: 's1', contactMinutes: 180 }],
    ['2016-10-17T13:30', { id: 's2', contactMinutes: 180 }],
  ]),
  assessmentCodes: ['ESSAY', 'PRACTICE'],
  professions: ['nurse', 'peer_support_worker'],
  routes: ['graduate_certificate', 'postgraduate_certificate'],
  today: '2026-11-30',
};
const HEADER =
  'email,givenName,familyName,profession,route,enrolledOn,status,endedOn,' +
  'session:2016-10-17T09:30,session:2016-10-17T13:30,assessment:ESSAY,' +
  'decision,decidedOn,override,overrideReason,certificateSerial,certificateIssuedOn';
const base = {
  email: 'a@x.test',
  givenName: 'Ann',
  familyName: 'Lee',
  profession: 'Peer support worker',
  route: 'graduate_certificate',
  enrolledOn: '2016-10-01',
  status: 'completed',
  endedOn: '2017-10-20',
  s1: 'present',
  s2: 'late:120',
  essay: 'pass:2',
  decision: 'completed',
  decidedOn: '2017-10-20',
  override: '',
  overrideReason: '',
  certificateSerial: 'POD-C3-0001',
  certificateIssuedOn: '2017-11-01',
};
const line = (over: Partial<typeof base> = {}) => Object.values({ ...base, ...over }).join(',');
const parseLines = (...lines: string[]) => parseHistoryCsv([HEADER, ...lines].join('\n'), ctx);

describe('parseHistoryCsv', () => {
  it('reads a completed enrolment with its register, results, decision and paper certificate', () => {
    const { rows, errors } = parseLines(line());
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({
      line: 2,
      email: 'a@x.test',
      profession: 'peer_support_worker',
      status: 'completed',
      attendance: [
        { sessionId: 's1', status: 'present', minutes: 180 },
        { sessionId: 's2', status: 'late', minutes: 120 },
      ],
      assessments: [{ code: 'ESSAY', outcome: 'pass', attempt: 2 }],
      decision: { outcome: 'completed', decidedOn: '2017-10-20', override: false, reason: null },
      certificate: { serial: 'POD-C3-0001', issuedOn: '2017-11-01' },
    });
  });

  it.each([
    ['an unknown status', { status: 'enrolled' }, 'status: must be one of'],
    ['an impossible date', { endedOn: '2017-02-30' }, 'endedOn: "2017-02-30" is not a date'],
    [
      'an end before the start',
      { endedOn: '2016-09-01' },
      'endedOn: must not be before enrolledOn',
    ],
    ['a future end', { endedOn: '2026-12-01' }, 'endedOn: 2026-12-01 is in the future'],
    ['late without minutes', { s2: 'late' }, 'late needs the minutes attended'],
    ['late for the whole session', { s2: 'late:180' }, 'less than 180'],
    ['present with minutes', { s1: 'present:100' }, 'present takes no minutes'],
    ['an unknown mark', { s1: 'here' }, '"here" must be present'],
    ['an unknown outcome', { essay: 'merit' }, '"merit" must be pass, refer or fail'],
    ['attempt 0', { essay: 'pass:0' }, 'must be pass, refer or fail'],
    ['a decision against the status', { decision: 'not_completed' }, 'decision: must be completed'],
    ['a decision without a date', { decidedOn: '' }, 'decidedOn: is required'],
    ['an override without a reason', { override: 'yes' }, 'overrideReason: is required'],
    ['an override of maybe', { override: 'maybe' }, 'override: must be yes, no or empty'],
    [
      'a certificate on a withdrawal',
      { status: 'withdrawn', decision: '', decidedOn: '' },
      'certificateSerial: only a completed enrolment',
    ],
    [
      'a decision on a withdrawal',
      { status: 'withdrawn' },
      'decision: must be empty for a withdrawn',
    ],
    [
      'a serial with spaces',
      { certificateSerial: 'POD C3' },
      'certificateSerial: must be up to 40',
    ],
    ['a serial without a date', { certificateIssuedOn: '' }, 'certificateIssuedOn: is required'],
    ['an unknown route', { route: 'phd' }, 'route: must be one of'],
    ['an unknown profession', { profession: 'pilot' }, 'profession: "pilot" is not one of'],
    ['a bad email', { email: 'not-an-email' }, 'email: "not-an-email" is not a valid email'],
  ])('refuses %s, naming the column', (_name, over, message) => {
    const { rows, errors } = parseLines(line(over));
    expect(rows).toEqual([]);
    expect(errors).toContainEqual({ line: 2, message: expect.stringContaining(message) });
  });

  it('reads labels as well as codes: profession, route, status, decision, marks and outcomes', () => {
    const labelled = line({
      profession: 'PEER-SUPPORT-WORKER',
      route: 'Postgraduate certificate (level 7)',
      status: 'Not completed',
      s1: 'Excused',
      s2: 'Left early:90',
      essay: 'Referred:2',
      decision: 'Not completed',
      certificateSerial: '',
      certificateIssuedOn: '',
    });
    const { rows, errors } = parseLines(labelled);
    expect(errors).toEqual([]);
    expect(rows[0]).toMatchObject({
      profession: 'peer_support_worker',
      route: 'postgraduate_certificate',
      status: 'not_completed',
      attendance: [
        { sessionId: 's1', status: 'excused', minutes: 0 },
        { sessionId: 's2', status: 'left_early', minutes: 90 },
      ],
      assessments: [{ code: 'ESSAY', outcome: 'refer', attempt: 2 }],
      decision: { outcome: 'not_completed' },
    });
  });

  it('lists the accepted labels when a value matches none', () => {
    const { errors } = parseLines(
      line({ profession: 'pilot', route: 'phd', status: 'On waiting list' }),
    );
    expect(errors.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'profession: "pilot" is not one of Nurse, Peer support worker',
        'route: must be one of Graduate certificate (level 6), Postgraduate certificate (level 7)',
        'status: must be one of Completed, Not completed, Withdrawn, Deferred, Transferred (a finished cohort)',
      ]),
    );
  });

  it('numbers lines as the file does and catches repeats across lines', () => {
    const { errors } = parseLines(line(), '', line({ email: 'b@x.test' }), line());
    expect(errors).toEqual([
      { line: 4, message: 'certificateSerial: POD-C3-0001 also appears on line 2' },
      { line: 5, message: 'email: a@x.test also appears on line 2' },
      { line: 5, message: 'certificateSerial: POD-C3-0001 also appears on line 2' },
    ]);
  });

  it.each([
    ['an unknown column', 'email,route,enrolledOn,status,endedOn,colour', 'unknown column colour'],
    [
      'a session the cohort lacks',
      `${HEADER},session:2016-10-18T09:30`,
      'the cohort has no session',
    ],
    [
      'an assessment the course lacks',
      `${HEADER},assessment:EXAM`,
      'not an assessment of the course',
    ],
    ['a missing required column', 'email,route,enrolledOn,status', 'required column endedOn'],
    ['a repeated column', `${HEADER},email`, 'column email appears twice'],
  ])('refuses a header with %s as a whole (400)', (_name, header, message) => {
    expect(() => parseHistoryCsv(`${header}\n`, ctx)).toThrow(
      expect.objectContaining({
        status: 400,
        errors: expect.arrayContaining([
          { field: 'body', message: expect.stringContaining(message) },
        ]),
      }),
    );
  });
});
