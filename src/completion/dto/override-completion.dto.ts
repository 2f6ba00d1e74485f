import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { NO_NUL } from '../../attendance/dto/save-register.dto';
import type { CompletionOutcome } from '../completion-decision.entity';

export const COMPLETION_OUTCOMES: readonly CompletionOutcome[] = ['completed', 'not_completed'];

export class OverrideCompletionDto {
  @ApiProperty({ enum: COMPLETION_OUTCOMES })
  @IsIn(COMPLETION_OUTCOMES)
  outcome: CompletionOutcome;

  @ApiProperty({ description: 'Why the rules are overridden; kept with the decision and audited' })
  @IsString()
  @Matches(/\S/, { message: 'reason must not be blank' })
  @Matches(NO_NUL, { message: 'reason must not contain NUL characters' })
  @MaxLength(1000)
  reason: string;
}
