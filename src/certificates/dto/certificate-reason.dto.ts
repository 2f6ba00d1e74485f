import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

/** Revoke and reissue both need a reason; it is kept with the record and in the audit trail. */
export class CertificateReasonDto {
  @ApiProperty({ example: 'Name corrected at the holder’s request', maxLength: 1000 })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'reason must not be empty' })
  @MaxLength(1000)
  reason: string;
}
