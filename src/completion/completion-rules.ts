/**
 * Completion rules: data on the cohort, evaluated by one pure function.
 * No Nest, TypeORM or database imports here: the same code explains a decision in the API,
 * stores it with the decision, and is unit-tested exhaustively.
 */

export type CompletionRule =
  | { type: 'min_attendance_percent'; value: number }
  | { type: 'min_contact_hours'; value: number }
  | { type: 'min_block_attendance_percent'; value: number }
  /** `codes` omitted: every required assessment of the course. */
  | { type: 'assessments_passed'; codes?: string[] };

export type CompletionRuleType = CompletionRule['type'];
export const COMPLETION_RULE_TYPES: readonly CompletionRuleType[] = [
  'min_attendance_percent',
  'min_contact_hours',
  'min_block_attendance_percent',
  'assessments_passed',
];

/** Minutes over the eligible sessions (ended, and started on or after the enrolment date). */
export interface MinuteFacts {
  attendedMinutes: number;
  eligibleMinutes: number;
  excusedMinutes: number;
}

export interface BlockFacts extends MinuteFacts {
  blockId: string;
  title: string;
}

export interface CompletionFacts extends MinuteFacts {
  blocks: BlockFacts[];
  /** Latest outcome per assessment code. */
  assessments: Record<string, 'pass' | 'refer' | 'fail'>;
  requiredAssessmentCodes: string[];
}

export interface RuleResult {
  type: CompletionRuleType;
  required: number | string[];
  /** Null when there is nothing to measure yet (no eligible minutes). */
  actual: number | string[] | null;
  passed: boolean;
}

/** attended / (eligible - excused), as a percentage with one decimal; null when undefined. */
export function attendancePercent(f: MinuteFacts): number | null {
  const denominator = f.eligibleMinutes - f.excusedMinutes;
  return denominator > 0 ? round1((100 * f.attendedMinutes) / denominator) : null;
}

/** (attended + excused) / eligible, as a percentage with one decimal; null when undefined. */
export function commitmentPercent(f: MinuteFacts): number | null {
  return f.eligibleMinutes > 0
    ? round1((100 * (f.attendedMinutes + f.excusedMinutes)) / f.eligibleMinutes)
    : null;
}

/** Minutes of the mandatory sessions that have not ended yet (and count for the enrolment). */
export interface OutlookFacts extends MinuteFacts {
  remainingMinutes: number;
}

/**
 * The attendance % reached if every remaining session is attended in full:
 * (attended + remaining) / (eligible - excused + remaining). Null when nothing is measurable.
 */
export function maxReachablePercent(f: OutlookFacts): number | null {
  return attendancePercent(reachable(f));
}

function reachable(f: OutlookFacts): MinuteFacts {
  return {
    attendedMinutes: f.attendedMinutes + f.remainingMinutes,
    eligibleMinutes: f.eligibleMinutes + f.remainingMinutes,
    excusedMinutes: f.excusedMinutes,
  };
}

/** The cohort's attendance threshold: the strictest `min_attendance_percent` rule, if any. */
export function attendanceThreshold(rules: readonly CompletionRule[]): number | null {
  const values = rules.flatMap((r) => (r.type === 'min_attendance_percent' ? [r.value] : []));
  return values.length > 0 ? Math.max(...values) : null;
}

/** Why a student is at risk; the facts each reason was found on. */
export type AtRiskReason =
  | {
      type: 'attendance_unreachable';
      /** Rounded to one decimal for display; the test itself compares exactly. */
      maxReachablePercent: number | null;
      requiredPercent: number;
    }
  | { type: 'consecutive_absences'; absences: number; warnAfter: number };

/**
 * At risk: even full attendance from now on cannot reach the threshold (compared exactly, like
 * the completion rule), or the run of unexcused absences has reached the warning level.
 * Nothing measurable (no eligible or remaining minutes) is not a risk; a warning level below 1
 * turns the absence test off. Returns the reasons found, so pages and emails explain the flag
 * without testing it again.
 */
export function isAtRisk(
  f: OutlookFacts & { consecutiveAbsences: number },
  threshold: number | null,
  warnAfterConsecutiveAbsences: number,
): { atRisk: boolean; reasons: AtRiskReason[] } {
  const reasons: AtRiskReason[] = [];
  const r = reachable(f);
  const measurable = r.eligibleMinutes - r.excusedMinutes > 0;
  if (threshold !== null && measurable && !meetsPercent(r, threshold)) {
    reasons.push({
      type: 'attendance_unreachable',
      maxReachablePercent: maxReachablePercent(f),
      requiredPercent: threshold,
    });
  }
  if (warnAfterConsecutiveAbsences >= 1 && f.consecutiveAbsences >= warnAfterConsecutiveAbsences) {
    reasons.push({
      type: 'consecutive_absences',
      absences: f.consecutiveAbsences,
      warnAfter: warnAfterConsecutiveAbsences,
    });
  }
  return { atRisk: reasons.length > 0, reasons };
}

export function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Exact comparison of attended/denominator against a percentage threshold, without rounding:
 * 80.0% passes an 80% rule, 79.95% fails it. A nothing-to-measure denominator fails.
 */
export function meetsPercent(f: MinuteFacts, threshold: number): boolean {
  const denominator = f.eligibleMinutes - f.excusedMinutes;
  if (denominator <= 0) return false;
  // Compare integers scaled by 1e6 so thresholds like 66.7 do not suffer float error.
  return Math.round(f.attendedMinutes * 100 * 1e6) >= Math.round(threshold * denominator * 1e6);
}

export function evaluateRule(rule: CompletionRule, facts: CompletionFacts): RuleResult {
  switch (rule.type) {
    case 'min_attendance_percent':
      return {
        type: rule.type,
        required: rule.value,
        actual: attendancePercent(facts),
        passed: meetsPercent(facts, rule.value),
      };
    case 'min_contact_hours':
      return {
        type: rule.type,
        required: rule.value,
        actual: round1(facts.attendedMinutes / 60),
        passed: facts.attendedMinutes >= rule.value * 60,
      };
    case 'min_block_attendance_percent': {
      // A block with no measurable minutes yet (nothing eligible, or all excused) is not held
      // against the student; actual is the lowest measured block.
      const measured = facts.blocks.filter((b) => b.eligibleMinutes - b.excusedMinutes > 0);
      const percents = measured.map((b) => attendancePercent(b) as number);
      return {
        type: rule.type,
        required: rule.value,
        actual: percents.length > 0 ? Math.min(...percents) : null,
        passed: measured.every((b) => meetsPercent(b, rule.value)),
      };
    }
    case 'assessments_passed': {
      const codes = rule.codes ?? facts.requiredAssessmentCodes;
      const passedCodes = codes.filter((c) => facts.assessments[c] === 'pass');
      return {
        type: rule.type,
        required: codes,
        actual: passedCodes,
        passed: passedCodes.length === codes.length,
      };
    }
  }
}

/** Every rule must hold; the results explain each one. */
export function evaluateCompletion(
  rules: CompletionRule[],
  facts: CompletionFacts,
): { passed: boolean; results: RuleResult[] } {
  const results = rules.map((r) => evaluateRule(r, facts));
  return { passed: results.every((r) => r.passed), results };
}
