import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsUUID, Matches } from 'class-validator';

/** What a student sends to check in: the code on the screen, and the session when scanned. */
export class CheckInDto {
  @ApiProperty({ example: '493027', description: 'The six digits shown by the tutor' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.replace(/\s+/g, '') : value,
  )
  @Matches(/^\d{6}$/, { message: 'Enter the 6-digit code shown on the screen' })
  code: string;

  @ApiPropertyOptional({ description: 'Filled in by the QR code; omitted when the code is typed' })
  @IsOptional()
  @IsUUID(undefined, { message: 'sessionId must be a session id' })
  sessionId?: string;
}
