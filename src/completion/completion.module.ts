import { Module } from '@nestjs/common';
import { CertificatesQueue } from '../certificates/certificates.queue';
import { ProgressModule } from '../progress/progress.module';
import { CompletionController } from './completion.controller';
import { CompletionService } from './completion.service';

/** Completion decisions; a completed enrolment gets a certificate job (CertificatesQueue). */
@Module({
  imports: [ProgressModule],
  controllers: [CompletionController],
  providers: [CompletionService, CertificatesQueue],
  exports: [CompletionService],
})
export class CompletionModule {}
