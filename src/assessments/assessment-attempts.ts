import type { AssessmentOutcome } from './assessment-result.entity';

export interface AssessmentState {
  outcome: AssessmentOutcome;
  mark: number | null;
  note: string | null;
  attempt: number;
}

/**
 * What recording `next` over `current` stores, or null when nothing changes (the same body
 * twice is one result). A new outcome or mark after a refer or fail is a resubmission: the
 * attempt number goes up. Changing a pass, or only the note, corrects the same attempt.
 */
export function nextAssessmentState(
  current: AssessmentState | null,
  next: Omit<AssessmentState, 'attempt'>,
): AssessmentState | null {
  if (!current) return { ...next, attempt: 1 };
  const sameResult = current.outcome === next.outcome && current.mark === next.mark;
  if (sameResult && current.note === next.note) return null;
  const resubmission = !sameResult && current.outcome !== 'pass';
  return { ...next, attempt: current.attempt + (resubmission ? 1 : 0) };
}
