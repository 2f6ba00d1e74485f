import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { UsersService } from '../users/users.service';
import { CurrentActor, Public, Roles } from './access.decorators';
import type { Actor } from './actor';
import { AuthService } from './auth.service';
import { ChangePasswordDto } from './dto/change-password.dto';
import { LoginDto } from './dto/login.dto';

@ApiTags('auth')
@Controller()
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange email and password for a bearer token' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts for the email or address' })
  login(@Body() dto: LoginDto, @Req() request: FastifyRequest) {
    return this.auth.login(dto.email, dto.password, {
      address: request.ip,
      requestId: String(request.id),
    });
  }

  @Roles('admin', 'tutor', 'student')
  @Post('auth/logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this token’s session; the token stops working at once' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@CurrentActor() actor: Actor, @Req() request: FastifyRequest): Promise<void> {
    await this.auth.logout(actor, request.sessionId as string);
  }

  @Roles('admin', 'tutor', 'student')
  @Post('me/password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Change your password; every session of yours ends, this one too' })
  @ApiNoContentResponse({ description: 'Changed; sign in again with the new password' })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.users.changePassword(actor, dto.currentPassword, dto.newPassword);
  }

  @Roles('admin', 'tutor', 'student')
  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  me(@CurrentActor() actor: Actor) {
    return this.users.get(actor.userId as string);
  }
}
