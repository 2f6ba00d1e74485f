import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, IsUUID, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Withdraw, defer, revoke and reissue all need a reason; it is kept and audited. */
export class ReasonForm {
  @Transform(trim)
  @MaxLength(1000, { message: 'The reason must be 1000 characters or fewer' })
  @IsNotEmpty({ message: 'Enter a reason' })
  @IsString({ message: 'Enter a reason' })
  reason = '';
}

export class TransferForm extends ReasonForm {
  @IsUUID('all', { message: 'Select the cohort to transfer to' })
  toCohortId = '';
}
