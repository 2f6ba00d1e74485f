import type { CompletionPreview } from '../completion/completion.service';
import { ruleShortfalls } from './progress-wording';

/**
 * The "Evaluate completion" confirmation page: the completion service's preview (which writes
 * nothing), with every rule each student to be marked not completed fails, worded with the
 * actual and required values. The rules are decided by the preview; this only words them.
 */
export function evaluationView(preview: CompletionPreview) {
  const notMeeting = preview.items
    .filter((i) => i.decidedBy === 'rules' && i.outcome === 'not_completed')
    .map((i) => ({
      enrolmentId: i.enrolmentId,
      studentId: i.studentId,
      studentName: i.studentName,
      failing: i.results.flatMap((r) =>
        ruleShortfalls(r, { assessments: i.assessments, blocks: i.blocks }),
      ),
    }));
  return { preview, notMeeting };
}
