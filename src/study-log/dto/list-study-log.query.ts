import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { STUDY_ENTRY_STATUSES, type StudyEntryStatus } from '../study-log-entry.entity';

export class ListStudyLogQuery {
  @ApiPropertyOptional({ enum: STUDY_ENTRY_STATUSES })
  @IsOptional()
  @IsIn(STUDY_ENTRY_STATUSES)
  status?: StudyEntryStatus;
}
