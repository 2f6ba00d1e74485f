import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Body of withdraw and defer: why, kept on the enrolment and in the audit trail. */
export class ChangeEnrolmentDto {
  @ApiProperty({ maxLength: 1000, example: 'Left the trust' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  reason: string;
}
