import type { CohortView } from '../cohorts/cohorts.service';
import type { CohortStatus } from '../cohorts/cohort.entity';
import type { CompletionRule } from '../completion/completion-rules';
import { CohortForm } from './dto/cohort-form.dto';
import { formError, FormError } from './forms';

/**
 * The cohort set-up form and the API's fields, both ways. The completion rules are offered as
 * the four rule types with one value each (an empty box leaves that rule out); the rules' own
 * checks stay in the cohorts service.
 */

export interface CohortInput {
  courseId: string;
  number: number;
  name?: string;
  startDate: string;
  endDate: string;
  capacity: number;
  timezone: string;
  warnAfterConsecutiveAbsences: number;
  completionRules: Array<{ type: CompletionRule['type']; value?: number }>;
  status?: CohortStatus;
  statusFollowsDates?: boolean;
}

export function toCohortInput(form: CohortForm): CohortInput {
  const rules: CohortInput['completionRules'] = [];
  const numeric: Array<[keyof CohortForm, CompletionRule['type']]> = [
    ['minAttendancePercent', 'min_attendance_percent'],
    ['minContactHours', 'min_contact_hours'],
    ['minBlockAttendancePercent', 'min_block_attendance_percent'],
  ];
  for (const [field, type] of numeric) {
    const value = form[field];
    if (typeof value === 'string' && value !== '') rules.push({ type, value: Number(value) });
  }
  if (form.assessmentsPassed === 'all') rules.push({ type: 'assessments_passed' });
  return {
    courseId: form.courseId,
    number: Number(form.number),
    ...(form.name ? { name: form.name } : {}),
    startDate: form.startDate,
    endDate: form.endDate,
    capacity: Number(form.capacity),
    timezone: form.timezone,
    warnAfterConsecutiveAbsences: Number(form.warnAfterConsecutiveAbsences),
    completionRules: rules,
    ...(form.status === 'follow'
      ? { statusFollowsDates: true }
      : { status: form.status as CohortStatus }),
  };
}

/** The form filled from a cohort, for the edit page. */
export function cohortFormFrom(cohort: CohortView): CohortForm {
  const form = new CohortForm();
  const value = (type: CompletionRule['type']) => {
    const rule = cohort.completionRules.find((r) => r.type === type);
    return rule && 'value' in rule && typeof rule.value === 'number' ? String(rule.value) : '';
  };
  Object.assign(form, {
    courseId: cohort.courseId,
    number: String(cohort.number),
    name: cohort.name,
    startDate: cohort.startDate,
    endDate: cohort.endDate,
    capacity: String(cohort.capacity),
    timezone: cohort.timezone,
    warnAfterConsecutiveAbsences: String(cohort.warnAfterConsecutiveAbsences),
    status: cohort.statusSetByHand ? cohort.status : 'follow',
    minAttendancePercent: value('min_attendance_percent'),
    minContactHours: value('min_contact_hours'),
    minBlockAttendancePercent: value('min_block_attendance_percent'),
    assessmentsPassed: cohort.completionRules.some((r) => r.type === 'assessments_passed')
      ? 'all'
      : undefined,
  });
  return form;
}

const RULE_FIELDS: Record<string, string> = {
  min_attendance_percent: 'minAttendancePercent',
  min_contact_hours: 'minContactHours',
  min_block_attendance_percent: 'minBlockAttendancePercent',
};

/** The service's field names onto the form's (completionRules[i] onto the rule's box). */
export function cohortFormErrors(errors: FormError[], input: CohortInput): FormError[] {
  return errors.map((e) => {
    const match = /^completionRules\[(\d+)\]/.exec(e.field ?? '');
    if (!match) return e;
    const rule = input.completionRules[Number(match[1])];
    const field = rule ? RULE_FIELDS[rule.type] : undefined;
    return formError(field, e.text);
  });
}
