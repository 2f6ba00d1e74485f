import { Module } from '@nestjs/common';
import { ProgressModule } from '../progress/progress.module';
import { HistoryImportController } from './history-import.controller';
import { HistoryImportService } from './history-import.service';

/** Past cohorts (before the system) from a documented CSV, all or nothing. */
@Module({
  imports: [ProgressModule],
  controllers: [HistoryImportController],
  providers: [HistoryImportService],
  exports: [HistoryImportService],
})
export class HistoryImportModule {}
