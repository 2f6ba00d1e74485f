import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { CheckInService } from './check-in.service';
import { CheckInDto } from './dto/check-in.dto';

@ApiTags('attendance')
@Controller()
export class CheckInController {
  constructor(private readonly checkIns: CheckInService) {}

  @Roles('admin', 'tutor')
  @Post('sessions/:sessionId/check-in-code')
  @ApiOperation({ summary: "The session's check-in code now (it changes every 30 seconds)" })
  code(@CurrentActor() actor: Actor, @UuidParam('sessionId') sessionId: string) {
    return this.checkIns.code(actor, sessionId);
  }

  @Roles('student')
  @Post('me/check-in')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Check in with the code on the screen: present, or late with the minutes from arrival',
  })
  checkIn(@CurrentActor() actor: Actor, @Body() dto: CheckInDto) {
    return this.checkIns.checkIn(actor, dto);
  }
}
