import { Module } from '@nestjs/common';
import { AnnualReturnController } from './annual-return.controller';
import { AnnualReturnService } from './annual-return.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** Accreditation exports (streamed CSV/XLSX), the annual summary and the annual return; admin only. */
@Module({
  controllers: [ReportsController, AnnualReturnController],
  providers: [ReportsService, AnnualReturnService],
  exports: [ReportsService, AnnualReturnService],
})
export class ReportsModule {}
