import type { AtRiskReason, RuleResult } from '../completion/completion-rules';
import { atRiskReasons, ruleLine } from './progress-wording';
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

describe('atRiskReasons for staff', () => {
  it('speaks about the student rather than to them, with the same figures', () => {
    expect(
      atRiskReasons(
        [
          { type: 'attendance_unreachable', maxReachablePercent: 62.5, requiredPercent: 80 },
          { type: 'consecutive_absences', absences: 3, warnAfter: 3 },
        ],
        'staff',
      ),
    ).toEqual([
      'Even if they go to every session that is left, their attendance can reach at most 62.5%. They need 80% to complete the course.',
      'They have missed their last 3 sessions in a row.',
    ]);
    expect(
      atRiskReasons(
        [{ type: 'attendance_unreachable', maxReachablePercent: 80, requiredPercent: 80 }],
        'staff',
      ),
    ).toEqual(['Their attendance is close to the least they need to complete the course.']);
  });
});
