import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { NOTIFICATION_STATUSES } from '../notification.entity';
import type { NotificationStatus } from '../notification.entity';

export class ListNotificationsQuery extends PageQuery {
  @ApiPropertyOptional({
    example: 'session_reminder',
    description: 'certificate_issued, session_reminder, attendance_warning',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @Matches(/^[a-z_]+$/, { message: 'kind must be lower-case letters and underscores' })
  kind?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;

  @ApiPropertyOptional({
    example: 'amara.okafor@nelft.nhs.uk',
    description: 'Only emails sent to this address (any case)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsEmail()
  @MaxLength(320)
  recipient?: string;
}
