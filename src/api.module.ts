import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, RouterModule } from '@nestjs/core';
import { AccountsModule } from './accounts/accounts.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ScopeModule } from './auth/scope.module';
import { HealthModule } from './health/health.module';
import { AppConfig } from './infrastructure/config/app-config';
import { ConfigModule } from './infrastructure/config/config.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { ProblemDetailsFilter } from './infrastructure/http/problem-details.filter';
import { LoggingModule } from './infrastructure/logging/logging.module';
import { QueuesModule } from './infrastructure/queues/queues.module';
import { RedisModule } from './infrastructure/redis/redis.module';
import { SystemModule } from './system/system.module';
import { UsersModule } from './users/users.module';
import { CoursesModule } from './courses/courses.module';
import { CohortsModule } from './cohorts/cohorts.module';
import { SessionsModule } from './sessions/sessions.module';
import { StudentsModule } from './students/students.module';
import { EnrolmentsModule } from './enrolments/enrolments.module';
import { AttendanceModule } from './attendance/attendance.module';
import { AssessmentsModule } from './assessments/assessments.module';
import { ProgressModule } from './progress/progress.module';
import { CompletionModule } from './completion/completion.module';
import { CertificatesModule } from './certificates/certificates.module';
import { NotificationsModule } from './notifications/notifications.module';
import { ReportsModule } from './reports/reports.module';
import { VerifyPageModule } from './certificates/verify-page.module';
import { WebModule } from './web/web.module';
import { CalendarFeedModule } from './sessions/calendar-feed.module';
import { StudyLogModule } from './study-log/study-log.module';
import { AwardsModule } from './awards/awards.module';
import { HistoryImportModule } from './history-import/history-import.module';

/** Feature modules whose controllers live under /api/v1. */
export const API_V1_MODULES = [
  AuthModule,
  AccountsModule,
  UsersModule,
  SystemModule,
  AuditModule,
  CoursesModule,
  CohortsModule,
  SessionsModule,
  StudentsModule,
  EnrolmentsModule,
  AttendanceModule,
  AssessmentsModule,
  ProgressModule,
  CompletionModule,
  CertificatesModule,
  NotificationsModule,
  ReportsModule,
  StudyLogModule,
  AwardsModule,
  HistoryImportModule,
];

/** Root module of the HTTP API process. It produces jobs; it never consumes them. */
@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        QueuesModule.forRoot('api'),
        ScopeModule,
        ...API_V1_MODULES,
        RouterModule.register(API_V1_MODULES.map((module) => ({ path: 'api/v1', module }))),
        HealthModule,
        // Pages at the site root, outside /api/v1.
        VerifyPageModule,
        CalendarFeedModule,
        WebModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
