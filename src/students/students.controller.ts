import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../auth/actor';
import { CurrentActor, Roles } from '../auth/access.decorators';
import { UuidParam } from '../common/uuid-param';
import { ImportBody } from '../infrastructure/http/body-parsing';
import { CreateStudentDto } from './dto/create-student.dto';
import { ImportStudentsQuery } from './dto/import-students.query';
import { ListStudentsQuery } from './dto/list-students.query';
import { UpdateStudentDto } from './dto/update-student.dto';
import { CSV_COLUMNS } from './student-csv';
import { StudentImportService } from './student-import.service';
import { StudentPrivacyService } from './student-privacy.service';
import { StudentsService } from './students.service';

@ApiTags('students')
@Controller('students')
export class StudentsController {
  constructor(
    private readonly students: StudentsService,
    private readonly importer: StudentImportService,
    private readonly privacy: StudentPrivacyService,
  ) {}

  @Roles('admin', 'tutor')
  @Get()
  @ApiOperation({
    summary: 'Search students by name or email (tutors: students of their cohorts only)',
  })
  list(@CurrentActor() actor: Actor, @Query() q: ListStudentsQuery) {
    return this.students.list(actor, q);
  }

  @Roles('admin')
  @Post()
  @ApiOperation({ summary: 'Create a student; 409 if the email is taken' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateStudentDto) {
    return this.students.create(actor, dto);
  }

  @Roles('admin')
  @Post('import')
  @ImportBody()
  @HttpCode(200)
  @ApiConsumes('text/csv')
  @ApiBody({
    description: `CSV with the header ${CSV_COLUMNS.join(',')} (any order; employer and registrationNumber optional)`,
    schema: {
      type: 'string',
      example: `${CSV_COLUMNS.join(',')}\nAmara,Okafor,amara.okafor@nelft.nhs.uk,nurse,NELFT NHS Foundation Trust,`,
    },
  })
  @ApiOperation({
    summary:
      'Import students from CSV: every line is validated first; any bad line means nothing is written',
  })
  import(@CurrentActor() actor: Actor, @Body() body: unknown, @Query() q: ImportStudentsQuery) {
    return this.importer.import(actor, body, q.dryRun ?? false);
  }

  @Roles('admin', 'tutor')
  @Get(':studentId')
  @ApiOperation({ summary: 'One student' })
  get(@CurrentActor() actor: Actor, @UuidParam('studentId') studentId: string) {
    return this.students.get(actor, studentId);
  }

  @Roles('admin')
  @Patch(':studentId')
  @ApiOperation({ summary: 'Correct a student record' })
  update(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
    @Body() dto: UpdateStudentDto,
  ) {
    return this.students.update(actor, studentId, dto);
  }

  @Roles('admin')
  @Get(':studentId/export')
  @ApiOperation({ summary: 'Subject access: every personal record held about the student' })
  export(@CurrentActor() actor: Actor, @UuidParam('studentId') studentId: string) {
    return this.privacy.export(actor, studentId);
  }

  @Roles('admin')
  @Delete(':studentId')
  @HttpCode(204)
  @ApiOperation({
    summary:
      'Erase personal data on request; enrolments, results and the certificate register stay, pseudonymous',
  })
  async erase(
    @CurrentActor() actor: Actor,
    @UuidParam('studentId') studentId: string,
  ): Promise<void> {
    await this.privacy.erase(actor, studentId);
  }
}
