import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { Trim } from './create-student.dto';

export class ListStudentsQuery extends PageQuery {
  @ApiPropertyOptional({
    description:
      'Matches given name, family name, full name or email, case-insensitively, anywhere in the value',
    example: 'okafor',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(200)
  search?: string;
}
