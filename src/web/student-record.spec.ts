import type { AuditTrailEvent } from '../audit/audit.service';
import type { ProgressView } from '../progress/progress.service';
import {
  detailsFormOf,
  professionItems,
  recordNotice,
  searchPage,
  statusHistory,
  studentRecordView,
  trailLine,
} from './student-record';

const E1 = '11111111-1111-4111-8111-111111111111';
const S1 = '22222222-2222-4222-8222-222222222222';
const ADMIN = '33333333-3333-4333-8333-333333333333';

let n = 0;
function event(over: Partial<AuditTrailEvent>): AuditTrailEvent {
  n += 1;
  return {
    id: `e${n}`,
    action: 'enrolment.create',
    entityType: 'enrolment',
    entityId: E1,
    before: null,
    after: null,
    actorId: ADMIN,
    actorRole: 'admin',
    actorName: 'Course Office',
    createdAt: new Date(Date.UTC(2018, 0, n)),
    ...over,
  };
}

describe('statusHistory', () => {
  it('lists the status changes of one enrolment, oldest first, with the reason given with each', () => {
    const events = [
      event({
        action: 'enrolment.reinstate',
        before: { status: 'withdrawn', reason: 'Left the trust' },
        after: { status: 'enrolled', reason: 'Withdrawn by mistake' },
        createdAt: new Date('2018-03-01T10:00:00Z'),
      }),
      event({
        action: 'enrolment.create',
        after: { status: 'waitlisted', reason: null },
        createdAt: new Date('2018-01-01T10:00:00Z'),
      }),
      event({
        action: 'enrolment.seat_from_waitlist',
        actorId: null,
        actorRole: 'system',
        actorName: null,
        before: { status: 'waitlisted', reason: null },
        after: { status: 'enrolled', reason: null },
        createdAt: new Date('2018-01-05T10:00:00Z'),
      }),
      event({
        action: 'enrolment.withdraw',
        before: { status: 'enrolled', reason: null },
        after: { status: 'withdrawn', reason: 'Left the trust' },
        createdAt: new Date('2018-02-01T10:00:00Z'),
      }),
      // A decision that kept the status, and another enrolment's change: not in the history.
      event({
        action: 'completion.overridden',
        before: { status: 'enrolled' },
        after: { status: 'enrolled', reason: 'Board' },
      }),
      event({ entityId: S1, after: { status: 'enrolled' } }),
    ];
    expect(statusHistory(E1, events).map((c) => [c.change, c.reason, c.by])).toEqual([
      ['Enrolled: On waiting list', null, 'Course Office'],
      ['Given a seat from the waiting list: On waiting list to Enrolled', null, 'The system'],
      ['Withdrawn: Enrolled to Withdrawn', 'Left the trust', 'Course Office'],
      [
        'Reinstated after withdrawal: Withdrawn to Enrolled',
        'Withdrawn by mistake',
        'Course Office',
      ],
    ]);
  });

  it('does not repeat a reason the row kept from an earlier change', () => {
    const [change] = statusHistory(E1, [
      event({
        action: 'completion.decided',
        before: { status: 'enrolled', reason: 'Deferred for illness' },
        after: { status: 'not_completed', reason: 'Deferred for illness' },
      }),
    ]);
    expect(change).toMatchObject({
      change: 'Completion decided by the rules: Enrolled to Not completed',
      reason: null,
    });
  });
});

describe('trailLine', () => {
  const names = new Map([[S1, 'Student record']]);

  it('names the fields a correction changed and its reason, never their values', () => {
    const line = trailLine(
      event({
        action: 'student.update',
        entityType: 'student',
        entityId: S1,
        after: { fields: ['givenName', 'registrationNumber'], reason: 'Misspelt at import' },
      }),
      names,
    );
    expect(line).toMatchObject({
      record: 'Student record',
      what: 'Details corrected',
      detail: 'Changed: given name, professional registration. Reason: Misspelt at import',
      by: 'Course Office',
    });
  });

  it('words an assessment, an attendance mark and an unknown action', () => {
    expect(
      trailLine(
        event({
          action: 'assessment.recorded',
          entityType: 'assessment_result',
          after: { code: 'ESSAY', outcome: 'refer', attempt: 2 },
        }),
        names,
      ),
    ).toMatchObject({ what: 'Assessed work marked', detail: 'Referred, attempt 2' });
    expect(
      trailLine(
        event({
          action: 'attendance.marked',
          entityType: 'attendance_record',
          after: { status: 'left_early' },
        }),
        names,
      ),
    ).toMatchObject({ record: 'attendance record', detail: 'Left early' });
    expect(
      trailLine(event({ action: 'thing.new', entityType: 'thing', after: null }), names),
    ).toMatchObject({ what: 'thing.new', detail: null });
  });

  it('says "A former admin" when the login that acted is gone', () => {
    expect(trailLine(event({ actorName: null }), names).by).toBe('A former admin');
  });
});

describe('studentRecordView', () => {
  const progress = (over: Partial<ProgressView>): ProgressView =>
    ({
      enrolmentId: E1,
      status: 'enrolled',
      attendance: { percent: 60 },
      blocks: [],
      assessments: [
        { code: 'ESSAY', title: 'Reflective essay', required: true, outcome: 'refer', attempt: 2 },
      ],
      independentStudy: { approvedHours: 0, pendingHours: 0, targetHours: 120 },
      rules: [
        { type: 'min_attendance_percent', required: 80, actual: 60, passed: false },
        { type: 'assessments_passed', required: ['ESSAY'], actual: [], passed: false },
      ],
      meetsCompletionRules: false,
      atRisk: true,
      atRiskReasons: [
        { type: 'attendance_unreachable', maxReachablePercent: 60, requiredPercent: 80 },
      ],
      ...over,
    }) as ProgressView;

  const sources = (status: 'enrolled' | 'withdrawn' | 'completed') => ({
    student: {
      id: S1,
      givenName: 'Tom',
      familyName: 'Baker',
      email: 'tom@example.org',
      profession: 'peer_support_worker' as const,
      employer: null,
      registrationNumber: null,
      erasedAt: null,
      userId: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    },
    enrolments: [{ id: E1, status, cohortName: 'Cohort 4' }] as never,
    progress: [progress({ status })],
    decisions: {},
    assessments: {},
    certificates: [],
    emails: { items: [], total: 0 },
    enrolmentEvents: [],
    trail: { items: [event({})], total: 3 },
  });

  it('explains an enrolled student at risk and every rule they fail, in the course team’s words', () => {
    const view = studentRecordView(sources('enrolled'));
    expect(view.student).toMatchObject({
      name: 'Tom Baker',
      professionLabel: 'Peer support worker',
    });
    const [e] = view.enrolments;
    expect(e.actions).toEqual(['withdraw', 'defer', 'transfer']);
    expect(e.canOverride).toBe(true);
    expect(e.progress).toMatchObject({
      atRisk: true,
      atRiskLines: [
        'Even attending every session that is left, attendance can reach at most 60%; 80% is needed to complete the course.',
      ],
      failing: [
        'Attendance 60% (needs 80%)',
        'Reflective essay: referred at attempt 2, pass required',
      ],
    });
    expect(view.trail).toMatchObject({ total: 3, more: true });
    expect(view.trail.items[0].record).toBe('Enrolment in Cohort 4');
  });

  it('offers reinstating a withdrawn enrolment, with no at-risk flag and no override', () => {
    const [e] = studentRecordView(sources('withdrawn')).enrolments;
    expect(e.actions).toEqual(['reinstate']);
    expect(e.canOverride).toBe(false);
    expect(e.progress).toMatchObject({ atRisk: false, atRiskLines: [] });
  });

  it('lets a decided enrolment be overridden', () => {
    const [e] = studentRecordView(sources('completed')).enrolments;
    expect(e.actions).toEqual([]);
    expect(e.canOverride).toBe(true);
  });
});

describe('the small parts', () => {
  it('reads the search page query, ignoring what is not a number', () => {
    expect(searchPage({ q: '  okafor ', offset: '50' })).toEqual({ q: 'okafor', offset: 50 });
    expect(searchPage({ q: ['a', 'b'], offset: '-1' })).toEqual({ q: '', offset: 0 });
    expect(searchPage({ q: 'x'.repeat(300) }).q).toHaveLength(200);
  });

  it('fills the details form from the record but never the reason', () => {
    const form = detailsFormOf({
      givenName: 'Amara',
      familyName: 'Okafor',
      email: 'a@example.org',
      profession: 'nurse',
      employer: null,
      registrationNumber: 'NMC1',
    } as never);
    expect(form).toMatchObject({ givenName: 'Amara', registrationNumber: 'NMC1', reason: '' });
  });

  it('offers every profession by its label, the current one chosen', () => {
    const items = professionItems('peer_support_worker');
    expect(items.find((i) => i.selected)).toEqual({
      value: 'peer_support_worker',
      text: 'Peer support worker',
      selected: true,
    });
    expect(professionItems('')[0]).toEqual({ value: '', text: 'Choose a profession' });
  });

  it('says what changed after a form sent the administrator back', () => {
    const enrolments = [{ id: E1, cohortName: 'Cohort 4', status: 'enrolled' as const }];
    expect(recordNotice({ updated: '1' }, enrolments)).toBe('Their details have been changed');
    expect(recordNotice({ changed: 'reinstate', enrolment: E1 }, enrolments)).toBe(
      'Their enrolment in Cohort 4 is now: Enrolled',
    );
    expect(recordNotice({ changed: 'reinstate', enrolment: S1 }, enrolments)).toBeNull();
    expect(recordNotice({}, enrolments)).toBeNull();
  });
});
