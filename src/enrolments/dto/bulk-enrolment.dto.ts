import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsUUID } from 'class-validator';
import { ROUTES } from '../../courses/course.entity';
import type { AcademicRoute } from '../../courses/course.entity';

export class BulkEnrolmentDto {
  @ApiProperty({
    type: [String],
    description: 'Seated while seats last, then waitlisted, in this order',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ArrayUnique({ message: 'studentIds must not name a student twice' })
  @IsUUID('all', { each: true })
  studentIds: string[];

  @ApiProperty({ enum: ROUTES })
  @IsIn(ROUTES)
  route: AcademicRoute;
}
