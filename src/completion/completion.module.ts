import { Module } from '@nestjs/common';
import { CertificatesModule } from '../certificates/certificates.module';
import { EnrolmentsModule } from '../enrolments/enrolments.module';
import { ProgressModule } from '../progress/progress.module';
import { CompletionController } from './completion.controller';
import { CompletionService } from './completion.service';

/**
 * Completion decisions: statuses move through the enrolments feature, a completed enrolment gets
 * a certificate job, and an override to not_completed revokes its certificate.
 */
@Module({
  imports: [ProgressModule, EnrolmentsModule, CertificatesModule],
  controllers: [CompletionController],
  providers: [CompletionService],
  exports: [CompletionService],
})
export class CompletionModule {}
