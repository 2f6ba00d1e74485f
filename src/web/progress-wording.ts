import type { AtRiskReason, RuleResult } from '../completion/completion-rules';
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

/** Who reads the reasons: the student ("you") or their tutors and administrators ("they"). */
export type Reader = 'student' | 'staff';

const VOICE: Record<
  Reader,
  { you: string; your: string; You: string; Your: string; need: string }
> = {
  student: { you: 'you', your: 'your', You: 'You', Your: 'Your', need: 'You need' },
  staff: { you: 'they', your: 'their', You: 'They', Your: 'Their', need: 'They need' },
};

/**
 * The progress service's reasons for the at-risk flag, in plain words, addressed to the student
 * or, for a tutor's overview, about them. The test is the service's (exact comparison,
 * isAtRisk); these sentences only explain it with the rounded figures shown, so when rounding
 * hides the shortfall they say it is close instead.
 */
export function atRiskReasons(
  reasons: readonly AtRiskReason[],
  reader: Reader = 'student',
): string[] {
  const v = VOICE[reader];
  return reasons.map((reason) => {
    switch (reason.type) {
      case 'attendance_unreachable':
        return reason.maxReachablePercent !== null &&
          reason.maxReachablePercent < reason.requiredPercent
          ? `Even if ${v.you} go to every session that is left, ${v.your} attendance can reach at most ` +
              `${formatPercent(reason.maxReachablePercent)}. ${v.need} ${formatPercent(reason.requiredPercent)} to complete the course.`
          : `${v.Your} attendance is close to the least ${v.you} need to complete the course.`;
      case 'consecutive_absences':
        return `${v.You} have missed ${v.your} last ${reason.absences} sessions in a row.`;
    }
  });
}
