import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesQueue } from './certificates.queue';
import { CertificatesService } from './certificates.service';
import { VerifyController } from './verify.controller';
import { VerifyRateLimiter } from './verify-rate-limiter';

/**
 * Certificates: routes under /api/v1 and the service both processes use. The issuing processor
 * is registered in the worker module only.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [CertificatesController, VerifyController],
  providers: [CertificatesService, CertificatesQueue, VerifyRateLimiter],
  exports: [CertificatesService, CertificatesQueue, VerifyRateLimiter],
})
export class CertificatesModule {}
