import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './infrastructure/config/app-config';
import { AuditModule } from './audit/audit.module';
import { ScopeModule } from './auth/scope.module';
import { ConfigModule } from './infrastructure/config/config.module';
import { DatabaseModule } from './infrastructure/database/database.module';
import { LoggingModule } from './infrastructure/logging/logging.module';
import { QueuesModule } from './infrastructure/queues/queues.module';
import { RedisModule } from './infrastructure/redis/redis.module';
import { PingProcessor } from './system/ping.processor';
import { SystemModule } from './system/system.module';
import { CertificatesModule } from './certificates/certificates.module';
import { IssueCertificateProcessor } from './certificates/issue-certificate.processor';
import { MailModule } from './infrastructure/mail/mail.module';
import { NotificationsModule } from './notifications/notifications.module';
import { NotificationsProcessor } from './notifications/notifications.processor';
import { OutboxSender } from './notifications/outbox-sender.service';
import { RemindersProcessor } from './notifications/reminders.processor';

/**
 * Root module of the worker process (no HTTP). Processors and job schedulers are registered
 * here and only here, so an API replica never consumes jobs.
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        DatabaseModule,
        RedisModule,
        QueuesModule.forRoot('worker'),
        ScopeModule,
        AuditModule,
        SystemModule,
        CertificatesModule,
        NotificationsModule,
        MailModule,
      ],
      providers: [
        PingProcessor,
        IssueCertificateProcessor,
        NotificationsProcessor,
        RemindersProcessor,
        OutboxSender,
      ],
    };
  }
}
