import type { AtRiskReason, RuleResult } from '../completion/completion-rules';
import { atRiskReasons, ruleLine, ruleShortfalls } from './progress-wording';
import { formatHours } from './view-helpers';

const assessments = [
  { code: 'ESSAY', title: 'Reflective essay' },
  { code: 'PRACTICE', title: 'Practice portfolio' },
  { code: 'PRESENT', title: 'Group presentation' },
];

describe('ruleLine', () => {
  it.each<[RuleResult, string]>([
    [
      { type: 'min_attendance_percent', required: 80, actual: 72.5, passed: false },
      'Attend at least 80% of your sessions — you are at 72.5%',
    ],
    [
      { type: 'min_attendance_percent', required: 80, actual: 100, passed: true },
      'Attend at least 80% of your sessions — you are at 100%',
    ],
    [
      { type: 'min_attendance_percent', required: 80, actual: null, passed: false },
      'Attend at least 80% of your sessions — none of your sessions has been counted yet',
    ],
    [
      { type: 'min_contact_hours', required: 60, actual: 42.5, passed: false },
      'Attend at least 60 hours of teaching — you have 42.5 hours',
    ],
    [
      { type: 'min_contact_hours', required: 1, actual: 1, passed: true },
      'Attend at least 1 hour of teaching — you have 1 hour',
    ],
    [
      { type: 'min_block_attendance_percent', required: 50, actual: 40, passed: false },
      'Attend at least 50% of every teaching block — your lowest block is at 40%',
    ],
    [
      { type: 'min_block_attendance_percent', required: 50, actual: null, passed: true },
      'Attend at least 50% of every teaching block — no block has been counted yet',
    ],
    [
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE'],
        actual: ['PRACTICE'],
        passed: false,
      },
      'Pass the Reflective essay',
    ],
    [
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE', 'X'],
        actual: [],
        passed: false,
      },
      'Pass the Reflective essay, the Practice portfolio and the X',
    ],
    [
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE'],
        actual: ['ESSAY', 'PRACTICE'],
        passed: true,
      },
      'Pass the Reflective essay and the Practice portfolio — done',
    ],
    [
      { type: 'assessments_passed', required: [], actual: [], passed: true },
      'No assessed work is required',
    ],
  ])('%j', (result, text) => {
    expect(ruleLine(result, assessments)).toEqual({ text, passed: result.passed });
  });
});

describe('formatHours', () => {
  it.each([
    [0, '0 hours'],
    [1, '1 hour'],
    [42.46, '42.5 hours'],
    [null, ''],
    [Number.NaN, ''],
  ])('%p -> %p', (value, text) => {
    expect(formatHours(value)).toBe(text);
  });
});

describe('atRiskReasons', () => {
  it.each<[string, AtRiskReason[], string[]]>([
    [
      'cannot reach the target',
      [{ type: 'attendance_unreachable', maxReachablePercent: 75, requiredPercent: 80 }],
      [
        'Even if you go to every session that is left, your attendance can reach at most 75%. You need 80% to complete the course.',
      ],
    ],
    [
      'a run of absences',
      [{ type: 'consecutive_absences', absences: 3, warnAfter: 3 }],
      ['You have missed your last 3 sessions in a row.'],
    ],
    [
      'both',
      [
        { type: 'attendance_unreachable', maxReachablePercent: 60, requiredPercent: 80 },
        { type: 'consecutive_absences', absences: 4, warnAfter: 3 },
      ],
      [
        'Even if you go to every session that is left, your attendance can reach at most 60%. You need 80% to complete the course.',
        'You have missed your last 4 sessions in a row.',
      ],
    ],
    [
      'flagged on an exact boundary the rounded figures cannot show',
      [{ type: 'attendance_unreachable', maxReachablePercent: 80, requiredPercent: 80 }],
      ['Your attendance is close to the least you need to complete the course.'],
    ],
    ['not at risk', [], []],
  ])('%s', (_label, reasons, expected) => {
    expect(atRiskReasons(reasons)).toEqual(expected);
  });
});

describe('atRiskReasons for the course team', () => {
  it.each<[string, AtRiskReason[], string[]]>([
    [
      'attendance that cannot reach the rule',
      [{ type: 'attendance_unreachable', maxReachablePercent: 68.8, requiredPercent: 80 }],
      [
        'Even attending every session that is left, attendance can reach at most 68.8%; 80% is needed to complete the course.',
      ],
    ],
    [
      'a run of absences',
      [{ type: 'consecutive_absences', absences: 4, warnAfter: 3 }],
      ['Missed the last 4 sessions in a row (the warning level is 3).'],
    ],
    [
      'an exact boundary the rounding hides',
      [{ type: 'attendance_unreachable', maxReachablePercent: 80, requiredPercent: 80 }],
      ['Attendance is close to the least needed to complete the course (80%).'],
    ],
  ])('%s', (_label, reasons, expected) => {
    expect(atRiskReasons(reasons, 'staff')).toEqual(expected);
  });
});

describe('ruleShortfalls', () => {
  const facts = {
    assessments: [
      { code: 'ESSAY', title: 'Reflective essay', outcome: 'refer', attempt: 2 },
      { code: 'PRACTICE', title: 'Practice portfolio', outcome: null, attempt: null },
      { code: 'PRESENT', title: 'Group presentation', outcome: 'fail', attempt: 1 },
    ],
    blocks: [
      { title: 'Residential week 1', percent: 90 },
      { title: 'Residential week 2', percent: 45 },
      { title: 'Residential week 3', percent: null },
    ],
  };

  it.each<[string, RuleResult, string[]]>([
    [
      'attendance below the rule',
      { type: 'min_attendance_percent', required: 80, actual: 72, passed: false },
      ['Attendance 72% (needs 80%)'],
    ],
    [
      'attendance not measured',
      { type: 'min_attendance_percent', required: 80, actual: null, passed: false },
      ['Attendance not measured yet (needs 80%)'],
    ],
    [
      'contact hours',
      { type: 'min_contact_hours', required: 60, actual: 42.5, passed: false },
      ['Contact hours 42.5 hours (needs 60 hours)'],
    ],
    [
      'independent study',
      { type: 'min_independent_hours', required: 120, actual: 100, passed: false },
      ['Approved independent study 100 hours (needs 120 hours)'],
    ],
    [
      'each block below the rule',
      { type: 'min_block_attendance_percent', required: 50, actual: 45, passed: false },
      ['Residential week 2: attendance 45% (needs 50%)'],
    ],
    [
      'a block the rounding shows at the threshold',
      { type: 'min_block_attendance_percent', required: 45, actual: 45, passed: false },
      ['Residential week 2: attendance 45% (needs 45%)'],
    ],
    [
      'each assessment not passed, with its outcome and attempt',
      {
        type: 'assessments_passed',
        required: ['ESSAY', 'PRACTICE', 'PRESENT'],
        actual: [],
        passed: false,
      },
      [
        'Reflective essay: referred at attempt 2, pass required',
        'Practice portfolio: not marked yet, pass required',
        'Group presentation: failed at attempt 1, pass required',
      ],
    ],
    [
      'an assessment code the course no longer lists',
      { type: 'assessments_passed', required: ['OLD'], actual: [], passed: false },
      ['OLD: not marked yet, pass required'],
    ],
    [
      'a rule that holds',
      { type: 'min_attendance_percent', required: 80, actual: 97, passed: true },
      [],
    ],
  ])('%s', (_label, result, expected) => {
    expect(ruleShortfalls(result, facts)).toEqual(expected);
  });
});
