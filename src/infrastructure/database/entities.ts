import { AccountToken } from '../../accounts/account-token.entity';
import { AssessmentResult } from '../../assessments/assessment-result.entity';
import { AbsenceRequest, AbsenceRequestSession } from '../../attendance/absence-request.entity';
import { AuthSession } from '../../auth/auth-session.entity';
import { AttendanceRecord } from '../../attendance/attendance-record.entity';
import { AuditEvent } from '../../audit/audit-event.entity';
import { Certificate } from '../../certificates/certificate.entity';
import { CertificateReissue } from '../../certificates/certificate-reissue.entity';
import { Block } from '../../cohorts/block.entity';
import { Cohort } from '../../cohorts/cohort.entity';
import { CompletionDecision } from '../../completion/completion-decision.entity';
import { Course } from '../../courses/course.entity';
import { Enrolment } from '../../enrolments/enrolment.entity';
import { Notification } from '../../notifications/notification.entity';
import { RiskCheckRequest } from '../../notifications/risk-check-request.entity';
import { RiskState } from '../../notifications/risk-state.entity';
import { CalendarFeed } from '../../sessions/calendar-feed.entity';
import { Session } from '../../sessions/session.entity';
import { Student } from '../../students/student.entity';
import { SystemPing } from '../../system/system-ping.entity';
import { StudyLogEntry } from '../../study-log/study-log-entry.entity';
import { UniversityAward } from '../../awards/university-award.entity';
import { User } from '../../users/user.entity';

/** Every entity, listed explicitly (globs differ between .ts and compiled .js). */
export const entities = [
  AbsenceRequest,
  AbsenceRequestSession,
  AccountToken,
  AssessmentResult,
  AttendanceRecord,
  AuthSession,
  AuditEvent,
  Block,
  CalendarFeed,
  Certificate,
  CertificateReissue,
  Cohort,
  CompletionDecision,
  Course,
  Enrolment,
  Notification,
  RiskCheckRequest,
  RiskState,
  Session,
  Student,
  StudyLogEntry,
  SystemPing,
  UniversityAward,
  User,
];
