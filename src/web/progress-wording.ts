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

/** Who reads the sentence: the student themself, or the course team about the student. */
export type Audience = 'student' | 'staff';

/**
 * The progress service's reasons for the at-risk flag, in plain words, addressed to the student
 * or, for a tutor's overview, about them. The test is the service's (exact comparison,
 * isAtRisk); these sentences only explain it with the rounded figures shown, so when rounding
 * hides the shortfall they say it is close instead.
 */
export function atRiskReasons(
  reasons: readonly AtRiskReason[],
  audience: Audience = 'student',
): string[] {
  const staff = audience === 'staff';
  return reasons.map((reason) => {
    switch (reason.type) {
      case 'attendance_unreachable': {
        const need = formatPercent(reason.requiredPercent);
        if (
          reason.maxReachablePercent === null ||
          reason.maxReachablePercent >= reason.requiredPercent
        ) {
          return staff
            ? `Attendance is close to the least needed to complete the course (${need}).`
            : 'Your attendance is close to the least you need to complete the course.';
        }
        const most = formatPercent(reason.maxReachablePercent);
        return staff
          ? `Even attending every session that is left, attendance can reach at most ${most}; ${need} is needed to complete the course.`
          : `Even if you go to every session that is left, your attendance can reach at most ` +
              `${most}. You need ${need} to complete the course.`;
      }
      case 'consecutive_absences':
        return staff
          ? `Missed the last ${reason.absences} sessions in a row (the warning level is ${reason.warnAfter}).`
          : `You have missed your last ${reason.absences} sessions in a row.`;
    }
  });
}

/** What the course team needs to explain a failed rule: the facts the rule was measured on. */
export interface RuleFacts {
  assessments: ReadonlyArray<{
    code: string;
    title: string;
    outcome: string | null;
    attempt: number | null;
  }>;
  blocks: ReadonlyArray<{ title: string; percent: number | null }>;
}

const OUTCOME_WORDS: Record<string, string> = {
  refer: 'referred',
  fail: 'failed',
  pass: 'passed',
};

/**
 * A rule that does not hold, for the course team: the actual value beside the required one,
 * one line per thing that falls short ("Attendance 72% (needs 80%)", "Reflective essay:
 * referred at attempt 2, pass required"). It reads the rule's result (completion-rules.ts) and
 * the facts it was measured on; it never decides the rule again. A rule that holds gives none.
 */
export function ruleShortfalls(result: RuleResult, facts: RuleFacts): string[] {
  if (result.passed) return [];
  const required = typeof result.required === 'number' ? result.required : null;
  const actual = typeof result.actual === 'number' ? result.actual : null;
  switch (result.type) {
    case 'min_attendance_percent':
      return [
        `Attendance ${actual === null ? 'not measured yet' : formatPercent(actual)} (needs ${formatPercent(required)})`,
      ];
    case 'min_contact_hours':
      return [
        `Contact hours ${actual === null ? 'none yet' : formatHours(actual)} (needs ${formatHours(required)})`,
      ];
    case 'min_independent_hours':
      return [
        `Approved independent study ${actual === null ? 'none yet' : formatHours(actual)} (needs ${formatHours(required)})`,
      ];
    case 'min_block_attendance_percent': {
      const measured = facts.blocks.filter(
        (b): b is { title: string; percent: number } => b.percent !== null,
      );
      // The rule compares exactly; a block the rounding shows at the threshold still fell short,
      // and then the lowest block is the one that did.
      const below = measured.filter((b) => required !== null && b.percent < required);
      const shown = below.length ? below : measured.filter((b) => b.percent === actual).slice(0, 1);
      if (shown.length === 0) {
        return [
          `Lowest teaching block ${formatPercent(actual)} (needs ${formatPercent(required)})`,
        ];
      }
      return shown.map(
        (b) =>
          `${b.title}: attendance ${formatPercent(b.percent)} (needs ${formatPercent(required)})`,
      );
    }
    case 'assessments_passed': {
      const codes = Array.isArray(result.required) ? result.required : [];
      const passed = new Set(Array.isArray(result.actual) ? result.actual : []);
      const byCode = new Map(facts.assessments.map((a) => [a.code, a]));
      return codes
        .filter((code) => !passed.has(code))
        .map((code) => {
          const a = byCode.get(code);
          const title = a?.title ?? code;
          if (!a?.outcome) return `${title}: not marked yet, pass required`;
          const words = OUTCOME_WORDS[a.outcome] ?? a.outcome;
          return `${title}: ${words}${a.attempt ? ` at attempt ${a.attempt}` : ''}, pass required`;
        });
    }
  }
}
