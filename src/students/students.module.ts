import { Module } from '@nestjs/common';
import { StudentImportService } from './student-import.service';
import { StudentPrivacyService } from './student-privacy.service';
import { StudentsController } from './students.controller';
import { StudentsService } from './students.service';

@Module({
  controllers: [StudentsController],
  providers: [StudentsService, StudentImportService, StudentPrivacyService],
  exports: [StudentsService, StudentImportService, StudentPrivacyService],
})
export class StudentsModule {}
