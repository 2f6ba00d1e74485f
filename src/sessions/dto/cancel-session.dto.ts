import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Cancelling needs a reason: the attendees' email and the record carry it. */
export class CancelSessionDto {
  @ApiProperty({ example: 'Tutor unwell; the day will be made up in week 3', maxLength: 500 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString({ message: 'Enter why the session is cancelled' })
  @IsNotEmpty({ message: 'Enter why the session is cancelled' })
  @MaxLength(500, { message: 'The reason must be 500 characters or fewer' })
  reason: string;
}
