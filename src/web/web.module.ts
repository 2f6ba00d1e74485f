import { Module } from '@nestjs/common';
import { AssessmentsModule } from '../assessments/assessments.module';
import { AttendanceModule } from '../attendance/attendance.module';
import { AwardsModule } from '../awards/awards.module';
import { HistoryImportModule } from '../history-import/history-import.module';
import { StudyLogModule } from '../study-log/study-log.module';
import { AccreditationPagesController } from './accreditation-pages.controller';
import { AuthModule } from '../auth/auth.module';
import { CertificatesModule } from '../certificates/certificates.module';
import { CohortsModule } from '../cohorts/cohorts.module';
import { CompletionModule } from '../completion/completion.module';
import { CoursesModule } from '../courses/courses.module';
import { UsersModule } from '../users/users.module';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { ProgressModule } from '../progress/progress.module';
import { ReportsModule } from '../reports/reports.module';
import { SessionsModule } from '../sessions/sessions.module';
import { StudentsModule } from '../students/students.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccountsModule } from '../accounts/accounts.module';
import { AccountPagesController } from './account-pages.controller';
import { AdminCohortPagesController } from './admin-cohort-pages.controller';
import { AdminSetupPagesController } from './admin-setup-pages.controller';
import { ApologyPagesController } from './apology-pages.controller';
import { AssessmentPagesController } from './assessment-pages.controller';
import { CalendarFeedPagesController } from './calendar-feed-pages.controller';
import { CheckInPagesController } from './check-in-pages.controller';
import { AdminPeoplePagesController } from './admin-people-pages.controller';
import { AdminStudentPagesController } from './admin-student-pages.controller';
import { AdminUsersPagesController } from './admin-users-pages.controller';
import { AdminPagesController } from './admin-pages.controller';
import { HomeController } from './home.controller';
import { NotFoundController } from './not-found.controller';
import { PageRenderer } from './page-renderer.service';
import { SignInController } from './sign-in.controller';
import { StudentPagesController } from './student-pages.controller';
import { TutorPagesController } from './tutor-pages.controller';
import { WebSession } from './web-session.service';

/**
 * Server-rendered pages (NHS.UK design system) at the site root; see docs/web.md. The Fastify
 * side (cookies, static assets, session cookie) is registered by registerWeb() in bootstrap.
 * The feature modules are imported for their services only: pages call the same services as
 * the API. NotFoundController's catch-all must stay last so it reads as the fallback it is
 * (Fastify matches the most specific route whatever the order).
 */
@Module({
  imports: [
    AuthModule,
    AccountsModule,
    UsersModule,
    CohortsModule,
    SessionsModule,
    EnrolmentsModule,
    StudentsModule,
    ProgressModule,
    AttendanceModule,
    AssessmentsModule,
    CompletionModule,
    CertificatesModule,
    CoursesModule,
    ReportsModule,
    StudyLogModule,
    AwardsModule,
    HistoryImportModule,
    NotificationsModule,
  ],
  controllers: [
    SignInController,
    AccountPagesController,
    HomeController,
    StudentPagesController,
    TutorPagesController,
    AssessmentPagesController,
    CalendarFeedPagesController,
    CheckInPagesController,
    ApologyPagesController,
    AdminSetupPagesController,
    AdminCohortPagesController,
    AdminPagesController,
    AccreditationPagesController,
    AdminPeoplePagesController,
    AdminUsersPagesController,
    AdminStudentPagesController,
    NotFoundController,
  ],
  providers: [PageRenderer, WebSession],
  exports: [PageRenderer, WebSession],
})
export class WebModule {}
