import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class AssignTutorDto {
  @ApiProperty({ description: 'A user with role tutor' })
  @IsUUID()
  userId: string;
}
