import type { RuleResult } from '../completion/completion-rules';
import { formatHours, formatPercent } from './view-helpers';

/**
 * Plain words for a student's progress: what each completion rule asks and where they stand,
 * and why they are at risk. Only wording: the rules are evaluated by the progress service
 * (completion-rules.ts) and this reads its results.
 */

export interface AssessmentTitle {
  code: string;
  title: string;
}

export interface RuleLine {
  text: string;
  passed: boolean;
}

/** "the Reflective essay", "the Reflective essay and the Practice portfolio", "A, B and C". */
function listOf(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function titles(codes: readonly string[], assessments: AssessmentTitle[]): string[] {
  const byCode = new Map(assessments.map((a) => [a.code, a.title]));
  return codes.map((c) => `the ${byCode.get(c) ?? c}`);
}

/** One completion rule's result as a sentence addressed to the student. */
export function ruleLine(result: RuleResult, assessments: AssessmentTitle[]): RuleLine {
  const { passed } = result;
  switch (result.type) {
    case 'min_attendance_percent': {
      const need = `Attend at least ${formatPercent(result.required)} of your sessions`;
      const actual =
        typeof result.actual === 'number'
          ? `you are at ${formatPercent(result.actual)}`
          : 'none of your sessions has been counted yet';
      return { text: `${need} — ${actual}`, passed };
    }
    case 'min_contact_hours': {
      const need = `Attend at least ${formatHours(result.required)} of teaching`;
      const actual =
        typeof result.actual === 'number'
          ? `you have ${formatHours(result.actual)}`
          : 'none counted yet';
      return { text: `${need} — ${actual}`, passed };
    }
    case 'min_block_attendance_percent': {
      const need = `Attend at least ${formatPercent(result.required)} of every teaching block`;
      const actual =
        typeof result.actual === 'number'
          ? `your lowest block is at ${formatPercent(result.actual)}`
          : 'no block has been counted yet';
      return { text: `${need} — ${actual}`, passed };
    }
    case 'min_independent_hours': {
      const need = `Log at least ${formatHours(result.required)} of approved independent study`;
      const actual =
        typeof result.actual === 'number' ? `you have ${formatHours(result.actual)}` : 'none yet';
      return { text: `${need} — ${actual}`, passed };
    }
    case 'assessments_passed': {
      const required = Array.isArray(result.required) ? result.required : [];
      const done = new Set(Array.isArray(result.actual) ? result.actual : []);
      const missing = required.filter((c) => !done.has(c));
      if (required.length === 0) return { text: 'No assessed work is required', passed };
      if (missing.length === 0) {
        return { text: `Pass ${listOf(titles(required, assessments))} — done`, passed };
      }
      return { text: `Pass ${listOf(titles(missing, assessments))}`, passed };
    }
  }
}

/** The strictest attendance percentage the rules ask for, if any. */
export function attendanceTarget(results: RuleResult[]): number | null {
  const values = results.flatMap((r) =>
    r.type === 'min_attendance_percent' && typeof r.required === 'number' ? [r.required] : [],
  );
  return values.length ? Math.max(...values) : null;
}

/**
 * Why the progress service flagged the student at risk, in plain words. The flag itself is the
 * service's (exact comparison); these sentences explain it with the rounded figures shown.
 */
export function atRiskReasons(input: {
  results: RuleResult[];
  maxReachablePercent: number | null;
  consecutiveAbsences: number;
  warnAfterConsecutiveAbsences: number;
}): string[] {
  const reasons: string[] = [];
  const target = attendanceTarget(input.results);
  if (target !== null && input.maxReachablePercent !== null && input.maxReachablePercent < target) {
    reasons.push(
      `Even if you go to every session that is left, your attendance can reach at most ` +
        `${formatPercent(input.maxReachablePercent)}. You need ${formatPercent(target)} to complete the course.`,
    );
  }
  if (
    input.warnAfterConsecutiveAbsences >= 1 &&
    input.consecutiveAbsences >= input.warnAfterConsecutiveAbsences
  ) {
    reasons.push(`You have missed your last ${input.consecutiveAbsences} sessions in a row.`);
  }
  if (reasons.length === 0) {
    reasons.push('Your attendance is close to the least you need to complete the course.');
  }
  return reasons;
}
