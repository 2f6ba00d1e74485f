import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module';
import { CertificatesController } from './certificates.controller';
import { CertificatesQueue } from './certificates.queue';
import { CertificateIssuingService } from './certificate-issuing.service';
import { CertificateVerificationService } from './certificate-verification.service';
import { CertificatesService } from './certificates.service';
import { VerifyController } from './verify.controller';
import { VerifyRateLimiter } from './verify-rate-limiter';

/**
 * Certificates: routes under /api/v1 and the services both processes use (issuing and the
 * sweep; reads, revoke and reissue; public verification). The issuing processor is registered
 * in the worker module only.
 */
@Module({
  imports: [NotificationsModule],
  controllers: [CertificatesController, VerifyController],
  providers: [
    CertificatesService,
    CertificateIssuingService,
    CertificateVerificationService,
    CertificatesQueue,
    VerifyRateLimiter,
  ],
  exports: [
    CertificatesService,
    CertificateIssuingService,
    CertificateVerificationService,
    CertificatesQueue,
    VerifyRateLimiter,
  ],
})
export class CertificatesModule {}
