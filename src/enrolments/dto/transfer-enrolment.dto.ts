import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { ChangeEnrolmentDto } from './change-enrolment.dto';

export class TransferEnrolmentDto extends ChangeEnrolmentDto {
  @ApiProperty({ format: 'uuid', description: 'Another cohort of the same course' })
  @IsUUID()
  toCohortId: string;
}
