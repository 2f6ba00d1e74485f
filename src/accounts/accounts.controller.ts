import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiGoneResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentActor, Public, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/actor';
import { UuidParam } from '../common/uuid-param';
import { AccountTokens } from './account-tokens.service';
import { CreateInvitationDto } from './dto/create-invitation.dto';
import { PasswordResetRequestDto } from './dto/password-reset-request.dto';
import { SetPasswordDto } from './dto/set-password.dto';
import { InvitationsService } from './invitations.service';
import { PasswordResetService } from './password-reset.service';

@ApiTags('auth')
@Controller()
export class AccountsController {
  constructor(
    private readonly invitations: InvitationsService,
    private readonly resets: PasswordResetService,
    private readonly tokens: AccountTokens,
  ) {}

  @Roles('admin')
  @Post('invitations')
  @ApiOperation({ summary: 'Invite one person: a login and an emailed one-time link (7 days)' })
  invite(@CurrentActor() actor: Actor, @Body() dto: CreateInvitationDto) {
    return this.invitations.invite(actor, dto);
  }

  @Roles('admin')
  @Post('cohorts/:cohortId/invitations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Invite every seated or waitlisted student of a cohort without a login',
  })
  inviteCohort(@CurrentActor() actor: Actor, @UuidParam('cohortId') cohortId: string) {
    return this.invitations.inviteCohort(actor, cohortId);
  }

  @Roles('admin')
  @Post('users/:userId/invitation')
  @ApiOperation({
    summary: 'Send a login that is not set up yet a new link (the old one stops working)',
  })
  resend(@CurrentActor() actor: Actor, @UuidParam('userId') userId: string) {
    return this.invitations.resend(actor, userId);
  }

  @Public()
  @Post('auth/password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: 'Email a password-reset link if the address has a login' })
  @ApiAcceptedResponse({ description: 'The same answer whether or not the email has a login' })
  @ApiTooManyRequestsResponse({ description: 'Too many requests for the email or address' })
  async requestReset(
    @Body() dto: PasswordResetRequestDto,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.resets.request(dto.email, request.ip, String(request.id));
  }

  @Public()
  @Post('auth/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Set a password from an invitation or reset link; ends every session' })
  @ApiNoContentResponse({ description: 'Set; sign in with it' })
  @ApiGoneResponse({ description: 'The link was used, replaced or has expired' })
  async setPassword(@Body() dto: SetPasswordDto, @Req() request: FastifyRequest): Promise<void> {
    await this.tokens.setPassword(dto.token, dto.password, String(request.id));
  }
}
