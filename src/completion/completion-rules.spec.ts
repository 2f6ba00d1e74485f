import {
  attendancePercent,
  attendanceThreshold,
  commitmentPercent,
  CompletionFacts,
  CompletionRule,
  evaluateCompletion,
  evaluateRule,
  isAtRisk,
  maxReachablePercent,
} from './completion-rules';

const facts = (over: Partial<CompletionFacts> = {}): CompletionFacts => ({
  attendedMinutes: 0,
  eligibleMinutes: 0,
  excusedMinutes: 0,
  blocks: [],
  assessments: {},
  requiredAssessmentCodes: [],
  ...over,
});
const block = (id: string, attended: number, eligible: number, excused = 0) => ({
  blockId: id,
  title: `Block ${id}`,
  attendedMinutes: attended,
  eligibleMinutes: eligible,
  excusedMinutes: excused,
});

describe('attendance measures', () => {
  it.each([
    [
      'no eligible minutes',
      { attendedMinutes: 0, eligibleMinutes: 0, excusedMinutes: 0 },
      null,
      null,
    ],
    ['all excused', { attendedMinutes: 0, eligibleMinutes: 300, excusedMinutes: 300 }, null, 100],
    [
      'full attendance',
      { attendedMinutes: 300, eligibleMinutes: 300, excusedMinutes: 0 },
      100,
      100,
    ],
    [
      'excused leaves the denominator',
      { attendedMinutes: 200, eligibleMinutes: 400, excusedMinutes: 100 },
      66.7,
      75,
    ],
    ['five of six', { attendedMinutes: 250, eligibleMinutes: 300, excusedMinutes: 0 }, 83.3, 83.3],
  ])('%s', (_name, f, attendance, commitment) => {
    expect(attendancePercent(f)).toBe(attendance);
    expect(commitmentPercent(f)).toBe(commitment);
  });
});

describe('evaluateRule', () => {
  const pct80: CompletionRule = { type: 'min_attendance_percent', value: 80 };
  it.each([
    [
      'exactly 80.0% passes an 80% rule',
      facts({ attendedMinutes: 800, eligibleMinutes: 1000 }),
      true,
      80,
    ],
    [
      '79.95% fails an 80% rule',
      facts({ attendedMinutes: 7995, eligibleMinutes: 10000 }),
      false,
      80,
    ],
    [
      '79.99% fails an 80% rule',
      facts({ attendedMinutes: 7999, eligibleMinutes: 10000 }),
      false,
      80,
    ],
    [
      'excused minutes leave the denominator',
      facts({ attendedMinutes: 400, eligibleMinutes: 600, excusedMinutes: 100 }),
      true,
      80,
    ],
    ['a student with no sessions yet fails', facts(), false, null],
    [
      'all excused has nothing to measure and fails',
      facts({ eligibleMinutes: 600, excusedMinutes: 600 }),
      false,
      null,
    ],
  ])('min_attendance_percent: %s', (_name, f, passed, actual) => {
    expect(evaluateRule(pct80, f)).toEqual({
      type: 'min_attendance_percent',
      required: 80,
      actual,
      passed,
    });
  });

  it('min_attendance_percent with a fractional threshold compares exactly', () => {
    const rule: CompletionRule = { type: 'min_attendance_percent', value: 66.7 };
    expect(evaluateRule(rule, facts({ attendedMinutes: 667, eligibleMinutes: 1000 })).passed).toBe(
      true,
    );
    expect(evaluateRule(rule, facts({ attendedMinutes: 666, eligibleMinutes: 1000 })).passed).toBe(
      false,
    );
  });

  it.each([
    ['exactly 60 hours passes', 3600, true, 60],
    ['one minute short fails', 3599, false, 60],
    ['no sessions yet fails', 0, false, 0],
  ])('min_contact_hours: %s', (_name, attended, passed, actual) => {
    expect(
      evaluateRule(
        { type: 'min_contact_hours', value: 60 },
        facts({ attendedMinutes: attended, eligibleMinutes: 4000 }),
      ),
    ).toEqual({
      type: 'min_contact_hours',
      required: 60,
      actual,
      passed,
    });
  });

  it.each([
    ['every block at or over 50% passes', [block('a', 150, 300), block('b', 300, 300)], true, 50],
    ['one block under 50% fails', [block('a', 149, 300), block('b', 300, 300)], false, 49.7],
    [
      'a block with no eligible sessions is not held against the student',
      [block('a', 0, 0), block('b', 200, 300)],
      true,
      66.7,
    ],
    [
      'a fully excused block is not held against the student',
      [block('a', 0, 300, 300), block('b', 200, 300)],
      true,
      66.7,
    ],
    ['no blocks at all passes with nothing measured', [], true, null],
  ])('min_block_attendance_percent: %s', (_name, blocks, passed, actual) => {
    expect(
      evaluateRule({ type: 'min_block_attendance_percent', value: 50 }, facts({ blocks })),
    ).toEqual({
      type: 'min_block_attendance_percent',
      required: 50,
      actual,
      passed,
    });
  });

  it.each([
    [
      'listed codes all passed',
      { type: 'assessments_passed', codes: ['ESSAY'] },
      { ESSAY: 'pass' },
      true,
      ['ESSAY'],
      ['ESSAY'],
    ],
    [
      'a referred listed code fails',
      { type: 'assessments_passed', codes: ['ESSAY'] },
      { ESSAY: 'refer' },
      false,
      ['ESSAY'],
      [],
    ],
    [
      'codes omitted means every required assessment',
      { type: 'assessments_passed' },
      { ESSAY: 'pass' },
      false,
      ['ESSAY', 'REFLECTION'],
      ['ESSAY'],
    ],
    [
      'codes omitted, all required passed',
      { type: 'assessments_passed' },
      { ESSAY: 'pass', REFLECTION: 'pass' },
      true,
      ['ESSAY', 'REFLECTION'],
      ['ESSAY', 'REFLECTION'],
    ],
    [
      'missing result fails',
      { type: 'assessments_passed', codes: ['ESSAY'] },
      {},
      false,
      ['ESSAY'],
      [],
    ],
  ] as const)('assessments_passed: %s', (_name, rule, assessments, passed, required, actual) => {
    const result = evaluateRule(
      rule as CompletionRule,
      facts({
        assessments: assessments,
        requiredAssessmentCodes: ['ESSAY', 'REFLECTION'],
      }),
    );
    expect(result).toEqual({ type: 'assessments_passed', required, actual, passed });
  });
});

describe('evaluateCompletion', () => {
  const rules: CompletionRule[] = [
    { type: 'min_attendance_percent', value: 80 },
    { type: 'min_contact_hours', value: 1 },
    { type: 'assessments_passed', codes: ['ESSAY'] },
  ];

  it('passes only when every rule holds, and explains each', () => {
    const ok = evaluateCompletion(
      rules,
      facts({ attendedMinutes: 120, eligibleMinutes: 120, assessments: { ESSAY: 'pass' } }),
    );
    expect(ok.passed).toBe(true);
    expect(ok.results.map((r) => r.passed)).toEqual([true, true, true]);

    const notOk = evaluateCompletion(
      rules,
      facts({ attendedMinutes: 120, eligibleMinutes: 120, assessments: { ESSAY: 'fail' } }),
    );
    expect(notOk.passed).toBe(false);
    expect(notOk.results.map((r) => r.passed)).toEqual([true, true, false]);
  });

  it('no rules at all means complete', () => {
    expect(evaluateCompletion([], facts()).passed).toBe(true);
  });
});

describe('outlook: max reachable % and at risk', () => {
  const outlook = (attended: number, eligible: number, excused: number, remaining: number) => ({
    attendedMinutes: attended,
    eligibleMinutes: eligible,
    excusedMinutes: excused,
    remainingMinutes: remaining,
  });

  it.each([
    ['nothing yet, nothing left', outlook(0, 0, 0, 0), null],
    ['nothing yet, all ahead', outlook(0, 0, 0, 600), 100],
    // (200 + 600) / (400 - 100 + 600) = 800 / 900
    ['excused leave the denominator', outlook(200, 400, 100, 600), 88.9],
    // (300 + 0) / (600 - 0 + 0)
    ['no sessions left: the attendance % itself', outlook(300, 600, 0, 0), 50],
    ['all excused, nothing left', outlook(0, 600, 600, 0), null],
  ])('maxReachablePercent: %s', (_name, f, expected) => {
    expect(maxReachablePercent(f)).toBe(expected);
  });

  it.each([
    // (800 + 0) / 1000 = 80.0% exactly reaches an 80% threshold
    ['reaching exactly 80.0% is not at risk', outlook(800, 1000, 0, 0), 0, false],
    // 7995 / 10000 = 79.95% cannot reach 80%
    ['79.95% reachable is at risk', outlook(7995, 10000, 0, 0), 0, true],
    ['plenty ahead is not at risk', outlook(0, 300, 0, 3000), 0, false],
    ['nothing measurable is not at risk', outlook(0, 0, 0, 0), 0, false],
    ['all excused is not at risk', outlook(0, 600, 600, 0), 0, false],
    ['absences at the warning level are at risk', outlook(3000, 3300, 0, 3000), 3, true],
    ['absences below the warning level are not', outlook(3000, 3300, 0, 3000), 2, false],
  ])('isAtRisk (80%%, warn after 3): %s', (_name, f, absences, expected) => {
    expect(isAtRisk({ ...f, consecutiveAbsences: absences }, 80, 3).atRisk).toBe(expected);
  });

  it('no attendance rule: only absences put a student at risk', () => {
    expect(isAtRisk({ ...outlook(0, 1000, 0, 0), consecutiveAbsences: 1 }, null, 3).atRisk).toBe(
      false,
    );
    expect(isAtRisk({ ...outlook(0, 1000, 0, 0), consecutiveAbsences: 3 }, null, 3).atRisk).toBe(
      true,
    );
  });

  it('returns the reasons it found, with the figures they were found on', () => {
    // 7995 / 10000 cannot reach 80% (79.95% rounds to 80.0 for display), and 4 absences in a row.
    expect(isAtRisk({ ...outlook(7995, 10000, 0, 0), consecutiveAbsences: 4 }, 80, 3)).toEqual({
      atRisk: true,
      reasons: [
        { type: 'attendance_unreachable', maxReachablePercent: 80, requiredPercent: 80 },
        { type: 'consecutive_absences', absences: 4, warnAfter: 3 },
      ],
    });
    expect(isAtRisk({ ...outlook(800, 1000, 0, 0), consecutiveAbsences: 0 }, 80, 3)).toEqual({
      atRisk: false,
      reasons: [],
    });
  });

  it('a warning level of 0 turns the absence test off', () => {
    expect(isAtRisk({ ...outlook(0, 0, 0, 0), consecutiveAbsences: 9 }, null, 0).atRisk).toBe(
      false,
    );
  });

  it.each([
    ['no rules', [], null],
    ['one rule', [{ type: 'min_attendance_percent', value: 80 }], 80],
    [
      'the strictest of several',
      [
        { type: 'min_attendance_percent', value: 70 },
        { type: 'min_contact_hours', value: 60 },
        { type: 'min_attendance_percent', value: 85 },
      ],
      85,
    ],
  ] as const)('attendanceThreshold: %s', (_name, rules, expected) => {
    expect(attendanceThreshold(rules as readonly CompletionRule[])).toBe(expected);
  });
});
