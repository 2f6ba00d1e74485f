import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { ROUTES } from '../../courses/course.entity';
import type { AcademicRoute } from '../../courses/course.entity';

export class CreateEnrolmentDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  studentId: string;

  @ApiProperty({ enum: ROUTES })
  @IsIn(ROUTES)
  route: AcademicRoute;

  @ApiPropertyOptional({
    description:
      'When the student started on the cohort (sessions before it never count). Defaults to now; ' +
      'admins may backdate it for historical records, but not set it more than a day ahead.',
    example: '2018-01-08T09:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  enrolledAt?: string;
}
