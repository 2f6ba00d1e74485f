import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQuery } from '../../common/pagination';
import { CERTIFICATE_STATUSES } from '../certificate.entity';
import type { CertificateStatus } from '../certificate.entity';

export class ListCertificatesQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  cohortId?: string;

  @ApiPropertyOptional({ enum: CERTIFICATE_STATUSES })
  @IsOptional()
  @IsIn(CERTIFICATE_STATUSES)
  status?: CertificateStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  enrolmentId?: string;
}
