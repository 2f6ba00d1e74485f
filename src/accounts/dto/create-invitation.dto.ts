import { OmitType } from '@nestjs/swagger';
import { CreateUserDto } from '../../users/dto/create-user.dto';

/**
 * An invitation names the person as creating a user would (email, role, student, cohorts, name),
 * but carries no password: the invited person sets their own from the emailed link. The mapped
 * type keeps CreateUserDto's validation, so the two cannot drift apart.
 */
export class CreateInvitationDto extends OmitType(CreateUserDto, ['password'] as const) {}
