import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsBoolean } from 'class-validator';
import { IfPresent, IsPositiveIsoDuration } from './validators';

/** When reminders go out, as ISO 8601 durations before the session. */
export class ReminderSettingsDto {
  @ApiPropertyOptional({ type: [String], example: ['P7D', 'P1D'] })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsPositiveIsoDuration({ each: true })
  blockOffsets?: string[];

  @ApiPropertyOptional({ type: [String], example: ['P1D'] })
  @IfPresent()
  @IsArray()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsPositiveIsoDuration({ each: true })
  sessionOffsets?: string[];

  @ApiPropertyOptional()
  @IfPresent()
  @IsBoolean()
  enabled?: boolean;
}
